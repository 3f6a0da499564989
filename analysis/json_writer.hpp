// JSON waveform export (schema in README.md):
// {"title": ..., "analyses": [{"name", "type", "sweep", "signals": {name: [..] | {"re": [..], "im": [..]}},
//   "stats": {...}, "error": "..." (only on failure)}], "warnings": [...]}
#pragma once

#include "analysis/results.hpp"

#include <ostream>
#include <string>

namespace spinspice {

void writeJson(const SimulationResult& result, std::ostream& out);
void writeJsonFile(const SimulationResult& result, const std::string& path); // throws std::runtime_error

} // namespace spinspice
