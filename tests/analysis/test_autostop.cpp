// `.options autostop` (HSPICE's .option autostop): a transient ends once every `.meas tran` has its
// final value. On an RC step response (tau = 1 us, input step at 1 us, tstop 50 us): each measurement
// equals the full run's bit for bit, the run ends soon after the last one settled (the 50 % crossing
// at 1 + ln 2 us, AT=, TO=), and measurements that need the whole run (AVG without TO=, CROSS=LAST, a
// crossing never met) keep it going to tstop.
#include "analysis/run_netlist.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>

using namespace spinspice;

namespace {

const std::string kCircuit = "rc\nv1 in 0 pulse(0 1 1u 1n 1n 1 2)\nr1 in out 1k\nc1 out 0 1n\n"
                             ".tran 10n 50u\n";

Waveforms runRc(const std::string& measures, bool autostop) {
    const std::string deck = kCircuit + measures + (autostop ? ".option autostop\n" : "") + ".end\n";
    NetlistRun run = simulateNetlistString(deck, "rc.cir");
    REQUIRE(run.result.analyses.size() == 1);
    REQUIRE(run.result.analyses[0].error.empty());
    return run.result.analyses[0];
}

double endTime(const Waveforms& w) {
    return w.re.front().back();
}

bool sameMeasurements(const Waveforms& a, const Waveforms& b) {
    if (a.measurements.size() != b.measurements.size()) return false;
    for (std::size_t k = 0; k < a.measurements.size(); ++k) {
        const Measurement &x = a.measurements[k], &y = b.measurements[k];
        if (x.name != y.name || x.error != y.error || std::memcmp(&x.value, &y.value, sizeof(double)) != 0)
            return false;
    }
    return true;
}

} // namespace

TEST_CASE("autostop: the run ends once every measurement settled, with the full run's values") {
    const double half = 1e-6 + 1e-6 * std::log(2.0); // v(out) = 0.5
    struct Case {
        const char* measures;
        double settledAt; // the run may end only after this
    };
    const Case cases[] = {
        {".meas tran t50 when v(out)=0.5 cross=1\n", half},
        {".meas tran delay trig v(in) val=0.5 rise=1 targ v(out) val=0.5 rise=1\n"
         ".meas tran slope deriv v(out) when v(out)=0.5\n.meas tran twice param='2*delay'\n",
         half},
        {".meas tran v3 find v(out) at=3u\n.meas tran vmax max v(out) from=0 to=4u\n", 4e-6},
        {".meas tran t50 when v(out)=0.5\n.meas tran v8 find v(out) at=8u\n", 8e-6},
    };
    for (const Case& c : cases) {
        CAPTURE(c.measures);
        const Waveforms full = runRc(c.measures, false), stopped = runRc(c.measures, true);
        CHECK(endTime(full) == doctest::Approx(50e-6));
        CHECK(endTime(stopped) > c.settledAt);
        // The checks run every tenth of the points so far: it ends within ~10 % + 64 points of settling.
        CHECK(endTime(stopped) < 1.3 * c.settledAt + 2e-6);
        CHECK(sameMeasurements(full, stopped));
        for (const auto& m : stopped.measurements) CHECK(m.error.empty());
        // The points up to the end are those of the full run.
        const std::size_t n = stopped.points();
        CHECK(std::memcmp(stopped.re[1].data(), full.re[1].data(), n * sizeof(double)) == 0);
    }
}

TEST_CASE("autostop: measurements that need the whole run keep it going to tstop") {
    for (const char* measures :
         {".meas tran t50 when v(out)=0.5\n.meas tran a avg v(out)\n", ".meas tran tl when v(out)=0.5 cross=last\n",
          ".meas tran never when v(out)=2\n", ".meas tran p param='1+1'\n"}) {
        CAPTURE(measures);
        const Waveforms stopped = runRc(measures, true);
        CHECK(endTime(stopped) == doctest::Approx(50e-6));
        CHECK(sameMeasurements(stopped, runRc(measures, false)));
    }
    // No .meas at all: the option changes nothing.
    CHECK(endTime(runRc("", true)) == doctest::Approx(50e-6));
}

TEST_CASE(".options waveforms=0: the measurements of the full run, no waveforms") {
    const std::string measures = ".meas tran t50 when v(out)=0.5\n.meas tran a avg v(out)\n";
    const Waveforms full = runRc(measures, false);
    const std::string deck = kCircuit + measures + ".options waveforms=0\n.end\n";
    NetlistRun run = simulateNetlistString(deck, "rc.cir");
    REQUIRE(run.result.analyses.size() == 1);
    const Waveforms& bare = run.result.analyses[0];
    CHECK(bare.names.empty());
    CHECK(bare.re.empty());
    CHECK(bare.stats.accepted == full.stats.accepted);
    CHECK(sameMeasurements(bare, full));
}
