// Switches: hysteresis and the located switching instant.
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;
using spinspice::test::run;
using spinspice::test::signal;

TEST_CASE("voltage-controlled switch: the switching instant is located on a control ramp") {
    // The control ramps 0 -> 1 V over 1 ms: it crosses vt + vh = 0.37 V at t = 0.37 ms exactly, and
    // back below vt - vh = 0.23 V at 1.77 ms on the way down (hysteresis). tmax 50 us: without event
    // location the switching would land anywhere within a 50 us step.
    const auto r = run("sw\n.model swm sw(vt=0.3 vh=0.07 ron=1 roff=1e9)\nvc c 0 pwl(0 0 1m 1 2m 0)\n"
                       "vdd d 0 1\ns1 d o c 0 swm\nrl o 0 1k\n.tran 10u 2m 0 50u\n.end\n");
    const auto& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    const auto& t = signal(w, "time");
    const auto& vo = signal(w, "v(o)");
    // The output steps at the switching instant: the first sample on each side of the jump.
    double on = -1, off = -1;
    for (std::size_t k = 1; k < t.size(); ++k) {
        if (vo[k - 1] < 0.5 && vo[k] > 0.5 && on < 0) on = t[k];
        if (vo[k - 1] > 0.5 && vo[k] < 0.5 && off < 0) off = t[k];
    }
    CHECK(on == doctest::Approx(0.37e-3).epsilon(1e-3).scale(0)); // within 0.4 us of the exact instant
    CHECK(off == doctest::Approx(1.77e-3).epsilon(1e-3).scale(0));
    // On: the divider 1k / (1k + 1 ohm).
    CHECK(vo.at(t.size() / 2) == doctest::Approx(1e3 / 1001.0).epsilon(1e-9).scale(0));
}

TEST_CASE("current-controlled switch follows the controlling source current with hysteresis") {
    const auto r = run("csw\n.model cm csw(it=1m ih=0.5m ron=1 roff=1e9)\nvr r 0 0\nvs r s 0\nrs s 0 1k\n"
                       "vdd d 0 1\nw1 d o vs cm\nrl o 0 1k\n.dc vr 0 3 0.25\n.end\n");
    const auto& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    const auto& vr = signal(w, "vr");
    const auto& vo = signal(w, "v(o)");
    for (std::size_t k = 0; k < vr.size(); ++k) {
        CAPTURE(vr[k]);
        const bool on = vr[k] > 1.5; // current vr/1k above it + ih = 1.5 mA
        CHECK((vo[k] > 0.5) == on);
    }
}
