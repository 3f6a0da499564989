// .step runs and .dc over a parameter or the temperature, through simulateNetlistString, against closed
// forms; .meas results per run.
#include "analysis/run_netlist.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;
using spinspice::test::signal;

namespace {
double measurement(const Waveforms& w, const std::string& name) {
    for (const auto& m : w.measurements)
        if (m.name == name) {
            REQUIRE_MESSAGE(m.error.empty(), name << ": " << m.error);
            return m.value;
        }
    FAIL("no measurement " << name);
    return 0;
}

using Step = std::vector<std::pair<std::string, double>>;
} // namespace

TEST_CASE(".step param: one run per value, grouped per step, .meas evaluated per run") {
    const NetlistRun run = simulateNetlistString("stepped rc\n"
                                                 ".param rval=1k cval=1n\n"
                                                 ".param tau={rval*cval}\n"
                                                 "V1 in 0 PULSE(0 1 0 1n 1n 1 2)\n"
                                                 "R1 in out {rval}\nC1 out 0 {cval}\n"
                                                 ".tran 10n 6u 0 10n\n"
                                                 ".op\n"
                                                 ".meas tran t50 WHEN v(out)=0.5\n"
                                                 ".meas tran ratio PARAM='t50/tau'\n"
                                                 ".step param rval list 500 1k 2k\n",
                                                 "step.cir");
    const auto& analyses = run.result.analyses;
    REQUIRE(analyses.size() == 6); // (tran, op) for each of the three values
    const double values[] = {500, 1000, 2000};
    for (std::size_t s = 0; s < 3; ++s) {
        CAPTURE(s);
        const Waveforms& tran = analyses[2 * s];
        CHECK(tran.name == "tran1");
        CHECK(analyses[2 * s + 1].type == "op");
        CHECK(tran.step == Step{{"rval", values[s]}});
        CHECK(analyses[2 * s + 1].step == tran.step);
        const double tau = values[s] * 1e-9;
        CHECK(measurement(tran, "t50") == doctest::Approx(tau * std::log(2.0)).epsilon(3e-3).scale(0));
        CHECK(measurement(tran, "ratio") == doctest::Approx(std::log(2.0)).epsilon(3e-3).scale(0));
        CHECK(analyses[2 * s + 1].measurements.empty());
    }
    CHECK(run.netlist.steps.size() == 1);
}

TEST_CASE("two .step cards: the first varies fastest; .step temp sets the temperature") {
    // R1 = 1k (1 + tc1 (T - 27)) with tc1 = 1e-2 against R2 = 1k: v(out) = 1k / (R1 + 1k)
    const NetlistRun run = simulateNetlistString("steps\n.param r2=1k\nV1 in 0 1\nR1 in out 1k tc1=1e-2\n"
                                                 "R2 out 0 {r2}\n.op\n"
                                                 ".step param r2 list 1k 3k\n.step temp list 27 127\n",
                                                 "steps.cir");
    const auto& a = run.result.analyses;
    REQUIRE(a.size() == 4);
    CHECK(a[0].step == Step{{"r2", 1e3}, {"temp", 27}});
    CHECK(a[1].step == Step{{"r2", 3e3}, {"temp", 27}});
    CHECK(a[2].step == Step{{"r2", 1e3}, {"temp", 127}});
    CHECK(a[3].step == Step{{"r2", 3e3}, {"temp", 127}});
    auto vout = [](const Waveforms& w) { return signal(w, "v(out)").front(); };
    CHECK(vout(a[0]) == doctest::Approx(0.5).scale(0));
    CHECK(vout(a[1]) == doctest::Approx(0.75).scale(0));
    CHECK(vout(a[2]) == doctest::Approx(1.0 / 3.0).scale(0)); // R1 = 2k at 127 C
    CHECK(vout(a[3]) == doctest::Approx(0.6).scale(0));
}

TEST_CASE(".dc param sweeps a parameter; .meas dc reads the parameter as the sweep") {
    const NetlistRun run = simulateNetlistString("dc param\n.param rval=1k\nV1 in 0 2\nR1 in out {rval}\n"
                                                 "R2 out 0 1k\n.dc param rval 500 3k 500\n"
                                                 ".meas dc rhalf WHEN v(out)=0.5\n"
                                                 ".meas dc vat FIND v(out) AT=1k\n",
                                                 "dcp.cir");
    REQUIRE(run.result.analyses.size() == 1);
    const Waveforms& w = run.result.analyses[0];
    REQUIRE(w.error.empty());
    CHECK(w.type == "dc");
    CHECK(w.sweep == "rval");
    const auto& r = signal(w, "rval");
    const auto& v = signal(w, "v(out)");
    REQUIRE(r.size() == 6);
    for (std::size_t k = 0; k < r.size(); ++k) CHECK(v[k] == doctest::Approx(2.0 * 1e3 / (r[k] + 1e3)).scale(0));
    CHECK(measurement(w, "vat") == doctest::Approx(1.0).scale(0));
    // v(out) reaches 0.5 exactly at the last point, 3k: reaching the level is a crossing
    CHECK(measurement(w, "rhalf") == doctest::Approx(3e3).scale(0));
}

TEST_CASE(".dc temp follows a resistor's tc1 in closed form; a source sweep can be nested") {
    const double tc1 = 4e-3;
    const NetlistRun run = simulateNetlistString("dc temp\nV1 in 0 1\nR1 in out 1k tc1=4e-3\nR2 out 0 1k\n"
                                                 ".dc temp -50 150 25\n"
                                                 ".dc v1 0 2 1 temp 27 77 50\n",
                                                 "dct.cir");
    REQUIRE(run.result.analyses.size() == 2);
    const Waveforms& w = run.result.analyses[0];
    REQUIRE(w.error.empty());
    CHECK(w.sweep == "temp");
    const auto& temp = signal(w, "temp");
    const auto& v = signal(w, "v(out)");
    REQUIRE(temp.size() == 9);
    for (std::size_t k = 0; k < temp.size(); ++k) {
        const double r1 = 1e3 * (1 + tc1 * (temp[k] - 27));
        CHECK(v[k] == doctest::Approx(1e3 / (r1 + 1e3)).epsilon(1e-9).scale(0));
    }
    const Waveforms& nested = run.result.analyses[1];
    REQUIRE(nested.error.empty());
    CHECK(nested.sweep == "v1");
    CHECK(signal(nested, "v1") == std::vector<double>{0, 1, 2, 0, 1, 2});
    const double r77 = 1e3 * (1 + tc1 * 50);
    CHECK(signal(nested, "v(out)")[5] == doctest::Approx(2 * 1e3 / (r77 + 1e3)).scale(0));
}

TEST_CASE("a .step value that makes the deck invalid is an InputError naming the step") {
    try {
        simulateNetlistString("bad step\n.param mval=1\nV1 in 0 1\nR1 in 0 1k m={mval}\n.op\n"
                              ".step param mval list 1 0\n",
                              "bad.cir");
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(e.message() == "value 0 of 'm' is out of range");
        CHECK(e.loc().str() == "bad.cir:4:14"); // the {mval} value
        CHECK(e.hint() == "'m' must be > 0; with mval = 0");
    }
}

TEST_CASE("the library Simulator refuses a .dc over a parameter (it needs the deck)") {
    Simulator simulator(loadNetlistString("p\n.param rval=1k\nV1 in 0 1\nR1 in 0 {rval}\n.dc param rval 1 2 1\n"));
    CHECK_THROWS_AS(simulator.runAll(), InputError);
}

TEST_CASE("the library Simulator evaluates .meas cards too") {
    Simulator simulator(loadNetlistString("m\nV1 in 0 PULSE(0 1 0 1n 1n 1 2)\nR1 in out 1k\nC1 out 0 1n\n"
                                          ".tran 10n 3u 0 10n\n.meas tran t50 WHEN v(out)=0.5\n"));
    const SimulationResult r = simulator.runAll();
    REQUIRE(r.analyses.size() == 1);
    CHECK(measurement(r.analyses[0], "t50") == doctest::Approx(1e-6 * std::log(2.0)).epsilon(3e-3).scale(0));
}
