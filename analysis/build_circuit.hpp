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
// The same, releasing each element once its device is built (and the element list at the end): the
// freed blocks take the next devices, so that a large netlist's elements and devices are not all alive
// at once (the peak of building it).
std::unique_ptr<Circuit> buildCircuitReleasing(FlatCircuit& flat, const SimOptions& options);

} // namespace spinspice
