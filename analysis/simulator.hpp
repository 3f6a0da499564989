// The simulator as a library: build a Circuit from a FlatCircuit (netlist or C++), then run analyses.
//
//   spinspice::Simulator sim(spinspice::loadNetlistFile("rc.cir"));
//   spinspice::SimulationResult r = sim.runAll();
//   const std::vector<double>* vout = r.analyses[0].find("v(out)");
#pragma once

#include "analysis/results.hpp"
#include "analysis/transient.hpp"
#include "netlist/flat_circuit.hpp"
#include "solver/circuit.hpp"

#include <atomic>
#include <complex>
#include <functional>
#include <memory>

namespace spinspice {

class NewtonSolver;
class SymbolicCache;
class WaveformStream;

// Called during long analyses with the completed fraction in [0, 1].
using ProgressCallback = std::function<void(const std::string& analysis, double fraction)>;
// Called for every attempted time step of a transient (the CLI prints it with SPINSPICE_TRACE=1).
using TraceCallback = std::function<void(const std::string& analysis, const StepTrace& step)>;

// What the caller observes while a run goes on: the library itself prints nothing.
struct RunObserver {
    ProgressCallback progress;
    TraceCallback trace;
    // Set by the caller (a signal handler) to stop the run: the running analysis ends with an error
    // "interrupted at ...", keeping its points, and no further analysis starts.
    const std::atomic<bool>* stop = nullptr;
    // When set, every transient's rows go to this stream as they are accepted, and the transient's
    // Waveforms keep only the vectors the deck's cards read (postprocess.hpp: vectorsRead).
    WaveformStream* stream = nullptr;
    // The caller ends the process right after the run (the command line): a run of one large circuit
    // (kAbandonedDevices devices or more) leaves its simulator to the operating system instead of
    // freeing it device by device (a 10^6-MTJ crossbar: 25 of its 95 s).
    bool exitAfterRun = false;
    static constexpr std::size_t kAbandonedDevices = 100000;
    bool stopped() const { return stop && stop->load(std::memory_order_relaxed); }
};

// SimOptions from `.options` and `.temp` (unknown keys produce warnings; bad values throw InputError).
SimOptions optionsFromNetlist(const FlatCircuit& flat, std::vector<std::string>& warnings);

// The points of a `.dc` sweep, start to stop (inclusive, within rounding).
std::vector<double> dcSweepValues(const AnalysisSpec::Sweep& sweep);

class Simulator {
public:
    // Builds and checks the circuit; throws InputError. `symbolic`: the KLU analysis shared with other
    // simulators of the same pattern (Session re-runs, .step points).
    explicit Simulator(FlatCircuit flat, std::shared_ptr<SymbolicCache> symbolic = nullptr);
    ~Simulator();

    // Every analysis of the netlist in order. A failing analysis keeps its partial data, records the
    // error and the run goes on with the next one.
    SimulationResult runAll(const RunObserver& observer = {});
    SimulationResult runAll(const ProgressCallback& progress) { return runAll(RunObserver{progress, {}}); }
    Waveforms run(const AnalysisSpec& spec, const RunObserver& observer = {});
    Waveforms run(const AnalysisSpec& spec, const ProgressCallback& progress) {
        return run(spec, RunObserver{progress, {}});
    }

    Circuit& circuit() { return *circuit_; }
    // Keep the device states' values at the last stored point of .op/.dc/.tran (in the order of
    // circuit().stateNames()): what a learning loop carries into its next run (Session::carryStates).
    // Empty until a point is stored.
    void keepFinalStates();
    const std::vector<double>& finalStates() const { return finalStates_; }
    const FlatCircuit& netlist() const { return flat_; } // without its elements (released once built)
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    struct Selection { // which unknowns are written, under which names
        std::vector<std::string> names;
        std::vector<int> unknowns;
    };
    Selection selection() const;
    Waveforms runOp(const AnalysisSpec& spec);
    Waveforms runDc(const AnalysisSpec& spec);
    Waveforms runAc(const AnalysisSpec& spec);
    Waveforms runTran(const AnalysisSpec& spec, const RunObserver& observer);
    Waveforms runTones(const AnalysisSpec& spec); // analysis/tones.cpp
    using RowOutput = std::function<void(double, const std::vector<double>&)>;
    void interpolateOutput(const AnalysisSpec& spec, TransientSetup& setup); // wraps setup.output
    Selection keptForCards(const Selection& all) const;
    void assembleAc(double omega, const std::vector<double>& x, std::vector<std::complex<double>>& a) const;

    FlatCircuit flat_;
    std::vector<std::string> warnings_;
    std::unique_ptr<Circuit> circuit_;
    std::unique_ptr<NewtonSolver> newton_;
    std::vector<std::pair<int, double>> ic_, nodeset_; // (unknown, value)
    Waveforms partial_;                                // the running analysis' data, kept when it fails
    double storedBytes_ = 0;                           // waveform values held by this run (maxoutput)
    std::vector<int> keptStates_;                // the state unknowns keepFinalStates copies at every stored point
    std::vector<double> finalStates_;            // their values at the last one
    const std::atomic<bool>* stopped_ = nullptr; // the caller's stop flag
    void store(Waveforms& w, double sweepValue, bool hasSweep, const std::vector<int>& unknowns,
               const std::vector<double>& x);
};

} // namespace spinspice
