// CSV waveform export, one file per analysis (layout in README.md, "Raw files and CSV"):
//   - a header row of signal names, the sweep first ("time", "frequency", the DC source; none for .op),
//     then one row per point;
//   - AC signals are complex: two columns "v(out).re", "v(out).im" (the frequency is one real column);
//   - an analysis run under `.step` gets one trailing constant column per stepped parameter,
//     "step:<param>", so every file says which step it holds;
//   - numbers are the shortest text that reads back as the same double (std::to_chars), "nan"/"inf"
//     for non-finite values; a field containing a comma or a quote is quoted (RFC 4180).
#pragma once

#include "analysis/results.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace spinspice {

// One analysis as CSV.
void writeCsv(const Waveforms& analysis, std::ostream& out);

// The file each analysis goes to: exactly `path` when the result has one analysis, otherwise the
// analysis name inserted before the extension ("out.csv" -> "out.tran1.csv", "out.ac1.csv"). When
// an analysis name repeats (one analysis per `.step` value), ".step<k>" is added (k = 1, 2, ... in
// run order): "out.tran1.step1.csv". An empty result writes an empty `path`.
std::vector<std::string> csvFilePaths(const SimulationResult& result, const std::string& path);
// One of those names: `analysis` (and ".step<step>" when step > 0) inserted before the extension.
std::string csvAnalysisPath(const std::string& path, const std::string& analysis, int step);

// Writes every analysis to its file (csvFilePaths); throws std::runtime_error.
void writeCsvFile(const SimulationResult& result, const std::string& path);

} // namespace spinspice
