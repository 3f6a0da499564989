// Device states as signals (<instance>.<state>, hierarchical inside subcircuits): read by B-source
// expressions (with their derivatives: Newton converges on a loop through the state), by .print and
// .meas, saved on demand when hidden, and their errors (unknown instance, unknown state, .func body).
#include "analysis/simulator.hpp"
#include "netlist/netlist.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
const std::string kJunction = ".model pma mtj (tmr=1)\nv1 a 0 dc 0.1\nn1 a 0 pma theta0=0.3\n";

std::string errorOf(const std::string& deck) {
    try {
        Simulator simulator(loadNetlistString(deck, "s.cir"));
        simulator.runAll();
    } catch (const InputError& e) {
        return e.what() + std::string(" @") + e.loc().str();
    }
    FAIL("expected an InputError for:\n" << deck);
    return {};
}
} // namespace

TEST_CASE("device states in B sources: values and derivatives") {
    // Held at theta0 = 0.3 from z toward x: mx = sin 0.3, mz = cos 0.3.
    const auto r = run("b\n" + kJunction + "b1 x 0 v = 2*n1.mz + n1.mx\nr1 x 0 1k\n.op\n.end\n");
    const Waveforms& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    CHECK(signal(w, "v(x)").at(0) == doctest::Approx(2 * std::cos(0.3) + std::sin(0.3)).epsilon(1e-12).scale(0));
    // A state inside a feedback loop: a B current source drives the stno's own node from its power, which
    // the stno's dcrelax=1 equilibrium depends on (Newton needs d(state)/dx through the B source).
    const auto loop = run("loop\n.model osc stno (f0=1g nshift=-1g q=2 ith=1m gammag=1e8 dcrelax=1)\n"
                          "i1 0 a dc 2m\nb1 0 a i = 1m*(n1.cr*n1.cr + n1.ci*n1.ci)\nn1 a 0 osc\n.op\n.end\n");
    const Waveforms& l = loop.analyses.at(0);
    REQUIRE(l.error.empty());
    const double cr = signal(l, "n1.cr").at(0), ci = signal(l, "n1.ci").at(0), p = cr * cr + ci * ci;
    const double zeta = (2e-3 + 1e-3 * p) / 1e-3; // the current through the oscillator
    CHECK(p == doctest::Approx((zeta - 1) / (zeta + 2)).epsilon(1e-6).scale(0));
}

TEST_CASE("device states in subcircuits are hierarchical names") {
    const auto r = run("sub\n.model osc stno (f0=1g nshift=-1g q=2 ith=1m gammag=1e8 dcrelax=1)\n"
                       ".subckt cell a\nn2 a 0 osc\nb1 p 0 v = n2.cr*n2.cr + n2.ci*n2.ci\nr1 p 0 1k\n.ends\n"
                       "i1 0 a dc 3m\nx1 a cell\n.op\n.print op x1.n2.cr v(x1.p)\n.end\n");
    const Waveforms& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    CHECK(signal(w, "v(x1.p)").at(0) == doctest::Approx(0.4).epsilon(1e-6).scale(0));
    CHECK(signal(w, "x1.n2.cr").at(0) == doctest::Approx(std::sqrt(0.4)).epsilon(1e-6).scale(0));
}

TEST_CASE(".print and .meas read device states, hidden ones too, with or without .save") {
    const std::string deck = "m\n" + kJunction + ".tran 1p 50p\n.print tran n1.mz\n.meas tran mz find n1.mz at=50p\n";
    for (const std::string save : {"", ".save v(a)\n"}) {
        CAPTURE(save);
        const auto r = run(deck + save + ".end\n");
        const Waveforms& w = r.analyses.at(0);
        REQUIRE(w.error.empty());
        REQUIRE(w.measurements.size() == 1);
        CHECK(w.measurements[0].value == doctest::Approx(signal(w, "n1.mz").back()).epsilon(1e-12).scale(0));
    }
    // The stno's envelope (br, bi) is hidden: .print brings it into the results.
    const auto hidden = run("h\n.model osc stno (f0=1g nshift=-1g q=2 ith=1m gammag=1e8)\ni1 0 a dc 2m\n"
                            "n1 a 0 osc p0=0.25\n.op\n.print op n1.br\n.end\n");
    CHECK(signal(hidden.analyses.at(0), "n1.br").at(0) == doctest::Approx(0.5).epsilon(1e-12).scale(0));
}

TEST_CASE("device-state references: errors at the name") {
    CHECK(errorOf("e\n" + kJunction + "b1 x 0 v = n1.mzz\nr1 x 0 1\n.op\n.end\n")
              .find("'n1.mzz' is not a device state") != std::string::npos);
    CHECK(errorOf("e\n" + kJunction + ".tran 1p 5p\n.meas tran q find n1.mzz at=5p\n.end\n")
              .find("'n1.mzz' is not a state of n1 @s.cir:6:") != std::string::npos);
    CHECK(errorOf("e\n" + kJunction + ".tran 1p 5p\n.print tran n9.mz\n.end\n").find("there is no element 'n9'") !=
          std::string::npos);
    CHECK(errorOf("e\n" + kJunction + ".func f(x) {x + n1.mz}\nb1 x 0 v = f(1)\nr1 x 0 1\n.op\n.end\n")
              .find("not allowed inside .func bodies") != std::string::npos);
}
