// The three-terminal SOT-MTJ cell (`sotmtj`) through netlists: Lee et al.'s SOT critical current of a
// PMA layer with an in-plane assist field (device-physics.md 2.3) and the strip resistance / KCL (2.5).
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

using namespace spinspice;
using spinspice::test::num;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
// Lee et al., APL 102, 112410 (2013): J_c = (2e/hbar)(mu0 Ms t_F/theta_SH)(H_k,eff/2 - H_x/sqrt(2)) with
// Ms = 1.1e6 A/m, t_F = 1 nm, theta_SH = 0.1, mu0 H_k,eff = 0.5 T, mu0 H_x = 20 mT: 7.883e12 A/m^2.
constexpr double kJc = 7.883285869637e12;
constexpr double kSection = 50e-9 * 5e-9; // w t_HM of the strip
const std::string kCell = ".model s sotmtj (ms=1.1e6 tf=1n thetash=0.1 hk=397887.3577 hx=15915.4943 alpha=0.1 "
                          "whm=50n thm=5n rho=2e-6 lhm=100n rp=5k tmr=1)\n";

// Quasi-static criterion: the strip current ramps over 5 ns (slow against the precession, ~10 ps, and
// the relaxation 1/(alpha gamma0 H_k) ~ 0.1 ns, so no dynamic overshoot), holds for 20 ns, ramps down,
// and m relaxes for 10 ns with the assist field only. Lee's threshold is where the initial equilibrium
// disappears, so the final state tells whether it was crossed. The current flows hm2 -> hm1 (J_c < 0):
// with H_x > 0 that polarity takes m from +z to -z. The read path is left open (1 TOhm), no STT.
double finalMz(double ratio) {
    const double i = ratio * kJc * kSection;
    const auto r = run("sot\n" + kCell + "i1 h1 0 pwl(0 0 5n " + num(i) + " 25n " + num(i) +
                       " 30n 0)\nn1 h1 0 top s theta0=0.01\nrtop top 0 1e12\n.tran 10p 40n\n.end\n");
    REQUIRE(r.analyses.at(0).error.empty());
    return signal(r.analyses.at(0), "n1.mz").back();
}
} // namespace

TEST_CASE("sotmtj netlist: Lee SOT critical current with assist field: 0.9 J_c holds, 1.1 J_c switches") {
    CHECK(finalMz(0.9) > 0.99);
    CHECK(finalMz(1.1) < -0.99);
    // The macrospin threshold of this cell lies within 3 % of Lee's closed form.
    CHECK(finalMz(0.97) > 0.99);
    CHECK(finalMz(1.03) < -0.99);
}

TEST_CASE("sotmtj netlist: strip resistance R_HM = rho L/(w t_HM) and KCL at the centre node") {
    // rho = 200 uOhm cm, L = 100 nm, w = 50 nm, t_HM = 5 nm: R_HM = 800 Ohm, centre at V/2.
    const auto r = run("strip\n" + kCell + "v1 h1 0 0.4\nn1 h1 0 top s theta0=0\nrtop top 0 1e12\n.op\n.end\n");
    const auto& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    CHECK(-signal(w, "i(v1)").at(0) == doctest::Approx(0.4 / 800.0).epsilon(1e-9).scale(0));
    CHECK(signal(w, "v(n1.c)").at(0) == doctest::Approx(0.2).epsilon(1e-9).scale(0));
    SUBCASE("read current through the MTJ: R_P in series with the half strips") {
        // top driven, both strip ends grounded: R = R_P + (R_HM/2 || R_HM/2) = 5000 + 200.
        const auto rr = run("read\n" + kCell + "v1 top 0 0.1\nn1 0 0 top s theta0=0\n.op\n.end\n");
        REQUIRE(rr.analyses.at(0).error.empty());
        // theta = 0: G = G_P whatever TMR(V) is.
        CHECK(0.1 / -signal(rr.analyses.at(0), "i(v1)").at(0) == doctest::Approx(5200.0).epsilon(1e-9).scale(0));
    }
}
