#pragma once

#include "netlist/flat_circuit.hpp"
#include "solver/circuit.hpp"

#include <memory>

namespace spinspice {

// One device of a flat element, built by its registered type (parameters bound and range-checked); its
// warnings (a 0-ohm resistor ...) go to `warnings`.
std::unique_ptr<Device> makeDevice(const FlatElement& e, const FlatCircuit& flat, const SimOptions& options,
                                   std::vector<std::string>* warnings = nullptr);

// One device per flat element, finalized.
std::unique_ptr<Circuit> buildCircuit(const FlatCircuit& flat, const SimOptions& options);

} // namespace spinspice
