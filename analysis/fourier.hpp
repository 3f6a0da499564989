// `.four`: ngspice's Fourier analysis of a transient waveform over its last period (frontend/fourier.c):
// the waveform, linearly interpolated at `grid` equally spaced points of [tstop - 1/f, tstop), gives
// the DC value and the first nfreqs - 1 harmonics of f, each with its magnitude, phase (degrees;
// atan2 of the cosine and sine coefficients, so that sin(2 pi f t) has phase 0), both normalised to the
// fundamental, and the THD (percent) over harmonics 2 ... nfreqs - 1.
#pragma once

#include "analysis/results.hpp"

#include <vector>

namespace spinspice::fourier {

// Throws std::invalid_argument when the waveform is shorter than one period of f.
FourierResult analyse(const std::vector<double>& t, const std::vector<double>& y, double frequency, int harmonics = 10,
                      int grid = 200);

} // namespace spinspice::fourier
