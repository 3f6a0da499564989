// The domain-wall MTJ memristor (`dwmtj`) through netlists: the exact steady states of the 1D (q, phi)
// model (device-physics.md 2.4, eq. 2.9), the fitted depinning law and the conductance of eq. 2.8.
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

using namespace spinspice;
using spinspice::test::num;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
// q at time t (linear interpolation of the accepted points).
double at(const Waveforms& w, const std::string& sig, double t) {
    const auto& time = signal(w, "time");
    const auto& y = signal(w, sig);
    const auto it = std::lower_bound(time.begin(), time.end(), t);
    REQUIRE(it != time.end());
    const std::size_t k = std::max<std::size_t>(1, static_cast<std::size_t>(it - time.begin()));
    return y[k - 1] + (y[k] - y[k - 1]) * (t - time[k - 1]) / (time[k] - time[k - 1]);
}
double velocity(const Waveforms& w, double t0, double t1) {
    return (at(w, "n1.q", t1) - at(w, "n1.q", t0)) / (t1 - t0);
}

Waveforms transient(const std::string& netlist) {
    const auto r = run(netlist);
    REQUIRE(r.analyses.at(0).error.empty());
    return r.analyses.at(0);
}

constexpr double kSection = 50e-9 * 1e-9; // default wtr * ttr: J = I/kSection
} // namespace

TEST_CASE("dwmtj netlist: field-driven wall below Walker, v = gamma0 Dw H_z/alpha (eq. 2.9)") {
    // Ms = 1.1e6, A = 1.5e-11, K_eff = 8e5 (Dw = 4.3301 nm), alpha = 0.1, H_z = 500 A/m, H_K = 2e4 A/m
    // (H_W = 1000 A/m): 4.790769 m/s. Zero bias, so no current drive; the transient lasts ~ 20 ns.
    const Waveforms w = transient("dw field\n.model w dwmtj (mode=1 len=1u alpha=0.1 hkw=2e4 hz=500)\nv1 a 0 0\n"
                                  "n1 a 0 w q0=100n\n.tran 10p 60n\n.end\n");
    CHECK(velocity(w, 45e-9, 60e-9) == doctest::Approx(4.790769).epsilon(1e-5).scale(0));
}

TEST_CASE("dwmtj netlist: SOT-driven chiral Neel wall, v = (pi/2) gamma0 Dw H_D/sqrt(1 + (alpha H_D/H_SH)^2)") {
    // D = 1 mJ/m^2, theta_SH = 0.1, t_F = 0.6 nm, H_K = 0: J = 5e11 -> 192.341007 m/s, J = 1e12 ->
    // 231.747100 m/s; reversing J reverses the wall.
    const double expected[3] = {192.341007, 231.747100, -192.341007};
    const double density[3] = {5e11, 1e12, -5e11};
    for (int k = 0; k < 3; ++k) {
        CAPTURE(density[k]);
        const Waveforms w =
            transient("dw sot\n.model w dwmtj (mode=1 len=10u alpha=0.1 dmi=1e-3 thetash=0.1 tf=0.6n)\ni1 0 a " +
                      num(density[k] * kSection) + "\nn1 a 0 w q0=5u\n.tran 1p 3n\n.end\n");
        CHECK(velocity(w, 2e-9, 3e-9) == doctest::Approx(expected[k]).epsilon(1e-6).scale(0));
    }
}

TEST_CASE("dwmtj netlist: fitted mode: no motion below J_dep, dq/dt = mu (|J| - J_dep) sign(J) above") {
    // mu = 1e-10 m^3/(A s), J_dep = 1e11 A/m^2: 2 J_dep -> 10 m/s, -3 J_dep -> -20 m/s.
    const double ratio[3] = {0.9, 2.0, -3.0};
    const double expected[3] = {0.0, 10.0, -20.0};
    for (int k = 0; k < 3; ++k) {
        CAPTURE(ratio[k]);
        const Waveforms w = transient("dw fit\n.model w dwmtj (mode=2 len=1u mu=1e-10 jdep=1e11)\ni1 0 a " +
                                      num(ratio[k] * 1e11 * kSection) + "\nn1 a 0 w q0=500n\n.tran 10p 10n\n.end\n");
        if (expected[k] == 0)
            CHECK(signal(w, "n1.q").back() == doctest::Approx(500e-9).epsilon(1e-12).scale(0));
        else
            CHECK(velocity(w, 1e-9, 10e-9) == doctest::Approx(expected[k]).epsilon(1e-6).scale(0));
    }
}

TEST_CASE("dwmtj netlist: hard end: the wall stops at q = len and the device reads R_AP") {
    // 20 m/s for 10 ns from q0 = 150 nm would reach 350 nm; the track ends at 200 nm.
    const Waveforms w = transient("dw end\n.model w dwmtj (mode=2 len=200n mu=1e-10 jdep=1e11 rp=1k tmr=1)\ni1 0 a " +
                                  num(3e11 * kSection) + "\nn1 a 0 w q0=150n\n.tran 10p 10n\n.end\n");
    const auto& q = signal(w, "n1.q");
    CHECK(*std::max_element(q.begin(), q.end()) <= 200e-9 * (1 + 1e-12)); // len="200n" as parsed
    CHECK(q.back() == doctest::Approx(200e-9).epsilon(1e-12).scale(0));
    CHECK(signal(w, "v(a)").back() / (3e11 * kSection) == doctest::Approx(2000.0).epsilon(1e-9).scale(0));
}

// A wall held at an end by a drive pushing outward must not cost the step: it stays there (rate 0) for
// either end and either model. It used to move and be clamped back on every step, and at q = 0 (where
// q's tolerance is absolute) that took 476 530 steps for one 100 ns pulse.
TEST_CASE("dwmtj netlist: a wall driven into either end stays there at the step the drive allows") {
    for (const char* mode : {"mode=2 mu=2e-12 jdep=0.8e12", "mode=1 pol=0.7 alpha=0.1"}) {
        for (const bool lower : {true, false}) {
            CAPTURE(mode);
            CAPTURE(lower);
            const std::string drive = lower ? "-1" : "1";
            const Waveforms w =
                transient(std::string("dw end\n.model w dwmtj (") + mode +
                          " len=200n rp=10k tmr=1)\nv1 a 0 pwl(0 0 1n 0 1.2n " + drive + " 101.2n " + drive +
                          " 101.4n 0 120n 0)\nn1 a 0 w q0=" + (lower ? "10n" : "190n") + "\n.tran 2n 120n\n.end\n");
            const auto& q = signal(w, "n1.q");
            CHECK(q.back() == doctest::Approx(lower ? 0.0 : 200e-9).epsilon(1e-12).scale(lower ? 1e-21 : 0.0));
            CHECK(w.stats.accepted + w.stats.rejected < 1000);
        }
    }
}

TEST_CASE("dwmtj netlist: conductance of the window (eq. 2.8): G_P and G_AP at its ends, parallel areas inside") {
    // R_P = 1 k, TMR = 1 (R_AP = 2 k), window [50 nm, 150 nm] of a 200 nm track.
    const double position[5] = {0.0, 50e-9, 100e-9, 150e-9, 200e-9};
    const double resistance[5] = {1000.0, 1000.0, 1.0 / (0.5e-3 + 0.25e-3), 2000.0, 2000.0};
    for (int k = 0; k < 5; ++k) {
        CAPTURE(position[k]);
        const auto r =
            run("dw g\n.model w dwmtj (mode=2 len=200n xlo=50n xhi=150n rp=1k tmr=1)\nv1 a 0 1m\nn1 a 0 w q0=" +
                num(position[k]) + "\n.op\n.end\n");
        REQUIRE(r.analyses.at(0).error.empty());
        CHECK(1e-3 / -signal(r.analyses.at(0), "i(v1)").at(0) == doctest::Approx(resistance[k]).epsilon(1e-9).scale(0));
    }
}
