// Seeded statistical tests of the noise framework (device-physics.md sections 1.2-1.3 and 3): the
// counter-based RNG, the stochastic LLGS of `mtj` against the exact Boltzmann integral, the `smtj`
// telegraph element against its rates, the `pbit` against its update law. Tolerances are stated from
// the sample sizes; every expected value is computed here from the closed forms.
#include "core/random.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

using namespace spinspice;
using spinspice::test::num;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
// Simpson's rule on [a, b] with n (even) intervals.
double integrate(const std::function<double(double)>& f, double a, double b, int n = 4000) {
    const double h = (b - a) / n;
    double s = f(a) + f(b);
    for (int k = 1; k < n; ++k) s += (k % 2 ? 4.0 : 2.0) * f(a + k * h);
    return s * h / 3.0;
}
// Exact stationary <g(m_z)> of the collinear PMA macrospin (eq. 3.4): p(z) ~ exp(sigma z^2 + 2 sigma i z).
double boltzmannAverage(double sigma, double i, const std::function<double(double)>& g) {
    auto weight = [&](double z) { return std::exp(sigma * z * z + 2.0 * sigma * i * z); };
    return integrate([&](double z) { return g(z) * weight(z); }, -1, 1) / integrate(weight, -1, 1);
}

// Time average of a piecewise-constant-per-interval signal (midpoint values) after t0.
double timeAverage(const std::vector<double>& t, const std::vector<double>& y, double t0,
                   const std::function<double(double)>& g) {
    double sum = 0, span = 0;
    for (std::size_t k = 1; k < t.size(); ++k) {
        if (t[k] <= t0) continue;
        const double dt = t[k] - t[k - 1];
        sum += g(0.5 * (y[k] + y[k - 1])) * dt;
        span += dt;
    }
    return sum / span;
}
} // namespace

TEST_CASE("rng: Philox4x32-10 reproduces the Random123 known-answer vectors") {
    using rng::Block;
    CHECK(rng::philox4x32({0, 0, 0, 0}, {0, 0}) == Block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
    CHECK(rng::philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
          Block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
    CHECK(rng::philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
          Block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("rng: uniforms and normals have the right moments; streams are independent") {
    const rng::Stream a(1, "n1"), b(1, "n2"), c(2, "n1");
    constexpr int n = 200000;
    double su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0, cross = 0;
    for (int k = 0; k < n; ++k) {
        const double u = a.uniform(k);
        su += u;
        su2 += u * u;
        const auto g = a.normals(k, 1);
        sn += g[0] + g[1];
        sn2 += g[0] * g[0] + g[1] * g[1];
        sn4 += std::pow(g[0], 4) + std::pow(g[1], 4);
        cross += (u - 0.5) * (b.uniform(k) - 0.5);
    }
    CHECK(su / n == doctest::Approx(0.5).epsilon(3e-3).scale(0)); // sd 6.5e-4
    CHECK(su2 / n - std::pow(su / n, 2) == doctest::Approx(1.0 / 12).epsilon(4e-3).scale(0));
    CHECK(std::fabs(sn / (2 * n)) < 1e-2);                                 // sd 1.6e-3
    CHECK(sn2 / (2 * n) == doctest::Approx(1.0).epsilon(1.5e-2).scale(0)); // sd 3.2e-3
    CHECK(sn4 / (2 * n) == doctest::Approx(3.0).epsilon(0.06).scale(0));   // kurtosis 3, sd 0.0216
    CHECK(std::fabs(cross / n) < 1e-3);                                    // two instances: uncorrelated (sd 1.9e-4)
    CHECK(a.uniform(7) != c.uniform(7));                                   // the seed changes the stream
    CHECK(a.uniform(7) == rng::Stream(1, "n1").uniform(7));                // a pure function of (seed, name, index)
}

namespace {
// N independent low-barrier PMA MTJs (sigma = Delta, 3 by default, at 27 degC) with thermal noise, each driven by
// a current i Ic0 (i > 0 favours +z), alpha = 0.5 (device-physics.md 1.3, the discriminating setup).
std::string stochasticLlgsDeck(int devices, double i, double tstop, int seed, double tnoise, double sigma = 3.0) {
    const double kT = 1.380649e-23 * 300.15;
    const double volume = 2.0 * sigma * kT / (0.2 * 1e6); // Delta = mu0 Ms Hk V / (2 kT) = sigma
    const double area = volume / 1.5e-9;
    const double ic0 = 2.0 * 1.602176634e-19 / 1.054571817e-34 * (0.5 / 0.5) * 0.2 * 1e6 * volume; // eq. 2.6
    std::string deck = "sllg\n.model s mtj (ms=1e6 tf=1.5n area=" + num(area) +
                       " alpha=0.5 hk=159154.943 eta=0.5 rp=1k tmr=1 thermal=1 tnoise=" + num(tnoise) + ")\n" +
                       ".options seed=" + std::to_string(seed) + "\n.save";
    for (int k = 0; k < devices; ++k) deck += " n" + std::to_string(k) + ".mz";
    deck += "\n";
    for (int k = 0; k < devices; ++k)
        deck += "i" + std::to_string(k) + " 0 a" + std::to_string(k) + " " + num(i * ic0) + "\nn" + std::to_string(k) +
                " a" + std::to_string(k) + " 0 s\n";
    return deck + ".tran " + num(tnoise) + " " + num(tstop) + "\n.end\n";
}
} // namespace

TEST_CASE("stochastic LLGS: stationary <m_z>, <m_z^2> match the Boltzmann integral; no (1+alpha^2) in the variance") {
    // 16 devices x 40 ns (about 200 dwell times each): the standard error of <m_z^2> is ~3e-3 and of
    // <m_z> ~2.5e-2 (from runs of this deck). A variance with the extra (1 + alpha^2) is a system
    // hotter by 1.25, i.e. sigma = 2.4: <m_z^2> = 0.573, excluded by 10 standard errors.
    const int devices = 16;
    const double sigma = 3.0, i = 0.05;
    const auto r = run(stochasticLlgsDeck(devices, i, 40e-9, 11, 0.5e-12));
    REQUIRE(r.analyses.at(0).error.empty());
    const auto& w = r.analyses.at(0);
    const auto& t = signal(w, "time");
    double mz = 0, mz2 = 0;
    for (int k = 0; k < devices; ++k) {
        const auto& z = signal(w, "n" + std::to_string(k) + ".mz");
        mz += timeAverage(t, z, 2e-9, [](double v) { return v; }) / devices;
        mz2 += timeAverage(t, z, 2e-9, [](double v) { return v * v; }) / devices;
    }
    const double exactMz = boltzmannAverage(sigma, i, [](double z) { return z; });
    const double exactMz2 = boltzmannAverage(sigma, i, [](double z) { return z * z; });
    const double hotMz2 = boltzmannAverage(sigma / 1.25, i, [](double z) { return z * z; });
    CHECK(exactMz == doctest::Approx(0.184786).epsilon(1e-5).scale(0)); // the table of device-physics.md 3.3
    CHECK(exactMz2 == doctest::Approx(0.6301).epsilon(1e-3).scale(0));
    CHECK(mz2 == doctest::Approx(exactMz2).epsilon(0.012).scale(0));
    CHECK(std::fabs(mz2 - hotMz2) > 0.03);
    CHECK(mz == doctest::Approx(exactMz).epsilon(0.08).scale(0));
}

TEST_CASE("stochastic LLGS: same seed gives identical waveforms, another seed different ones; |m| stays 1") {
    const auto a = run(stochasticLlgsDeck(2, 0.0, 2e-9, 5, 1e-12));
    const auto b = run(stochasticLlgsDeck(2, 0.0, 2e-9, 5, 1e-12));
    const auto c = run(stochasticLlgsDeck(2, 0.0, 2e-9, 6, 1e-12));
    const auto& za = signal(a.analyses.at(0), "n0.mz");
    const auto& zb = signal(b.analyses.at(0), "n0.mz");
    const auto& zc = signal(c.analyses.at(0), "n0.mz");
    CHECK(za == zb);
    REQUIRE(za.size() > 100);
    double differ = 0;
    for (std::size_t k = 0; k < std::min(za.size(), zc.size()); ++k)
        differ = std::max(differ, std::fabs(za[k] - zc[k]));
    CHECK(differ > 0.1);
    // the two devices of one run see independent noise
    const auto& z1 = signal(a.analyses.at(0), "n1.mz");
    double d01 = 0;
    for (std::size_t k = 0; k < za.size(); ++k) d01 = std::max(d01, std::fabs(za[k] - z1[k]));
    CHECK(d01 > 0.1);
}

namespace {
struct Telegraph {
    std::vector<double> flipTimes; // the last instant of each state
    std::vector<double> states;    // the state before each flip
};
Telegraph flips(const Waveforms& w, const std::string& name) {
    const auto& t = signal(w, "time");
    const auto& s = signal(w, name);
    Telegraph out;
    for (std::size_t k = 0; k + 1 < t.size(); ++k)
        if (s[k + 1] != s[k]) {
            out.flipTimes.push_back(t[k]);
            out.states.push_back(s[k]);
        }
    return out;
}
} // namespace

TEST_CASE("smtj: fraction, dwell times and correlation time follow the Neel-Brown rates over 1e5 flips") {
    // delta = 1, tau0 = 1 ns, i0 = 20 uA (ic = 20 uA), 20 mV across: I_P = 20 uA (x = 1), I_AP = 10 uA
    // (x = 0.5): nu(P->AP) = e^-2/ns, nu(AP->P) = e^-0.5/ns.
    const double nuPAP = std::exp(-2.0) / 1e-9, nuAPP = std::exp(-0.5) / 1e-9;
    const double tstop = 1.2e5 / (nuPAP * nuAPP / (nuPAP + nuAPP)) / 2.0; // ~1.2e5 flips
    const auto r = run("smtj\n.model sm smtj (rp=1k tmr=1 delta=1 tau0=1n i0=20u)\n.options seed=3\nv1 a 0 0.02\n"
                       "n1 a 0 sm\n.save n1.state\n.tran 1u " +
                       num(tstop) + "\n.end\n");
    REQUIRE(r.analyses.at(0).error.empty());
    const Telegraph tg = flips(r.analyses.at(0), "n1.state");
    REQUIRE(tg.flipTimes.size() > 100000);
    double dwellP = 0, dwellAP = 0;
    int nP = 0, nAP = 0;
    for (std::size_t k = 1; k < tg.flipTimes.size(); ++k) {
        const double dwell = tg.flipTimes[k] - tg.flipTimes[k - 1];
        if (tg.states[k] > 0)
            dwellP += dwell, ++nP;
        else
            dwellAP += dwell, ++nAP;
    }
    // 6e4 exponential samples per state: relative standard error 0.4 %.
    CHECK(dwellP / nP == doctest::Approx(1.0 / nuPAP).epsilon(0.015).scale(0));
    CHECK(dwellAP / nAP == doctest::Approx(1.0 / nuAPP).epsilon(0.015).scale(0));
    const double fractionP = dwellP / (dwellP + dwellAP);
    CHECK(fractionP == doctest::Approx(nuAPP / (nuPAP + nuAPP)).epsilon(0.01).scale(0));
    // Autocorrelation of m on a uniform grid at lag tau_c = 1/(nu+ + nu-): (1 - <m>^2) e^-1.
    const double tauC = 1.0 / (nuPAP + nuAPP), dt = tauC / 8;
    std::vector<double> m;
    std::size_t f = 0;
    double state = tg.states.front();
    for (double t = tg.flipTimes.front(); t < tg.flipTimes.back(); t += dt) {
        while (f < tg.flipTimes.size() && tg.flipTimes[f] < t) state = -tg.states[f++];
        m.push_back(state);
    }
    const double mean = std::accumulate(m.begin(), m.end(), 0.0) / static_cast<double>(m.size());
    double c0 = 0, c8 = 0;
    for (std::size_t k = 0; k + 8 < m.size(); ++k) {
        c0 += (m[k] - mean) * (m[k] - mean);
        c8 += (m[k] - mean) * (m[k + 8] - mean);
    }
    CHECK(c8 / c0 == doctest::Approx(std::exp(-1.0)).epsilon(0.02).scale(0));
}

TEST_CASE("smtj: flip times do not depend on the time steps taken (counter-based RNG, hazard integration)") {
    auto flipTimes = [](const std::string& tran) {
        const auto r = run("smtj\n.model sm smtj (rp=1k tmr=1 delta=2 tau0=1n i0=20u)\n.options seed=9\n"
                           "v1 a 0 0.02\nn1 a 0 sm\n.save n1.state\n" +
                           tran + "\n.end\n");
        REQUIRE(r.analyses.at(0).error.empty());
        return flips(r.analyses.at(0), "n1.state").flipTimes;
    };
    const auto coarse = flipTimes(".tran 1u 20u");
    const auto fine = flipTimes(".tran 1n 20u");
    REQUIRE(coarse.size() > 50);
    REQUIRE(coarse.size() == fine.size());
    for (std::size_t k = 0; k < coarse.size(); ++k) CHECK(coarse[k] == doctest::Approx(fine[k]).epsilon(1e-9).scale(0));
}

TEST_CASE("smtj: a time-varying current biases the rates through the hazard integral") {
    // A ramp 0 -> 40 mV over 10 us: P dwells shorten (x grows) while AP dwells lengthen; the number of
    // P -> AP flips over the ramp equals int nu_P->AP P(P) dt in expectation. Here: the located flips
    // stay consistent with the instantaneous rate (the fraction of time in P rises with the bias).
    const auto r = run("smtj ramp\n.model sm smtj (rp=1k tmr=1 delta=1 tau0=1n i0=20u)\n.options seed=4\n"
                       "v1 a 0 pwl(0 -0.04 20u 0.04)\nn1 a 0 sm\n.save n1.state\n.tran 10n 20u\n.end\n");
    REQUIRE(r.analyses.at(0).error.empty());
    const auto& t = signal(r.analyses.at(0), "time");
    const auto& s = signal(r.analyses.at(0), "n1.state");
    double early = 0, late = 0;
    for (std::size_t k = 1; k < t.size(); ++k) {
        const double p = s[k] > 0 ? t[k] - t[k - 1] : 0.0; // a point holds the state of the interval it ends
        (t[k] < 5e-6 ? early : late) += t[k] > 15e-6 || t[k] < 5e-6 ? p : 0.0;
    }
    // v < -20 mV in the first quarter: <m> ~ tanh(x) < -0.7; v > 20 mV in the last: mostly P.
    CHECK(early / 5e-6 < 0.2);
    CHECK(late / 5e-6 > 0.8);
}

TEST_CASE("pbit: P(m = +1) = (1 + tanh(beta u))/2 for a fixed input, and the update rate is 1/tau") {
    for (const double u : {-0.5e-6, 0.3e-6, 1.0e-6}) {
        CAPTURE(u);
        const auto r = run("pbit\n.model pb pbit (beta=1e6 tau=1n)\n.options seed=2\ni1 0 in " + num(u) +
                           "\nn1 in out pb\n.save n1.m v(out)\n.tran 1n 20u\n.end\n");
        REQUIRE(r.analyses.at(0).error.empty());
        const auto& w = r.analyses.at(0);
        const auto& t = signal(w, "time");
        const auto& m = signal(w, "n1.m");
        const auto& v = signal(w, "v(out)");
        // time-weighted: a point holds the pre-update value, i.e. the state of the interval it ends
        double up = 0;
        for (std::size_t k = 1; k < t.size(); ++k)
            up += m[k] > 0 ? t[k] - t[k - 1] : 0.0; // the state of the interval ending at point k
        // 2e4 updates: standard error of the fraction <= 0.0035 (independent samples at each update)
        CHECK(up / t.back() == doctest::Approx(0.5 * (1 + std::tanh(1e6 * u))).epsilon(0.015).scale(0));
        for (std::size_t k = 0; k < t.size(); k += 101) CHECK(v[k] == doctest::Approx(m[k]).epsilon(1e-12).scale(0));
    }
}

TEST_CASE("stochastic LLGS: dwell times between m_z = +0.5 and -0.5 match the exact mean first-passage time") {
    // MFPT (eq. 3.2): T(z0 -> za) = 2 tau_N int_za^z0 dz e^U(z)/(1 - z^2) int_z^1 e^-U(y) dy,
    // U = -sigma z^2 (i = 0), tau_N = (1 + alpha^2) Ms V/(2 alpha gamma kB T) = (1+alpha^2) sigma/(alpha gamma mu0 Hk).
    const double sigma = 3.0, alpha = 0.5;
    auto potential = [&](double z) { return -sigma * z * z; };
    const double mfpt = 2.0 * integrate(
                                  [&](double z) {
                                      const double inner =
                                          integrate([&](double y) { return std::exp(-potential(y)); }, z, 1.0, 400);
                                      return std::exp(potential(z)) / (1 - z * z) * inner;
                                  },
                                  -0.5, 0.5, 400);                // in units of tau_N
    CHECK(mfpt == doctest::Approx(7.268).epsilon(1e-3).scale(0)); // device-physics.md 1.3 / 3.3-2
    const double gammaMu0 = 1.76085963e11 * 4e-7 * std::numbers::pi;
    const double tauN = (1 + alpha * alpha) * sigma / (alpha * gammaMu0 * 159154.943);
    // 16 devices x 100 ns at i = 0: ~1000 dwells, standard error ~3.4 %; discrete monitoring of the
    // diffusive crossing at steps of 0.018/(gamma mu0 Hk) adds ~+2-3 % (device-physics.md 3.3-2).
    const auto r = run(stochasticLlgsDeck(16, 0.0, 100e-9, 13, 0.5e-12));
    REQUIRE(r.analyses.at(0).error.empty());
    const auto& w = r.analyses.at(0);
    const auto& t = signal(w, "time");
    double sum = 0;
    int count = 0;
    for (int k = 0; k < 16; ++k) {
        const auto& z = signal(w, "n" + std::to_string(k) + ".mz");
        int side = 0;
        double entered = -1;
        for (std::size_t j = 0; j < z.size(); ++j) {
            const int now = z[j] > 0.5 ? 1 : z[j] < -0.5 ? -1 : side;
            if (now != side) {
                if (side != 0 && entered >= 0) sum += t[j] - entered, ++count;
                entered = t[j];
                side = now;
            }
        }
    }
    REQUIRE(count > 700);
    CHECK(sum / count / tauN == doctest::Approx(mfpt).epsilon(0.10).scale(0));
}

TEST_CASE("sotmtj thermal=1: the same stochastic free layer (stationary <m_z^2> without strip current)") {
    // sigma = 3, i = 0, alpha = 0.5: <m_z^2> from eq. 3.4; 8 devices x 40 ns, standard error ~4e-3.
    const double kT = 1.380649e-23 * 300.15;
    const double area = 2.0 * 3.0 * kT / (0.2 * 1e6) / 1.5e-9;
    std::string deck = "sot thermal\n.model s sotmtj (ms=1e6 tf=1.5n area=" + num(area) +
                       " alpha=0.5 hk=159154.943 rp=1k tmr=1 rhm=500 thermal=1 tnoise=0.5p)\n.options seed=17\n.save";
    for (int k = 0; k < 8; ++k) deck += " n" + std::to_string(k) + ".mz";
    deck += "\n";
    for (int k = 0; k < 8; ++k) deck += "n" + std::to_string(k) + " 0 0 t" + std::to_string(k) + " s\n";
    deck += ".tran 0.5p 40n\n.end\n";
    const auto r = run(deck);
    REQUIRE(r.analyses.at(0).error.empty());
    const auto& w = r.analyses.at(0);
    double mz2 = 0;
    for (int k = 0; k < 8; ++k)
        mz2 += timeAverage(signal(w, "time"), signal(w, "n" + std::to_string(k) + ".mz"), 2e-9,
                           [](double v) { return v * v; }) /
               8;
    CHECK(mz2 == doctest::Approx(boltzmannAverage(3.0, 0.0, [](double z) { return z * z; })).epsilon(0.02).scale(0));
}

TEST_CASE("stochastic LLGS: a lower barrier (sigma = 1) and another current (i = 0.1) also follow eq. 3.4") {
    // 16 devices x 30 ns each. Standard errors from independent seeds of these decks: <m_z^2> ~3e-3;
    // <m_z> ~1.5e-2 at sigma = 1 but ~4e-2 at sigma = 3 (few slow well-to-well switches per device).
    for (const auto& entry : {std::tuple{1.0, 0.1, 0.05}, std::tuple{3.0, 0.1, 0.12}}) {
        // (plain locals, not structured bindings: doctest's CAPTURE takes them by reference in a lambda)
        const double sigma = std::get<0>(entry), i = std::get<1>(entry), tolMz = std::get<2>(entry);
        CAPTURE(sigma);
        CAPTURE(i);
        const auto r = run(stochasticLlgsDeck(16, i, 30e-9, 23, 0.5e-12, sigma));
        REQUIRE(r.analyses.at(0).error.empty());
        const auto& w = r.analyses.at(0);
        double mz = 0, mz2 = 0;
        for (int k = 0; k < 16; ++k) {
            const auto& z = signal(w, "n" + std::to_string(k) + ".mz");
            mz += timeAverage(signal(w, "time"), z, 2e-9, [](double v) { return v; }) / 16;
            mz2 += timeAverage(signal(w, "time"), z, 2e-9, [](double v) { return v * v; }) / 16;
        }
        MESSAGE("sigma " << sigma << " i " << i << ": <mz> " << mz << " (exact "
                         << boltzmannAverage(sigma, i, [](double z) { return z; }) << "), <mz^2> " << mz2 << " (exact "
                         << boltzmannAverage(sigma, i, [](double z) { return z * z; }) << ")");
        CHECK(mz2 ==
              doctest::Approx(boltzmannAverage(sigma, i, [](double z) { return z * z; })).epsilon(0.015).scale(0));
        CHECK(std::fabs(mz - boltzmannAverage(sigma, i, [](double z) { return z; })) < tolMz);
    }
}

TEST_CASE("smtj: a divider follows every flip at once (the kept LU is refactored, latency updates A)") {
    // R - smtj divider: at every time point v(mid) = V R_s / (R + R_s) with R_s from the state there.
    // Once the circuit kept its LU across a flip and solved with the old conductance. Both paths: full
    // solves (latency=0) and the latent update of the changed entries.
    for (const std::string options : {"", ".options latency=0\n"}) {
        CAPTURE(options);
        const auto r = run("smtj divider\n.model sm smtj (rp=1k tmr=1 delta=1 tau0=1n ic=1e-3)\n"
                           "v1 in 0 dc 0.1\nr1 in mid 1k\nn1 mid 0 sm\n.tran 0.1n 200n\n" +
                           options + ".end\n");
        const auto& v = signal(r.analyses.at(0), "v(mid)");
        const auto& s = signal(r.analyses.at(0), "n1.state");
        REQUIRE(v.size() == s.size());
        int flips = 0;
        double worst = 0;
        for (std::size_t k = 0; k < v.size(); ++k) {
            if (k > 0 && s[k] != s[k - 1]) ++flips;
            const double rs = s[k] >= 0 ? 1e3 : 2e3;
            worst = std::max(worst, std::fabs(v[k] - 0.1 * rs / (1e3 + rs)));
        }
        CHECK(flips >= 10);
        CHECK(worst < 1e-9);
    }
}
