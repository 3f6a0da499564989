// Write error rate of the reference PMA junction with thermal noise (issue 10, finding 11): one 10 ns
// write pulse of -34.365 uA (1.5 Ic0; its 0 K switching time, 12.7 ns, is longer than the pulse, so only
// the thermal field switches it), fail = mz > 0 at 25 ns. The circuit's rate, over seed blocks and
// noise grids aligned with the pulse corners (0.5 ps divides 5 ns and 15 ns) and not (0.49 ps), against
// an independent reference written here: the Landau-Lifshitz-Gilbert-Slonczewski equation integrated by
// Heun's scheme (the Stratonovich limit) with white noise resampled every step from std::mt19937_64,
// variance 2 alpha kB T/(gamma mu0^2 Ms V dt) (device-physics eq. 1.5).
//
// The block of seeds 1-200 on the 0.5 ps grid gives 0.24: the same realisations integrated by the
// reference below (fed with the circuit's noise) give the same rate, shifting the pulse off the grid
// keeps it, and 29 other blocks of 200 of the same generator are binomial around the reference, so it
// is a property of those 200 realisations (a 3.7-sigma block), not of the grid. The blocks tested here
// include it.
#include "core/random.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <thread>
#include <vector>

using namespace spinspice;

namespace {
constexpr double kPi = std::numbers::pi, kMu0 = 4e-7 * kPi, kGamma = 1.76085963023e11;
constexpr double kCharge = 1.602176634e-19, kHbar = 1.054571817e-34, kBoltzmann = 1.380649e-23;
constexpr double kMs = 1e6, kThickness = 1.5e-9, kDiameter = 40e-9, kAlpha = 0.01, kHk = 159154.943, kEta = 0.5;
constexpr double kTemperature = 300.0, kPulse = 34.365e-6, kStop = 25e-9;

struct Vec {
    double x, y, z;
};
Vec cross(Vec a, Vec b) {
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
Vec axpy(Vec a, Vec b, double s) {
    return {a.x + s * b.x, a.y + s * b.y, a.z + s * b.z};
}

// The noise of trajectory k at time t (A/m), given its white-noise standard deviation for a step dt.
using NoiseSource = std::function<Vec(int trajectory, double t, double sigma, std::mt19937_64& rng)>;

// White noise resampled every step (the reference proper).
Vec whiteNoise(int, double, double sigma, std::mt19937_64& rng) {
    std::normal_distribution<double> normal;
    return {sigma * normal(rng), sigma * normal(rng), sigma * normal(rng)};
}

// The outcome (1: fail, mz > 0 at 25 ns) of Heun trajectories of step dt.
std::vector<int> referenceOutcomes(int trials, double dt, const NoiseSource& noise) {
    const double volume = kPi * kDiameter * kDiameter / 4 * kThickness;
    const double gammaPrime = kGamma * kMu0 / (1 + kAlpha * kAlpha);
    const double delta = kMu0 * kMs * kHk * volume / (2 * kBoltzmann * kTemperature);
    const double theta0 = 1 / std::sqrt(2 * delta); // the device's default initial angle
    const double sigma = std::sqrt(2 * kAlpha * kBoltzmann * kTemperature / (kGamma * kMu0 * kMu0 * kMs * volume * dt));
    const double ajPerAmpere = kHbar * kEta / (2 * kCharge * kMu0 * kMs * volume);
    // MTJ current (free -> reference side): -kPulse from 5 ns to 15 ns, 1 ps edges.
    auto current = [](double t) {
        const double tt = t - 5e-9, tr = 1e-12, pw = 10e-9;
        if (tt <= 0 || tt >= 2 * tr + pw) return 0.0;
        if (tt < tr) return -kPulse * tt / tr;
        return tt <= tr + pw ? -kPulse : -kPulse * (1 - (tt - tr - pw) / tr);
    };
    // dm/dt = -gamma' [m x H_prec + m x (m x H_damp)], H_prec = H_eff - alpha a_J p, H_damp = alpha H_eff + a_J p.
    auto rate = [&](Vec m, Vec thermal, double i) {
        const double aj = ajPerAmpere * i;
        const Vec heff{thermal.x, thermal.y, kHk * m.z + thermal.z};
        const Vec hprec{heff.x, heff.y, heff.z - kAlpha * aj};
        const Vec hdamp{kAlpha * heff.x, kAlpha * heff.y, kAlpha * heff.z + aj};
        const Vec a = cross(m, hprec), b = cross(m, cross(m, hdamp));
        return Vec{-gammaPrime * (a.x + b.x), -gammaPrime * (a.y + b.y), -gammaPrime * (a.z + b.z)};
    };
    std::vector<int> fail(static_cast<std::size_t>(trials));
    auto work = [&](int begin, int end) {
        for (int k = begin; k < end; ++k) {
            std::mt19937_64 rng(987654321ull + 7919ull * static_cast<unsigned long long>(k));
            Vec m{std::sin(theta0), 0, std::cos(theta0)};
            const long steps = std::lround(kStop / dt);
            for (long s = 0; s < steps; ++s) {
                const double t = static_cast<double>(s) * dt;
                const Vec h = noise(k, t, sigma, rng);
                const Vec k1 = rate(m, h, current(t)), k2 = rate(axpy(m, k1, dt), h, current(t + dt));
                m = axpy(m, axpy(k1, k2, 1.0), 0.5 * dt);
                const double norm = std::sqrt(m.x * m.x + m.y * m.y + m.z * m.z);
                m = {m.x / norm, m.y / norm, m.z / norm};
            }
            fail[static_cast<std::size_t>(k)] = m.z > 0;
        }
    };
    std::thread other(work, 0, trials / 2);
    work(trials / 2, trials);
    other.join();
    return fail;
}

double referenceWer(int trials, double dt) {
    const std::vector<int> fail = referenceOutcomes(trials, dt, whiteNoise);
    int failed = 0;
    for (int f : fail) failed += f;
    return static_cast<double>(failed) / trials;
}

// The circuit's outcomes (1: fail) for seeds [first, last] with noise grid `tnoise`, two runs at a time.
std::vector<int> circuitOutcomes(int first, int last, const std::string& tnoise) {
    auto failsOf = [&](int seed) {
        const auto r = test::run("wer\n.model pma mtj (ms=1e6 tf=1.5n d=40n alpha=0.01 hk=159154.943 eta=0.5 "
                                 "thermal=1 tnoise=" +
                                 tnoise +
                                 ")\n.temp 26.85\ni1 a 0 pulse(0 34.365u 5n 1p 1p 10n 1)\nn1 a 0 pma\n.save n1.mz\n"
                                 ".options seed=" +
                                 std::to_string(seed) + "\n.tran 1p 25n\n.end\n");
        return r.analyses.at(0).error.empty() && test::signal(r.analyses.at(0), "n1.mz").back() > 0 ? 1 : 0;
    };
    std::vector<int> fail(static_cast<std::size_t>(last - first + 1));
    auto work = [&](int parity) {
        for (int s = first + parity; s <= last; s += 2) fail[static_cast<std::size_t>(s - first)] = failsOf(s);
    };
    std::thread other(work, 1);
    work(0);
    other.join();
    return fail;
}

double circuitWer(int first, int last, const std::string& tnoise) {
    const std::vector<int> fail = circuitOutcomes(first, last, tnoise);
    int failed = 0;
    for (int f : fail) failed += f;
    return static_cast<double>(failed) / static_cast<double>(fail.size());
}

double binomialSd(double p, double n) {
    return std::sqrt(p * (1 - p) / n);
}
} // namespace

TEST_CASE("write error rate with thermal noise: circuit seed blocks and noise grids against an independent Heun "
          "integration, within 3 sigma") {
    constexpr int kTrials = 4000;
    const double reference = referenceWer(kTrials, 0.25e-12);
    MESSAGE("reference WER " << reference << " +- " << binomialSd(reference, kTrials));
    // The reference itself is a switching probability well inside (0, 1): a test that could fail.
    CHECK(reference > 0.25);
    CHECK(reference < 0.5);
    struct Block {
        int first, last;
        const char* tnoise;
    };
    // The aligned grid with the first 600 seeds (holding the 0.24 block), grids not aligned with the corners.
    const Block blocks[] = {{1, 600, "0.5p"}, {1, 200, "0.49p"}, {301, 450, "0.25p"}};
    double pooled = 0;
    int pooledRuns = 0;
    for (const Block& b : blocks) {
        const int n = b.last - b.first + 1;
        const double wer = circuitWer(b.first, b.last, b.tnoise);
        const double sigma = std::hypot(binomialSd(reference, n), binomialSd(reference, kTrials));
        MESSAGE("tnoise " << std::string(b.tnoise) << ", seeds " << b.first << "-" << b.last << ": WER " << wer << " ("
                          << (wer - reference) / sigma << " sigma)");
        CHECK(std::fabs(wer - reference) < 3 * sigma);
        pooled += wer * n;
        pooledRuns += n;
    }
    pooled /= pooledRuns;
    const double sigma = std::hypot(binomialSd(reference, pooledRuns), binomialSd(reference, kTrials));
    MESSAGE("pooled circuit WER " << pooled << " over " << pooledRuns << " runs (" << (pooled - reference) / sigma
                                  << " sigma)");
    CHECK(std::fabs(pooled - reference) < 3 * sigma);
}

TEST_CASE("write error rate: the circuit follows the reference integrator trajectory by trajectory when both see the "
          "same noise") {
    // The device's thermal field (README, "Thermal noise"): Gaussian vectors on a grid of spacing tnoise from
    // the counter-based stream (seed, instance name), lanes 0 and 1 of index k, joined linearly. The
    // reference integrates the same field with steps of tnoise/5.
    constexpr int kSeeds = 60;
    constexpr double kGrid = 0.5e-12;
    const double volume = kPi * kDiameter * kDiameter / 4 * kThickness;
    const double gridSigma =
        std::sqrt(2 * kAlpha * kBoltzmann * kTemperature / (kGamma * kMu0 * kMu0 * kMs * volume * kGrid));
    auto sample = [&](const rng::Stream& stream, std::uint64_t k) {
        const auto a = stream.normals(k, 0), b = stream.normals(k, 1);
        return Vec{gridSigma * a[0], gridSigma * a[1], gridSigma * b[0]};
    };
    const NoiseSource circuitNoise = [&](int trajectory, double t, double, std::mt19937_64&) {
        const rng::Stream stream(static_cast<std::uint64_t>(trajectory + 1), "n1");
        const double s = t / kGrid, k = std::floor(s), w = s - k;
        const Vec left = sample(stream, static_cast<std::uint64_t>(k)),
                  right = sample(stream, static_cast<std::uint64_t>(k) + 1);
        return Vec{(1 - w) * left.x + w * right.x, (1 - w) * left.y + w * right.y, (1 - w) * left.z + w * right.z};
    };
    const std::vector<int> reference = referenceOutcomes(kSeeds, kGrid / 5, circuitNoise);
    const std::vector<int> circuit = circuitOutcomes(1, kSeeds, "0.5p");
    int same = 0, fails = 0;
    for (int k = 0; k < kSeeds; ++k) {
        same += reference[static_cast<std::size_t>(k)] == circuit[static_cast<std::size_t>(k)];
        fails += circuit[static_cast<std::size_t>(k)];
    }
    MESSAGE(same << " of " << kSeeds << " outcomes equal (" << fails << " fails in the circuit)");
    CHECK(fails > 5); // both outcomes occur: the comparison could fail
    CHECK(fails < kSeeds - 5);
    CHECK(same >= kSeeds * 9 / 10); // trajectories near the switching threshold may go either way
}
