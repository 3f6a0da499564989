// The cost floor of the p-bit benchmark: a plain sequential Gibbs sampler over the same sparse Ising
// network (J, h) the p-bit circuit realises, with no circuit around it.
//
// The graph is a Max-Cut instance (G-set layout of ../shared/data/gset, or rudy's `n m` + `i j w`,
// 1-based), mapped to p-bits as in examples/maxcut: J_ij = -w_ij, h_i = 0, so that
// P(m) ∝ exp(I0 (h.m + 1/2 m.J.m)) favours large cuts, cut = sum_edges w_ij (1 - m_i m_j) / 2.
// One update of site i: u = h_i + sum_j J_ij m_j (CSR row), m_i = sgn(tanh(I0 u) - r), r ~ U(-1, 1)
// (exactly the pbit device's rule). Site order: uniformly random (default: the event sequence of
// Poisson-clocked asynchronous p-bits) or sequential sweeps. I0 constant or ramped over the run
// (linear or geometric in the update count, as the circuit's PWL schedule is in time). The cut is
// tracked incrementally (flipping m_i changes it by m_i(old) * sum_j w_ij m_j = -m_i(old) u_i) and the
// best cut seen is reported, so the floor doubles as a software reference for what an anneal of this
// many sweeps reaches.
//
// Build: g++ -O2 -std=c++20 -o gibbs_floor bench/gibbs_floor.cpp
// Usage: gibbs_floor GRAPH [--sweeps S] [--runs R] [--order random|sequential] [--i0 X]
//                    [--anneal A:B[:lin|geo]] [--seed N] [--target CUT] [--trace K]
//   Prints one line per run (updates, seconds, updates/s, final and best cut, sweeps to reach
//   --target) and the median updates/s over the runs. Run r uses seed + r.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Graph {
    int n = 0;
    std::vector<int> a, b;
    std::vector<double> w;
    double bestKnown = -1;
};

Graph readGraph(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw std::runtime_error("cannot open " + path);
    std::string line;
    std::vector<std::vector<std::string>> rows;
    while (std::getline(f, line)) {
        std::istringstream is(line);
        std::vector<std::string> tok;
        std::string t;
        while (is >> t) tok.push_back(t);
        if (tok.empty() || tok[0][0] == '#' || tok[0][0] == '%') continue;
        rows.push_back(tok);
    }
    if (rows.empty()) throw std::runtime_error(path + ": empty");
    Graph g;
    g.n = std::stoi(rows[0][0]);
    const bool rudyHeader = rows[0].size() >= 2;
    std::size_t k = 1;
    if (!rudyHeader)
        for (; k < rows.size() && rows[k].size() < 3; ++k) {
            char* end = nullptr;
            const double v = std::strtod(rows[k][0].c_str(), &end);
            if (rows[k].size() == 1 && end && *end == '\0' && v > 0) g.bestKnown = v; // 0: unknown
        }
    for (; k < rows.size(); ++k) {
        if (rows[k].size() < 2) throw std::runtime_error(path + ": bad edge line");
        const int i = std::stoi(rows[k][0]) - 1, j = std::stoi(rows[k][1]) - 1;
        if (i < 0 || j < 0 || i >= g.n || j >= g.n || i == j) throw std::runtime_error(path + ": bad edge");
        g.a.push_back(i);
        g.b.push_back(j);
        g.w.push_back(rows[k].size() > 2 ? std::stod(rows[k][2]) : 1.0);
    }
    return g;
}

// Symmetric CSR of J = -W.
struct Csr {
    std::vector<int> ptr, col;
    std::vector<double> val;
};

Csr couplings(const Graph& g) {
    Csr c;
    c.ptr.assign(static_cast<std::size_t>(g.n) + 1, 0);
    for (std::size_t e = 0; e < g.w.size(); ++e) {
        ++c.ptr[static_cast<std::size_t>(g.a[e]) + 1];
        ++c.ptr[static_cast<std::size_t>(g.b[e]) + 1];
    }
    for (int i = 0; i < g.n; ++i) c.ptr[static_cast<std::size_t>(i) + 1] += c.ptr[static_cast<std::size_t>(i)];
    c.col.resize(2 * g.w.size());
    c.val.resize(2 * g.w.size());
    std::vector<int> fill(c.ptr.begin(), c.ptr.end() - 1);
    for (std::size_t e = 0; e < g.w.size(); ++e) {
        int& p = fill[static_cast<std::size_t>(g.a[e])];
        c.col[static_cast<std::size_t>(p)] = g.b[e];
        c.val[static_cast<std::size_t>(p++)] = -g.w[e];
        int& q = fill[static_cast<std::size_t>(g.b[e])];
        c.col[static_cast<std::size_t>(q)] = g.a[e];
        c.val[static_cast<std::size_t>(q++)] = -g.w[e];
    }
    return c;
}

// xoshiro256** (Blackman, Vigna), seeded by splitmix64.
struct Rng {
    std::uint64_t s[4];
    explicit Rng(std::uint64_t seed) {
        for (auto& x : s) {
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            x = z ^ (z >> 31);
        }
    }
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t next() {
        const std::uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return r;
    }
    double uniform11() { return static_cast<double>(next() >> 11) * 0x1.0p-52 - 1.0; } // [-1, 1)
    int site(int n) { return static_cast<int>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32); }
};

struct Options {
    std::string graph;
    double sweeps = 1000;
    int runs = 5;
    bool sequential = false;
    double i0a = 1, i0b = 1;
    bool geometric = false;
    std::uint64_t seed = 1;
    double target = -1;
    double trace = 0;
};

struct RunResult {
    double seconds, finalCut, bestCut, sweepsToTarget;
    long long updates;
};

RunResult run(const Graph& g, const Csr& J, const Options& o, std::uint64_t seed) {
    const int n = g.n;
    Rng rng(seed);
    std::vector<double> m(static_cast<std::size_t>(n)), h(static_cast<std::size_t>(n), 0.0);
    for (auto& x : m) x = (rng.next() >> 63) ? 1.0 : -1.0;
    double cut = 0, total = 0;
    for (std::size_t e = 0; e < g.w.size(); ++e) {
        cut += g.w[e] * (1 - m[static_cast<std::size_t>(g.a[e])] * m[static_cast<std::size_t>(g.b[e])]) / 2;
        total += g.w[e];
    }
    double best = cut, toTarget = o.target >= 0 && cut >= o.target ? 0 : -1;
    const long long updates = std::llround(o.sweeps * n);
    // I0 is recomputed once per block of n updates (one sweep): the ramp is a staircase in sweeps,
    // fine enough for sweeps >> 1 and cheap.
    const long long traceEvery = o.trace > 0 ? std::llround(o.trace * n) : 0;
    const auto t0 = std::chrono::steady_clock::now();
    long long k = 0;
    int seq = 0;
    while (k < updates) {
        const double x = updates > 1 ? static_cast<double>(k) / static_cast<double>(updates - 1) : 1.0;
        const double i0 = o.geometric ? o.i0a * std::pow(o.i0b / o.i0a, x) : o.i0a + (o.i0b - o.i0a) * x;
        const long long blockEnd = std::min(updates, k + n);
        for (; k < blockEnd; ++k) {
            int i;
            if (o.sequential) {
                i = seq;
                if (++seq == n) seq = 0;
            } else {
                i = rng.site(n);
            }
            double u = h[static_cast<std::size_t>(i)];
            for (int p = J.ptr[static_cast<std::size_t>(i)]; p < J.ptr[static_cast<std::size_t>(i) + 1]; ++p)
                u += J.val[static_cast<std::size_t>(p)] *
                     m[static_cast<std::size_t>(J.col[static_cast<std::size_t>(p)])];
            const double r = rng.uniform11();
            const double mi = std::tanh(i0 * u) > r ? 1.0 : -1.0;
            double& cur = m[static_cast<std::size_t>(i)];
            if (mi != cur) {
                cut -= cur * u; // flip: the cut changes by m_old * sum_j w_ij m_j = -m_old * u
                cur = mi;
                if (cut > best) {
                    best = cut;
                    if (o.target >= 0 && toTarget < 0 && best >= o.target) toTarget = static_cast<double>(k + 1) / n;
                }
            }
        }
        if (traceEvery && k % traceEvery == 0)
            std::printf("  sweep %.0f I0 %.4g cut %.0f best %.0f\n", static_cast<double>(k) / n, i0, cut, best);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Check the incremental cut against a recount.
    double recount = 0;
    for (std::size_t e = 0; e < g.w.size(); ++e)
        recount += g.w[e] * (1 - m[static_cast<std::size_t>(g.a[e])] * m[static_cast<std::size_t>(g.b[e])]) / 2;
    if (std::abs(recount - cut) > 1e-6 * (1 + std::abs(total))) {
        std::fprintf(stderr, "gibbs_floor: incremental cut %.6g != recount %.6g\n", cut, recount);
        std::exit(3);
    }
    return {seconds, cut, best, toTarget, updates};
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: gibbs_floor GRAPH [--sweeps S] [--runs R] [--order random|sequential] [--i0 X]\n"
                         "                   [--anneal A:B[:lin|geo]] [--seed N] [--target CUT] [--trace K]\n");
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        auto next = [&]() -> std::string {
            if (k + 1 >= argc) usage();
            return argv[++k];
        };
        if (a == "--sweeps")
            o.sweeps = std::stod(next());
        else if (a == "--runs")
            o.runs = std::stoi(next());
        else if (a == "--order") {
            const std::string v = next();
            if (v != "random" && v != "sequential") usage();
            o.sequential = v == "sequential";
        } else if (a == "--i0")
            o.i0a = o.i0b = std::stod(next());
        else if (a == "--anneal") {
            std::string v = next();
            std::replace(v.begin(), v.end(), ':', ' ');
            std::istringstream is(v);
            std::string kind = "lin";
            if (!(is >> o.i0a >> o.i0b)) usage();
            is >> kind;
            o.geometric = kind == "geo";
            if (o.geometric && (o.i0a <= 0 || o.i0b <= 0)) usage();
        } else if (a == "--seed")
            o.seed = std::stoull(next());
        else if (a == "--target")
            o.target = std::stod(next());
        else if (a == "--trace")
            o.trace = std::stod(next());
        else if (!a.empty() && a[0] == '-')
            usage();
        else
            o.graph = a;
    }
    if (o.graph.empty() || o.runs < 1 || o.sweeps <= 0) usage();
    Graph g;
    try {
        g = readGraph(o.graph);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gibbs_floor: %s\n", e.what());
        return 2;
    }
    const Csr J = couplings(g);
    std::printf("graph %s: %d p-bits, %zu edges (%zu nonzero J), best-known cut %g\n", o.graph.c_str(), g.n, g.w.size(),
                J.val.size(), g.bestKnown);
    std::printf("order %s, I0 %g -> %g (%s), %g sweeps = %.0f updates per run\n",
                o.sequential ? "sequential" : "random", o.i0a, o.i0b, o.geometric ? "geometric" : "linear", o.sweeps,
                o.sweeps * g.n);
    std::vector<double> rates;
    for (int r = 0; r < o.runs; ++r) {
        const RunResult res = run(g, J, o, o.seed + static_cast<std::uint64_t>(r));
        const double rate = static_cast<double>(res.updates) / res.seconds;
        rates.push_back(rate);
        std::printf("run %d: %lld updates in %.4f s = %.4e updates/s; cut final %.0f best %.0f", r, res.updates,
                    res.seconds, rate, res.finalCut, res.bestCut);
        if (o.target >= 0) std::printf("; target %.0f reached after %.1f sweeps", o.target, res.sweepsToTarget);
        std::printf("\n");
    }
    std::sort(rates.begin(), rates.end());
    const std::size_t h = rates.size() / 2;
    const double median = rates.size() % 2 ? rates[h] : 0.5 * (rates[h - 1] + rates[h]);
    std::printf("median %.4e updates/s over %d runs\n", median, o.runs);
    return 0;
}
