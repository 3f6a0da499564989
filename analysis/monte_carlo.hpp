// Monte-Carlo runs (`.tran 10p 25n sweep monte=1000`): the device seed of a sample, and the summary of
// the .meas results over the samples of an analysis.
#pragma once

#include "analysis/results.hpp"
#include "core/expr.hpp"

#include <cstdint>
#include <vector>

namespace spinspice {

// The `.options seed` a sample's devices use: a mix of the run's seed and the sample index, so that
// thermal noise, p-bit and sMTJ streams differ between samples (and stay the same for the same sample
// whatever thread runs it). Below 2^53, as every seed.
double sampleDeviceSeed(const StatisticalSample& sample);

// Per analysis (and .step point) with Monte-Carlo samples, per .meas name: count, failures, mean,
// standard deviation, extremes, quantiles and a histogram over the samples.
std::vector<MeasureStatistics> measurementStatistics(const std::vector<Waveforms>& analyses);

} // namespace spinspice
