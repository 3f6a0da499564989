// Sparsity pattern, KLU wrapper and Newton behaviour.
#include "devices/pattern.hpp"
#include "solver/ac_system.hpp"
#include "solver/klu_solver.hpp"
#include "solver/newton.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>

using namespace spinspice;

TEST_CASE("pattern: handles map to CSC offsets, ground entries go to the trash slot, diagonals exist") {
    PatternBuilder p;
    const int h12 = p.entry(1, 2);
    const int h21 = p.entry(2, 1);
    const int hg = p.entry(0, 2);
    const int h12again = p.entry(1, 2);
    p.build(3);
    CHECK(p.nnz() == 5); // (1,1) (2,1) (1,2) (2,2) (3,3)
    CHECK(p.offset(hg) == p.nnz());
    CHECK(p.offset(h12) == p.offset(h12again));
    CHECK(p.offset(h12) == p.find(1, 2));
    CHECK(p.offset(h21) == p.find(2, 1));
    CHECK(p.find(3, 1) == -1);
    CHECK(p.diagonalOffset(3) == p.find(3, 3));
    // Column-major: column 1 holds rows 1, 2.
    CHECK(p.colPtr() == std::vector<int>{0, 2, 4, 5});
    CHECK(p.rowIdx() == std::vector<int>{0, 1, 0, 1, 2});
}

TEST_CASE("KLU: factor, refactor and solve a small system; singular matrices name the column") {
    PatternBuilder p;
    p.entry(1, 2);
    p.entry(2, 1);
    p.build(2);
    KluSolver klu;
    klu.analyze(p);
    // [[4, 1], [2, 3]] in CSC: col1 rows (1,2) = 4, 2; col2 rows (1,2) = 1, 3.
    std::vector<double> a{4, 2, 1, 3, 0};
    REQUIRE(klu.factor(a.data()));
    std::vector<double> b{0, 5, 5}; // solution x = (1, 1)
    klu.solve(b.data());
    CHECK(b[1] == doctest::Approx(1.0).scale(0));
    CHECK(b[2] == doctest::Approx(1.0).scale(0));
    a = {8, 4, 2, 6, 0};
    REQUIRE(klu.factor(a.data()));
    CHECK(klu.stats.refactorizations == 1);
    std::vector<double> s{0, 0, 0, 0, 0};
    s = {1, 1, 1, 1, 0}; // rank 1
    CHECK_FALSE(klu.factor(s.data(), false));
    CHECK(klu.singularColumn() > 0);
}

TEST_CASE("Newton: a linear circuit converges in one iteration per point and reuses the LU") {
    const auto r = spinspice::test::run("lin\nv1 in 0 pulse(0 1 0 1n 1n 1 2)\nr1 in out 1k\nc1 out 0 1n\n"
                                        ".tran 10n 10u 0 10n\n.end\n");
    const auto& s = r.analyses.at(0).stats;
    CHECK(s.iterations <= s.accepted + s.rejected + 5);               // 1 per time point (+ the operating point)
    CHECK(s.factorizations + s.refactorizations < s.iterations / 10); // constant h: the LU is reused
}

TEST_CASE("Newton: diode chain converges with junction limiting; gmin stepping as fall-back") {
    // Forty diodes in series across 30 V: plain Newton from vcrit needs limiting to converge.
    std::string net = "chain\nv1 n0 0 30\n.model dm d(is=1e-15 rs=1)\n";
    for (int i = 0; i < 40; ++i)
        net += "d" + std::to_string(i) + " n" + std::to_string(i) + " n" + std::to_string(i + 1) + " dm\n";
    net += "r1 n40 0 100\n.op\n.end\n";
    const auto r = spinspice::test::run(net);
    const auto& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    const double i = spinspice::test::signal(w, "v(n40)").at(0) / 100.0;
    CHECK(i > 0.0);
    // KCL through the chain: the current of v1 equals the load current.
    CHECK(-spinspice::test::signal(w, "i(v1)").at(0) == doctest::Approx(i).epsilon(1e-6).scale(0));
}

// .ic holds nodes through a 1e10 S conductance whose round-off (1e10 x an ulp of the value) exceeds any
// current tolerance: the residual test must not apply to those rows, or a nonlinear circuit with a few
// .ic nodes never converges (three sigmoid neurons: "operating point did not converge" before).
TEST_CASE("operating point: nodes held by .ic in a nonlinear circuit") {
    std::string net = "three sigmoid neurons\n";
    const char* couplings[] = {"r01 v1 u0 13k", "r02 v2 u0 17k", "r10 v0 u1 11k",
                               "r12 v2 u1 19k", "r20 v0 u2 23k", "r21 v1 u2 29k"};
    for (int i = 0; i < 3; ++i) {
        const std::string k = std::to_string(i);
        net += "c" + k + " u" + k + " 0 1p\nb" + k + " v" + k + " 0 v=0.2*tanh(100*v(u" + k + "))\n";
    }
    for (const char* c : couplings) net += std::string(c) + "\n";
    net += ".ic v(u0)=0.05 v(u1)=-0.05 v(u2)=0.03\n.tran 0.1n 2n\n.end\n";
    const auto r = spinspice::test::run(net);
    const auto& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    CHECK(spinspice::test::signal(w, "v(u0)").at(0) == doctest::Approx(0.05).epsilon(1e-9));
    CHECK(spinspice::test::signal(w, "v(u1)").at(0) == doctest::Approx(-0.05).epsilon(1e-9));
    CHECK(spinspice::test::signal(w, "v(u2)").at(0) == doctest::Approx(0.03).epsilon(1e-9));
    // the sigmoid outputs at the held inputs
    CHECK(spinspice::test::signal(w, "v(v1)").at(0) == doctest::Approx(-0.2 * std::tanh(5.0)).epsilon(1e-9));
}

TEST_CASE("operating point: pseudo-transient continuation converges where Newton alone cannot") {
    // 10 A forced into a bare junction with only two Newton iterations allowed per solve: plain Newton
    // from vcrit cannot get there; the pseudo-transient march (small steps, each easy) can.
    const std::string deck = "hard\ni1 0 a 10\nd1 a 0 dm\nr1 a 0 1meg\n.model dm d(is=1e-14)\n";
    const double reference =
        spinspice::test::signal(spinspice::test::run(deck + ".op\n.end\n").analyses.at(0), "v(a)").at(0);
    const double vt = 1.38064852e-23 / 1.6021766208e-19 * 300.15;
    CHECK(reference == doctest::Approx(vt * std::log(10.0 / 1e-14)).epsilon(1e-6).scale(0)); // the junction law
    const auto rescued = spinspice::test::run(deck + ".options itl1=2 gminsteps=0 srcsteps=0\n.op\n.end\n");
    REQUIRE(rescued.analyses.at(0).error.empty());
    CHECK(spinspice::test::signal(rescued.analyses.at(0), "v(a)").at(0) ==
          doctest::Approx(reference).epsilon(1e-9).scale(0));
    const auto failed = spinspice::test::run(deck + ".options itl1=2 gminsteps=0 srcsteps=0 pseudotran=0\n.op\n.end\n");
    CHECK(failed.analyses.at(0).error.find("did not converge (Newton failed)") != std::string::npos);
}

// AcSystem factors the complex matrix on its nonzero entries only; an entry that was zero when the
// reduced pattern was taken and is nonzero later must rebuild it (the answer never depends on the guess).
TEST_CASE("AcSystem: reduced pattern, rebuilt when a dropped entry becomes nonzero") {
    using C = std::complex<double>;
    PatternBuilder p;
    int h[3][3];
    for (int r = 1; r <= 3; ++r)
        for (int c = 1; c <= 3; ++c) h[r - 1][c - 1] = p.entry(r, c);
    p.build(3);
    FactorStats stats;
    AcSystem system(p, stats, 0);
    auto solveWith = [&](const C(&m)[3][3], const C(&b)[3]) {
        std::vector<C> a(static_cast<std::size_t>(p.nnz()) + 1, C(0.0, 0.0));
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) a[static_cast<std::size_t>(p.offset(h[r][c]))] = m[r][c];
        REQUIRE(system.factor(a));
        std::vector<C> x{C(0.0, 0.0), b[0], b[1], b[2]};
        system.solve(x.data());
        // residual of the dense system
        double worst = 0;
        for (int r = 0; r < 3; ++r) {
            C sum = -b[r];
            for (int c = 0; c < 3; ++c) sum += m[r][c] * x[static_cast<std::size_t>(c) + 1];
            worst = std::max(worst, std::abs(sum));
        }
        return worst;
    };
    const C b[3] = {C(1, 0), C(0, 2), C(-1, 1)};
    const C sparse[3][3] = {{C(2, 1), 0.0, 0.0}, {C(1, 0), C(3, 0), 0.0}, {0.0, 0.0, C(1, -1)}};
    CHECK(solveWith(sparse, b) < 1e-14);
    CHECK(system.reducedEntries() == 4); // three diagonals and (2, 1)
    const C coupled[3][3] = {{C(2, 1), 0.0, C(0.5, 0.5)}, {C(1, 0), C(3, 0), 0.0}, {0.0, C(-1, 0), C(1, -1)}};
    CHECK(solveWith(coupled, b) < 1e-14); // (1, 3) and (3, 2) appear: rebuilt
    CHECK(system.reducedEntries() == 6);
    CHECK(solveWith(sparse, b) < 1e-14); // they vanish again: kept, no rebuild needed
    CHECK(system.reducedEntries() == 6);
}

// Unknowns decoupled in the reduced pattern (only a diagonal in their row and column) are solved by a
// division outside KLU; a zero there is a singular matrix that names its unknown.
TEST_CASE("AcSystem: decoupled unknowns") {
    using C = std::complex<double>;
    PatternBuilder p;
    int h[4][4];
    for (int r = 1; r <= 4; ++r)
        for (int c = 1; c <= 4; ++c) h[r - 1][c - 1] = p.entry(r, c);
    p.build(4);
    FactorStats stats;
    AcSystem system(p, stats, 0);
    auto matrix = [&](const C(&m)[4][4]) {
        std::vector<C> a(static_cast<std::size_t>(p.nnz()) + 1, C(0.0, 0.0));
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c) a[static_cast<std::size_t>(p.offset(h[r][c]))] = m[r][c];
        return a;
    };
    // unknowns 2 and 4 decoupled, 1 and 3 coupled
    const C m[4][4] = {{C(2, 1), 0.0, C(1, 0), 0.0},
                       {0.0, C(0, 4), 0.0, 0.0},
                       {C(-1, 0), 0.0, C(3, -1), 0.0},
                       {0.0, 0.0, 0.0, C(-0.5, 0.25)}};
    REQUIRE(system.factor(matrix(m)));
    CHECK(system.decoupledUnknowns() == 2);
    const C b[4] = {C(1, 0), C(0, 2), C(-1, 1), C(2, -3)};
    std::vector<C> x{C(0.0, 0.0), b[0], b[1], b[2], b[3]};
    system.solve(x.data());
    double worst = 0;
    for (int r = 0; r < 4; ++r) {
        C sum = -b[r];
        for (int c = 0; c < 4; ++c) sum += m[r][c] * x[static_cast<std::size_t>(c) + 1];
        worst = std::max(worst, std::abs(sum));
    }
    CHECK(worst < 1e-14);
    C singular[4][4];
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c) singular[r][c] = m[r][c];
    singular[3][3] = 0.0;
    CHECK_FALSE(system.factor(matrix(singular)));
    CHECK(system.singularColumn() == 4);
    singular[3][3] = m[3][3];
    singular[0][0] = 0.0; // the coupled part singular: its column 1 all zero
    singular[2][0] = 0.0;
    CHECK_FALSE(system.factor(matrix(singular)));
    const int column = system.singularColumn();
    CHECK((column == 1 || column == 3));
}

namespace {
// An n x n resistive grid (1 ohm links, each node 1 kohm to ground) driven at a corner by a 1 V source:
// the KCL pattern of a mesh, with a voltage-source row that has no diagonal.
struct Grid {
    PatternBuilder pattern;
    std::vector<double> values;
    int n, unknowns;
    explicit Grid(int size) : n(size), unknowns(size * size + 1) {
        auto node = [&](int r, int c) { return 1 + r * n + c; };
        std::vector<std::tuple<int, int, double>> entries;
        auto conductance = [&](int a, int b, double g) {
            entries.emplace_back(a, a, g);
            if (b == 0) return;
            entries.emplace_back(b, b, g);
            entries.emplace_back(a, b, -g);
            entries.emplace_back(b, a, -g);
        };
        for (int r = 0; r < n; ++r)
            for (int c = 0; c < n; ++c) {
                conductance(node(r, c), 0, 1e-3);
                if (c + 1 < n) conductance(node(r, c), node(r, c + 1), 1.0);
                if (r + 1 < n) conductance(node(r, c), node(r + 1, c), 1.0);
            }
        const int branch = unknowns;
        entries.emplace_back(node(0, 0), branch, 1.0);
        entries.emplace_back(branch, node(0, 0), 1.0);
        std::vector<int> handles;
        for (const auto& [r, c, v] : entries) handles.push_back(pattern.entry(r, c));
        pattern.build(unknowns);
        values.assign(static_cast<std::size_t>(pattern.nnz()) + 1, 0.0);
        for (std::size_t k = 0; k < entries.size(); ++k)
            values[static_cast<std::size_t>(pattern.offset(handles[k]))] += std::get<2>(entries[k]);
    }
    std::vector<double> solve(KluSolver& lu) const {
        std::vector<double> b(static_cast<std::size_t>(unknowns) + 1, 0.0);
        b.back() = 1.0; // the source's 1 V
        lu.solve(b.data());
        return b;
    }
};
} // namespace

TEST_CASE("UMFPACK backend: a mesh solves as with KLU; singular systems name the column; auto keeps KLU small") {
    const Grid grid(40);
    KluSolver klu, umf;
    klu.backend = KluSolver::Backend::Klu;
    umf.backend = KluSolver::Backend::Multifrontal;
    klu.analyze(grid.pattern);
    umf.analyze(grid.pattern);
    CHECK_FALSE(klu.multifrontal());
    CHECK(umf.multifrontal());
    REQUIRE(klu.factor(grid.values.data()));
    REQUIRE(umf.factor(grid.values.data()));
    const auto xk = grid.solve(klu), xu = grid.solve(umf);
    CHECK(xu[1] == doctest::Approx(1.0).epsilon(1e-14)); // the driven corner
    // KCL at the driven corner: the source's current is what leaves through the links and to ground.
    double leaving = 1e-3 * xu[1] + (xu[1] - xu[2]) + (xu[1] - xu[41]);
    CHECK(-xu.back() == doctest::Approx(leaving).epsilon(1e-12));
    double worst = 0;
    for (std::size_t i = 1; i < xk.size(); ++i) worst = std::max(worst, std::fabs(xk[i] - xu[i]));
    CHECK(worst < 1e-13);
    CHECK(xu[1600] > 0.0); // the far corner
    CHECK(xu[1600] < xu[800]);
    // Factor again (another key of a transient): the same solution.
    CHECK_FALSE(umf.switchTo(2.0));
    REQUIRE(umf.factor(grid.values.data()));
    CHECK(umf.switchTo(2.0));
    CHECK(grid.solve(umf)[1600] == doctest::Approx(xu[1600]).epsilon(1e-14));
    // A node cut loose (its row and column zero): singular, and the column is that node's.
    std::vector<double> cut = grid.values;
    const int loose = 1 + 20 * 40 + 20;
    for (int col = 0; col < grid.unknowns; ++col)
        for (int k = grid.pattern.colPtr()[static_cast<std::size_t>(col)];
             k < grid.pattern.colPtr()[static_cast<std::size_t>(col) + 1]; ++k)
            if (col + 1 == loose || grid.pattern.rowIdx()[static_cast<std::size_t>(k)] + 1 == loose)
                cut[static_cast<std::size_t>(k)] = 0.0;
    CHECK_FALSE(umf.factor(cut.data()));
    CHECK(umf.singularColumn() == loose);
    // Auto: a 1 601-unknown mesh's factor is far below the threshold.
    KluSolver automatic;
    automatic.analyze(grid.pattern);
    CHECK_FALSE(automatic.multifrontal());
}

TEST_CASE("options: linsolver=umfpack gives KLU's waveforms; unknown solvers are errors") {
    const std::string deck = "rc ladder\nv1 n0 0 pulse(0 1 0 1n 1n 20n 50n)\n"
                             "r1 n0 n1 1k\nc1 n1 0 1p\nr2 n1 n2 1k\nc2 n2 0 1p\nr3 n2 n3 1k\nc3 n3 0 1p\n"
                             ".tran 0.1n 100n\n";
    const auto klu = spinspice::test::run(deck + ".options linsolver=klu\n.end\n");
    const auto umf = spinspice::test::run(deck + ".options linsolver=umfpack\n.end\n");
    const auto& a = spinspice::test::signal(klu.analyses.at(0), "v(n3)");
    const auto& b = spinspice::test::signal(umf.analyses.at(0), "v(n3)");
    REQUIRE(a.size() == b.size());
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
    CHECK(worst < 1e-12);
    CHECK(*std::max_element(b.begin(), b.end()) > 0.5);
    CHECK_THROWS_WITH_AS(spinspice::test::run(deck + ".options linsolver=pardiso\n.end\n"),
                         doctest::Contains("linsolver=pardiso is not known"), InputError);
}
