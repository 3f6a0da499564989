// Spectra of transient waveforms: the one-sided power spectral density of a signal over a time window
// (Welch's method: the window resampled uniformly, cut into overlapping segments, each Hann-windowed,
// its mean removed, the periodograms averaged), with the peak frequency and the full width at half
// maximum of the peak, the quantities oscillator papers report. Used by `.spectrum` and by the
// PEAKFREQ and LINEWIDTH functions of `.meas tran`.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace spinspice::spectrum {

enum class Taper { Hann, Rectangular };

struct Options {
    double from = -std::numeric_limits<double>::infinity(); // s; clipped to the waveform
    double to = std::numeric_limits<double>::infinity();
    long points = 0;  // uniform samples over the window (0: as many as accepted points in it, >= 64)
    int segments = 8; // Welch segments (50 % overlap): averaging tames a noisy line
    Taper taper = Taper::Hann;
};

struct Spectrum {
    std::vector<double> frequency; // Hz, 0 ... fs/2
    std::vector<double> psd;       // signal units^2/Hz, one-sided
    double peakFrequency = 0;      // Hz: the largest non-DC bin, refined by a parabola through ln(psd)
    double peakPsd = 0;
    // Hz: full width of the peak where psd falls to half its maximum (linear interpolation between
    // bins); a line narrower than the window's own width (`resolution`) reads as that width.
    double linewidth = 0;
    double resolution = 0;      // Hz: the half-power width of a pure tone's line with this window
    double binWidth = 0;        // Hz
    double start = 0, stop = 0; // s: the window used
};

// Throws std::invalid_argument when the window holds fewer than two samples or is empty.
Spectrum compute(const std::vector<double>& t, const std::vector<double>& y, const Options& options);

} // namespace spinspice::spectrum
