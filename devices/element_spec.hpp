// One element of a flat circuit as the device registry receives it: what the netlist said (or a C++
// program built), parameters evaluated, subcircuits flattened, model reference resolved. The registry
// turns it into a Device (devices/registry.hpp).
#pragma once

#include "core/diagnostics.hpp"
#include "core/expr.hpp"
#include "core/source_spec.hpp"

#include <map>
#include <string>
#include <vector>

namespace spinspice {

// A `.model name type (params)` card. type is lower-case ("d", "nmos", "mtj", ...). params holds only
// the parameters given on the card, names lower-case, values evaluated.
struct ModelCard {
    std::string name; // hierarchical when defined inside a subcircuit ("x1.dmod")
    std::string type;
    std::map<std::string, double> params;
    SourceLoc loc;
};

struct FlatElement {
    std::string name;               // lower-case, hierarchical ("x1.r3"); first letter = element letter
    char letter = 0;                // 'r', 'c', ..., 'n' (lower-case)
    std::vector<std::string> nodes; // lower-case hierarchical node names; ground is "0"
    // Parameters given on the instance, names as in the type's table. The positional value of R, C, L,
    // K and E/F/G/H is stored under the type's value parameter ("r", "c", "l", "k", "gain").
    std::map<std::string, double> params;
    std::vector<std::string> refs; // F/H/W: controlling V source; K: the two inductors (hierarchical)
    SourceSpec source;             // V and I only
    std::string model;             // resolved (hierarchical) model name, a key of FlatCircuit::models
    // B: the behavioural expression, parameters substituted and user functions inlined; v(node) and
    // i(vsource) hold flat names; free identifiers are only `time` and `temper`.
    expr::NodePtr behavior;
    char behaviorKind = 0;    // 'v' (voltage source) or 'i' (current source)
    std::string behaviorText; // the expression as written
    SourceLoc loc;            // where the element card starts
    std::string lineText;     // the card's source text, for diagnostics
};

} // namespace spinspice
