// Session (analysis/session.hpp): a deck parsed once and run again with .param, instance-parameter and
// state edits, against a fresh parse of the netlist edited by hand; states carried from one run to the
// next; errors for names that do not exist.
#include "analysis/session.hpp"
#include "core/diagnostics.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;
using spinspice::test::num;

namespace {
// A domain-wall memristor (fitted depinning law) written through a series resistor: the wall moves
// while |J| > jdep, so the resistance after the pulse depends on the drive and the start position.
std::string deck(double vwrite, double q0, double rs = 200, const std::string& analysis = ".tran 0.1n 5n") {
    return "dw write\n.param vw=" + num(vwrite) + "\n" +
           ".model w dwmtj (mode=2 len=200n rp=1k tmr=1 mu=2e-13 jdep=0.8e12 wtr=50n ttr=1n)\n" +
           "v1 a 0 dc {vw}\nrs a b " + num(rs) + "\nn1 b 0 w q0=" + num(q0) + "\n" + analysis + "\n.end\n";
}
double last(const NetlistRun& run, const std::string& signal) {
    REQUIRE(!run.result.analyses.empty());
    const Waveforms& w = run.result.analyses.back();
    REQUIRE_MESSAGE(w.error.empty(), w.error);
    const auto* v = w.find(signal);
    REQUIRE_MESSAGE(v != nullptr, "no signal " << signal);
    return v->back();
}
} // namespace

TEST_CASE("Session: a .param change equals a fresh parse of the edited deck; edits stack") {
    Session s = Session::fromString(deck(0.5, 50e-9));
    const double first = last(s.run(), "n1.q");
    CHECK(first == doctest::Approx(last(simulateNetlistString(deck(0.5, 50e-9)), "n1.q")).epsilon(1e-12));
    s.setParam("VW", 0.8); // case as SPICE: names are case-insensitive
    const double moved = last(s.run(), "n1.q");
    CHECK(moved == doctest::Approx(last(simulateNetlistString(deck(0.8, 50e-9)), "n1.q")).epsilon(1e-12));
    CHECK(moved - 50e-9 > 1.5 * (first - 50e-9)); // the change mattered: the wall moved further
    s.setInstanceParam("rs", "r", 400);
    s.setInstanceParam("n1", "q0", 20e-9);
    CHECK(last(s.run(), "n1.q") ==
          doctest::Approx(last(simulateNetlistString(deck(0.8, 20e-9, 400)), "n1.q")).epsilon(1e-12));
    s.setParam("vw", 0.6); // a later .param change keeps the instance edits
    CHECK(last(s.run(), "n1.q") ==
          doctest::Approx(last(simulateNetlistString(deck(0.6, 20e-9, 400)), "n1.q")).epsilon(1e-12));
    s.setInstanceParam("v1", "dc", 0.9); // a source's DC value
    CHECK(last(s.run(), "n1.q") ==
          doctest::Approx(last(simulateNetlistString(deck(0.9, 20e-9, 400)), "n1.q")).epsilon(1e-12));
    s.clearEdits();
    CHECK(last(s.run(), "n1.q") == doctest::Approx(first).epsilon(1e-12));
    // Every run after the first took the KLU symbolic analysis and order of the first (same pattern).
    CHECK(s.symbolicReuses() == 5);
}

TEST_CASE("Session: states set and carried: two 5 ns pulses equal one 10 ns pulse") {
    Session s = Session::fromString(deck(0.5, 30e-9));
    const double once = last(s.run(), "n1.q");
    CHECK(s.carryStates() >= 1);
    CHECK(s.lastStates().at("n1.q") == doctest::Approx(once).epsilon(1e-15));
    const double twice = last(s.run(), "n1.q");
    const double ten = last(simulateNetlistString(deck(0.5, 30e-9, 200, ".tran 0.1n 10n")), "n1.q");
    CHECK(twice - 30e-9 == doctest::Approx(ten - 30e-9).epsilon(1e-3));
    CHECK(twice > once + 1e-9);
    // setState: a read (.op) sees the state; the conductance equals a fresh deck with q0 there.
    s.setState("n1.q", 120e-9);
    const double readCurrent = last(s.run(".op"), "i(v1)");
    CHECK(readCurrent ==
          doctest::Approx(last(simulateNetlistString(deck(0.5, 120e-9, 200, ".op")), "i(v1)")).epsilon(1e-12));
    CHECK(std::fabs(readCurrent - last(simulateNetlistString(deck(0.5, 30e-9, 200, ".op")), "i(v1)")) > 1e-6);
}

TEST_CASE("Session: errors name what exists") {
    Session s = Session::fromString(deck(0.5, 50e-9));
    auto message = [](auto&& f) {
        try {
            f();
        } catch (const InputError& e) {
            return e.message() + " | " + e.hint();
        }
        return std::string("no error");
    };
    CHECK(message([&] { s.setParam("vx", 1); }).find("vw") != std::string::npos);
    CHECK(message([&] { s.setInstanceParam("n2", "q0", 1); }).find("n1") != std::string::npos);
    CHECK(message([&] { s.setState("n1.x", 1); }).find("n1.q") != std::string::npos);
    CHECK(message([&] { s.run(".tran"); }) != "no error");
    CHECK(message([&] { s.run(".foo 1"); }) != "no error");
    CHECK(message([&] { s.setInstanceParam("n1", "q00", 1); }).find("q0") != std::string::npos); // the table's names
    CHECK(message([&] { s.setInstanceParam("rs", "m", -2); }) != "no error");                    // its range
    CHECK(last(s.run(), "n1.q") > 50e-9); // and nothing of the failed edits stays
}

TEST_CASE("Session: states are carried from the solution, whatever .save keeps; not from an .ac") {
    Session s = Session::fromString(deck(0.5, 30e-9, 200, ".save v(b)\n.tran 0.1n 5n"));
    const NetlistRun saved = s.run();
    CHECK(saved.result.analyses.at(0).find("n1.q") == nullptr); // not in the output
    REQUIRE(s.lastStates().count("n1.q") == 1);
    CHECK(s.lastStates().at("n1.q") ==
          doctest::Approx(last(simulateNetlistString(deck(0.5, 30e-9)), "n1.q")).epsilon(1e-12));
    s.run(".ac dec 2 1k 1meg"); // small-signal: no final states to carry
    CHECK(s.lastStates().empty());
    CHECK(s.carryStates() == 0);
}
