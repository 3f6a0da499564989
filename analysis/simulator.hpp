// The simulator as a library: build a Circuit from a FlatCircuit (netlist or C++), then run analyses.
//
//   spinspice::Simulator sim(spinspice::loadNetlistFile("rc.cir"));
//   spinspice::SimulationResult r = sim.runAll();
//   const std::vector<double>* vout = r.analyses[0].find("v(out)");
#pragma once

#include "analysis/results.hpp"
#include "netlist/flat_circuit.hpp"
#include "solver/circuit.hpp"

#include <functional>
#include <memory>

namespace spinspice {

class NewtonSolver;

// Called during long analyses with the completed fraction in [0, 1].
using ProgressCallback = std::function<void(const std::string& analysis, double fraction)>;

// SimOptions from `.options` and `.temp` (unknown keys produce warnings; bad values throw InputError).
SimOptions optionsFromNetlist(const FlatCircuit& flat, std::vector<std::string>& warnings);

class Simulator {
public:
    explicit Simulator(FlatCircuit flat); // builds and checks the circuit; throws InputError
    ~Simulator();

    // Every analysis of the netlist in order. A failing analysis keeps its partial data, records the
    // error and the run goes on with the next one.
    SimulationResult runAll(const ProgressCallback& progress = {});
    Waveforms run(const AnalysisSpec& spec, const ProgressCallback& progress = {});

    Circuit& circuit() { return *circuit_; }
    const FlatCircuit& netlist() const { return flat_; }
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    struct Selection; // which unknowns are written, under which names
    Selection selection() const;
    Waveforms runOp(const AnalysisSpec& spec);
    Waveforms runDc(const AnalysisSpec& spec);
    Waveforms runAc(const AnalysisSpec& spec);
    Waveforms runTran(const AnalysisSpec& spec, const ProgressCallback& progress);

    FlatCircuit flat_;
    std::vector<std::string> warnings_;
    std::unique_ptr<Circuit> circuit_;
    std::unique_ptr<NewtonSolver> newton_;
    std::vector<std::pair<int, double>> ic_, nodeset_; // (unknown, value)
    Waveforms partial_;                                // the running analysis' data, kept when it fails
};

} // namespace spinspice
