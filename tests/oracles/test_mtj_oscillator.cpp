// The macrospin `mtj` as an oscillator and as a spin diode, against the closed forms that tie it to the
// behavioural stno and sdiode (device-physics.md sections 2.3, 4.2 and 5.1):
//  - an in-plane junction with its field along the easy axis starts to precess at Sun's critical current
//    I_c0 = alpha (H + H_k + M_eff/2) / kappa_a, kappa_a = hbar eta/(2 e mu0 Ms V) (within 2 %);
//  - above threshold its frequency falls with the current (the red shift, N < 0, of table 4.2);
//  - driven by an RF current with the reference at 45 degrees in the plane, its voltage rectifies as the
//    exact linear response (eq. 5.2): -13.015 uV at f_r for the damping-like torque, and the field-like
//    torque adds the antisymmetric line (within 1 %).
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

using namespace spinspice;
using spinspice::test::num;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
constexpr double kPi = std::numbers::pi, kMu0 = 4e-7 * kPi, kGamma = 1.76085963023e11;
constexpr double kHbar = 1.054571817e-34, kCharge = 1.602176634e-19;
constexpr double kMs = 1e6, kVolume = 1e-23, kEta = 0.5, kAlpha = 0.01;
const double kKappaA = kHbar * kEta / (2 * kCharge * kMu0 * kMs * kVolume); // (A/m)/A, 1.3095e7

// An in-plane free layer along x: field H and anisotropy Hk along x, M_eff out of plane (fields in T).
std::string inPlane(double fieldT, double hkT, double meffT, const std::string& reference, const std::string& extra) {
    return ".model ip mtj (ms=" + num(kMs) + " tf=1n area=1e-14 alpha=" + num(kAlpha) + " hk=" + num(hkT / kMu0) +
           " ux=1 uy=0 uz=0 nz=" + num(meffT / kMu0 / kMs) + " hx=" + num(fieldT / kMu0) + " " + reference +
           " eta=" + num(kEta) + " rp=1k tmr=1 vh=1e6 " + extra + ")\n";
}

// The largest 1 - mx over [from, to].
double deviation(const Waveforms& w, double from, double to) {
    const auto& t = signal(w, "time");
    const auto& mx = signal(w, "n1.mx");
    double d = 0;
    for (std::size_t k = 0; k < t.size(); ++k)
        if (t[k] >= from && t[k] <= to) d = std::max(d, 1 - mx[k]);
    return d;
}
} // namespace

TEST_CASE("mtj as an oscillator: precession starts at Sun's I_c0 (in-plane, field along the easy axis)") {
    // mu0 H = 10 mT, mu0 Hk = 5 mT, mu0 M_eff = 0.8 T, p = -x: I_c0 = 252.2 uA (oracle-scripts/inplane_ic0.cpp).
    const double ic0 = kAlpha * (0.01 + 0.005 + 0.8 / 2) / kMu0 / kKappaA;
    CHECK(ic0 == doctest::Approx(252.2e-6).epsilon(1e-3).scale(0));
    for (double ratio : {0.98, 1.02}) {
        CAPTURE(ratio);
        const auto r = run("ic0\n" + inPlane(0.01, 0.005, 0.8, "px=-1 py=0 pz=0", "") + "i1 0 a dc " +
                           num(ratio * ic0) + "\nn1 a 0 ip theta0=0.02\n.tran 10p 30n\n.save n1.mx\n.end\n");
        const Waveforms& w = r.analyses.at(0);
        REQUIRE(w.error.empty());
        const double start = deviation(w, 0, 1e-9), end = deviation(w, 29e-9, 30e-9);
        if (ratio < 1)
            CHECK(end < 0.8 * start); // decays below threshold
        else
            CHECK(end > 1.25 * start); // grows above it
    }
}

TEST_CASE("mtj as an oscillator: above threshold the frequency falls with the current (red shift, N < 0)") {
    const double ic0 = kAlpha * (0.01 + 0.005 + 0.8 / 2) / kMu0 / kKappaA;
    // Small-amplitude (Kittel) frequency gamma mu0 sqrt(H1 H2)/(2 pi sqrt(1 + alpha^2)).
    const double h1 = 0.015 / kMu0, h2 = h1 + 0.8 / kMu0;
    const double kittel = kGamma * kMu0 * std::sqrt(h1 * h2) / (2 * kPi * std::sqrt(1 + kAlpha * kAlpha));
    std::vector<double> frequencies;
    for (double ratio : {1.1, 1.25, 1.4}) {
        CAPTURE(ratio);
        const auto r = run("shift\n" + inPlane(0.01, 0.005, 0.8, "px=-1 py=0 pz=0", "") + "i1 0 a dc " +
                           num(ratio * ic0) + "\nn1 a 0 ip theta0=0.05\n.tran 5p 80n\n.save n1.my\n.end\n");
        const Waveforms& w = r.analyses.at(0);
        REQUIRE(w.error.empty());
        const auto up = test::crossings(signal(w, "time"), signal(w, "n1.my"), 0.0, test::Edge::Rising);
        std::vector<double> late;
        for (double t : up)
            if (t > 60e-9) late.push_back(t);
        REQUIRE(late.size() > 10);
        frequencies.push_back((late.size() - 1) / (late.back() - late.front()));
        CHECK(frequencies.back() < kittel);
    }
    CHECK(frequencies[1] < frequencies[0]);
    CHECK(frequencies[2] < frequencies[1]);
}

TEST_CASE("mtj as a spin diode: the rectified voltage is the exact linear response of section 5.1") {
    // mu0 H = 50 mT, mu0 Hk = 10 mT along x, mu0 M_eff = 0.8 T; reference and polariser in the plane at
    // 45 degrees; R_P = 1 kOhm, TMR = 100 %; I_rf = 10 uA. Equilibrium m0 = x, transverse e1 = y, e2 = z.
    const double h = 0.05 / kMu0, hk = 0.01 / kMu0, meff = 0.8 / kMu0, irf = 10e-6, beta = kPi / 4;
    const double gp = kGamma * kMu0 / (1 + kAlpha * kAlpha), w1 = gp * (h + hk), w2 = gp * (h + hk + meff);
    const double fr = std::sqrt((1 + kAlpha * kAlpha) * w1 * w2) / (2 * kPi);
    CHECK(fr == doctest::Approx(6.365727e9).epsilon(1e-6).scale(0));
    // Eq. 5.2: torques per unit current, the 2x2 response, dR/dm = -R0^2 G0 k p.
    auto linear = [&](double f, double xi) {
        const double ka = kKappaA, kb = xi * kKappaA, p1 = std::sin(beta), p2 = 0.0;
        using C = std::complex<double>;
        const C t1 = gp * ((kb - kAlpha * ka) * p2 + (ka + kAlpha * kb) * p1);
        const C t2 = gp * (-(kb - kAlpha * ka) * p1 + (ka + kAlpha * kb) * p2);
        const C iw(0, 2 * kPi * f);
        const C a11 = iw + kAlpha * w1, a12 = w2, a21 = -w1, a22 = iw + kAlpha * w2, det = a11 * a22 - a12 * a21;
        const C u = (a22 * t1 - a12 * t2) / det * irf, v = (-a21 * t1 + a11 * t2) / det * irf;
        const double gP = 1e-3, gAP = 0.5e-3, g0 = (gP + gAP) / 2, k = (gP - gAP) / (gP + gAP);
        const double r0 = 1 / (g0 * (1 + k * std::cos(beta)));
        const C dR = -r0 * r0 * g0 * k * (p1 * u + p2 * v);
        return 0.5 * std::real(std::conj(C(irf, 0)) * dR);
    };
    CHECK(linear(fr, 0.0) == doctest::Approx(-13.015e-6).epsilon(1e-4).scale(0));
    const std::string reference = "px=" + num(std::cos(beta)) + " py=" + num(std::sin(beta)) + " pz=0";
    // The step: the trapezoidal rule detunes the lab-frame precession by (w h)^2/12, 3.4 MHz at 2 ps (a
    // 2.5 % error on the flanks of this 129 MHz line), 0.2 MHz at 0.5 ps.
    const char* step = "0.5p";
    const double peak = std::fabs(linear(fr, 0.0));
    for (double xi : {0.0, 0.3}) {
        for (double f : {fr - 0.1e9, fr, fr + 0.1e9}) {
            CAPTURE(xi);
            CAPTURE(f);
            // A DC voltmeter: two RC low-passes (2 ns each) after the junction, averaged over the last 10 ns.
            const auto r = run("diode\n" + inPlane(0.05, 0.01, 0.8, reference, "xi=" + num(xi)) + "i1 0 a sin(0 " +
                               num(irf) + " " + num(f) +
                               ")\nn1 a 0 ip theta0=0\nrf1 a f1 10meg\ncf1 f1 0 0.2f\n"
                               "rf2 f1 f2 100meg\ncf2 f2 0 0.02f\n.tran " +
                               step + " 50n\n.save v(f2)\n.end\n");
            const Waveforms& w = r.analyses.at(0);
            REQUIRE(w.error.empty());
            const auto& t = signal(w, "time");
            const auto& v = signal(w, "v(f2)");
            double sum = 0, span = 0;
            for (std::size_t k = 1; k < t.size(); ++k)
                if (t[k - 1] >= 40e-9) {
                    sum += 0.5 * (v[k] + v[k - 1]) * (t[k] - t[k - 1]);
                    span += t[k] - t[k - 1];
                }
            // Within 1 % of the line's peak (the field-like line crosses zero near f_r).
            CHECK(std::fabs(sum / span - linear(f, xi)) < 0.01 * peak);
        }
    }
}
