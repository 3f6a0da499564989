// The macrospin oracles exercised through netlists: the `mtj` device coupled to the circuit
// (device-physics.md sections 1.4, 2.1-2.3; reference PMA MTJ of section 2.6).
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <sstream>

using namespace spinspice;
using spinspice::test::num;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
const std::string kPma = ".model pma mtj (ms=1e6 tf=1.5n d=40n alpha=0.01 hk=159154.943 eta=0.5 rp=1k tmr=1 vh=0.5)\n";
constexpr double kIc0 = 22.9100e-6; // eq. 2.6 for the reference PMA MTJ

// First time mz crosses 0 downwards (linear interpolation), or -1.
double switchingTime(const Waveforms& w, const std::string& device) {
    const auto down =
        spinspice::test::crossings(signal(w, "time"), signal(w, device + ".mz"), 0.0, spinspice::test::Edge::Falling);
    return down.empty() ? -1 : down.front();
}

Waveforms driven(double currentOverIc0, double tstop, const std::string& options) {
    // The source pulls the current out of node a: the MTJ current from its reference side to its free
    // side, i.e. negative, which pushes m away from p (parallel -> antiparallel).
    const auto r = run("mtj\n" + kPma + "i1 a 0 " + num(currentOverIc0 * kIc0) + "\nn1 a 0 pma theta0=0.1048178\n" +
                       options + "\n.tran 10p " + num(tstop) + "\n.end\n");
    REQUIRE(r.analyses.at(0).error.empty());
    return r.analyses.at(0);
}
} // namespace

TEST_CASE("mtj netlist: 0 K switching times at 1.5, 2, 3 Ic0 against the 1D integral (eq. 2.5)") {
    const double expected[3] = {12.70257e-9, 7.066577e-9, 3.797499e-9}; // device-physics.md 2.2 (C)
    const double ratio[3] = {1.5, 2.0, 3.0};
    for (int k = 0; k < 3; ++k) {
        CAPTURE(ratio[k]);
        const Waveforms w = driven(ratio[k], 1.5 * expected[k], ".options reltol=1e-6 trtol=1");
        CHECK(switchingTime(w, "n1") == doctest::Approx(expected[k]).epsilon(3e-4).scale(0));
        // |m| stays 1 within 1e-10 (projected on accepted steps when it drifts further)
        const auto& mx = signal(w, "n1.mx");
        const auto& my = signal(w, "n1.my");
        const auto& mz = signal(w, "n1.mz");
        for (std::size_t i = 0; i < mx.size(); i += 97)
            CHECK(std::sqrt(mx[i] * mx[i] + my[i] * my[i] + mz[i] * mz[i]) ==
                  doctest::Approx(1.0).epsilon(1e-9).scale(0));
    }
}

TEST_CASE("mtj netlist: spin-torque threshold: no switching at 0.98 Ic0, switching at 1.02 Ic0") {
    const Waveforms below = driven(0.98, 150e-9, "");
    const Waveforms above = driven(1.02, 150e-9, "");
    CHECK(switchingTime(below, "n1") < 0);
    CHECK(signal(below, "n1.mz").back() > 0.99); // relaxed back toward the easy axis
    const double t = switchingTime(above, "n1");
    CHECK(t > 0);
    CHECK(signal(above, "n1.mz").back() < -0.9); // ended antiparallel
}

TEST_CASE("mtj netlist: conductance linear in cos(theta) and TMR(Vh) = TMR0/2 (eqs. 2.1-2.3)") {
    // R_P = 1 k, TMR0 = 100 %: R(90 deg) = 1333.333 (a resistance-linear model would give 1500).
    SUBCASE("R(90 deg)") {
        const auto r =
            run("r90\n.model m mtj (rp=1k tmr=1 vh=1e9)\nv1 a 0 1m\nn1 a 0 m theta0=1.5707963267949\n.op\n.end\n");
        CHECK(1e-3 / -signal(r.analyses.at(0), "i(v1)").at(0) == doctest::Approx(4000.0 / 3.0).epsilon(1e-9).scale(0));
    }
    SUBCASE("antiparallel at V = Vh") {
        const auto r =
            run("tmr\n.model m mtj (rp=1k tmr=1 vh=0.4)\nv1 a 0 0.4\nn1 a 0 m theta0=3.14159265358979\n.op\n.end\n");
        CHECK(0.4 / -signal(r.analyses.at(0), "i(v1)").at(0) == doctest::Approx(1500.0).epsilon(1e-9).scale(0));
    }
}

TEST_CASE("mtj netlist: damped precession in a static field follows the closed form (1.4-1)") {
    // No anisotropy, mu0 H = 0.1 T along z, alpha = 0.05, theta0 = 1 rad: theta(2 ns) = 0.1880856489 rad.
    const double h = 0.1 / (4e-7 * std::numbers::pi);
    const auto r = run("precession\n.model m mtj (hk=0 alpha=0.05 hz=" + num(h) +
                       ")\nv1 a 0 0\nn1 a 0 m theta0=1\n.options reltol=1e-7 trtol=1\n.tran 1p 2n\n.end\n");
    const auto& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    const double mz = signal(w, "n1.mz").back();
    CHECK(std::acos(mz) == doctest::Approx(0.1880856489).epsilon(1e-4).scale(0));
}

TEST_CASE("mtj netlist: ferromagnetic resonance of a PMA free layer from a small kick (1.4-3)") {
    // H = 0, mu0 Hk,eff = 0.2 T, alpha = 0: f = (gamma/2 pi) mu0 Hk = 5.6050 GHz.
    const auto r = run("fmr\n.model m mtj (alpha=0 hk=159154.943)\nv1 a 0 0\nn1 a 0 m theta0=0.01\n"
                       ".options reltol=1e-7 trtol=1\n.tran 1p 2n\n.end\n");
    const auto& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    const auto& t = signal(w, "time");
    const auto& mx = signal(w, "n1.mx");
    const auto rising = spinspice::test::crossings(t, mx, 0.0, spinspice::test::Edge::Rising);
    REQUIRE(rising.size() > 5);
    const double f = (rising.size() - 1) / (rising.back() - rising.front());
    CHECK(f == doctest::Approx(5.6050e9).epsilon(1e-3).scale(0));
}

TEST_CASE("mtj dynamics=1 (behavioural): Sun's mean switching time and the Neel-Brown regime") {
    const std::string model = ".model b mtj (ms=1e6 tf=1.5n d=40n alpha=0.01 hk=159154.943 eta=0.5 rp=1k tmr=1 "
                              "vh=0.5 dynamics=1 tau0=1n)\n";
    auto flipTime = [&](double currentOverIc0, double tstop, const std::string& instance) {
        const auto r = run("beh\n" + model + "i1 a 0 " + num(currentOverIc0 * kIc0) + "\nn1 a 0 b " + instance +
                           "\n.tran 10p " + num(tstop) + "\n.end\n");
        const auto& w = r.analyses.at(0);
        REQUIRE(w.error.empty());
        const auto& t = signal(w, "time");
        const auto& s = signal(w, "n1.state");
        for (std::size_t k = 0; k < t.size(); ++k)
            if (s[k] != s.front()) return t[k];
        return -1.0;
    };
    // eq. 2.4 for the reference PMA MTJ (device-physics.md 2.2 B): 15.046 / 7.523 / 3.762 ns.
    CHECK(flipTime(1.5, 20e-9, "") == doctest::Approx(15.046e-9).epsilon(1e-3).scale(0));
    CHECK(flipTime(2.0, 10e-9, "") == doctest::Approx(7.523e-9).epsilon(1e-3).scale(0));
    CHECK(flipTime(3.0, 5e-9, "") == doctest::Approx(3.762e-9).epsilon(1e-3).scale(0));
    // Below Ic0: tau0 exp(Delta (1 - i)), Delta = mu0 Ms Hk V / (2 kB T) at 27 degC.
    const double volume = std::numbers::pi * 40e-9 * 40e-9 / 4 * 1.5e-9;
    const double delta = 4e-7 * std::numbers::pi * 1e6 * 159154.943 * volume / (2 * 1.380649e-23 * 300.15);
    CHECK(flipTime(0.9, 200e-9, "") == doctest::Approx(1e-9 * std::exp(delta * 0.1)).epsilon(2e-3).scale(0));
    // A current of the other sign does not switch P; it does switch AP (theta0 = pi) back to P.
    CHECK(flipTime(-3.0, 10e-9, "") < 0);
    CHECK(flipTime(-3.0, 5e-9, "theta0=3.14159") == doctest::Approx(3.762e-9).epsilon(1e-3).scale(0));
}

TEST_CASE("mtj netlist: Stoner-Wohlfarth switching field at 10, 30, 45 and 60 degrees (astroid, 1.4-4)") {
    // No current; a static field H = h Hk at psi from the -z axis (against m0 = +z):
    // h_sw(psi) = (cos^(2/3) psi + sin^(2/3) psi)^(-3/2). At 0.995 h_sw the free layer settles tilted in
    // the +z well; at 1.005 h_sw it reverses. alpha = 2 makes the motion overdamped (a field step with low
    // damping overshoots and switches below h_sw: dynamic switching, not the quasi-static astroid).
    const double hk = 159154.943;
    for (const double degrees : {10.0, 30.0, 45.0, 60.0}) {
        CAPTURE(degrees);
        const double psi = degrees * std::numbers::pi / 180.0;
        const double hsw = std::pow(std::pow(std::cos(psi), 2.0 / 3.0) + std::pow(std::sin(psi), 2.0 / 3.0), -1.5);
        auto finalMz = [&](double ratio) {
            const double h = ratio * hsw * hk;
            const auto r =
                run("sw\n.model f mtj (ms=1e6 tf=1.5n d=40n alpha=2 hk=" + num(hk) + " hx=" + num(h * std::sin(psi)) +
                    " hz=" + num(-h * std::cos(psi)) + ")\nr1 a 0 1k\nn1 a 0 f theta0=0.01\n.tran 10p 30n\n.end\n");
            REQUIRE(r.analyses.at(0).error.empty());
            return signal(r.analyses.at(0), "n1.mz").back();
        };
        CHECK(finalMz(0.995) > 0.0);
        CHECK(finalMz(1.005) < 0.0);
    }
}

TEST_CASE("mtj dynamics=1: an idle array at round-off voltages does not make Newton chatter") {
    // After a pulse the nodes relax to +-1e-40 V; the sign of such a current must not switch the
    // progress equation between iterations (a dead band of 1e-9 Ic0). Before the fix: 15 Newton failures
    // on top of the 9 truncation-error/event rejections this deck has.
    const auto r = run("idle\n.model xmtj mtj (rp=5k tmr=1.2 vh=0.5 dynamics=1)\n"
                       "vr0 rd0 0 pwl(0 0 52n 0 53n 0.35 83n 0.35 84n 0 94n 0)\n"
                       "vc0 cs0 0 pwl(0 0 10n 0 11n 0.18 41n 0.18 42n 0 52n 0 53n 0.175 83n 0.175 84n 0 94n 0)\n"
                       "vc1 cs1 0 pwl(0 0 10n 0 11n 0.09 41n 0.09 42n 0 94n 0)\n"
                       "rwr0 rd0 r0 1\nrwr1 r0 r1 1\nrwc0 c0 cs0 1\nrwc1 c1 cs1 1\nn0 r0 c0 xmtj\nn1 r1 c1 xmtj\n"
                       ".tran 30n 94n 0 30n\n.end\n");
    REQUIRE(r.analyses.at(0).error.empty());
    CHECK(r.analyses.at(0).stats.rejected <= 9);
}
