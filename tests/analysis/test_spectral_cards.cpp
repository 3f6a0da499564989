// The output cards of long oscillator runs, through netlists: `.options interp` (waveforms on the tstep
// grid, linearly interpolated, against the closed-form source; states saved with `.save` included),
// `.spectrum` (peak of a tone, Parseval, JSON arrays) with `.meas PEAKFREQ/LINEWIDTH` agreeing with it,
// and the error paths of `.spectrum`.
#include "analysis/json_writer.hpp"
#include "analysis/run_netlist.hpp"
#include "core/diagnostics.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <sstream>

using namespace spinspice;

namespace {
double measurement(const Waveforms& w, const std::string& name) {
    for (const auto& m : w.measurements)
        if (m.name == name) {
            REQUIRE_MESSAGE(m.error.empty(), m.error);
            return m.value;
        }
    FAIL("no measurement " << name);
    return 0;
}
} // namespace

TEST_CASE(".options interp: .tran writes the tstep grid only, interpolated, states included") {
    const std::string deck = "interp\n"
                             "v1 a 0 sin(0 1 1meg)\n"
                             "r1 a 0 1k\n"
                             "v2 b 0 dc 4\nrs b c 200\n"
                             ".model osc stno (f0=100meg nshift=-50meg gammag=1e7 ith=5m)\n"
                             "n1 c 0 osc p0=0.01\n"
                             ".save v(a) n1.cr\n"
                             ".tran 10n 20u\n";
    const NetlistRun plain = simulateNetlistString(deck, "plain.cir");
    const NetlistRun run = simulateNetlistString(deck + ".options interp\n", "interp.cir");
    const Waveforms& w = run.result.analyses.front();
    REQUIRE(w.error.empty());
    const auto& t = test::signal(w, "time");
    const auto& v = test::signal(w, "v(a)");
    REQUIRE(t.size() == 2001);
    CHECK(plain.result.analyses.front().points() > 2001); // the internal steps: 20 a period of 10 ns
    double worst = 0;
    for (std::size_t k = 0; k < t.size(); ++k) {
        CHECK(t[k] == doctest::Approx(10e-9 * static_cast<double>(k)).epsilon(1e-12).scale(1e-18));
        worst = std::max(worst, std::fabs(v[k] - std::sin(2 * std::numbers::pi * 1e6 * t[k])));
    }
    // Linear interpolation between accepted points at most 5 ns apart: (w h)^2/8 = 1.2e-4.
    CHECK(worst < 3e-4);
    // The oscillator's state on the same grid, equal to the plain run's at shared instants (t = 20 us).
    const auto& cr = test::signal(w, "n1.cr");
    REQUIRE(cr.size() == 2001);
    CHECK(cr.back() ==
          doctest::Approx(test::signal(plain.result.analyses.front(), "n1.cr").back()).epsilon(1e-9).scale(0));
}

TEST_CASE(".spectrum and .meas PEAKFREQ/LINEWIDTH: a tone's peak, its power, and the JSON arrays") {
    const double f = 1.2345e6, amplitude = 0.7;
    const NetlistRun run = simulateNetlistString("spectrum\n"
                                                 "v1 a 0 sin(0.2 0.7 1.2345meg)\n"
                                                 "r1 a 0 1k\n"
                                                 ".tran 20n 200u\n"
                                                 ".spectrum v(a) from=10u segments=4\n"
                                                 ".spectrum v(a) window=rect\n"
                                                 ".meas tran fpeak PEAKFREQ v(a) from=10u\n"
                                                 ".meas tran width LINEWIDTH v(a)\n",
                                                 "spectrum.cir");
    const Waveforms& w = run.result.analyses.front();
    REQUIRE(w.spectra.size() == 2);
    const SpectrumResult& s = w.spectra[0];
    REQUIRE_MESSAGE(s.error.empty(), s.error);
    CHECK(s.signal == "v(a)");
    CHECK(s.start == doctest::Approx(10e-6).scale(0));
    CHECK(s.stop == doctest::Approx(200e-6).scale(0));
    CHECK(std::fabs(s.peakFrequency - f) < 0.05 * s.binWidth);
    REQUIRE(s.frequency.size() == s.psd.size());
    double power = 0; // Parseval: the tone's variance A^2/2 (the DC removed)
    for (double p : s.psd) power += p * s.binWidth;
    CHECK(power == doctest::Approx(amplitude * amplitude / 2).epsilon(0.02).scale(0));
    CHECK(s.linewidth ==
          doctest::Approx(s.resolution).epsilon(0.1).scale(0)); // a pure tone reads as the window's width
    // The log-parabola refinement fits the Hann line; a rectangular window's sinc line leaves ~0.1 bin.
    CHECK(std::fabs(w.spectra[1].peakFrequency - f) < 0.2 * w.spectra[1].binWidth);
    // .meas with the default segments over the same window; LINEWIDTH over the whole run.
    CHECK(std::fabs(measurement(w, "fpeak") - f) < 0.05 * s.binWidth * 2);
    CHECK(measurement(w, "width") < 4 * s.resolution);

    std::ostringstream json;
    writeJson(run.result, json);
    const std::string text = json.str();
    CHECK(text.find("\"spectra\":{\"v(a)\":{\"peak_frequency\":") != std::string::npos);
    CHECK(text.find("\"psd\":[") != std::string::npos);
}

TEST_CASE(".spectrum: errors name the token and what to write") {
    const std::string head = "t\nv1 a 0 sin(0 1 1meg)\nr1 a 0 1\n.tran 10n 10u\n";
    CHECK_THROWS_AS(simulateNetlistString(head + ".spectrum v(a) window=foo\n", "bad.cir"), InputError);
    CHECK_THROWS_AS(simulateNetlistString(head + ".spectrum v(a) from=5u to=1u\n", "bad.cir"), InputError);
    CHECK_THROWS_AS(simulateNetlistString(head + ".spectrum segments=4\n", "bad.cir"), InputError);
    CHECK_THROWS_AS(simulateNetlistString(head + ".spectrum v(a) segments=0\n", "bad.cir"), InputError);
    // A window outside the run: reported in the result, the waveforms kept.
    const NetlistRun run = simulateNetlistString(head + ".spectrum v(a) from=20u to=30u\n", "late.cir");
    REQUIRE(run.result.analyses.front().spectra.size() == 1);
    CHECK(!run.result.analyses.front().spectra.front().error.empty());
}
