// What a deck computes from an analysis' waveforms once it has run: the .meas results, the .spectrum
// densities and the .four tables (transients).
#pragma once

#include "analysis/results.hpp"
#include "netlist/flat_circuit.hpp"

namespace spinspice {

void evaluateOutputs(const FlatCircuit& flat, Waveforms& w);

} // namespace spinspice
