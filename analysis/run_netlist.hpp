// The whole job for one netlist file, as the CLI runs it: elaborate, simulate every analysis (for each
// `.step` value, when the deck has .step), evaluate `.meas` cards on the results.
//
// `.step` and `.dc param|temp` re-elaborate the parsed deck with the parameter overridden (or set the
// temperature) and build a new circuit for every value; `.dc` over sources stays with the Simulator.
#pragma once

#include "analysis/results.hpp"
#include "analysis/simulator.hpp"
#include "netlist/ast.hpp"
#include "netlist/flat_circuit.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spinspice {

struct NetlistRun {
    FlatCircuit netlist;     // the (first) elaboration: title, .print cards, options
    SimulationResult result; // all analyses (of all steps, in step order)
    // A distributed run's process other than 0: its tasks went to process 0, `result` is empty.
    bool secondary = false;
};

// Splits a run's tasks over processes (MPI ranks: cli/mpi_distribution.cpp). Every process runs task 0
// (its first factorisation fixes the pivot order every other circuit of the run takes, so the results
// do not depend on the process count) and the tasks t >= 1 with t % size() == rank(); the tasks are one
// per .step point plus one per Monte-Carlo sample. gather() then brings every process's finished tasks
// to process 0, which returns the whole run; the other processes return an empty, `secondary` one.
class TaskDistribution {
public:
    virtual ~TaskDistribution() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // Process 0: the payloads of processes 1 .. size() - 1, in rank order; the others send `mine` and
    // get nothing back.
    virtual std::vector<std::string> gather(const std::string& mine) = 0;
};

// `.options` values that override the netlist's (the CLI's --seed).
using OptionOverrides = std::map<std::string, double>;

// Throws InputError for bad input; simulation failures are recorded in the result's analyses.
// Under `.step` the analyses of the first step come first (in deck order), each Waveforms carrying its
// step values in `step`; the first .step card varies fastest.
// `jobs`: threads for the .step points (their results do not depend on it).
NetlistRun simulateNetlistFile(const std::string& path, const RunObserver& observer = {},
                               const OptionOverrides& options = {}, int jobs = 1,
                               TaskDistribution* distribution = nullptr);

// The same for netlist text (its first line is the title); `fileName` is used in error locations.
NetlistRun simulateNetlistString(const std::string& text, const std::string& fileName = "<string>",
                                 const RunObserver& observer = {}, const OptionOverrides& options = {}, int jobs = 1);

// What a Session (analysis/session.hpp) changes in a parsed deck at every elaboration of a run.
struct DeckEdits {
    std::map<std::string, double> params;          // top-level .param overrides (.step values win)
    std::function<void(FlatCircuit&)> editFlat;    // after each elaboration (instance parameters)
    std::function<void(Simulator&)> editSimulator; // after each circuit is built (state initial values)
    // After each circuit's analyses ran: its place in the run's order (.step point, then sample), so that
    // the caller can keep the last one's final states whatever thread ran it.
    std::function<void(std::size_t order, Simulator&)> afterRun;
    const std::vector<AnalysisSpec>* analyses = nullptr; // run these instead of the deck's analyses
    std::shared_ptr<SymbolicCache> symbolic;             // shared by every circuit of the run (and beyond)
    int jobs = 1; // threads for the .step points (editFlat and editSimulator must then be thread-safe)
    TaskDistribution* distribution = nullptr; // several processes share the run (nullptr: this one alone)
};

// A parsed deck run as simulateNetlistFile runs it, with edits.
NetlistRun simulateDeck(const netlist::Deck& deck, const RunObserver& observer, const OptionOverrides& options,
                        const DeckEdits& edits = {});

} // namespace spinspice
