// The elaborated circuit: what the netlist layer hands to the simulator. Every parameter expression
// is evaluated, every subcircuit is flattened (hierarchical names "x1.x2.r3", nodes "x1.n3"), every
// model reference is resolved. A FlatCircuit can also be built directly in C++ (no netlist needed).
#pragma once

#include "core/diagnostics.hpp"
#include "devices/element_spec.hpp"
#include "netlist/measure_spec.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spinspice {

struct AnalysisSpec {
    enum class Kind { Op, Dc, Ac, Tran, Tones };
    Kind kind = Kind::Op;
    std::string name; // "op1", "dc1", "ac1", "tran1", "tones1": type + 1-based count of that type in the deck

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

    // .tones [maxiter=n] [tol=v]: the multi-tone steady state's fixed-point iterations and tolerance (V)
    int toneIterations = 100;
    double toneTolerance = 1e-9;

    // `[sweep] monte=N` on the card: N Monte-Carlo samples (0: one nominal run)
    int monte = 0;

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
    std::map<std::string, ModelCard> models;           // key: resolved model name
    std::vector<AnalysisSpec> analyses;                // in deck order
    std::map<std::string, double> options;             // .options key=value (lower-case keys), flags -> 1
    std::map<std::string, std::string> textOptions;    // non-numeric values (method=gear), lower-case
    std::map<std::string, SourceOrigin> optionOrigins; // where each option's value was written
    std::map<std::string, double> ic;                  // .ic v(node)=value, key = node name
    std::map<std::string, double> nodeset;             // .nodeset v(node)=value
    std::optional<double> temp;                        // .temp (deg C), the first value
    std::vector<std::string> saves;                    // .save items, lower-case ("v(out)", "i(v1)"); empty = all
    std::map<std::string, SourceLoc> saveLocs;         // where each save/ic/nodeset item was written
    // The source line of each of them, for messages (shared: a .save card of 10^4 items is one line).
    std::map<std::string, std::shared_ptr<const std::string>> saveLines;
    std::vector<std::string> stateOutputs; // device states .print/.meas read ("n1.mz"; in saveLocs)
    std::vector<PrintSpec> prints;         // .print cards
    std::vector<MeasureSpec> measures;     // .meas cards, in deck order
    std::vector<SpectrumSpec> spectra;     // .spectrum cards
    std::vector<FourierSpec> fourier;      // .four cards
    std::vector<StepSpec> steps;           // .step cards; the first varies fastest
    std::map<std::string, double> params;  // top-level .param values (after overrides)
};

} // namespace spinspice
