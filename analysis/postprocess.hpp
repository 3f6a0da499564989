// What a deck computes from an analysis' waveforms once it has run: the .meas results, the .spectrum
// densities and the .four tables (transients).
#pragma once

#include "analysis/results.hpp"
#include "netlist/flat_circuit.hpp"

#include <set>
#include <string>

namespace spinspice {

void evaluateOutputs(const FlatCircuit& flat, Waveforms& w);

// The saved vectors an analysis type's cards read ("v(out)", "i(v1)", "n1.cr"): its .meas signals,
// .print items (v(a,b) as v(a) and v(b)) and, for "tran", the .spectrum and .four signals. A streamed
// transient keeps these in memory and writes the rest to disk only.
std::set<std::string> vectorsRead(const FlatCircuit& flat, const std::string& analysisType);

} // namespace spinspice
