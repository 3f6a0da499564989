// Deck (syntax tree) -> FlatCircuit: evaluates parameters and expressions, flattens subcircuits into
// hierarchical names ("x1.r3", nodes "x1.n3"), resolves models and controlling-source references,
// validates parameters against the device tables and checks analysis cards.
#pragma once

#include "core/expr.hpp"
#include "netlist/ast.hpp"
#include "netlist/flat_circuit.hpp"

#include <map>
#include <string>

namespace spinspice::netlist {

// Throws InputError (located at the offending token) for any inconsistency. `overrides` replace the
// values of top-level .param definitions (an override naming no top-level parameter is an InputError).
// sample: a Monte-Carlo sample (agauss, gauss, aunif, unif, limit draw from it); null: nominal values.
FlatCircuit elaborate(const Deck& deck, const std::map<std::string, double>& overrides = {},
                      const StatisticalSample* sample = nullptr);

// The same, releasing each top-level element card once its element is built (those an F, H or K
// element refers to stay until the references are checked): the syntax tree of a large netlist and
// its elaboration are then not both in memory. The deck is left without those cards: only for a deck
// that is not elaborated again.
FlatCircuit elaborateConsuming(Deck& deck, const std::map<std::string, double>& overrides = {});

} // namespace spinspice::netlist
