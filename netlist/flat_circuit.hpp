// The elaborated circuit: what the netlist layer hands to the simulator. Every parameter expression
// is evaluated, every subcircuit is flattened (hierarchical names "x1.x2.r3", nodes "x1.n3"), every
// model reference is resolved. A FlatCircuit can also be built directly in C++ (no netlist needed).
#pragma once

#include "core/diagnostics.hpp"
#include "core/expr.hpp"
#include "core/source_spec.hpp"
#include "netlist/measure_spec.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spinspice {

// A `.model name type (params)` card. type is lower-case ("d" for diodes; later "nmos", "mtj", ...).
// params holds only the parameters given on the card, names lower-case, values evaluated.
struct ModelCard {
    std::string name; // hierarchical when defined inside a subcircuit ("x1.dmod")
    std::string type;
    std::map<std::string, double> params;
    SourceLoc loc;
};

// One primitive element after flattening.
struct FlatElement {
    std::string name;                     // lower-case, hierarchical ("x1.r3"); first letter = element letter
    char letter = 0;                      // 'r','c','l','k','v','i','e','f','g','h','d' (lower-case)
    std::vector<std::string> nodes;       // lower-case hierarchical node names; ground is "0" (gnd -> "0")
    double value = 0.0;                   // R ohms, C farads, L henries, K coupling, E/F/G/H gain
    std::map<std::string, double> params; // instance parameters given (ic, m, area, off -> 1, temp, ...)
    std::vector<std::string> refs;        // F/H: controlling V source; K: the two inductors (hierarchical)
    SourceSpec source;                    // V and I only
    std::string model;                    // D: resolved (hierarchical) model name, a key of FlatCircuit::models
    // B: the behavioural expression, parameters substituted and user functions inlined; v(node) and
    // i(vsource) hold flat names; free identifiers are only `time` and `temper`.
    expr::NodePtr behavior;
    char behaviorKind = 0;    // 'v' (voltage source) or 'i' (current source)
    std::string behaviorText; // the expression as written
    SourceLoc loc;            // where the element card starts
    std::string lineText;     // the card's source text, for diagnostics
};

struct AnalysisSpec {
    enum class Kind { Op, Dc, Ac, Tran };
    Kind kind = Kind::Op;
    std::string name; // "op1", "dc1", "ac1", "tran1": type + 1-based count of that type in the deck

    // .dc: outer loop last; sweeps[0] varies fastest (SPICE order: first-named source is the inner loop)
    // A sweep over a parameter or the temperature re-elaborates the deck per point (analysis/run_netlist).
    struct Sweep {
        enum class Kind { Source, Param, Temp };
        Kind kind = Kind::Source;
        std::string source; // lower-case hierarchical V/I name; the .param name; "temp"
        double start = 0, stop = 0, step = 0;
    };
    std::vector<Sweep> sweeps;

    // .ac
    enum class AcScale { Dec, Oct, Lin };
    AcScale acScale = AcScale::Dec;
    int points = 0;
    double fstart = 0, fstop = 0;

    // .tran tstep tstop [tstart [tmax]] [uic]
    double tstep = 0, tstop = 0, tstart = 0, tmax = 0; // tmax 0 = not given
    bool uic = false;

    SourceLoc loc;
};

// `.print tran|dc|ac|op item ...`: a table printed to stdout after the analysis of that type.
struct PrintSpec {
    std::string analysis;           // "tran", "dc", "ac" or "op"
    std::vector<std::string> items; // lower-case output names ("v(out)", "i(v1)", "vm(out)" for ac)
    SourceLoc loc;
};

struct FlatCircuit {
    std::string title;
    std::vector<FlatElement> elements;
    std::map<std::string, ModelCard> models;        // key: resolved model name
    std::vector<AnalysisSpec> analyses;             // in deck order
    std::map<std::string, double> options;          // .options key=value (lower-case keys), flags -> 1
    std::map<std::string, std::string> textOptions; // non-numeric values (method=gear), lower-case
    std::map<std::string, double> ic;               // .ic v(node)=value, key = node name
    std::map<std::string, double> nodeset;          // .nodeset v(node)=value
    std::optional<double> temp;                     // .temp (deg C), the first value
    std::vector<std::string> saves;                 // .save items, lower-case ("v(out)", "i(v1)"); empty = all
    std::map<std::string, SourceLoc> saveLocs;      // where each save/ic/nodeset item was written
    std::vector<PrintSpec> prints;                  // .print cards
    std::vector<MeasureSpec> measures;              // .meas cards, in deck order
    std::vector<StepSpec> steps;                    // .step cards; the first varies fastest
    std::map<std::string, double> params;           // top-level .param values (after overrides)
};

} // namespace spinspice
