// Latency (issue 15): columns of A^{-1} computed over the blocks a row reaches (BlockColumns), and a
// linear transient without charges that advances only what its sources and events change
// (LatencyStepper). Checked against a dense inverse and against the same transient with full solves.
#include "solver/block_columns.hpp"
#include "tests/support.hpp"

#include <Eigen/Dense>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace spinspice;

namespace {

// A random matrix that is block upper triangular under a hidden permutation: diagonal blocks of the
// given sizes (dense, diagonally dominant), sparse entries above them, then rows and columns shuffled.
struct ReducibleMatrix {
    int n = 0;
    PatternBuilder pattern;
    std::vector<double> values;
    Eigen::MatrixXd dense;

    ReducibleMatrix(const std::vector<int>& blockSizes, unsigned seed) {
        std::mt19937 rng(seed);
        std::uniform_real_distribution<double> u(-1.0, 1.0);
        n = std::accumulate(blockSizes.begin(), blockSizes.end(), 0);
        Eigen::MatrixXd m = Eigen::MatrixXd::Zero(n, n);
        int start = 0;
        for (int size : blockSizes) {
            for (int i = start; i < start + size; ++i) {
                for (int j = start; j < start + size; ++j)
                    if (i == j || (rng() % 3 == 0)) m(i, j) = u(rng);
                m(i, i) = (rng() % 2 ? 1.0 : -1.0) * (1.0 + size); // dominant: non-singular
                for (int j = start + size; j < n; ++j)             // later blocks feed this one, sparsely
                    if (rng() % 17 == 0) m(i, j) = u(rng);
            }
            start += size;
        }
        std::vector<int> rowOf(static_cast<std::size_t>(n)), colOf(static_cast<std::size_t>(n));
        std::iota(rowOf.begin(), rowOf.end(), 0);
        std::iota(colOf.begin(), colOf.end(), 0);
        std::shuffle(rowOf.begin(), rowOf.end(), rng);
        std::shuffle(colOf.begin(), colOf.end(), rng);
        dense = Eigen::MatrixXd::Zero(n, n);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (m(i, j) != 0.0) {
                    dense(rowOf[static_cast<std::size_t>(i)], colOf[static_cast<std::size_t>(j)]) = m(i, j);
                    pattern.entry(rowOf[static_cast<std::size_t>(i)] + 1, colOf[static_cast<std::size_t>(j)] + 1);
                }
        pattern.build(n);
        values.assign(static_cast<std::size_t>(pattern.nnz()) + 1, 0.0);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (dense(i, j) != 0.0) values[static_cast<std::size_t>(pattern.find(i + 1, j + 1))] = dense(i, j);
    }
    std::function<void(double*)> denseSolve(int& calls) const {
        return [this, &calls](double* b) {
            ++calls;
            Eigen::Map<Eigen::VectorXd> v(b + 1, n);
            v = dense.partialPivLu().solve(Eigen::VectorXd(v));
        };
    }
};

// Every column against the dense inverse: the listed entries equal it, the unlisted ones are zero in it.
void checkAllColumns(const ReducibleMatrix& a, BlockColumns& columns) {
    const Eigen::MatrixXd inverse = a.dense.inverse();
    const double scale = inverse.cwiseAbs().maxCoeff();
    for (int r = 1; r <= a.n; ++r) {
        const SparseColumn* column = columns.column(r);
        REQUIRE(column != nullptr);
        const SparseColumn& c = *column;
        Eigen::VectorXd listed = Eigen::VectorXd::Zero(a.n);
        for (std::size_t k = 0; k < c.index.size(); ++k) listed(c.index[k] - 1) = c.value[k];
        const double error = (listed - inverse.col(r - 1)).cwiseAbs().maxCoeff();
        CHECK_MESSAGE(error < 1e-12 * scale, "column " << r << ": max error " << error);
    }
}

} // namespace

TEST_CASE("BlockColumns: each column of A^-1 equals the dense inverse's, over the blocks its row reaches") {
    const std::vector<int> sizes{1, 1, 2, 1, 3, 1, 1, 5, 1, 2, 1, 1, 4, 1, 1, 1, 2, 1, 1, 1};
    for (unsigned seed : {1u, 2u, 3u}) {
        ReducibleMatrix a(sizes, seed);
        int fullSolves = 0;
        BlockColumns columns(a.pattern, a.values.data(), a.denseSolve(fullSolves));
        // BTF finds at least the planted blocks (a random block may split further, never merge).
        CHECK(columns.blocks() >= static_cast<int>(sizes.size()));
        CHECK(columns.largestBlock() <= 5);
        checkAllColumns(a, columns);
        CHECK(fullSolves == 0);
        // The reach is small: the first planted block's rows feed nothing, so some column has one entry.
        std::size_t smallest = static_cast<std::size_t>(a.n);
        for (int r = 1; r <= a.n; ++r) smallest = std::min(smallest, columns.column(r)->index.size());
        CHECK(smallest == 1);
    }
}

TEST_CASE("BlockColumns: after setEntries, solve() and every column follow the changed matrix; the blocks stay") {
    const std::vector<int> sizes{1, 1, 2, 1, 3, 1, 1, 5, 1, 2, 1, 1, 4, 1, 1, 1, 2, 1, 1, 1};
    for (unsigned seed : {4u, 5u}) {
        ReducibleMatrix a(sizes, seed);
        std::vector<int> keep;
        for (int o = 0; o < a.pattern.nnz(); o += 4) keep.push_back(o);
        BlockColumns columns(a.pattern, a.values.data(), {}, static_cast<std::size_t>(-1), keep);
        const int blocks = columns.blocks();
        checkAllColumns(a, columns); // (then kept: setEntries must drop them)
        // Scale the kept entries by 1.3 (the diagonals stay dominant, the couplings within the planted
        // blocks below it); one coupling goes to zero and back later.
        std::vector<std::pair<int, double>> changes;
        for (int c = 0; c < a.n; ++c)
            for (int o = a.pattern.colPtr()[static_cast<std::size_t>(c)];
                 o < a.pattern.colPtr()[static_cast<std::size_t>(c) + 1]; ++o)
                if (std::binary_search(keep.begin(), keep.end(), o)) {
                    const int r = a.pattern.rowIdx()[static_cast<std::size_t>(o)];
                    const double v = r == c ? 1.3 * a.dense(r, c) : (changes.size() == 3 ? 0.0 : 1.3 * a.dense(r, c));
                    const int k = static_cast<int>(std::lower_bound(keep.begin(), keep.end(), o) - keep.begin());
                    CHECK(columns.entry(k) == a.dense(r, c));
                    changes.emplace_back(k, v);
                    a.dense(r, c) = v;
                }
        columns.setEntries(changes);
        CHECK(columns.blocks() == blocks);
        checkAllColumns(a, columns);
        // A sparse right-hand side with a repeated row.
        std::vector<std::pair<int, double>> b{{3, 1.0}, {7, -2.0}, {3, 0.5}, {a.n, 0.25}};
        Eigen::VectorXd dense = Eigen::VectorXd::Zero(a.n);
        for (const auto& [row, v] : b) dense(row - 1) += v;
        const Eigen::VectorXd y = a.dense.partialPivLu().solve(dense);
        SparseColumn out;
        REQUIRE(columns.solve(b, out));
        Eigen::VectorXd listed = Eigen::VectorXd::Zero(a.n);
        for (std::size_t k = 0; k < out.index.size(); ++k) listed(out.index[k] - 1) = out.value[k];
        CHECK((listed - y).cwiseAbs().maxCoeff() < 1e-12 * y.cwiseAbs().maxCoeff());
    }
}

TEST_CASE("BlockColumns: a column that reaches a block too large to solve densely takes the full solve") {
    ReducibleMatrix a({1, 2, 90, 1, 1, 3}, 7);
    int fullSolves = 0;
    BlockColumns columns(a.pattern, a.values.data(), a.denseSolve(fullSolves));
    CHECK(columns.largestBlock() >= 65);
    checkAllColumns(a, columns);
    CHECK(fullSolves > 0);
    CHECK(columns.fullSolves() == fullSolves);
    // Without a full solve, those columns are reported as not local; the others are still computed.
    BlockColumns local(a.pattern, a.values.data());
    const Eigen::MatrixXd inverse = a.dense.inverse();
    int notLocal = 0;
    for (int r = 1; r <= a.n; ++r) {
        const SparseColumn* c = local.column(r);
        if (!c) {
            ++notLocal;
            CHECK((inverse.col(r - 1).array() != 0.0).count() > 65); // it does reach the large block
            continue;
        }
        for (std::size_t k = 0; k < c->index.size(); ++k)
            CHECK(c->value[k] == doctest::Approx(inverse(c->index[k] - 1, r - 1)).epsilon(1e-10));
    }
    CHECK(notLocal >= 90);
    CHECK(notLocal < a.n);
}

namespace {
// Ten Poisson p-bits with random couplings, an annealing ramp on their ctrl node, a PWL bias current
// into one input, and a resistive averaging network on the outputs (which every update reaches).
std::string pbitNetwork(bool latency, const std::string& options = "") {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::ostringstream s;
    s << "latency check\n.model pb pbit (beta=1e6 vout=1 tau=1e-9)\n";
    const int n = 10;
    for (int i = 0; i < n; ++i) s << "N" << i << " in" << i << " o" << i << " beta pb m0=" << (i % 2 ? -1 : 1) << "\n";
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j && rng() % 3 == 0)
                s << "G" << i << "_" << j << " 0 in" << i << " o" << j << " 0 " << test::num(1e-6 * u(rng)) << "\n";
    for (int i = 0; i < n; ++i) s << "Ra" << i << " o" << i << " avg 1k\n";
    s << "Ravg avg 0 500\nIb 0 in3 PWL(0 0 10n 2u 30n -1u)\nVbeta beta 0 PWL(0 0.2 40n 3)\n";
    s << ".options seed=5" << (latency ? "" : " latency=0") << options << "\n.tran 1n 40n\n.end\n";
    return s.str();
}
} // namespace

namespace {
// Every signal of two runs, point by point, to 1e-12 of its largest value.
void checkSameWaveforms(const Waveforms& a, const Waveforms& b) {
    REQUIRE(a.stats.accepted == b.stats.accepted);
    for (const auto& name : a.names) {
        const auto& x = test::signal(a, name);
        const auto& y = test::signal(b, name);
        REQUIRE(x.size() == y.size());
        double scale = 0, error = 0;
        for (std::size_t k = 0; k < x.size(); ++k) {
            scale = std::max(scale, std::fabs(y[k]));
            error = std::max(error, std::fabs(x[k] - y[k]));
        }
        CHECK_MESSAGE(error <= 1e-12 * scale + 1e-300, name << ": " << error << " of " << scale);
    }
}
} // namespace

TEST_CASE("latency: a p-bit network's transient is the full solve's, point by point, at a fraction of the solves") {
    const auto fast = test::run(pbitNetwork(true));
    const auto full = test::run(pbitNetwork(false));
    const Waveforms& a = fast.analyses.at(0);
    const Waveforms& b = full.analyses.at(0);
    // With latency only the operating point is solved; every full-solve point loads and solves.
    CHECK(a.stats.iterations < 10);
    CHECK(b.stats.iterations > b.stats.accepted);
    CHECK(a.stats.accepted > 350); // ~400 updates in 40 ns, each a time point
    checkSameWaveforms(a, b);
    const auto& m = test::signal(a, "n0.m");
    int flips = 0;
    for (std::size_t k = 1; k < m.size(); ++k) flips += m[k] != m[k - 1];
    CHECK(flips > 5); // the states did move: the comparison is not of constants
}

TEST_CASE("latency: a circuit with a capacitor keeps full solves, and latency=0 is the same circuit") {
    const std::string rc = "rc\nV1 in 0 PWL(0 0 1n 1)\nR1 in out 1k\nC1 out 0 1p\n.tran 10p 3n\n.end\n";
    const auto w = test::run(rc).analyses.at(0);
    CHECK(w.stats.iterations >= w.stats.accepted); // solved at every point
    const auto& v = test::signal(w, "v(out)");
    const auto& t = test::signal(w, "time");
    // Ramp response of an RC: v(3n) = 1 - tau (1 - exp(-1n/tau)) exp(-(3n-1n)/tau) / 1n, tau = 1 ns.
    const double expected = 1.0 - 1e-9 * (1.0 - std::exp(-1.0)) * std::exp(-2.0) / 1e-9;
    CHECK(t.back() == doctest::Approx(3e-9));
    CHECK(v.back() == doctest::Approx(expected).epsilon(2e-3));
}

TEST_CASE("latency with .options interp: the grid rows interpolate the points the plain run writes") {
    const auto plain = test::run(pbitNetwork(true)).analyses.at(0);
    const auto grid = test::run(pbitNetwork(true, " interp=1")).analyses.at(0);
    const auto& t = test::signal(plain, "time");
    const auto& tg = test::signal(grid, "time");
    REQUIRE(tg.size() == 41);
    for (const std::string name : {"n0.m", "v(avg)", "i(n3#in)"}) {
        const auto& y = test::signal(plain, name);
        const auto& yg = test::signal(grid, name);
        for (std::size_t k = 0; k < tg.size(); ++k) {
            CHECK(tg[k] == doctest::Approx(1e-9 * static_cast<double>(k)).epsilon(1e-12).scale(1e-18));
            // The plain points around tg[k]: t[j-1] < tg[k] <= t[j].
            const std::size_t j =
                static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), tg[k] - 1e-18) - t.begin());
            const double expected =
                j == 0 ? y[0] : y[j - 1] + (tg[k] - t[j - 1]) / (t[j] - t[j - 1]) * (y[j] - y[j - 1]);
            CHECK_MESSAGE(yg[k] == doctest::Approx(expected).epsilon(1e-12).scale(1e-18), name << " at " << tg[k]);
        }
    }
}

TEST_CASE("latency: two time-varying current sources on one node each keep their own part of its row") {
    const std::string deck = "shared row\nI1 a 0 PWL(0 1m 5n 2m 10n -1m)\nI2 a b SIN(0.5m 1m 200meg)\n"
                             "R1 a 0 1k\nR2 b 0 2k\nR3 a b 500\n.tran 0.1n 10n\n";
    const auto fast = test::run(deck + ".end\n").analyses.at(0);
    const auto full = test::run(deck + ".options latency=0\n.end\n").analyses.at(0);
    CHECK(fast.stats.iterations < 10); // the latent path ran
    checkSameWaveforms(fast, full);
    // And the closed form at the end: v(a), v(b) from the conductance matrix at t = 10 ns.
    const double i1 = -1e-3, i2 = 0.5e-3 + 1e-3 * std::sin(2 * 3.141592653589793 * 200e6 * 10e-9);
    // KCL (currents flow from n+ through the source to n-): a: -i1 - i2 = va/1k + (va-vb)/500; b: i2 = vb/2k +
    // (vb-va)/500.
    Eigen::Matrix2d g;
    g << 1e-3 + 2e-3, -2e-3, -2e-3, 0.5e-3 + 2e-3;
    const Eigen::Vector2d v = g.partialPivLu().solve(Eigen::Vector2d(-i1 - i2, i2));
    CHECK(test::signal(fast, "v(a)").back() == doctest::Approx(v(0)).epsilon(1e-9));
    CHECK(test::signal(fast, "v(b)").back() == doctest::Approx(v(1)).epsilon(1e-9));
}

TEST_CASE("latency: .ic values are not a solution of a resistive circuit: such a run solves in full") {
    const std::string deck = "ic\nV1 a 0 PWL(0 0 10n 1)\nR1 a b 1k\nR2 b 0 1k\n.ic v(b)=0.3\n.tran 1n 10n\n";
    const auto w = test::run(deck + ".end\n").analyses.at(0);
    const auto full = test::run(deck + ".options latency=0\n.end\n").analyses.at(0);
    checkSameWaveforms(w, full);
    const auto& t = test::signal(w, "time");
    const auto& vb = test::signal(w, "v(b)");
    for (std::size_t k = 1; k < t.size(); ++k) // after t = 0 the divider holds: v(b) = v(a)/2 = t/20ns
        CHECK(vb[k] == doctest::Approx(t[k] / 20e-9).epsilon(1e-9).scale(1e-12));
}

namespace {
// Ten sMTJs, each fed from a supply through its own resistor, coupled by VCCSs between their nodes
// (a strongly connected block: refactored densely after each flip) and one sMTJ between two nodes (a
// 4-entry change). The supply ramps (PWL): the rates change inside steps, and flips are located.
std::string smtjNetwork(bool latency, double ramp) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::ostringstream s;
    s << "smtj network\n.model sm smtj (rp=1k tmr=1 delta=3 tau0=1n ic=1m)\n";
    const int n = 10;
    s << "Vdd dd 0 PWL(0 0.6 400n " << test::num(0.6 + ramp) << ")\n";
    for (int i = 0; i < n; ++i) s << "R" << i << " dd s" << i << " 1k\nN" << i << " s" << i << " 0 sm\n";
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j && rng() % 4 == 0)
                s << "G" << i << "_" << j << " s" << j << " 0 s" << i << " 0 " << test::num(1e-4 * u(rng)) << "\n";
    s << "Nx s0 s1 sm\nRa s2 avg 1k\nRb s5 avg 1k\nRavg avg 0 500\n";
    s << ".options seed=9" << (latency ? "" : " latency=0") << "\n.tran 1n 400n\n.end\n";
    return s.str();
}
int countFlips(const Waveforms& w, const std::string& state) {
    const auto& m = test::signal(w, state);
    int flips = 0;
    for (std::size_t k = 1; k < m.size(); ++k) flips += m[k] != m[k - 1];
    return flips;
}
} // namespace

TEST_CASE("latency: sMTJ flips change A; each updates only the blocks it reaches, the waveforms are the full solve's") {
    for (double ramp : {0.0, 0.3}) {
        CAPTURE(ramp);
        const auto fast = test::run(smtjNetwork(true, ramp)).analyses.at(0);
        const auto full = test::run(smtjNetwork(false, ramp)).analyses.at(0);
        CHECK(fast.stats.iterations < 10); // only the operating point is solved
        CHECK(full.stats.iterations >= full.stats.accepted);
        CHECK(fast.stats.rejected == full.stats.rejected);
        checkSameWaveforms(fast, full);
        int flips = 0;
        for (int i = 0; i < 10; ++i) flips += countFlips(fast, "n" + std::to_string(i) + ".state");
        CHECK(flips > 50);
        CHECK(countFlips(fast, "nx.state") > 2);
        if (ramp > 0) CHECK(fast.stats.rejected > 0); // flips located inside steps, on the latent path too
    }
}

TEST_CASE("latency: sMTJs on source-held lines are accepted only when they move; same flips as full solves") {
    // 4 word lines (the first ramps: its cells' rates change inside steps) and 5 bit lines held at 0 V:
    // each cell is its own block, a flip moves only its lines' source currents, and the cells whose bias
    // holds are not accepted at the points between their flips (their hazard integral catches up).
    std::ostringstream s;
    s << "sMTJ array on source-held lines\n.model sm smtj (rp=1k tmr=1 delta=3 tau0=1n ic=0.5m)\n";
    s << "Vw0 w0 0 PWL(0 0.1 300n 0.5)\n";
    for (int i = 1; i < 4; ++i) s << "Vw" << i << " w" << i << " 0 " << test::num(0.1 * i) << "\n";
    for (int j = 0; j < 5; ++j) s << "Vb" << j << " b" << j << " 0 0\n";
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 5; ++j) s << "N" << i << "_" << j << " w" << i << " b" << j << " sm\n";
    s << "F0 0 out Vb0 1\nRout out 0 1k\n.tran 1n 300n\n";
    const auto fast = test::run(s.str() + ".options seed=4\n.end\n").analyses.at(0);
    const auto full = test::run(s.str() + ".options seed=4 latency=0\n.end\n").analyses.at(0);
    CHECK(fast.stats.iterations < 10);
    CHECK(fast.stats.rejected == full.stats.rejected);
    CHECK(fast.stats.rejected > 0);
    checkSameWaveforms(fast, full);
    int flips = 0, rampedRow = 0;
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 5; ++j) {
            const int f = countFlips(fast, "n" + std::to_string(i) + "_" + std::to_string(j) + ".state");
            flips += f;
            if (i == 0) rampedRow += f;
        }
    CHECK(flips > 100);
    CHECK(rampedRow > 10);
}

TEST_CASE("latency: a wired sMTJ crossbar is one block too large to update locally: full solves, same waveforms") {
    // 7 x 7 cells with 1-ohm wire segments: the nodes off the driven ends form one block of 91 unknowns.
    std::ostringstream s;
    s << "wired smtj crossbar\n.model sm smtj (rp=1k tmr=1 delta=2 tau0=1n ic=0.2m)\n";
    const int n = 7;
    for (int i = 0; i < n; ++i) {
        s << "Vr" << i << " r" << i << "_0 0 " << test::num(0.2 + 0.05 * i) << "\n";
        for (int j = 0; j < n; ++j) {
            if (j + 1 < n) s << "Rr" << i << "_" << j << " r" << i << "_" << j << " r" << i << "_" << j + 1 << " 1\n";
            if (i + 1 < n) s << "Rc" << i << "_" << j << " c" << i << "_" << j << " c" << i + 1 << "_" << j << " 1\n";
            s << "N" << i << "_" << j << " r" << i << "_" << j << " c" << i << "_" << j << " sm\n";
        }
    }
    for (int j = 0; j < n; ++j) s << "Rl" << j << " c" << n - 1 << "_" << j << " 0 10\n";
    const std::string deck = s.str() + ".tran 1n 100n\n";
    const auto fast = test::run(deck + ".options seed=2\n.end\n").analyses.at(0);
    const auto full = test::run(deck + ".options seed=2 latency=0\n.end\n").analyses.at(0);
    checkSameWaveforms(fast, full);
    CHECK(fast.stats.iterations > fast.stats.accepted / 2); // the latent path gave up at the first flip
    int flips = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            flips += countFlips(fast, "n" + std::to_string(i) + "_" + std::to_string(j) + ".state");
    CHECK(flips > 20);
}

TEST_CASE(
    "latency: an sMTJ driven so hard that its escape rate overflows flips at the first point, as with full solves") {
    // I = 1 mA against ic = 1 uA: the AP state's barrier factor is 1 - x = -(~500), exp(3 * 500)/tau0 = inf.
    const std::string deck = "overdriven smtj\n.model sm smtj (rp=1k tmr=1 delta=3 tau0=1n ic=1u)\n"
                             "V1 a 0 1\nN1 a 0 sm state=-1\n.tran 1n 20n\n";
    for (const std::string options : {".options seed=1\n", ".options seed=1 latency=0\n"}) {
        CAPTURE(options);
        const auto w = test::run(deck + options + ".end\n").analyses.at(0);
        const auto& m = test::signal(w, "n1.state");
        REQUIRE(m.size() >= 3);
        CHECK(m[0] == -1.0);
        CHECK(m.back() == 1.0);
        CHECK(countFlips(w, "n1.state") == 1); // P is then held (rate exp(-3 (1 + 1000))/tau0 = 0)
        const auto& i = test::signal(w, "i(v1)");
        CHECK(i.back() == doctest::Approx(-1e-3).epsilon(1e-12)); // the P conductance, 1 V / 1 kOhm
    }
}
