#pragma once

#include "netlist/flat_circuit.hpp"
#include "solver/circuit.hpp"

#include <memory>

namespace spinspice {

// One device per flat element (parameters validated against the type tables), finalized.
std::unique_ptr<Circuit> buildCircuit(const FlatCircuit& flat, const SimOptions& options);

} // namespace spinspice
