// spectrum::compute against closed forms: a pure tone (peak frequency; Parseval: the density integrates
// to the variance A^2/2), white noise (the one-sided density 2 sigma^2 dt of its samples), and a line
// broadened by phase diffusion (Wiener phase of rate D: a Lorentzian of FWHM D/(2 pi) Hz) on several
// seeds.
#include "analysis/spectrum.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <random>

using namespace spinspice;

namespace {
constexpr double kPi = std::numbers::pi;

double integral(const spectrum::Spectrum& s) {
    double sum = 0;
    for (double p : s.psd) sum += p * s.binWidth;
    return sum;
}
} // namespace

TEST_CASE("spectrum: a pure tone, unevenly sampled, peaks at its frequency and integrates to A^2/2") {
    std::vector<double> t, y;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    const double f = 1.2345e9, amplitude = 0.7;
    for (double s = 0; s < 400e-9; s += 20e-12 * jitter(rng)) {
        t.push_back(s);
        y.push_back(0.2 + amplitude * std::cos(2 * kPi * f * s + 0.3));
    }
    for (int segments : {1, 8}) {
        CAPTURE(segments);
        spectrum::Options o;
        o.segments = segments;
        const auto s = spectrum::compute(t, y, o);
        CHECK(std::fabs(s.peakFrequency - f) < 0.03 * s.binWidth);
        CHECK(integral(s) == doctest::Approx(amplitude * amplitude / 2).epsilon(0.02).scale(0));
        CHECK(s.linewidth < 2 * s.resolution); // a line no wider than the window's
    }
}

TEST_CASE("spectrum: white noise has the flat density 2 sigma^2 dt") {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal(0.0, 1.0);
    const double dt = 1e-10, sigma = 0.3;
    std::vector<double> t, y;
    for (int k = 0; k < 1 << 16; ++k) {
        t.push_back(k * dt);
        y.push_back(sigma * normal(rng));
    }
    spectrum::Options o;
    o.points = static_cast<long>(t.size());
    o.segments = 31;
    const auto s = spectrum::compute(t, y, o);
    // The mean of the density over the band (its bins scatter by 1/sqrt(31 x 1.9)).
    double mean = 0;
    for (std::size_t b = 1; b + 1 < s.psd.size(); ++b) mean += s.psd[b] / static_cast<double>(s.psd.size() - 2);
    CHECK(mean == doctest::Approx(2 * sigma * sigma * dt).epsilon(0.03).scale(0));
}

TEST_CASE("spectrum: a line broadened by phase diffusion has the Lorentzian width D/(2 pi) (8 seeds)") {
    // cos(2 pi f t + phi), phi a Wiener process with <dphi^2> = D dt: a Lorentzian of FWHM D/(2 pi) Hz.
    // 8 ms hold T x FWHM = 380 independent cells of the line, so one estimate scatters by about 6 %: each
    // seed within 20 %, their mean within 5 %.
    const double dt = 10e-9, f = 5e6, diffusion = 3e5, fwhm = diffusion / (2 * kPi);
    double mean = 0;
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        CAPTURE(seed);
        std::mt19937_64 rng(seed);
        std::normal_distribution<double> normal(0.0, std::sqrt(diffusion * dt));
        std::vector<double> t, y;
        double phi = 0;
        for (int k = 0; k < 800000; ++k) {
            t.push_back(k * dt);
            y.push_back(0.5 * std::cos(2 * kPi * f * k * dt + phi));
            phi += normal(rng);
        }
        const auto s = spectrum::compute(t, y, {});
        CHECK(s.linewidth == doctest::Approx(fwhm).epsilon(0.20).scale(0));
        CHECK(s.peakFrequency == doctest::Approx(f).epsilon(0.2 * fwhm / f).scale(0));
        mean += s.linewidth / 8;
    }
    CHECK(mean == doctest::Approx(fwhm).epsilon(0.05).scale(0));
}
