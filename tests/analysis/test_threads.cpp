// No global mutable state during a run: two different stochastic simulations (a thermal macrospin and a
// p-bit network) run at once in two threads of one process, and each is bit-identical to its run alone.
#include "analysis/run_netlist.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace spinspice;

namespace {
const char* const kThermalMtj = "thermal mtj\n"
                                ".model m1 mtj (ms=1e6 tf=1.5n d=40n alpha=0.1 hk=159154.943 eta=0.5 thermal=1 "
                                "tnoise=1p)\n"
                                "i1 a 0 -10u\n"
                                "n1 a 0 m1\n"
                                ".options seed=7\n"
                                ".tran 1p 2n\n"
                                ".end\n";
const char* const kPbits = "p-bit ring\n"
                           ".model pb pbit (beta=2 tau=1n)\n"
                           "n1 in1 o1 pb\n"
                           "n2 in2 o2 pb\n"
                           "n3 in3 o3 pb\n"
                           "g12 0 in1 o2 0 1\n"
                           "g23 0 in2 o3 0 -1\n"
                           "g31 0 in3 o1 0 1\n"
                           "rsmtj in1 s1 1k\n"
                           "ns s1 0 sm\n"
                           ".model sm smtj (rp=1k delta=2 ic=20u)\n"
                           ".options seed=11\n"
                           ".tran 0.1n 400n\n"
                           ".end\n";

bool identical(const SimulationResult& a, const SimulationResult& b) {
    if (a.analyses.size() != b.analyses.size()) return false;
    for (std::size_t k = 0; k < a.analyses.size(); ++k)
        if (a.analyses[k].names != b.analyses[k].names || a.analyses[k].re != b.analyses[k].re) return false;
    return true;
}
} // namespace

TEST_CASE("two stochastic simulations in two threads are each bit-identical to their sequential runs") {
    const SimulationResult mtjAlone = test::run(kThermalMtj), pbitsAlone = test::run(kPbits);
    REQUIRE(mtjAlone.analyses.at(0).error.empty());
    REQUIRE(pbitsAlone.analyses.at(0).error.empty());
    REQUIRE(mtjAlone.analyses.at(0).points() > 1000);
    for (int repeat = 0; repeat < 3; ++repeat) {
        SimulationResult mtjThreaded, pbitsThreaded, mtjSecond;
        std::thread a([&] { mtjThreaded = test::run(kThermalMtj); });
        std::thread b([&] { pbitsThreaded = test::run(kPbits); });
        std::thread c([&] { mtjSecond = test::run(kThermalMtj); });
        a.join();
        b.join();
        c.join();
        CHECK(identical(mtjThreaded, mtjAlone));
        CHECK(identical(mtjSecond, mtjAlone));
        CHECK(identical(pbitsThreaded, pbitsAlone));
    }
    // And the streams matter: another seed gives another realisation.
    std::string reseeded = kThermalMtj;
    reseeded.replace(reseeded.find("seed=7"), 6, "seed=8");
    CHECK_FALSE(identical(test::run(reseeded), mtjAlone));
}

TEST_CASE(".step points on threads: the same analyses, in step order, bit-identical to the serial run") {
    const std::string deck = "stepped telegraph\n.param vb=0\n.model s smtj (delta=1 tau0=1n)\nv1 a 0 {vb}\n"
                             "r1 a b 1k\nn1 b 0 s\n.step param vb list 0 1m 2m 5m 10m\n.options seed=5\n"
                             ".tran 10p 20n\n.meas tran flips AVG v(b)\n.end\n";
    const NetlistRun serial = simulateNetlistString(deck, "s.cir", {}, {}, 1);
    const NetlistRun parallel = simulateNetlistString(deck, "s.cir", {}, {}, 3);
    REQUIRE(serial.result.analyses.size() == 5);
    REQUIRE(parallel.result.analyses.size() == 5);
    bool stepsDiffer = false;
    for (std::size_t k = 0; k < 5; ++k) {
        const Waveforms& a = serial.result.analyses[k];
        const Waveforms& b = parallel.result.analyses[k];
        CHECK(a.step == b.step);
        CHECK(a.names == b.names);
        CHECK(a.re == b.re);
        REQUIRE(a.measurements.size() == 1);
        CHECK(a.measurements[0].value == b.measurements[0].value);
        if (k > 0 && a.re != serial.result.analyses[0].re) stepsDiffer = true;
    }
    CHECK(stepsDiffer); // the points are different runs
}
