// Element stamps checked through small circuits with closed-form solutions, and the device-level
// diode equations against ngspice's level-1 formulas.
#include "devices/diode.hpp"
#include "solver/circuit.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
double op(const SimulationResult& r, const std::string& name) {
    return signal(r.analyses.at(0), name).at(0);
}
} // namespace

TEST_CASE("R, V, I: divider and the SPICE current-source direction") {
    const auto r = run("stamps\nv1 a 0 10\nr1 a b 2k\nr2 b 0 3k\ni1 0 c 1m\nr3 c 0 1k\n.op\n.end\n");
    CHECK(op(r, "v(b)") == doctest::Approx(6.0).epsilon(1e-12).scale(0));
    CHECK(op(r, "i(v1)") == doctest::Approx(-2e-3).epsilon(1e-12).scale(0)); // current into the + terminal
    CHECK(op(r, "v(c)") == doctest::Approx(1.0).epsilon(1e-12).scale(0));    // 1 mA flows from 0 through i1 into c
}

TEST_CASE("E, G, F, H controlled sources") {
    const auto r = run("controlled\nv1 in 0 2\nrin in 0 1k\n"
                       "e1 e 0 in 0 3\nre e 0 1k\n"
                       "g1 0 g in 0 1m\nrg g 0 2k\n"
                       "vsense in s 0\nrs s 0 500\n"
                       "f1 0 f vsense 4\nrf f 0 100\n"
                       "h1 h 0 vsense 250\nrh h 0 1k\n.op\n.end\n");
    CHECK(op(r, "v(e)") == doctest::Approx(6.0).epsilon(1e-12).scale(0));
    CHECK(op(r, "v(g)") == doctest::Approx(4.0).epsilon(1e-12).scale(0)); // 2 mA into g through 2k
    const double isense = 2.0 / 500.0;
    CHECK(op(r, "i(vsense)") == doctest::Approx(isense).epsilon(1e-12).scale(0));
    CHECK(op(r, "v(f)") == doctest::Approx(4 * isense * 100).epsilon(1e-12).scale(0));
    CHECK(op(r, "v(h)") == doctest::Approx(250 * isense).epsilon(1e-12).scale(0));
}

TEST_CASE("L is a short and C an open at DC; parallel multiplier m") {
    const auto r = run("lc dc\nv1 a 0 1\nr1 a b 1k\nl1 b c 1m\nr2 c 0 1k m=2\nc1 c 0 1u\n.op\n.end\n");
    CHECK(op(r, "v(c)") == doctest::Approx(1.0 / 3.0).epsilon(1e-12).scale(0));
    CHECK(op(r, "i(l1)") == doctest::Approx(1.0 / 1.5e3).epsilon(1e-12).scale(0));
}

TEST_CASE("resistor temperature coefficients") {
    const auto r = run("tc\n.options temp=77\nv1 a 0 1\nr1 a 0 1k tc1=1e-3 tc2=1e-6\n.op\n.end\n");
    const double rt = 1e3 * (1 + 1e-3 * 50 + 1e-6 * 2500);
    CHECK(op(r, "i(v1)") == doctest::Approx(-1.0 / rt).epsilon(1e-12).scale(0));
}

TEST_CASE("diode level-1 current and charge match ngspice's formulas") {
    DiodeParams m;
    m.is = 1e-14;
    m.n = 1.2;
    m.cjo = {2e-12, true};
    m.vj = 0.7;
    m.grading = 0.5;
    m.tt = 5e-9;
    Diode d("d1", {"a", "k"}, m, 27);
    const double vte = 1.2 * 1.38064852e-23 / 1.6021766208e-19 * 300.15;
    double id, gd;
    d.junction(0.6, 0.0, id, gd);
    CHECK(id == doctest::Approx(1e-14 * (std::exp(0.6 / vte) - 1)).epsilon(1e-12).scale(0));
    CHECK(gd == doctest::Approx(1e-14 * std::exp(0.6 / vte) / vte).epsilon(1e-12).scale(0));
    // Reverse tail below -3 vte: -IS (1 + (3 vte / (e vd))^3).
    d.junction(-1.0, 0.0, id, gd);
    const double arg = std::pow(3 * vte / (-1.0 * std::exp(1.0)), 3);
    CHECK(id == doctest::Approx(-1e-14 * (1 + arg)).epsilon(1e-12).scale(0));
    // Depletion charge below fc*vj: q = vj cjo (1 - (1 - v/vj)^(1-m)) / (1-m) (+ tt id).
    double q, c;
    d.junction(0.2, 0.0, id, gd);
    d.charge(0.2, id, gd, q, c);
    const double qdep = 0.7 * 2e-12 * (1 - std::pow(1 - 0.2 / 0.7, 0.5)) / 0.5;
    CHECK(q == doctest::Approx(qdep + 5e-9 * id).epsilon(1e-12).scale(0));
    CHECK(c == doctest::Approx(2e-12 / std::sqrt(1 - 0.2 / 0.7) + 5e-9 * gd).epsilon(1e-12).scale(0));
    // Above fc*vj the capacitance is continuous (linear extrapolation).
    double qa, ca, qb, cb;
    d.charge(0.35 - 1e-9, 0, 0, qa, ca);
    d.charge(0.35 + 1e-9, 0, 0, qb, cb);
    CHECK(ca == doctest::Approx(cb).epsilon(1e-6).scale(0));
    CHECK(qa == doctest::Approx(qb).epsilon(1e-6).scale(0));
}

TEST_CASE("topology: a floating node and a voltage-source loop are reported before solving") {
    SUBCASE("capacitor-only node") {
        try {
            run("floating\nv1 a 0 1\nr1 a b 1k\nc1 b c 1n\nc2 c 0 1n\n.op\n.end\n");
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            CHECK(std::string(e.what()).find("node c has no DC path") != std::string::npos);
            CHECK(e.loc().line > 0);
        }
    }
    SUBCASE("two sources in parallel") {
        try {
            run("loop\nv1 a 0 1\nv2 a 0 2\nr1 a 0 1k\n.op\n.end\n");
            FAIL("expected an InputError");
        } catch (const InputError& e) {
            const std::string what = e.what();
            CHECK(what.find("v1") != std::string::npos);
            CHECK(what.find("v2") != std::string::npos);
            CHECK(e.loc().line == 3);
        }
    }
    SUBCASE("a floating node is fine for .tran uic (the capacitors define it)") {
        const auto r = run("uic float\nv1 a 0 1\nr1 a b 1k\nc1 b c 1n\nc2 c 0 1n\n.tran 1n 100n uic\n.end\n");
        CHECK(r.analyses.at(0).error.empty());
    }
}

TEST_CASE("unknown .save items and .ic nodes name the candidates") {
    try {
        run("save\nv1 out 0 1\nr1 out 0 1k\n.save v(otu)\n.op\n.end\n");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.hint().find("out") != std::string::npos);
    }
}

TEST_CASE("timestep too small names the time, the culprit and the last steps") {
    // An ideal 100 V ramp across a bare junction: the diode current overflows near 1.5 V.
    const auto r = run("fail\nv1 a 0 pulse(0 100 0 1u 1u 1 2)\nd1 a 0 dm\n.model dm d\n.tran 1n 2u\n.end\n");
    const auto& w = r.analyses.at(0);
    CHECK(w.error.find("timestep too small at t = 1.") != std::string::npos);
    CHECK(w.error.find("i(v1)") != std::string::npos);
    CHECK(w.error.find("last attempted steps") != std::string::npos);
    CHECK(signal(w, "time").size() > 5); // the partial waveform is kept
    CHECK(w.stats.accepted > 5);
}
