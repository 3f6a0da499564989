// A netlist parsed once and run many times: the library API for learning loops (Hopfield programming,
// RF-network training) and the object behind the Python module's `Circuit`.
//
//   spinspice::Session s = spinspice::Session::fromFile("hopfield.cir");
//   s.setParam("vprog", 0.4);                 // a top-level .param: the deck is re-elaborated, not re-parsed
//   s.setInstanceParam("n3", "x0", 0.2);      // an instance parameter of one element
//   s.setState("n3.x", 0.25);                 // a device state's initial value
//   spinspice::NetlistRun r = s.run();        // every analysis of the deck (and .step)
//   r = s.run(".tran 1n 20n");                // or one analysis card
//   s.carryStates();                          // the states' final values become the next run's initial ones
//
// Every edit is kept and applied on top of the parsed deck at each run, so a .param change after an
// instance edit keeps the instance edit. Errors throw InputError naming the element, parameter or state
// and what exists.
#pragma once

#include "analysis/run_netlist.hpp"
#include "netlist/ast.hpp"
#include "solver/klu_solver.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace spinspice {

class Session {
public:
    static Session fromFile(const std::string& path, const OptionOverrides& options = {});
    static Session fromString(const std::string& text, const std::string& fileName = "<string>",
                              const OptionOverrides& options = {});

    // An independent session on the same parsed deck with the same edits (one per thread).
    Session clone() const;

    void setParam(const std::string& name, double value);
    void setInstanceParam(const std::string& element, const std::string& param, double value);
    void setState(const std::string& state, double value);
    void setOption(const std::string& name, double value);
    // Threads for the .step points of a run (default 1; results do not depend on it).
    void setJobs(int jobs) { jobs_ = std::max(1, jobs); }
    // The final value of every state the last run wrote (its last analysis) becomes its initial value.
    // Returns how many states were carried.
    std::size_t carryStates();
    void clearEdits(); // back to the deck as written (options given at construction stay)

    // Every analysis of the deck, as simulateNetlistFile does, with the edits applied.
    NetlistRun run(const RunObserver& observer = {});
    // One analysis card (".op", ".tran 1n 20n", ".ac dec 10 1 1g", ".tones") instead of the deck's own.
    NetlistRun run(const std::string& analysisCard, const RunObserver& observer = {});

    // The elaborated deck with the edits applied (re-elaborated when a .param changed).
    const FlatCircuit& netlist();
    // Top-level .param values after the edits.
    const std::map<std::string, double>& params() { return netlist().params; }
    // The names of all device states (built on demand).
    std::vector<std::string> stateNames();
    // Final values of the states after the last run (name -> value), from its last analysis.
    const std::map<std::string, double>& lastStates() const { return lastStates_; }
    const std::vector<std::string>& warnings() const { return warnings_; }
    // How many circuits took their KLU symbolic analysis from an earlier run's (same pattern).
    long symbolicReuses() const { return symbolic_->hits(); }

private:
    Session(std::shared_ptr<const netlist::Deck> deck, OptionOverrides options);
    NetlistRun runWith(const std::vector<AnalysisSpec>* analyses, const RunObserver& observer);
    FlatCircuit edited(const std::map<std::string, double>& stepValues) const;
    void invalidate() {
        flat_.reset();
        stateNames_.clear();
        stateSet_.clear();
    }

    std::shared_ptr<const netlist::Deck> deck_;
    OptionOverrides options_;
    std::map<std::string, double> params_;
    std::map<std::pair<std::string, std::string>, double> instanceParams_; // (element, parameter) -> value
    std::map<std::string, double> states_;
    std::unique_ptr<FlatCircuit> flat_;        // cache of edited({}) (reset by .param and instance edits)
    std::vector<std::string> stateNames_;      // cache (one empty name: the circuit has none)
    std::vector<std::string> paramNames_;      // the deck's top-level .param names
    std::unordered_set<std::string> stateSet_; // stateNames_ as a set (setState in loops of thousands)
    std::size_t stateSetFor_ = 0;
    int jobs_ = 1;
    std::map<std::string, double> lastStates_;
    std::shared_ptr<SymbolicCache> symbolic_ = std::make_shared<SymbolicCache>(); // shared with clones
    std::vector<std::string> warnings_;
};

} // namespace spinspice
