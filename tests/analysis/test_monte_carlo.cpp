// Monte Carlo (`monte=N` on analysis cards; agauss, gauss, aunif, unif, limit): the distributions of the
// statistical functions over samples (moments within 4 standard errors, bounds, the two values of
// limit) on three seeds; nominal values without monte; global .param variation against instance
// (device-to-device) variation in subcircuits; reproducibility across thread counts and sample counts;
// the .meas summary against the samples; each sample's own device noise; errors.
#include "analysis/run_netlist.hpp"
#include "core/diagnostics.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

using namespace spinspice;

namespace {
NetlistRun runDeck(const std::string& text, int jobs = 1) {
    return simulateNetlistString(text, "mc.cir", {}, {}, jobs);
}

// The values of .meas `name` over the samples, in sample order.
std::vector<double> samples(const NetlistRun& run, const std::string& name) {
    std::vector<double> out;
    for (const auto& w : run.result.analyses)
        for (const auto& m : w.measurements)
            if (m.name == name) out.push_back(m.value);
    return out;
}

double mean(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}
double stddev(const std::vector<double>& v) {
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

std::string distributions(int seed, int n) {
    return "distributions\n.param pa=agauss(1k, 100, 2)\n.param pg=gauss(2k, 0.1, 1)\n.param pu=aunif(1k, 30)\n"
           ".param pr=unif(1k, 0.2)\n.param pl=limit(1k, 50)\nv1 in 0 1\nr1 in 0 {pa}\n.options seed=" +
           std::to_string(seed) + "\n.dc v1 1 1 1 sweep monte=" + std::to_string(n) +
           "\n.meas dc a param='pa'\n.meas dc g param='pg'\n.meas dc u param='pu'\n.meas dc r param='pr'\n"
           ".meas dc l param='pl'\n.end\n";
}
} // namespace

TEST_CASE("Monte Carlo: agauss, gauss, aunif, unif and limit draw their distributions (3 seeds, 4 sigma)") {
    const int n = 4000;
    for (int seed : {1, 2, 3}) {
        CAPTURE(seed);
        const NetlistRun run = runDeck(distributions(seed, n), 2);
        REQUIRE(run.result.analyses.size() == static_cast<std::size_t>(n));
        const auto a = samples(run, "a"), g = samples(run, "g"), u = samples(run, "u"), r = samples(run, "r"),
                   l = samples(run, "l");
        const double se = 1.0 / std::sqrt(n);
        // agauss(1k, 100, 2): sigma 50. The standard error of a standard deviation is sigma/sqrt(2n).
        CHECK(std::fabs(mean(a) - 1000) < 4 * 50 * se);
        CHECK(std::fabs(stddev(a) - 50) < 4 * 50 * se / std::sqrt(2.0));
        // gauss(2k, 0.1, 1): sigma 200.
        CHECK(std::fabs(mean(g) - 2000) < 4 * 200 * se);
        CHECK(std::fabs(stddev(g) - 200) < 4 * 200 * se / std::sqrt(2.0));
        // aunif(1k, 30): uniform on [970, 1030], sigma 30/sqrt(3); unif(1k, 0.2): [800, 1200].
        CHECK(*std::min_element(u.begin(), u.end()) >= 970);
        CHECK(*std::max_element(u.begin(), u.end()) <= 1030);
        CHECK(std::fabs(mean(u) - 1000) < 4 * 30 / std::sqrt(3.0) * se);
        CHECK(std::fabs(stddev(u) - 30 / std::sqrt(3.0)) < 0.05 * 30 / std::sqrt(3.0));
        CHECK(*std::min_element(r.begin(), r.end()) >= 800);
        CHECK(*std::max_element(r.begin(), r.end()) <= 1200);
        CHECK(std::fabs(mean(r) - 1000) < 4 * 200 / std::sqrt(3.0) * se);
        // limit(1k, 50): 950 or 1050, each with probability 1/2.
        const auto high = std::count(l.begin(), l.end(), 1050.0), low = std::count(l.begin(), l.end(), 950.0);
        CHECK(high + low == n);
        CHECK(std::fabs(static_cast<double>(high) - n / 2.0) < 4 * std::sqrt(n / 4.0));
        // The functions draw independently of one another (correlation within 4 / sqrt(n)).
        double cov = 0;
        for (int k = 0; k < n; ++k) cov += (a[k] - mean(a)) * (g[k] - mean(g));
        CHECK(std::fabs(cov / (n - 1) / (stddev(a) * stddev(g))) < 4 * se);
    }
}

TEST_CASE("Monte Carlo: without monte the functions are their nominal values") {
    const NetlistRun run = runDeck("nominal\n.param pa=agauss(1k, 100, 1)\nv1 in 0 1\nr1 in 0 {pa}\n"
                                   "r2 in 0 {unif(2k, 0.5)}\n.dc v1 1 1 1\n.meas dc i find i(v1) at=1\n.end\n");
    REQUIRE(run.result.analyses.size() == 1);
    CHECK(samples(run, "i").at(0) == doctest::Approx(-(1e-3 + 0.5e-3)).epsilon(1e-12));
    CHECK(run.result.statistics.empty());
}

TEST_CASE("Monte Carlo: a global .param varies per sample, an instance value per device") {
    const std::string deck = "device to device\n.param rg=agauss(1k, 100, 1)\n.subckt cell a\n"
                             "rx a 0 {agauss(1k, 100, 1)}\nry a 0 {rg}\n.ends\nv1 in 0 1\nva in a1 0\nvb in a2 0\n"
                             "x1 a1 cell\nx2 a2 cell\n.dc v1 1 1 1 monte=200\n.meas dc ia find i(va) at=1\n"
                             ".meas dc ib find i(vb) at=1\n.meas dc g param='rg'\n.end\n";
    const NetlistRun run = runDeck(deck);
    const auto ia = samples(run, "ia"), ib = samples(run, "ib"), g = samples(run, "g");
    int differ = 0;
    for (std::size_t k = 0; k < ia.size(); ++k) {
        // Same global rg in both cells, own rx each: i = 1/rx + 1/rg.
        if (std::fabs(ia[k] - ib[k]) > 1e-12) ++differ;
        const double rxa = 1.0 / (ia[k] - 1.0 / g[k]), rxb = 1.0 / (ib[k] - 1.0 / g[k]);
        CHECK(rxa > 500);
        CHECK(rxb > 500);
    }
    CHECK(differ == static_cast<int>(ia.size())); // every sample: the two devices differ
    CHECK(stddev(g) > 70);                        // and the global parameter varies between samples
}

TEST_CASE("Monte Carlo: a sample's result depends only on the seed and its index, not on threads or count") {
    const std::string deck = distributions(9, 40);
    const NetlistRun serial = runDeck(deck, 1), parallel = runDeck(deck, 3);
    CHECK(samples(serial, "a") == samples(parallel, "a"));
    CHECK(samples(serial, "l") == samples(parallel, "l"));
    const NetlistRun shorter = runDeck(distributions(9, 10), 2);
    const auto a40 = samples(serial, "a"), a10 = samples(shorter, "a");
    CHECK(std::equal(a10.begin(), a10.end(), a40.begin()));
    CHECK(samples(runDeck(distributions(10, 10)), "a") != a10); // another seed, other draws
}

TEST_CASE("Monte Carlo: the .meas summary is the statistics of the samples") {
    const NetlistRun run = runDeck(distributions(4, 500), 2);
    const auto a = samples(run, "a");
    auto it = std::find_if(run.result.statistics.begin(), run.result.statistics.end(),
                           [](const MeasureStatistics& s) { return s.name == "a"; });
    REQUIRE(it != run.result.statistics.end());
    CHECK(it->analysis == "dc1");
    CHECK(it->count == 500);
    CHECK(it->failed == 0);
    CHECK(it->mean == doctest::Approx(mean(a)).epsilon(1e-12));
    CHECK(it->stddev == doctest::Approx(stddev(a)).epsilon(1e-10));
    std::vector<double> sorted = a;
    std::sort(sorted.begin(), sorted.end());
    CHECK(it->min == sorted.front());
    CHECK(it->max == sorted.back());
    CHECK(it->quantiles.at(2) == doctest::Approx((sorted[249] + sorted[250]) / 2).epsilon(1e-12)); // median
    CHECK(std::accumulate(it->counts.begin(), it->counts.end(), 0) == 500);
    CHECK(it->edges.size() == it->counts.size() + 1);
}

TEST_CASE("Monte Carlo: each sample has its own device noise; a .tran card takes sweep monte=") {
    const NetlistRun run = runDeck("telegraph\n.model s smtj (delta=1 tau0=1n)\nv1 a 0 1m\nr1 a b 1k\nn1 b 0 s\n"
                                   ".tran 10p 20n sweep monte=3\n.meas tran m avg n1.state\n.end\n",
                                   2);
    REQUIRE(run.result.analyses.size() == 3);
    const auto m = samples(run, "m");
    CHECK(m[0] != m[1]);
    CHECK(m[1] != m[2]);
    CHECK(run.result.analyses[2].step.back() == std::pair<std::string, double>{"monte", 2});
}

TEST_CASE("Monte Carlo: errors") {
    auto message = [](const std::string& deck) {
        try {
            runDeck(deck);
        } catch (const InputError& e) {
            return e.message();
        }
        return std::string("no error");
    };
    CHECK(message("t\nv1 a 0 1\nr1 a 0 1k\n.dc v1 1 1 1 monte=0\n.end\n").find("monte") != std::string::npos);
    CHECK(message("t\nv1 a 0 1\nr1 a 0 1k\n.dc v1 1 1 1 monte=2.5\n.end\n").find("monte") != std::string::npos);
    CHECK(message("t\nv1 a 0 1\nr1 a 0 {agauss(1k, 1, 0)}\n.dc v1 1 1 1 monte=2\n.end\n").find("sigma") !=
          std::string::npos);
    CHECK(message("t\nv1 a 0 1\nr1 a 0 {agauss(1k)}\n.op\n.end\n").find("takes") != std::string::npos);
}
