// The whole job for one netlist file, as the CLI runs it: elaborate, simulate every analysis (for each
// `.step` value, when the deck has .step), evaluate `.meas` cards on the results.
#pragma once

#include "analysis/results.hpp"
#include "analysis/simulator.hpp"
#include "netlist/flat_circuit.hpp"

#include <string>

namespace spinspice {

struct NetlistRun {
    FlatCircuit netlist;      // the (first) elaboration: title, .print cards, options
    SimulationResult result;  // all analyses (of all steps, in step order)
};

// Throws InputError for bad input; simulation failures are recorded in the result's analyses.
NetlistRun simulateNetlistFile(const std::string& path, const ProgressCallback& progress = {});

} // namespace spinspice
