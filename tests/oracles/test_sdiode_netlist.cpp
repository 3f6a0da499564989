// `sdiode` through netlists against the Leroux/Ross rectification formula (device-physics.md eq. 5.4):
// for a tone i_rf cos(2 pi f t), <v(n+, n-)> = ksd P [mix A(f) - (1 - mix) S(f)] with P = r0 i_rf^2/2,
// D = alpha fres, A = 2 D (f - fres)/(D^2 + (f - fres)^2), S = D^2/(D^2 + (f - fres)^2). The section 5.2
// numbers, another parameter set with a symmetric share, the sign under reversed nodes, the control
// node's resonance shift, a head-to-tail chain under three simultaneous tones against the sum, .op, and
// the .ac impedance with a bias current against a small tone in a transient.
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>

using namespace spinspice;
using spinspice::test::num;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
constexpr double kPi = std::numbers::pi;

struct Synapse {
    // K_SD = (dR/R)(1/I_th) tan(pi/4)/(8 sqrt 2) beta_s with I_th = 10 uA (device-physics 5.2).
    double fres = 1e9, alpha = 0.01, ksd = 1e5 / (8 * std::sqrt(2.0)), r0 = 1000, mix = 1, ppp = 20;
    std::string card(const std::string& name) const {
        return ".model " + name + " sdiode (fres=" + num(fres) + " alpha=" + num(alpha) + " ksd=" + num(ksd) +
               " r0=" + num(r0) + " mix=" + num(mix) + " ppp=" + num(ppp) + ")\n";
    }
    // The formula: <v> for a tone of amplitude irf at f.
    double rectified(double f, double irf) const {
        const double d = alpha * fres, x = f - fres, power = r0 * irf * irf / 2;
        return ksd * power * (mix * 2 * d * x - (1 - mix) * d * d) / (d * d + x * x);
    }
};

// <v(a)> over [tstop - window, tstop] by the trapezoidal rule.
double average(const Waveforms& w, const std::string& name, double window) {
    const auto& t = signal(w, "time");
    const auto& v = signal(w, name);
    double sum = 0, span = 0;
    for (std::size_t k = 1; k < t.size(); ++k) {
        if (t[k] <= t.back() - window) continue;
        const double lo = std::max(t[k - 1], t.back() - window);
        const double u = (lo - t[k - 1]) / (t[k] - t[k - 1]);
        const double vlo = v[k - 1] + u * (v[k] - v[k - 1]);
        sum += 0.5 * (vlo + v[k]) * (t[k] - lo);
        span += t[k] - lo;
    }
    return sum / span;
}

// Runs a tone through one synapse (current source into a, device a -> 0) and returns <v(a)>.
double measure(const Synapse& s, double f, double irf, const std::string& extra = "", double pointsPerPeriod = 20) {
    // Settle for 10/Gamma (Gamma = 2 pi alpha fres), then average over 100 periods of f.
    const double settle = 10.0 / (2 * kPi * s.alpha * s.fres), window = 100.0 / f;
    const auto r = run("tone\n" + s.card("syn") + "i1 0 a sin(0 " + num(irf) + " " + num(f) + ")\n" +
                       (extra.empty() ? "n1 a 0 syn\n" : extra) + ".tran " + num(1.0 / (pointsPerPeriod * f)) + " " +
                       num(settle + window) + "\n.end\n");
    const Waveforms& w = r.analyses.at(0);
    REQUIRE_MESSAGE(w.error.empty(), w.error);
    return average(w, "v(a)", window);
}
} // namespace

TEST_CASE("sdiode: the section 5.2 numbers (P = 1 uW, alpha = 0.01, ksd = 8.8388 mV/uW)") {
    const Synapse s;
    const double irf = std::sqrt(2 * 1e-6 / s.r0); // P = 1 uW in r0
    struct Point {
        double ratio, millivolts;
    };
    for (const Point& p : {Point{0.99, -8.838835}, Point{0.995, -7.071068}, Point{1.0, 0.0}, Point{1.005, 7.071068},
                           Point{1.01, 8.838835}, Point{1.02, 7.071068}, Point{1.05, 3.399552}}) {
        CAPTURE(p.ratio);
        CHECK(s.rectified(p.ratio * s.fres, irf) == doctest::Approx(p.millivolts * 1e-3).epsilon(1e-6).scale(1e-3));
        // Within 0.3 % of ksd P (the contract allows 1 %).
        CHECK(std::fabs(measure(s, p.ratio * s.fres, irf) - p.millivolts * 1e-3) < 3e-3 * s.ksd * 1e-6);
    }
}

TEST_CASE("sdiode: another parameter set, with a symmetric share, over 0.5 - 2 fres; reversed nodes") {
    Synapse s;
    s.fres = 5e9;
    s.alpha = 0.05;
    s.mix = 0.6;
    s.ksd = 2e3;
    s.r0 = 50;
    const double irf = 2e-4, scale = s.ksd * s.r0 * irf * irf / 2;
    for (double ratio : {0.5, 0.9, 0.95, 0.97, 1.0, 1.02, 1.05, 1.1, 1.5, 2.0}) {
        CAPTURE(ratio);
        CHECK(std::fabs(measure(s, ratio * s.fres, irf) - s.rectified(ratio * s.fres, irf)) < 0.01 * scale);
    }
    // Reversed (n+ at ground): the voltage from n+ to n- keeps its law, so v(a) = -<v(n+, n-)>.
    const double f = 1.05 * s.fres;
    CHECK(measure(s, f, irf, "n1 0 a syn\n") == doctest::Approx(-s.rectified(f, irf)).epsilon(0.01).scale(0));
}

// Far from resonance the formula's weight is small (2 alpha/|x - 1| of ksd P at x = f/fres) but every
// tone of a wide-band line adds one, so each must hold relative to its own value. A real resonator's
// mirror pole adds alpha/(1 + x) of ksd P there (-12 % of the formula at x = 0.2, -9 % at 2.4 before
// the device cancelled it; its fit leaves 0.7 % at worst over 0.1 - 10 fres); 50 points per period of
// fres and of f keep the trapezoidal rule's error on the off-resonant terms, (2 pi |f -+ fres| h)^2/12,
// small.
TEST_CASE("sdiode: far from resonance (0.12 - 9 fres) each tone rectifies within 1 % of its own formula value") {
    Synapse s;
    s.fres = 5e9;
    s.ppp = 50;
    const double irf = 1e-5;
    for (double ratio : {0.12, 0.2, 0.4, 2.5, 5.0, 9.0}) {
        CAPTURE(ratio);
        const double expected = s.rectified(ratio * s.fres, irf);
        CHECK(measure(s, ratio * s.fres, irf, "", 50) == doctest::Approx(expected).epsilon(0.01).scale(0));
    }
}

TEST_CASE("sdiode: the control node shifts the resonance by dfdv v(ctrl)") {
    Synapse s;
    const double irf = std::sqrt(2e-6 / s.r0);
    Synapse shifted = s;
    shifted.fres = s.fres + 1e8 * 0.2; // dfdv = 100 MHz/V, v(ctrl) = 0.2 V: 1.02 GHz
    for (double f : {1.0e9, 1.02e9, 1.02e9 * 1.01, 1.05e9}) {
        CAPTURE(f);
        const double v = measure(s, f, irf, "vc c 0 0.2\nn1 a 0 c syn dfdv=100meg\n");
        CHECK(std::fabs(v - shifted.rectified(f, irf)) < 3e-3 * s.ksd * 1e-6);
    }
}

TEST_CASE("sdiode: a head-to-tail chain under three simultaneous tones gives the sum of the rectified voltages") {
    // Three resonators in series, alternating orientation ((-1)^k), three tones of different power.
    Synapse s0, s1, s2;
    s0.fres = 0.9e9;
    s1.fres = 1.0e9;
    s2.fres = 1.1e9;
    const double f[3] = {0.905e9, 1.005e9, 1.095e9}, irf[3] = {30e-6, 50e-6, 40e-6};
    const double settle = 10.0 / (2 * kPi * 0.01 * 0.9e9), window = 200e-9; // whole periods of every beat
    const auto r =
        run("chain\n" + s0.card("r0") + s1.card("r1") + s2.card("r2") + "i1 0 a sin(0 " + num(irf[0]) + " " +
            num(f[0]) + ")\ni2 0 a sin(0 " + num(irf[1]) + " " + num(f[1]) + ")\ni3 0 a sin(0 " + num(irf[2]) + " " +
            num(f[2]) + ")\nn0 a m1 r0\nn1 m2 m1 r1\nn2 m2 0 r2\n.tran 50p " + num(settle + window) + "\n.end\n");
    const Waveforms& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    double expected = 0, scale = 0;
    for (int k = 0; k < 3; ++k) {
        expected += s0.rectified(f[k], irf[k]) - s1.rectified(f[k], irf[k]) + s2.rectified(f[k], irf[k]);
        scale = std::max(scale, s0.ksd * s0.r0 * irf[k] * irf[k] / 2);
    }
    CHECK(std::fabs(average(w, "v(a)", window) - expected) < 0.01 * scale);
    CHECK(std::fabs(expected) > 0.5 * scale); // the tones do not cancel
}

TEST_CASE("sdiode: .op is the resistance r0; .ac with a bias current shows the resonance as the transient does") {
    const Synapse s;
    // A DC current is not rectified (the drive is the current's AC part): .op is r0, and so is the
    // transient it starts.
    const auto op = run("op\n" + s.card("syn") + "i1 0 a dc 1m\nn1 a 0 syn\n.op\n.tran 1n 200n\n.end\n");
    CHECK(signal(op.analyses.at(0), "v(a)").at(0) == doctest::Approx(1.0).epsilon(1e-12).scale(0));
    CHECK(signal(op.analyses.at(0), "i(n1)").at(0) == doctest::Approx(1e-3).epsilon(1e-12).scale(0));
    CHECK(signal(op.analyses.at(1), "v(a)").back() == doctest::Approx(1.0).epsilon(1e-9).scale(0));
    // Small signal with i0 = 0.2 mA: Z = r0 + i0 H(jw), compared with a 0.1 uA tone in a transient.
    const auto ac = run("ac\n" + s.card("syn") + "i1 0 a dc 0.2m ac 1\nn1 a 0 syn\n.ac lin 3 0.99g 1.01g\n.end\n");
    const Waveforms& w = ac.analyses.at(0);
    REQUIRE(w.error.empty());
    const auto& freq = signal(w, "frequency");
    for (std::size_t k = 0; k < freq.size(); ++k) {
        CAPTURE(freq[k]);
        const std::complex<double> z(signal(w, "v(a)")[k], (*w.findImag("v(a)"))[k]);
        CHECK(std::abs(z - 1000.0) > 20); // the resonance is visible
        const double irf = 1e-7, tstop = 300e-9, window = 100e-9;
        const auto tr = run("tr\n" + s.card("syn") + "i1 0 a dc 0.2m\ni2 0 a sin(0 " + num(irf) + " " + num(freq[k]) +
                            ")\nn1 a 0 syn\n.tran 50p " + num(tstop) + "\n.end\n");
        const Waveforms& tw = tr.analyses.at(0);
        REQUIRE(tw.error.empty());
        const auto& t = signal(tw, "time");
        const auto& v = signal(tw, "v(a)");
        // Lock-in by the trapezoidal rule on the samples of v e^{-jwt} (exact for a sinusoid on a uniform
        // grid over whole periods; interpolating v first would bias it by (w h)^2/12).
        std::complex<double> sum = 0;
        double span = 0;
        for (std::size_t j = 1; j < t.size(); ++j) {
            if (t[j - 1] < tstop - window - 1e-15) continue;
            auto term = [&](std::size_t n) {
                return (v[n] - v.front()) * std::exp(std::complex<double>(0, -2 * kPi * freq[k] * t[n]));
            };
            sum += 0.5 * (term(j) + term(j - 1)) * (t[j] - t[j - 1]);
            span += t[j] - t[j - 1];
        }
        const std::complex<double> measured = 2.0 * sum / span / (irf * std::complex<double>(0, -1));
        CHECK(std::abs(measured - z) < 0.01 * std::abs(z - 1000.0));
    }
}
