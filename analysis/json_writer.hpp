// JSON waveform export (schema in README.md):
// {"title": ..., "analyses": [{"name", "type", "sweep", "signals": {name: [..] | {"re": [..], "im": [..]}},
//   "stats": {...}, "error": "..." (only on failure)}], "warnings": [...]}
#pragma once

#include "analysis/results.hpp"

#include <ostream>
#include <string>

namespace spinspice {

struct JsonOptions {
    bool timings = false; // the wall-time fields of "stats" (time_eval ...): they differ between equal runs
};

void writeJson(const SimulationResult& result, std::ostream& out, const JsonOptions& options = {});
// Throws std::runtime_error when the file cannot be created or written completely.
void writeJsonFile(const SimulationResult& result, const std::string& path, const JsonOptions& options = {});

} // namespace spinspice
