// In-memory waveforms produced by the analyses; writers (JSON, ...) are separate.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace spinspice {

struct AnalysisStats {
    long accepted = 0;         // accepted time points / sweep points
    long rejected = 0;         // rejected time points (LTE or Newton failure)
    long iterations = 0;       // Newton iterations (device loads + solves)
    long factorizations = 0;   // full LU factorisations
    long refactorizations = 0; // numeric refactorisations reusing the pivot order
    long solves = 0;           // triangular solves
    long linearIterations = 0; // conjugate-gradient iterations (DC systems solved by PCG)
    double timeEval = 0, timeFactor = 0, timeSolve = 0, timeTotal = 0; // seconds
};

// One `.meas` result.
struct Measurement {
    std::string name;  // lower-case, as written on the .meas card
    double value = 0;  // valid when error is empty
    std::string error; // why it could not be evaluated (e.g. "TRIG condition never met")
};

// One `.spectrum` signal (analysis/spectrum.hpp): one-sided PSD with its peak and linewidth.
struct SpectrumResult {
    std::string signal;
    std::vector<double> frequency, psd;                                                 // Hz, units^2/Hz
    double peakFrequency = 0, peakPsd = 0, linewidth = 0, resolution = 0, binWidth = 0; // Hz (peakPsd: units^2/Hz)
    double start = 0, stop = 0;                                                         // s: the window
    std::string error;
};

// One `.four` signal (analysis/fourier.hpp), as ngspice prints it.
struct FourierHarmonic {
    int index = 0;
    double frequency = 0, magnitude = 0, phase = 0; // Hz, signal units, degrees
    double normMagnitude = 0, normPhase = 0;        // relative to the fundamental (degrees)
};
struct FourierResult {
    std::string signal;
    double fundamental = 0, dc = 0, thd = 0; // Hz, signal units, percent
    int gridSize = 0, degree = 0;            // interpolation grid over the last period
    std::vector<FourierHarmonic> harmonics;  // 0 (DC) ... nfreqs - 1
    std::string error;
};

struct Waveforms {
    std::string name;  // "tran1"
    std::string type;  // "op" | "dc" | "ac" | "tran"
    std::string sweep; // "time" | "frequency" | source name; empty for op
    bool complex = false;
    std::vector<std::string> names;      // signal names; the sweep vector first when present
    std::vector<std::vector<double>> re; // one vector per name
    std::vector<std::vector<double>> im; // AC only (the sweep vector's im stays empty)
    AnalysisStats stats;
    std::string error; // non-empty when the analysis failed (the data so far is kept)
    // `.step` parameter values of this run, in .step order (empty without .step).
    std::vector<std::pair<std::string, double>> step;
    // `.meas` results evaluated on this analysis' waveforms.
    std::vector<Measurement> measurements;
    std::vector<SpectrumResult> spectra; // `.spectrum` (tran)
    std::vector<FourierResult> fourier;  // `.four` (tran)
    std::vector<std::string> warnings;   // found while it ran (also in SimulationResult::warnings)
    bool interrupted = false;            // stopped by the caller (Ctrl-C)

    // The values of a signal by name (nullptr if absent).
    const std::vector<double>* find(const std::string& signal) const;
    const std::vector<double>* findImag(const std::string& signal) const;
    std::size_t points() const { return re.empty() ? 0 : re.front().size(); }
};

// One .meas result summarised over the Monte-Carlo samples of an analysis (`monte=N`).
struct MeasureStatistics {
    static constexpr double kQuantiles[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    std::string analysis, name;                       // "tran1", the .meas name
    std::vector<std::pair<std::string, double>> step; // the .step values (without the sample index)
    int count = 0, failed = 0;                        // samples with a value, samples where it failed
    double mean = 0, stddev = 0, min = 0, max = 0;    // stddev: the sample standard deviation (n - 1)
    std::vector<double> quantiles;                    // at kQuantiles (linear between order statistics)
    std::vector<double> edges;                        // histogram: bin edges (bins + 1), min to max
    std::vector<int> counts;                          // samples per bin
};

struct SimulationResult {
    std::string title;
    std::vector<Waveforms> analyses;
    std::vector<MeasureStatistics> statistics; // Monte-Carlo runs: the .meas results over the samples
    std::vector<std::string> warnings;
    bool failed() const;
};

} // namespace spinspice
