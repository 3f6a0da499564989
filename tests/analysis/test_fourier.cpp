// `.four` against a closed form (0.5 + 2 sin(w t) + 0.5 cos(3 w t): DC 0.5, |H1| = 2 at 0 deg,
// |H3| = 0.5 at 90 deg, THD 25 %) and against ngspice 42 on a diode clipper (its printed table,
// tests/regression has the deck's other results), plus the text layout and the error paths.
#include "analysis/print_tables.hpp"
#include "analysis/run_netlist.hpp"
#include "core/diagnostics.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

using namespace spinspice;

namespace {
const FourierResult& onlyFourier(const NetlistRun& run, std::size_t index = 0) {
    REQUIRE(run.result.analyses.size() == 1);
    const auto& fourier = run.result.analyses.front().fourier;
    REQUIRE(fourier.size() > index);
    REQUIRE_MESSAGE(fourier[index].error.empty(), fourier[index].error);
    return fourier[index];
}
} // namespace

TEST_CASE(".four: a sum of harmonics gives its coefficients, phases and THD; nfreqs and fourgridsize apply") {
    const NetlistRun run = simulateNetlistString("fourier closed form\n"
                                                 "v1 a 0 sin(0.5 2 1k)\n"
                                                 "v2 b a sin(0 0.5 3k 0 0 90)\n"
                                                 "r1 b 0 1k\n"
                                                 ".tran 1u 2m\n"
                                                 ".options nfreqs=5 fourgridsize=400\n"
                                                 ".four 1k v(b)\n",
                                                 "four.cir");
    const FourierResult& f = onlyFourier(run);
    CHECK(f.signal == "v(b)");
    CHECK(f.gridSize == 400);
    REQUIRE(f.harmonics.size() == 5);
    CHECK(f.dc == doctest::Approx(0.5).epsilon(1e-6).scale(0));
    CHECK(f.harmonics[1].magnitude == doctest::Approx(2).epsilon(1e-5).scale(0));
    CHECK(std::fabs(f.harmonics[1].phase) < 1e-3);
    // Linear interpolation on 400 points attenuates the third harmonic by sinc^2(3/400): 1.9e-5.
    CHECK(f.harmonics[3].magnitude == doctest::Approx(0.5).epsilon(1e-4).scale(0));
    CHECK(f.harmonics[3].phase == doctest::Approx(90).epsilon(1e-5).scale(0));
    CHECK(f.harmonics[3].frequency == doctest::Approx(3000).scale(0));
    CHECK(f.harmonics[2].magnitude < 1e-9);
    CHECK(f.harmonics[4].magnitude < 1e-9);
    CHECK(f.thd == doctest::Approx(25).epsilon(1e-4).scale(0));
}

TEST_CASE(".four: a diode clipper matches ngspice's table") {
    const NetlistRun run = simulateNetlistString("fourier of a diode clipper\n"
                                                 "v1 in 0 sin(0 2 1k)\n"
                                                 "r1 in out 1k\n"
                                                 "d1 out 0 dmod\n"
                                                 ".model dmod d is=1e-14\n"
                                                 ".tran 1u 3m\n"
                                                 ".four 1k v(out) v(in)\n",
                                                 "clipper.cir");
    const FourierResult& f = onlyFourier(run);
    // ngspice -b (42): THD 26.4226 %, then |H0| ... |H9| and phases (degrees).
    const double magnitude[] = {-0.34723, 1.40714,    0.351019,  0.107495,  0.0287614,
                                0.045493, 0.00700248, 0.0187336, 0.0120019, 0.0053074};
    const double phase[] = {0, 0, 90, 0, 90, 0, -90, 0, -90, 0};
    REQUIRE(f.harmonics.size() == 10);
    CHECK(f.thd == doctest::Approx(26.4226).epsilon(1e-3).scale(0));
    for (int h = 0; h < 10; ++h) {
        CAPTURE(h);
        CHECK(f.harmonics[h].magnitude == doctest::Approx(magnitude[h]).epsilon(2e-3).scale(0));
        CHECK(f.harmonics[h].phase == doctest::Approx(phase[h]).epsilon(1e-4).scale(1));
    }
    const FourierResult& input = onlyFourier(run, 1);
    CHECK(input.harmonics[1].magnitude == doctest::Approx(2).epsilon(1e-4).scale(0));
    CHECK(input.thd < 1e-6);

    std::ostringstream text;
    printSpectral(run.result, text);
    CHECK(text.str().find("Fourier analysis for v(out):\n  No. Harmonics: 10, THD: 26.42") == 0);
    CHECK(text.str().find("Harmonic Frequency   Magnitude   Phase       Norm. Mag   Norm. Phase") != std::string::npos);
}

TEST_CASE(".four: errors say where and what to do") {
    CHECK_THROWS_AS(simulateNetlistString("t\nv1 a 0 1\nr1 a 0 1\n.tran 1u 1m\n.four 0 v(a)\n", "bad.cir"), InputError);
    CHECK_THROWS_AS(simulateNetlistString("t\nv1 a 0 1\nr1 a 0 1\n.tran 1u 1m\n.four 1k\n", "bad.cir"), InputError);
    CHECK_THROWS_AS(simulateNetlistString("t\nv1 a 0 1\nr1 a 0 1\n.tran 1u 1m\n.four 1k v(nope)\n", "bad.cir"),
                    InputError);
    // A transient shorter than one period: the table reports it, the run keeps its waveforms.
    const NetlistRun run = simulateNetlistString("t\nv1 a 0 1\nr1 a 0 1\n.tran 1u 1m\n.four 100 v(a)\n", "short.cir");
    REQUIRE(run.result.analyses.front().fourier.size() == 1);
    CHECK(run.result.analyses.front().fourier.front().error.find("shorter than one period") != std::string::npos);
    CHECK(run.result.analyses.front().points() > 2);
}
