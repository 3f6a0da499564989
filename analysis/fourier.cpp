#include "analysis/fourier.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace spinspice::fourier {

FourierResult analyse(const std::vector<double>& t, const std::vector<double>& y, double frequency, int harmonics,
                      int grid) {
    const double period = 1.0 / frequency;
    if (t.size() < 2 || t.back() - t.front() < period * (1 - 1e-9))
        throw std::invalid_argument("the transient is shorter than one period of the fundamental");
    FourierResult r;
    r.fundamental = frequency;
    r.gridSize = grid;
    r.degree = 1;
    // The last period on a uniform grid (linear interpolation).
    const double start = t.back() - period;
    std::vector<double> values(static_cast<std::size_t>(grid));
    std::size_t k = 1;
    for (int j = 0; j < grid; ++j) {
        const double s = start + period * j / grid;
        while (k + 1 < t.size() && t[k] < s) ++k;
        const double span = t[k] - t[k - 1];
        const double u = span > 0 ? (s - t[k - 1]) / span : 1.0;
        values[static_cast<std::size_t>(j)] = y[k - 1] + u * (y[k] - y[k - 1]);
    }
    std::vector<double> sine(static_cast<std::size_t>(harmonics), 0.0), cosine(sine);
    for (int j = 0; j < grid; ++j)
        for (int h = 0; h < harmonics; ++h) {
            const double angle = 2 * std::numbers::pi * h * j / grid;
            sine[static_cast<std::size_t>(h)] += values[static_cast<std::size_t>(j)] * std::sin(angle);
            cosine[static_cast<std::size_t>(h)] += values[static_cast<std::size_t>(j)] * std::cos(angle);
        }
    r.dc = cosine[0] / grid;
    r.harmonics.push_back({0, 0.0, r.dc, 0.0, 0.0, 0.0});
    double distortion = 0;
    for (int h = 1; h < harmonics; ++h) {
        const double a = sine[static_cast<std::size_t>(h)] * 2 / grid,
                     b = cosine[static_cast<std::size_t>(h)] * 2 / grid;
        FourierHarmonic hm;
        hm.index = h;
        hm.frequency = h * frequency;
        hm.magnitude = std::hypot(a, b);
        hm.phase = std::atan2(b, a) * 180 / std::numbers::pi;
        r.harmonics.push_back(hm);
    }
    const FourierHarmonic& first = r.harmonics[1];
    for (int h = 1; h < harmonics; ++h) {
        FourierHarmonic& hm = r.harmonics[static_cast<std::size_t>(h)];
        hm.normMagnitude = first.magnitude > 0 ? hm.magnitude / first.magnitude : 0.0;
        hm.normPhase = hm.phase - first.phase;
        if (h > 1) distortion += hm.normMagnitude * hm.normMagnitude;
    }
    r.thd = 100 * std::sqrt(distortion);
    return r;
}

} // namespace spinspice::fourier
