// The conjugate-gradient solver of large DC systems (issue 15): each result is checked against KLU's
// direct solution of the same netlist or matrix, and PCG must really have run (its iteration count),
// or must have handed over to KLU where it does not apply.
#include "solver/iterative_solver.hpp"
#include "solver/klu_solver.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <sstream>

using namespace spinspice;

namespace {

// An N x N crossbar read as bench/gen_crossbar.py writes it: word lines driven at 0.2 V through 2 ohm,
// 2 ohm wire segments, 100 ohm sense resistors, cells 5k or 12k (resistors) or MTJs in P or AP.
std::string crossbar(int n, bool mtj, const std::string& extra) {
    std::mt19937 rng(7);
    std::ostringstream out;
    out << "crossbar\n";
    if (mtj) out << ".model pmtj mtj (rp=5k tmr=1.2 vh=0.5 dynamics=1)\n";
    for (int i = 0; i < n; ++i)
        out << "vw" << i << " wd" << i << " 0 dc 0.2\nrdrv" << i << " wd" << i << " w_" << i << "_0 2\n";
    for (int j = 0; j < n; ++j) out << "rs" << j << " b_" << n - 1 << "_" << j << " 0 100\n";
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const bool parallel = rng() % 2 == 0;
            if (mtj)
                out << "nm_" << i << "_" << j << " w_" << i << "_" << j << " b_" << i << "_" << j << " pmtj"
                    << (parallel ? "" : " theta0=3.14159") << "\n";
            else
                out << "rc_" << i << "_" << j << " w_" << i << "_" << j << " b_" << i << "_" << j << " "
                    << (parallel ? "5k" : "12k") << "\n";
            if (j + 1 < n)
                out << "rw_" << i << "_" << j << " w_" << i << "_" << j << " w_" << i << "_" << j + 1 << " 2\n";
            if (i + 1 < n)
                out << "rb_" << i << "_" << j << " b_" << i << "_" << j << " b_" << i + 1 << "_" << j << " 2\n";
        }
    out << extra;
    return out.str();
}

struct Difference {
    double voltage = 0, current = 0;
};

// Largest differences between two runs' signals (voltages and states; branch currents).
Difference compare(const Waveforms& a, const Waveforms& b) {
    REQUIRE(a.names == b.names);
    Difference d;
    for (std::size_t k = 0; k < a.names.size(); ++k) {
        REQUIRE(a.re[k].size() == b.re[k].size());
        for (std::size_t i = 0; i < a.re[k].size(); ++i) {
            double& worst = a.names[k].rfind("i(", 0) == 0 ? d.current : d.voltage;
            worst = std::max(worst, std::fabs(a.re[k][i] - b.re[k][i]));
        }
    }
    return d;
}

} // namespace

TEST_CASE("pcg: a resistive crossbar's .op equals KLU's to 1e-9 V and 1e-12 A, in few iterations") {
    for (int n : {6, 40}) {
        CAPTURE(n);
        const auto klu = test::run(crossbar(n, false, ".options linsolver=klu\n.op\n.end\n"));
        const auto pcg = test::run(crossbar(n, false, ".options linsolver=pcg\n.op\n.end\n"));
        const auto& k = klu.analyses.at(0);
        const auto& p = pcg.analyses.at(0);
        REQUIRE(p.error.empty());
        CHECK(k.stats.linearIterations == 0);
        CHECK(p.stats.linearIterations > 0); // PCG ran: the lines make it converge in a few iterations
        CHECK(p.stats.linearIterations < 30);
        CHECK(p.stats.factorizations == 0);
        const Difference d = compare(k, p);
        CHECK(d.voltage < 1e-9);
        CHECK(d.current < 1e-12);
        // The read currents are not trivial: the sense voltages differ from 0 by the array's current.
        CHECK(test::signal(p, "v(b_" + std::to_string(n - 1) + "_0)")[0] > 1e-4);
    }
}

TEST_CASE("pcg: an MTJ crossbar (nonlinear, held states) converges to KLU's operating point") {
    const auto klu = test::run(crossbar(24, true, ".options linsolver=klu\n.op\n.end\n"));
    const auto pcg = test::run(crossbar(24, true, ".options linsolver=pcg\n.op\n.end\n"));
    const auto& k = klu.analyses.at(0);
    const auto& p = pcg.analyses.at(0);
    REQUIRE(p.error.empty());
    CHECK(p.stats.linearIterations > 0);
    CHECK(std::abs(p.stats.iterations - k.stats.iterations) <= 1);
    CHECK(p.stats.iterations > 1); // nonlinear: several Newton iterations, each solved by PCG
    const Difference d = compare(k, p);
    CHECK(d.voltage < 1e-9);
    CHECK(d.current < 1e-12);
}

TEST_CASE("pcg: .dc sweeps and .nodeset match KLU; a transient after the .op uses KLU") {
    const std::string analyses = ".nodeset v(w_3_3)=0.1\n.dc vw0 0 0.4 0.1\n.op\n"
                                 "cl w_5_5 0 1p\n.tran 0.1n 2n\n.end\n";
    const auto klu = test::run(crossbar(8, false, ".options linsolver=klu\n" + analyses));
    const auto pcg = test::run(crossbar(8, false, ".options linsolver=pcg\n" + analyses));
    REQUIRE(klu.analyses.size() == 3);
    REQUIRE(pcg.analyses.size() == 3);
    for (std::size_t a = 0; a < 3; ++a) {
        CAPTURE(a);
        REQUIRE(pcg.analyses[a].error.empty());
        const Difference d = compare(klu.analyses[a], pcg.analyses[a]);
        CHECK(d.voltage < 1e-9);
        CHECK(d.current < 1e-12);
    }
    CHECK(pcg.analyses[0].stats.linearIterations > 0);
    CHECK(pcg.analyses[1].stats.linearIterations > 0);
    CHECK(pcg.analyses[2].stats.factorizations > 0); // the transient's matrices are not DC systems
}

TEST_CASE("pcg: circuits it does not fit fall back to KLU with the same answer") {
    // A floating source, a controlled source (unsymmetric), a current-controlled source referring to a
    // branch current: linsolver=pcg solves them directly.
    const std::vector<std::string> decks = {
        "floating\nv1 a 0 1\nr1 a b 1k\nv2 b c 0.5\nr2 c 0 2k\nr3 b 0 3k\n.options linsolver=pcg\n.op\n.end\n",
        "vcvs\nv1 a 0 1\nr1 a b 1k\ne1 c 0 b 0 2\nr2 c b 2k\nr3 b 0 3k\n.options linsolver=pcg\n.op\n.end\n",
        "cccs\nv1 a 0 1\nr1 a b 1k\nf1 0 c v1 3\nr2 c 0 2k\nr3 b 0 3k\n.options linsolver=pcg\n.op\n.end\n",
    };
    for (const auto& deck : decks) {
        CAPTURE(deck);
        const auto pcg = test::run(deck);
        std::string direct = deck;
        direct.replace(direct.find("linsolver=pcg"), 13, "linsolver=klu");
        const auto klu = test::run(direct);
        REQUIRE(pcg.analyses.at(0).error.empty());
        CHECK(pcg.analyses.at(0).stats.linearIterations == 0);
        const Difference d = compare(klu.analyses.at(0), pcg.analyses.at(0));
        CHECK(d.voltage < 1e-12);
        CHECK(d.current < 1e-15);
    }
}

TEST_CASE("IterativeSolver: an isotropic grid (lines by ties, several colours) against KLU") {
    // A 30 x 30 resistor grid, unequal conductances, node 1 held by a grounded source, a held state
    // coupled into one node row; the source's current comes back from its node's row.
    const int side = 30, nodes = side * side, branch = nodes + 1, held = nodes + 2, n = nodes + 2;
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> g(0.5, 2.0);
    PatternBuilder pattern;
    std::vector<std::tuple<int, int, double>> resistors;
    auto node = [&](int i, int j) { return 1 + i * side + j; };
    for (int i = 0; i < side; ++i)
        for (int j = 0; j < side; ++j) {
            if (j + 1 < side) resistors.emplace_back(node(i, j), node(i, j + 1), g(rng));
            if (i + 1 < side) resistors.emplace_back(node(i, j), node(i + 1, j), g(rng));
        }
    for (auto [a, b, c] : resistors) {
        pattern.entry(a, b);
        pattern.entry(b, a);
    }
    pattern.entry(1, branch);
    pattern.entry(branch, 1);
    pattern.entry(node(side - 1, side - 1), held);
    pattern.build(n);
    std::vector<double> a(static_cast<std::size_t>(pattern.nnz()) + 1, 0.0);
    auto add = [&](int r, int c, double v) { a[static_cast<std::size_t>(pattern.find(r, c))] += v; };
    for (auto [p, q, c] : resistors) {
        add(p, p, c);
        add(q, q, c);
        add(p, q, -c);
        add(q, p, -c);
    }
    for (int i = 1; i <= nodes; ++i) add(i, i, 1e-3); // a leak to ground everywhere
    add(1, branch, 1.0);
    add(branch, 1, 1.0);
    add(held, held, 1.0);
    add(node(side - 1, side - 1), held, 0.25);
    std::vector<double> b(static_cast<std::size_t>(n) + 1, 0.0);
    b[static_cast<std::size_t>(branch)] = 1.0;             // the source: v(1) = 1
    b[static_cast<std::size_t>(held)] = 0.2;               // the state's row: x = 0.2
    b[static_cast<std::size_t>(node(side / 2, 3))] = 1e-3; // a current injected mid-grid

    using Kind = IterativeSolver::Kind;
    std::vector<Kind> kinds(static_cast<std::size_t>(n) + 1, Kind::Node);
    kinds[static_cast<std::size_t>(branch)] = Kind::Current;
    kinds[static_cast<std::size_t>(held)] = Kind::Held;
    IterativeSolver pcg;
    REQUIRE(pcg.analyze(pattern, kinds));
    REQUIRE(pcg.prepare(a.data()));
    CHECK(pcg.freeUnknowns() == nodes - 1);
    CHECK(pcg.lineDominance() < 0.5); // isotropic: no line carries the matrix
    CHECK(pcg.colours() >= 2);
    std::vector<double> x = b;
    REQUIRE(pcg.solve(x.data()));

    KluSolver klu;
    klu.analyze(pattern);
    REQUIRE(klu.factor(a.data()));
    std::vector<double> reference = b;
    klu.solve(reference.data());
    double worst = 0;
    for (int i = 1; i <= n; ++i)
        worst = std::max(worst, std::fabs(x[static_cast<std::size_t>(i)] - reference[static_cast<std::size_t>(i)]));
    CHECK(worst < 1e-9);
    CHECK(std::fabs(x[static_cast<std::size_t>(branch)]) > 1e-3); // the source does supply current
    CHECK(pcg.stats.iterations > 0);

    // An unsymmetric value where the pattern is symmetric: refused, so the caller can fall back.
    a[static_cast<std::size_t>(pattern.find(2, 3))] *= 1.5;
    CHECK_FALSE(pcg.prepare(a.data()));
}
