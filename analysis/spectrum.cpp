#include "analysis/spectrum.hpp"

#include <Eigen/Dense>
#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>

namespace spinspice::spectrum {
namespace {

// y at n uniform times start + j dt (linear interpolation; t increasing).
std::vector<double> resample(const std::vector<double>& t, const std::vector<double>& y, double start, double dt,
                             std::size_t n) {
    std::vector<double> out(n);
    std::size_t k = 1;
    for (std::size_t j = 0; j < n; ++j) {
        const double s = start + static_cast<double>(j) * dt;
        while (k + 1 < t.size() && t[k] < s) ++k;
        const double span = t[k] - t[k - 1];
        const double u = span > 0 ? std::clamp((s - t[k - 1]) / span, 0.0, 1.0) : 1.0;
        out[j] = y[k - 1] + u * (y[k] - y[k - 1]);
    }
    return out;
}

// Half-power width of a pure tone's line, in bins: Hann 1.44, rectangular 0.886 (Harris 1978, table 1:
// 3.0 dB bandwidths).
double toneWidthBins(Taper taper) {
    return taper == Taper::Hann ? 1.44 : 0.886;
}

// Where psd crosses `level` walking from the peak bin in direction `step` (linear in frequency).
double halfPowerEdge(const std::vector<double>& psd, std::size_t peak, int step, double level, double binWidth) {
    std::size_t k = peak;
    while (true) {
        const long next = static_cast<long>(k) + step;
        if (next < 0 || next >= static_cast<long>(psd.size())) return static_cast<double>(k) * binWidth;
        const auto n = static_cast<std::size_t>(next);
        if (psd[n] <= level) {
            const double u = (psd[k] - level) / (psd[k] - psd[n]);
            return (static_cast<double>(k) + step * u) * binWidth;
        }
        k = n;
    }
}

// The Lorentzian A/(1 + ((f - f0)/g)^2) through the bins around the peak down to a tenth of it: 1/psd is
// the quadratic a + b f + c f^2, fitted by least squares on psd (a + b f + c f^2) = 1 (relative errors,
// so noisy periodogram bins weigh alike). False when the bins do not make a peak.
bool fitLorentzian(const std::vector<double>& psd, double binWidth, double& centre, double& width) {
    // The region from a 5-bin running mean (a noisy periodogram's single bins would cut it short).
    std::vector<double> smooth(psd.size(), 0.0);
    for (std::size_t k = 1; k < psd.size(); ++k) {
        const std::size_t a = std::max<std::size_t>(1, k >= 2 ? k - 2 : 1), b = std::min(psd.size() - 1, k + 2);
        for (std::size_t j = a; j <= b; ++j) smooth[k] += psd[j] / static_cast<double>(b - a + 1);
    }
    const std::size_t peak =
        static_cast<std::size_t>(std::max_element(smooth.begin() + 1, smooth.end()) - smooth.begin());
    std::size_t lo = peak, hi = peak;
    while (lo > 1 && smooth[lo - 1] > 0.1 * smooth[peak]) --lo;
    while (hi + 1 < psd.size() && smooth[hi + 1] > 0.1 * smooth[peak]) ++hi;
    if (hi - lo < 2) return false;
    Eigen::Matrix3d normal = Eigen::Matrix3d::Zero();
    Eigen::Vector3d rhs = Eigen::Vector3d::Zero();
    for (std::size_t k = lo; k <= hi; ++k) {
        const double x = static_cast<double>(k) - static_cast<double>(peak); // bins from the peak
        const Eigen::Vector3d row(psd[k], psd[k] * x, psd[k] * x * x);
        normal += row * row.transpose();
        rhs += row;
    }
    const Eigen::Vector3d abc = normal.ldlt().solve(rhs);
    const double a = abc[0], b = abc[1], c = abc[2];
    if (!(c > 0)) return false;
    const double x0 = -b / (2 * c), g2 = (a - b * b / (4 * c)) / c;
    if (!(g2 > 0) || std::fabs(x0) > static_cast<double>(hi - lo)) return false;
    centre = (static_cast<double>(peak) + x0) * binWidth;
    width = 2 * std::sqrt(g2) * binWidth;
    return true;
}

std::size_t niceLength(std::size_t n) {
    std::size_t length = 64;
    while (length < n && length < (std::size_t{1} << 22)) length *= 2;
    return length;
}
} // namespace

Spectrum compute(const std::vector<double>& t, const std::vector<double>& y, const Options& options) {
    if (t.size() < 2 || y.size() != t.size()) throw std::invalid_argument("a spectrum needs at least two samples");
    Spectrum s;
    s.start = std::max(options.from, t.front());
    s.stop = std::min(options.to, t.back());
    if (!(s.stop > s.start)) throw std::invalid_argument("the spectrum window is empty");
    std::size_t inside = 0;
    for (double v : t)
        if (v >= s.start && v <= s.stop) ++inside;
    const std::size_t n = options.points > 0 ? static_cast<std::size_t>(options.points) : inside;
    const int segments = std::max(1, options.segments);
    // Welch: K segments of L samples (a power of two) overlapping by L/2 cover (K + 1) L/2 samples.
    const std::size_t length = niceLength(2 * n / static_cast<std::size_t>(segments + 1));
    const std::size_t total = (static_cast<std::size_t>(segments) + 1) * length / 2;
    // The grid spans the window end to end: a uniformly sampled input of `total` points is taken as it
    // is (no interpolation, which would low-pass its noise).
    const double dt = (s.stop - s.start) / static_cast<double>(total - 1);
    const std::vector<double> u = resample(t, y, s.start, dt, total);

    std::vector<double> taper(length, 1.0);
    if (options.taper == Taper::Hann)
        for (std::size_t j = 0; j < length; ++j)
            taper[j] =
                0.5 * (1 - std::cos(2 * std::numbers::pi * static_cast<double>(j) / static_cast<double>(length)));
    double power = 0;
    for (double w : taper) power += w * w;

    Eigen::FFT<double> fft;
    const std::size_t bins = length / 2 + 1;
    s.psd.assign(bins, 0.0);
    std::vector<double> segment(length);
    std::vector<std::complex<double>> transform;
    for (int k = 0; k < segments; ++k) {
        const std::size_t offset = static_cast<std::size_t>(k) * length / 2;
        double mean = 0;
        for (std::size_t j = 0; j < length; ++j) mean += u[offset + j] / static_cast<double>(length);
        for (std::size_t j = 0; j < length; ++j) segment[j] = (u[offset + j] - mean) * taper[j];
        fft.fwd(transform, segment);
        // One-sided density: 2 |X|^2 dt / sum w^2, the DC and Nyquist bins once.
        for (std::size_t b = 0; b < bins; ++b) {
            const double twoSided = std::norm(transform[b]) * dt / power;
            s.psd[b] += (b == 0 || 2 * b == length ? 1.0 : 2.0) * twoSided / segments;
        }
    }
    s.binWidth = 1.0 / (dt * static_cast<double>(length));
    s.resolution = toneWidthBins(options.taper) * s.binWidth;
    s.frequency.resize(bins);
    for (std::size_t b = 0; b < bins; ++b) s.frequency[b] = static_cast<double>(b) * s.binWidth;

    // The peak: the largest bin above DC. Its frequency and width from the Lorentzian through the bins
    // around it; for a line no wider than the window's (a clean tone), a parabola through ln(psd) and
    // the half-power width.
    std::size_t peak = 1;
    for (std::size_t b = 1; b < bins; ++b)
        if (s.psd[b] > s.psd[peak]) peak = b;
    s.peakPsd = s.psd[peak];
    double offset = 0;
    if (peak + 1 < bins && s.psd[peak - 1] > 0 && s.psd[peak + 1] > 0) {
        const double a = std::log(s.psd[peak - 1]), b = std::log(s.psd[peak]), c = std::log(s.psd[peak + 1]);
        if (a - 2 * b + c < 0) offset = std::clamp(0.5 * (a - c) / (a - 2 * b + c), -0.5, 0.5);
    }
    s.peakFrequency = (static_cast<double>(peak) + offset) * s.binWidth;
    const double half = 0.5 * s.psd[peak];
    s.linewidth = halfPowerEdge(s.psd, peak, +1, half, s.binWidth) - halfPowerEdge(s.psd, peak, -1, half, s.binWidth);
    // A clean tone keeps its power within a few bins of the peak (Hann: 99.9 % within +/-4); a broadened
    // or noisy line does not, and gets the Lorentzian.
    double near = 0, all = 0;
    for (std::size_t b = 1; b < bins; ++b) {
        all += s.psd[b];
        if (b + 4 >= peak && b <= peak + 4) near += s.psd[b];
    }
    double centre = 0, width = 0;
    if (near < 0.9 * all && fitLorentzian(s.psd, s.binWidth, centre, width)) {
        s.peakFrequency = centre;
        s.linewidth = width;
    }
    return s;
}

} // namespace spinspice::spectrum
