// `.tones` (analysis/tones.cpp): a chain of sdiode resonators under several tones against the sum of
// eq. 5.4 (exact for ideal current drive), the control-node shift, the same chain driven through a
// resistor against the time average of a transient, and an stno's emitted tone against the closed form
// and a transient.
#include "analysis/run_netlist.hpp"
#include "core/diagnostics.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>

using namespace spinspice;
using spinspice::test::num;

namespace {
constexpr double kKsd = 8.8388e3, kR0 = 1000, kAlpha = 0.01;

// ksd P [mix A(f) - (1 - mix) S(f)], P = r0 I^2/2, D = alpha fr (device-physics eq. 5.4).
double rectified(double f, double fr, double current, double mix = 1.0) {
    const double delta = kAlpha * fr, d = f - fr, p = 0.5 * kR0 * current * current;
    return kKsd * p * (mix * 2 * delta * d - (1 - mix) * delta * delta) / (delta * delta + d * d);
}

// The tones analysis' row at frequency f (0: DC) of a signal.
std::complex<double> at(const Waveforms& w, const std::string& signal, double f) {
    const auto& freqs = test::signal(w, "frequency");
    const auto* re = w.find(signal);
    const auto* im = w.findImag(signal);
    REQUIRE_MESSAGE(re != nullptr, "no signal " << signal);
    for (std::size_t k = 0; k < freqs.size(); ++k)
        if (std::fabs(freqs[k] - f) <= 1e-9 * std::max(1.0, f)) return {(*re)[k], (*im)[k]};
    FAIL("no tone at " << f << " Hz");
    return {};
}

// The run's single analysis (a copy: the run is a temporary).
Waveforms only(const NetlistRun& run) {
    REQUIRE(run.result.analyses.size() == 1);
    const Waveforms& w = run.result.analyses.front();
    REQUIRE_MESSAGE(w.error.empty(), w.error);
    return w;
}
} // namespace

TEST_CASE(".tones: a chain of resonators under three tones is the sum of eq. 5.4, signs head to tail") {
    const double fres[] = {1.0e9, 1.012e9, 0.993e9}, f[] = {1.005e9, 1.01e9, 0.99e9}, amp[] = {10e-6, 7e-6, 12e-6};
    std::string deck = "chain\n";
    for (int k = 0; k < 3; ++k) {
        deck += ".model sd" + num(k) + " sdiode (fres=" + num(fres[k]) + " alpha=" + num(kAlpha) + " ksd=" + num(kKsd) +
                " r0=" + num(kR0) + ")\n";
        deck += "i" + num(k) + " 0 top sin(0 " + num(amp[k]) + " " + num(f[k]) + ")\n";
    }
    // top -> m1 (forward), m2 -> m1 (reversed), m2 -> 0 (forward).
    deck += "n1 top m1 sd0\nn2 m2 m1 sd1\nn3 m2 0 sd2\n.tones\n";
    const Waveforms w = only(simulateNetlistString(deck, "chain.cir"));
    double expected = 0;
    for (int r = 0; r < 3; ++r)
        for (int k = 0; k < 3; ++k) expected += (r == 1 ? -1.0 : 1.0) * rectified(f[k], fres[r], amp[k]);
    CHECK(std::fabs(expected) > 1e-4); // the tones are near enough to rectify
    CHECK(at(w, "v(top)", 0).real() == doctest::Approx(expected).epsilon(1e-9).scale(0));
    // Each tone's phasor across the chain: 3 r0 I (the resonators' DC current is 0).
    CHECK(std::abs(at(w, "v(top)", f[1])) == doctest::Approx(3 * kR0 * amp[1]).epsilon(1e-9).scale(0));
    CHECK(test::signal(w, "frequency").size() == 4);
}

TEST_CASE(".tones: the control node moves the resonance, mix weighs the symmetric line") {
    const double f = 1.01e9, amp = 10e-6, dfdv = 5e6;
    for (double vctl : {0.0, 1.0, -2.0})
        for (double mix : {1.0, 0.3}) {
            CAPTURE(vctl);
            CAPTURE(mix);
            const Waveforms w = only(simulateNetlistString(
                "ctrl\n.model sd sdiode (fres=1g alpha=0.01 ksd=" + num(kKsd) + " r0=1k mix=" + num(mix) +
                    " dfdv=" + num(dfdv) + ")\ni1 0 a sin(0 " + num(amp) + " " + num(f) + ")\nn1 a 0 c sd\nvc c 0 " +
                    num(vctl) + "\n.tones\n",
                "ctrl.cir"));
            CHECK(at(w, "v(a)", 0).real() ==
                  doctest::Approx(rectified(f, 1e9 + dfdv * vctl, amp, mix)).epsilon(1e-9).scale(0));
        }
}

TEST_CASE(".tones against the transient: two tones through a source resistance into a chain") {
    // A 50-ohm line (two sources in series behind 50 ohm) into two resonators head to tail, the DC read
    // through an RC low-pass (a bias tee's DC port). The transient's time average over the last 100 ns
    // (3 periods of the 30 MHz beat). The drive is small (|dR|/r0 ~ ksd |i_rf| = 0.04): the resonators
    // are linear in it, as the rectification formula assumes; at ten times the drive the transient's
    // R(t) modulates the current itself and the two part by ~10 %.
    const std::string deck = ".model sa sdiode (fres=1g alpha=0.02 ksd=8.8388e3 r0=500)\n"
                             ".model sb sdiode (fres=1.03g alpha=0.02 ksd=8.8388e3 r0=500)\n"
                             "v1 s1 0 sin(0 5m 1.01g)\nv2 s2 s1 sin(0 4m 1.04g)\nrs s2 top 50\n"
                             "n1 top m sa\nn2 0 m sb\nrf top f 1k\ncf f 0 20p\n";
    const Waveforms tones = only(simulateNetlistString("tones\n" + deck + ".tones\n", "tones.cir"));
    const NetlistRun tran = simulateNetlistString(
        "tran\n" + deck + ".tran 0.05n 400n\n.save v(f)\n.meas tran vdc AVG v(f) from=300n\n", "tran.cir");
    REQUIRE(tran.result.analyses.front().measurements.size() == 1);
    const double vdc = tran.result.analyses.front().measurements.front().value;
    const double vtones = at(tones, "v(f)", 0).real();
    CHECK(std::fabs(vtones) > 1e-6);
    MESSAGE("tones " << vtones << " V, transient " << vdc << " V");
    CHECK(vdc == doctest::Approx(vtones).epsilon(0.02).scale(0));
}

TEST_CASE(".tones: an stno emits f0 + nshift p0 at p0 = (zeta - 1)/(zeta + q) of its DC current") {
    // 5 V through 500 ohm into the oscillator (r0 1 kOhm: i = 3.33 mA, zeta = 3.33), the tone across it
    // i_dc dr sqrt(p0) r0/(r0 + 500) (the emitted EMF behind r0, divided with the source resistance).
    const std::string deck = ".model osc stno (f0=5g nshift=-4g q=2 ith=1m gammag=5e8 r0=1k dr=100)\n"
                             "v1 s 0 5\nrs s a 500\nn1 a 0 osc\n";
    const Waveforms w = only(simulateNetlistString("stno tones\n" + deck + ".tones\n", "stno.cir"));
    const auto& freqs = test::signal(w, "frequency");
    REQUIRE(freqs.size() == 2);
    const double idc = 5.0 / 1500, zeta = idc / 1e-3, p0 = (zeta - 1) / (zeta + 2);
    // The self-rectified DC shifts the current by a part in 1e3 at most: 0.5 % on p0 would show.
    CHECK(freqs[1] == doctest::Approx(5e9 - 4e9 * p0).epsilon(2e-3).scale(0));
    const double amplitude = idc * 100 * std::sqrt(p0) * 500 / 1500;
    CHECK(std::abs(at(w, "v(a)", freqs[1])) == doctest::Approx(amplitude).epsilon(5e-3).scale(0));
    // The transient (power relaxed by dcrelax=1, phase started at 0): the same frequency and amplitude.
    const NetlistRun tran =
        simulateNetlistString("stno tran\n" + deck +
                                  ".options interp\n.tran 10p 300n\n.save v(a) n1.cr n1.ci\n"
                                  ".meas tran f PEAKFREQ v(a) from=100n\n.meas tran vpp PP v(a) from=200n\n",
                              "stno_tran.cir");
    const Waveforms& t = tran.result.analyses.front();
    REQUIRE(t.measurements.size() == 2);
    CHECK(t.measurements[0].value == doctest::Approx(freqs[1]).epsilon(2e-3).scale(0));
    CHECK(t.measurements[1].value / 2 == doctest::Approx(std::abs(at(w, "v(a)", freqs[1]))).epsilon(0.02).scale(0));
}

TEST_CASE(".tones: errors") {
    CHECK_THROWS_AS(simulateNetlistString("t\nr1 a 0 1\n.tones maxiter=0\n", "bad.cir"), InputError);
    CHECK_THROWS_AS(simulateNetlistString("t\nr1 a 0 1\n.tones tol=-1\n", "bad.cir"), InputError);
    CHECK_THROWS_AS(simulateNetlistString("t\nr1 a 0 1\n.tones 5\n", "bad.cir"), InputError);
    // No tone at all: the DC point alone.
    const Waveforms w = only(simulateNetlistString("t\nv1 a 0 2\nr1 a 0 1\n.tones\n", "dc.cir"));
    CHECK(test::signal(w, "frequency").size() == 1);
    CHECK(at(w, "v(a)", 0).real() == doctest::Approx(2.0).scale(0));
}

TEST_CASE(".tones: tones closer than 1e-12 relative are one tone, and every device driving it is heard") {
    // Two voltage sources in series at f and f (1 + 2e-13) (a linear and a geometric grid meeting at an
    // end point differ by round-off like this): the analysis merges them, and the line carries both
    // EMFs in phase, 1 + 2 = 3 V over the 1 kOhm load (an exact == would drop one of them).
    const double f = 2e9;
    const std::string deck =
        "merged\nv1 a 0 sin(0 1 " + num(f) + ")\nv2 b a sin(0 2 " + num(f * (1 + 2e-13)) + ")\nr1 b 0 1k\n.tones\n";
    const Waveforms w = only(simulateNetlistString(deck, "merged.cir"));
    CHECK(test::signal(w, "frequency").size() == 2);
    CHECK(std::abs(at(w, "v(b)", f)) == doctest::Approx(3.0).epsilon(1e-12).scale(0));
}

TEST_CASE(".tones against the transient: twelve tones over 2 - 12 GHz through a chain of twelve resonators") {
    // A wide-band line as in the RF networks: every resonator sees most tones far from its resonance,
    // where each adds a small rectified voltage of its own sign; they must add up as eq. 5.4 says (with
    // the mirror pole's image cancelled only near resonance, v(c5) stood 1.4 % above .tones, v(line) 0.46 %
    // below; with the image cancelled over 0.1 - 10 fres, 0.09 % and 0.01 %).
    // Current sources drive the chain (a 1 Mohm DC return); tones on a 10 MHz grid, so that a 200 ns
    // average spans whole periods of every tone and every beat, and amplitudes below 1 uA keep the
    // resonators linear.
    std::string deck = "rl line 0 1meg\n";
    std::string node = "line";
    for (int k = 0; k < 12; ++k) {
        const double f = std::round(2e9 * std::pow(6.0, k / 11.0) / 1e7) * 1e7;
        const double amp = 1e-6 * (0.2 + 0.8 * std::fmod(0.618034 * (k + 1), 1.0));
        const double fres = 2e9 * std::pow(6.0, std::fmod(0.381966 * k + 0.1, 1.0));
        const std::string next = k == 11 ? "0" : "c" + std::to_string(k);
        deck += "i" + std::to_string(k) + " 0 line sin(0 " + num(amp) + " " + num(f) + ")\n";
        deck += ".model s" + std::to_string(k) + " sdiode (fres=" + num(fres) + " alpha=0.01 ppp=20)\n";
        deck += "n" + std::to_string(k) + " " + (k % 2 ? next + " " + node : node + " " + next) + " s" +
                std::to_string(k) + "\n";
        node = next;
    }
    const Waveforms tones = only(simulateNetlistString("tones\n" + deck + ".tones\n", "tones.cir"));
    const NetlistRun tran = simulateNetlistString("tran\n" + deck +
                                                      ".tran 2p 300n\n.save v(line) v(c5)\n"
                                                      ".meas tran vline AVG v(line) from=100n to=300n\n"
                                                      ".meas tran vmid AVG v(c5) from=100n to=300n\n",
                                                  "tran.cir");
    const auto& meas = tran.result.analyses.front().measurements;
    REQUIRE(meas.size() == 2);
    for (int m = 0; m < 2; ++m) {
        const std::string name = m == 0 ? "v(line)" : "v(c5)";
        const double vtones = at(tones, name, 0).real();
        CAPTURE(name);
        MESSAGE(name << ": tones " << vtones << " V, transient " << meas[m].value << " V");
        CHECK(std::fabs(vtones) > 2e-7);
        CHECK(meas[m].value == doctest::Approx(vtones).epsilon(0.003).scale(0));
    }
}

TEST_CASE("sdiode: a chain under a dense beating line steps at its ppp bound (no step cut by the truncation test)") {
    // The resonator's states carry every tone of the line; their step is bounded by ppp points per
    // period of fres, not by the truncation test, which on a dense line cut steps at the beats' peaks
    // (24 tones here: 12 rejected steps), and such signal-placed short steps biased the rectified DC
    // (examples/rfnet/README.md: -9 nV of a 180 nV score on a 256-tone chain). With nothing else to
    // control the step, every step is the bound: 60 ns / (1/(20 x 12 GHz)) = 14 400 of them.
    const double fmax = 12e9, h = 1.0 / (20.0 * fmax), tstop = 60e-9;
    std::string deck = "beats\nrl line 0 1meg\n";
    for (int k = 0; k < 24; ++k) {
        const double f = std::round((2e9 + k * (fmax - 2e9) / 23.0) / 1e7) * 1e7;
        const double amp = 1e-6 * (0.5 + 0.5 * std::fmod(0.618034 * (k + 1), 1.0));
        deck += "i" + std::to_string(k) + " 0 line sin(0 " + num(amp) + " " + num(f) + ")\n";
    }
    const double fres[4] = {2e9, 4.5e9, 7e9, 11e9};
    std::string node = "line";
    for (int q = 0; q < 4; ++q) {
        const std::string next = q == 3 ? "0" : "c" + std::to_string(q), m = "s" + std::to_string(q);
        deck += ".model " + m + " sdiode (fres=" + num(fres[q]) + " alpha=0.01 ppp=20)\n";
        deck += "n" + std::to_string(q) + " " + (q % 2 ? next + " " + node : node + " " + next) + " " + m + "\n";
        node = next;
    }
    deck += ".tran " + num(h) + " " + num(tstop) + "\n.save v(line)\n";
    const Waveforms w = only(simulateNetlistString(deck, "beats.cir"));
    CHECK(w.stats.rejected == 0);
    CHECK(w.stats.accepted >= static_cast<long>(std::floor(tstop / h)));
    CHECK(w.stats.accepted <= static_cast<long>(std::ceil(tstop / h)) + 10);
}
