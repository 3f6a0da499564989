// Public entry points of the netlist layer: SPICE netlist text -> FlatCircuit.
//
//   FlatCircuit circuit = spinspice::loadNetlistFile("amp.cir");
//
// Both functions parse (netlist/parser.hpp) and elaborate (netlist/elaborate.hpp) the deck and throw
// InputError, located at the offending token, on any bad input.
#pragma once

#include "netlist/flat_circuit.hpp"

#include <map>
#include <string>

namespace spinspice {

// Values replacing top-level `.param name=...` definitions (lower-case names), as `.step` does.
// Parameters defined after an overridden one see the new value. Naming a parameter the deck does not
// define at the top level is an InputError (with candidates).
using ParamOverrides = std::map<std::string, double>;

// Reads `path` and everything it includes. A missing file is an InputError naming the path.
FlatCircuit loadNetlistFile(const std::string& path, const ParamOverrides& overrides = {});

// `text` is a whole deck (its first line is the title). `fileName` is used in error locations;
// relative .include/.lib paths are resolved against the current directory.
FlatCircuit loadNetlistString(const std::string& text, const std::string& fileName = "<string>",
                              const ParamOverrides& overrides = {});

} // namespace spinspice
