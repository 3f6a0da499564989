// What a linear circuit's transient does not recompute (issue 15): factorisations kept per step size
// (KluSolver::switchTo), and the time-invariant devices applied as f0 + Jf x, q0 + Jq x instead of
// being loaded at every iteration (NewtonSolver). Each is checked against the direct computation.
#include "analysis/build_circuit.hpp"
#include "netlist/elaborate.hpp"
#include "netlist/parser.hpp"
#include "solver/klu_solver.hpp"
#include "solver/metis_order.hpp"
#include "solver/newton.hpp"
#include "tests/support.hpp"

#include <Eigen/Dense>
#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace spinspice;

namespace {

// A = G + key * C on the pattern of a 3-node chain; solves A x = b and returns x.
struct KeyedSystem {
    PatternBuilder pattern;
    KluSolver klu;
    KeyedSystem() {
        pattern.entry(1, 2);
        pattern.entry(2, 1);
        pattern.entry(2, 3);
        pattern.entry(3, 2);
        pattern.build(3);
        klu.analyze(pattern);
    }
    std::vector<double> matrix(double key) const {
        std::vector<double> a(static_cast<std::size_t>(pattern.nnz()) + 1, 0.0);
        const double g = 1.0, c = 1e-3;
        for (int i = 1; i <= 3; ++i) a[static_cast<std::size_t>(pattern.find(i, i))] = 2 * g + (i + 1) * c * key;
        for (auto [i, j] : {std::pair{1, 2}, {2, 1}, {2, 3}, {3, 2}})
            a[static_cast<std::size_t>(pattern.find(i, j))] = -g;
        return a;
    }
    // The residual of A(key) x = (0, 1, 2, 3) after solving with the current factorisation.
    double residual(double key) {
        std::vector<double> x{0, 1, 2, 3};
        klu.solve(x.data());
        const auto a = matrix(key);
        std::vector<double> ax(4, 0.0);
        cscMultiplyAdd(pattern, a.data(), x.data(), ax.data());
        double worst = 0;
        for (int i = 1; i <= 3; ++i) worst = std::max(worst, std::fabs(ax[static_cast<std::size_t>(i)] - i));
        return worst;
    }
};

} // namespace

TEST_CASE("KLU keeps factorisations per key: a key that comes back needs no factorisation") {
    KeyedSystem s;
    const double k1 = 2e11, k2 = 5e11, k3 = 1e12;
    auto use = [&](double key) { // returns whether a factor() was needed
        if (s.klu.switchTo(key)) return false;
        const auto a = s.matrix(key);
        REQUIRE(s.klu.factor(a.data()));
        return true;
    };
    CHECK(use(k1));  // new
    CHECK(use(k2));  // new: refactors k1's memory (k1 was asked for once)
    CHECK(use(k1));  // not kept yet
    CHECK(use(k2));  // k1 (asked twice) is filed; k2 is factored anew
    CHECK(!use(k1)); // kept
    CHECK(s.residual(k1) < 1e-12);
    CHECK(!use(k2));
    CHECK(s.residual(k2) < 1e-12);
    CHECK(!use(k2 * (1 + 1e-11))); // within 1e-9: the same key
    CHECK(use(k2 * (1 + 1e-6)));   // a different one
    CHECK(s.residual(k2 * (1 + 1e-6)) < 1e-12);
    CHECK(use(k3));
    CHECK(!use(k1)); // still kept
    CHECK(s.residual(k1) < 1e-12);
    // unkey(): the current factorisation is overwritten by the next factor() and stands for no key.
    s.klu.unkey();
    const auto a3 = s.matrix(k3);
    REQUIRE(s.klu.factor(a3.data()));
    CHECK(!use(k2)); // k2 was kept all along
    CHECK(s.residual(k2) < 1e-12);
    // At most kKeptFactorisations are kept: with many recurring keys the oldest go.
    for (int round = 0; round < 2; ++round)
        for (int k = 0; k < static_cast<int>(KluSolver::kKeptFactorisations) + 4; ++k) use(1e9 * (k + 1));
    CHECK(use(1e9)); // the least recently used one was dropped
    s.klu.forgetKept();
    CHECK(use(k1));
}

TEST_CASE("a linear circuit's time-invariant devices, applied as f0 + Jf x and q0 + Jq x, equal their loads") {
    const std::string deck = "all linear elements\nv1 in 0 sin(0 1 1meg)\ni1 0 b pulse(0 1m 0 1n 1n 5n 10n)\n"
                             "r1 in a 1k\nc1 a 0 1n\nl1 a b 1u\nl2 b 0 2u\nk1 l1 l2 0.5\ne1 c 0 a b 2\n"
                             "g1 0 d c 0 1m\nr2 d 0 3k\nf1 0 e v1 0.5\nr3 e 0 2k\nh1 f 0 v1 100\nr4 f 0 1k\n"
                             "c2 d e 2p\n.tran 1n 10n\n.end\n";
    const FlatCircuit flat = netlist::elaborate(netlist::parseDeckString(deck, "lin.cir"));
    const SimOptions options;
    auto circuit = buildCircuit(flat, options);
    REQUIRE(circuit->linear());
    CHECK(circuit->invariantDevices().size() == 13); // all but v1 and i1
    NewtonSolver newton(*circuit);
    const auto n = static_cast<std::size_t>(circuit->size()) + 1;
    const auto nnz = static_cast<std::size_t>(circuit->pattern().nnz()) + 1;
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> u(-2, 2);
    for (int trial = 0; trial < 3; ++trial) {
        std::vector<double> x(n, 0.0);
        for (std::size_t i = 1; i < n; ++i) x[i] = u(random);
        EvalContext ctx;
        ctx.time = 3e-9 * (trial + 1);
        ctx.dcSources = false;
        ctx.stationary = false; // a transient time point: the affine path
        newton.evaluate(x, ctx);
        CHECK(newton.stats.affineEvaluations == trial + 1);
        // The direct load of every device.
        std::vector<double> f(n, 0.0), q(n, 0.0), scale(n, 0.0), jf(nnz, 0.0), jq(nnz, 0.0);
        LoadBuffers lb{f.data(), q.data(), scale.data(), jf.data(), jq.data(), 0};
        EvalContext direct = ctx;
        direct.x = x.data();
        direct.env = &circuit->environment();
        circuit->load(direct, lb);
        for (std::size_t i = 1; i < n; ++i) {
            CHECK(newton.loadedResidual()[i] == doctest::Approx(f[i]).epsilon(1e-12).scale(1e-15));
            CHECK(newton.loadedCharges()[i] == doctest::Approx(q[i]).epsilon(1e-12).scale(1e-18));
        }
        for (std::size_t k = 0; k + 1 < nnz; ++k) {
            CHECK(newton.jacobianF()[k] == jf[k]);
            CHECK(newton.jacobianQ()[k] == jq[k]);
        }
    }
}

TEST_CASE("RC mesh with a pulsed load: factorisations kept per step size, against a dense trapezoidal reference") {
    // A 6 x 6 mesh (0.5 ohm, 10 fF), a 1 V supply through 0.1 ohm at one corner, a pulsed 10 mA load
    // at the other: after each of the 40 pulse corners the step sizes 1, 2, 4, 5, 8 ps come back.
    const int m = 6, nodes = m * m;
    auto name = [&](int i, int j) { return "n" + std::to_string(i) + "_" + std::to_string(j); };
    std::string deck = "mesh\nvdd vdd 0 1\nrsup vdd " + name(0, 0) + " 0.1\n";
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < m; ++j) {
            if (j + 1 < m) deck += "rh" + name(i, j) + " " + name(i, j) + " " + name(i, j + 1) + " 0.5\n";
            if (i + 1 < m) deck += "rv" + name(i, j) + " " + name(i, j) + " " + name(i + 1, j) + " 0.5\n";
            deck += "c" + name(i, j) + " " + name(i, j) + " 0 10f\n";
        }
    deck += "iload " + name(m - 1, m - 1) + " 0 pulse(0 10m 100p 50p 50p 500p 2n)\n.options method=trap\n" +
            ".tran 10p 20n 0 10p\n.end\n";
    const auto r = spinspice::test::run(deck);
    const Waveforms& w = r.analyses.at(0);
    const auto& s = w.stats;
    CHECK(s.accepted > 2000);
    CHECK(s.factorizations + s.refactorizations < 30); // 218 before: one per change of step size

    // Reference: the same integration on the simulator's own time points, dense (Eigen), the supply as
    // its Norton equivalent. A factorisation used for the wrong step size would be off by the signal.
    auto load = [](double t) { // the pulse: 0 -> 10 mA, delay 100p, rise/fall 50p, width 500p, period 2n
        const double u = t < 100e-12 ? -1 : std::fmod(t - 100e-12, 2e-9);
        if (u < 0) return 0.0;
        if (u < 50e-12) return 10e-3 * u / 50e-12;
        if (u < 550e-12) return 10e-3;
        if (u < 600e-12) return 10e-3 * (600e-12 - u) / 50e-12;
        return 0.0;
    };
    Eigen::MatrixXd g = Eigen::MatrixXd::Zero(nodes, nodes);
    auto index = [&](int i, int j) { return i * m + j; };
    auto conductance = [&](int a, int b, double value) {
        g(a, a) += value;
        g(b, b) += value;
        g(a, b) -= value;
        g(b, a) -= value;
    };
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < m; ++j) {
            if (j + 1 < m) conductance(index(i, j), index(i, j + 1), 2.0);
            if (i + 1 < m) conductance(index(i, j), index(i + 1, j), 2.0);
        }
    g(0, 0) += 10.0; // the supply: 1 V through 0.1 ohm
    const double c = 10e-15;
    auto source = [&](double t) {
        Eigen::VectorXd b = Eigen::VectorXd::Zero(nodes);
        b(0) = 10.0;
        b(nodes - 1) = -load(t);
        return b;
    };
    // The simulator restarts with one backward-Euler step at t = 0 and after every pulse corner (SPICE).
    auto corner = [](double t) {
        if (t == 0) return true;
        const double u = std::fmod(t - 100e-12, 2e-9);
        for (double at : {0.0, 50e-12, 550e-12, 600e-12, 2e-9})
            if (t >= 100e-12 - 1e-18 && std::fabs(u - at) < 1e-17) return true;
        return false;
    };
    const auto& time = test::signal(w, "time");
    const auto& probe = test::signal(w, "v(" + name(m - 1, m - 1) + ")");
    Eigen::VectorXd x = g.ldlt().solve(source(0)); // the operating point
    double worst = 0, range = 0;
    for (std::size_t k = 1; k < time.size(); ++k) {
        const double h = time[k] - time[k - 1];
        const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(nodes, nodes);
        if (corner(time[k - 1])) // backward Euler: (G + C/h) x1 = C/h x0 + b1
            x = (g + identity * (c / h)).ldlt().solve((c / h) * x + source(time[k]));
        else // trapezoidal: (G + 2C/h) x1 = (2C/h - G) x0 + b1 + b0
            x = (g + identity * (2 * c / h))
                    .ldlt()
                    .solve((2 * c / h) * x - g * x + source(time[k]) + source(time[k - 1]));
        worst = std::max(worst, std::fabs(x(nodes - 1) - probe[k]));
        range = std::max(range, std::fabs(x(nodes - 1) - probe[0]));
    }
    CHECK(range > 1e-3);
    CHECK(worst < 1e-8 * range); // 2e-14 V here; a factorisation of the wrong step size: ~range
}

namespace {
// The pattern (CSC, 0-based) of an m x m grid Laplacian plus a diagonal.
void gridPattern(int m, std::vector<int>& colPtr, std::vector<int>& rowIdx, std::vector<double>* values = nullptr) {
    const int n = m * m;
    colPtr.assign(1, 0);
    rowIdx.clear();
    if (values) values->clear();
    for (int c = 0; c < n; ++c) {
        const int i = c / m, j = c % m;
        std::vector<int> rows{c};
        if (i > 0) rows.push_back(c - m);
        if (j > 0) rows.push_back(c - 1);
        if (j + 1 < m) rows.push_back(c + 1);
        if (i + 1 < m) rows.push_back(c + m);
        std::sort(rows.begin(), rows.end());
        for (int r : rows) {
            rowIdx.push_back(r);
            if (values) values->push_back(r == c ? 4.01 : -1.0);
        }
        colPtr.push_back(static_cast<int>(rowIdx.size()));
    }
}
} // namespace

TEST_CASE("METIS nested dissection: a permutation, and the exact Cholesky fill count it reports") {
    if (!metisAvailable()) return; // built without libmetis-dev
    const int m = 12, n = m * m;
    std::vector<int> colPtr, rowIdx;
    gridPattern(m, colPtr, rowIdx);
    std::vector<int> perm(static_cast<std::size_t>(n));
    const int lnz = metisOrder(n, colPtr.data(), rowIdx.data(), perm.data(), nullptr);
    std::vector<int> sorted = perm;
    std::sort(sorted.begin(), sorted.end());
    for (int k = 0; k < n; ++k) CHECK(sorted[static_cast<std::size_t>(k)] == k);
    // Reference: symbolic Gaussian elimination on the permuted pattern, dense.
    std::vector<std::vector<char>> a(static_cast<std::size_t>(n), std::vector<char>(static_cast<std::size_t>(n), 0));
    std::vector<int> position(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) position[static_cast<std::size_t>(perm[static_cast<std::size_t>(k)])] = k;
    for (int c = 0; c < n; ++c)
        for (int k = colPtr[static_cast<std::size_t>(c)]; k < colPtr[static_cast<std::size_t>(c) + 1]; ++k) {
            const auto i =
                static_cast<std::size_t>(position[static_cast<std::size_t>(rowIdx[static_cast<std::size_t>(k)])]);
            const auto j = static_cast<std::size_t>(position[static_cast<std::size_t>(c)]);
            a[i][j] = a[j][i] = 1;
        }
    long count = 0;
    for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k)
        for (std::size_t i = k + 1; i < static_cast<std::size_t>(n); ++i) {
            if (!a[i][k]) continue;
            ++count; // L(i, k)
            for (std::size_t j = k + 1; j < static_cast<std::size_t>(n); ++j)
                if (a[k][j]) a[i][j] = a[j][i] = 1;
        }
    CHECK(lnz == count);
}

TEST_CASE("KLU chooses nested dissection on a large 3-D grid, where it fills less than AMD, and solves it") {
    // A 16 x 16 x 16 grid Laplacian plus a diagonal: nested dissection's separators are planes, AMD's
    // fill grows much faster (8 % less fill here; KluSolver asks for 5 %).
    const int m = 16, n = m * m * m;
    std::vector<int> colPtr{0}, rowIdx;
    std::vector<double> values;
    for (int c = 0; c < n; ++c) {
        const int i = c / (m * m), j = (c / m) % m, k = c % m;
        std::vector<int> rows{c};
        if (i > 0) rows.push_back(c - m * m);
        if (i + 1 < m) rows.push_back(c + m * m);
        if (j > 0) rows.push_back(c - m);
        if (j + 1 < m) rows.push_back(c + m);
        if (k > 0) rows.push_back(c - 1);
        if (k + 1 < m) rows.push_back(c + 1);
        std::sort(rows.begin(), rows.end());
        for (int r : rows) {
            rowIdx.push_back(r);
            values.push_back(r == c ? 6.01 : -1.0);
        }
        colPtr.push_back(static_cast<int>(rowIdx.size()));
    }
    KluSolver klu;
    klu.analyze(n, colPtr, rowIdx);
    values.push_back(0.0); // the ground slot
    REQUIRE(klu.factor(values.data()));
    CHECK(klu.ordering() == (metisAvailable() ? 3 : 0));
    std::vector<double> b(static_cast<std::size_t>(n) + 1, 0.0);
    for (int i = 1; i <= n; ++i) b[static_cast<std::size_t>(i)] = std::sin(0.1 * i);
    std::vector<double> x = b;
    klu.solve(x.data());
    std::vector<double> ax(static_cast<std::size_t>(n) + 1, 0.0);
    for (int c = 0; c < n; ++c)
        for (int k = colPtr[static_cast<std::size_t>(c)]; k < colPtr[static_cast<std::size_t>(c) + 1]; ++k)
            ax[static_cast<std::size_t>(rowIdx[static_cast<std::size_t>(k)]) + 1] +=
                values[static_cast<std::size_t>(k)] * x[static_cast<std::size_t>(c) + 1];
    double worst = 0;
    for (int i = 1; i <= n; ++i)
        worst = std::max(worst, std::fabs(ax[static_cast<std::size_t>(i)] - b[static_cast<std::size_t>(i)]));
    CHECK(worst < 1e-12);
}
