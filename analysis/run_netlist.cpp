#include "analysis/run_netlist.hpp"

#include "analysis/postprocess.hpp"
#include "netlist/elaborate.hpp"
#include "netlist/parser.hpp"
#include "solver/klu_solver.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <sstream>
#include <thread>

namespace spinspice {
namespace {

// Parameter (or "temp") values of one run: one .step combination, plus the point of a .dc param sweep.
using Assignment = std::vector<std::pair<std::string, double>>;

std::string format(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

std::string describe(const Assignment& assignment) {
    std::string text;
    for (const auto& [name, value] : assignment) text += (text.empty() ? "" : ", ") + name + " = " + format(value);
    return text;
}

// Every combination of the .step values; the first .step card varies fastest.
std::vector<Assignment> stepCombinations(const std::vector<StepSpec>& steps) {
    std::vector<Assignment> combinations(1);
    for (const auto& step : steps) {
        std::vector<Assignment> next;
        for (double value : step.values)
            for (Assignment a : combinations) {
                a.emplace_back(step.param, value);
                next.push_back(std::move(a));
            }
        combinations = std::move(next);
    }
    return combinations;
}

// The deck elaborated with top-level parameters overridden (the edits', then the assignment's) and the
// temperature ("temp") set, the edits applied.
FlatCircuit elaborateWith(const netlist::Deck& deck, const Assignment& assignment, const OptionOverrides& forced,
                          const DeckEdits& edits) {
    std::map<std::string, double> overrides = edits.params;
    std::optional<double> temp;
    for (const auto& [name, value] : assignment) {
        if (name == "temp")
            temp = value;
        else
            overrides[name] = value;
    }
    try {
        FlatCircuit flat = netlist::elaborate(deck, overrides);
        if (temp) flat.temp = *temp;
        for (const auto& [key, value] : forced) {
            flat.options[key] = value;
            flat.optionOrigins.erase(key); // given on the command line, not in the deck
        }
        if (edits.editFlat) edits.editFlat(flat);
        return flat;
    } catch (const InputError& e) {
        if (assignment.empty()) throw;
        std::string hint = e.hint().empty() ? "" : e.hint() + "; ";
        throw InputError(e.message(), e.loc(), e.lineText(), hint + "with " + describe(assignment));
    }
}

void addWarnings(std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const auto& w : from)
        if (std::find(to.begin(), to.end(), w) == to.end()) to.push_back(w);
}

bool sweepsByElaboration(const AnalysisSpec& spec) {
    return spec.kind == AnalysisSpec::Kind::Dc &&
           std::any_of(spec.sweeps.begin(), spec.sweeps.end(),
                       [](const AnalysisSpec::Sweep& s) { return s.kind != AnalysisSpec::Sweep::Kind::Source; });
}

// A .dc whose sweeps include a parameter or the temperature: every point is an operating point of the
// re-elaborated deck (source sweeps among them become one-point source sweeps), so each point starts
// from scratch rather than from the previous solution.
Waveforms runElaboratedDc(const netlist::Deck& deck, const Assignment& step, const AnalysisSpec& spec,
                          const RunObserver& observer, std::vector<std::string>& warnings,
                          const OptionOverrides& forced, const DeckEdits& edits) {
    Waveforms w;
    w.name = spec.name;
    w.type = "dc";
    w.sweep = spec.sweeps.front().source;
    std::vector<std::vector<double>> values;
    for (const auto& sw : spec.sweeps) values.push_back(dcSweepValues(sw));
    const std::size_t inner = values[0].size(), outer = values.size() > 1 ? values[1].size() : 1;
    for (std::size_t o = 0; o < outer; ++o) {
        for (std::size_t i = 0; i < inner; ++i) {
            if (observer.stopped()) {
                w.error = "interrupted at " + w.sweep + " = " + format(values[0][i]);
                w.interrupted = true;
                return w;
            }
            Assignment assignment = step;
            AnalysisSpec point;
            point.name = spec.name;
            point.loc = spec.loc;
            point.kind = AnalysisSpec::Kind::Op;
            for (std::size_t s = 0; s < spec.sweeps.size(); ++s) {
                const AnalysisSpec::Sweep& sw = spec.sweeps[s];
                const double value = values[s][s == 0 ? i : o];
                if (sw.kind == AnalysisSpec::Sweep::Kind::Source) {
                    point.kind = AnalysisSpec::Kind::Dc;
                    point.sweeps.push_back({AnalysisSpec::Sweep::Kind::Source, sw.source, value, value, 1.0});
                } else {
                    assignment.emplace_back(sw.kind == AnalysisSpec::Sweep::Kind::Temp ? "temp" : sw.source, value);
                }
            }
            FlatCircuit flat = elaborateWith(deck, assignment, forced, edits);
            flat.analyses = {point};
            Simulator simulator(std::move(flat), edits.symbolic);
            if (edits.editSimulator) edits.editSimulator(simulator);
            addWarnings(warnings, simulator.warnings());
            const Waveforms p = simulator.run(point);
            const std::size_t skip = p.sweep.empty() ? 0 : 1; // a one-point source sweep has its own sweep vector
            if (w.names.empty()) {
                w.names.push_back(w.sweep);
                w.names.insert(w.names.end(), p.names.begin() + static_cast<long>(skip), p.names.end());
                w.re.resize(w.names.size());
            }
            w.stats.iterations += p.stats.iterations;
            w.stats.factorizations += p.stats.factorizations;
            w.stats.refactorizations += p.stats.refactorizations;
            w.stats.solves += p.stats.solves;
            w.stats.timeTotal += p.stats.timeTotal;
            if (!p.error.empty()) {
                w.error = "at " + describe(assignment) + ": " + p.error;
                return w;
            }
            w.re[0].push_back(values[0][i]);
            for (std::size_t k = skip; k < p.names.size(); ++k) w.re[k - skip + 1].push_back(p.re[k].front());
            w.stats.accepted++;
            if (observer.progress)
                observer.progress(spec.name,
                                  static_cast<double>(o * inner + i + 1) / static_cast<double>(outer * inner));
        }
    }
    return w;
}

} // namespace

NetlistRun simulateDeck(const netlist::Deck& deck, const RunObserver& observer, const OptionOverrides& forced,
                        const DeckEdits& given) {
    DeckEdits edits = given;
    if (!edits.symbolic) edits.symbolic = std::make_shared<SymbolicCache>(); // the .step points share it
    NetlistRun run;
    run.netlist = elaborateWith(deck, {}, forced, edits);
    if (edits.analyses) run.netlist.analyses = *edits.analyses;
    if (run.netlist.elements.empty())
        throw InputError("the netlist has no elements: nothing to simulate", deck.titleLoc, deck.title,
                         "the first line is the title; elements (R1 a b 1k ...) and analyses (.op, .tran ...) "
                         "follow it");
    run.result.title = run.netlist.title;
    const std::vector<Assignment> steps = stepCombinations(run.netlist.steps);
    // Each .step point on its own: a circuit, its analyses, its warnings (merged in step order after).
    struct StepOutcome {
        std::vector<Waveforms> analyses;
        std::vector<std::string> warnings;
        std::exception_ptr error;
    };
    std::vector<StepOutcome> outcomes(steps.size());
    auto runStep = [&](std::size_t s) {
        StepOutcome& out = outcomes[s];
        try {
            FlatCircuit flat = steps[s].empty() ? run.netlist : elaborateWith(deck, steps[s], forced, edits);
            if (edits.analyses) flat.analyses = *edits.analyses;
            Simulator simulator(flat, edits.symbolic);
            if (edits.editSimulator) edits.editSimulator(simulator);
            addWarnings(out.warnings, simulator.warnings());
            RunObserver stepObserver = observer;
            if (observer.progress && steps.size() > 1)
                stepObserver.progress = [&](const std::string& name, double fraction) {
                    observer.progress(
                        name + " (step " + std::to_string(s + 1) + "/" + std::to_string(steps.size()) + ")", fraction);
                };
            for (const auto& spec : flat.analyses) {
                if (observer.stopped()) break;
                Waveforms w = sweepsByElaboration(spec)
                                  ? runElaboratedDc(deck, steps[s], spec, stepObserver, out.warnings, forced, edits)
                                  : simulator.run(spec, stepObserver);
                w.step = steps[s];
                evaluateOutputs(flat, w);
                addWarnings(out.warnings, w.warnings);
                out.analyses.push_back(std::move(w));
            }
        } catch (...) {
            out.error = std::current_exception();
        }
    };
    // .step points on `jobs` threads (each point's result depends only on its values: the random streams
    // are keyed by seed and device), unless the points stream their rows to one writer.
    const std::size_t threads =
        observer.stream ? 1 : std::min<std::size_t>(static_cast<std::size_t>(std::max(1, edits.jobs)), steps.size());
    if (threads <= 1) {
        for (std::size_t s = 0; s < steps.size() && !observer.stopped(); ++s) {
            runStep(s);
            if (outcomes[s].error) break;
        }
    } else {
        std::atomic<std::size_t> next{0};
        std::atomic<bool> failed{false};
        auto worker = [&] {
            for (std::size_t s = next++; s < steps.size() && !failed && !observer.stopped(); s = next++) {
                runStep(s);
                if (outcomes[s].error) failed = true;
            }
        };
        std::vector<std::thread> pool;
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
        worker();
        for (auto& t : pool) t.join();
    }
    for (auto& out : outcomes) {
        if (out.error) std::rethrow_exception(out.error);
        addWarnings(run.result.warnings, out.warnings);
        for (auto& w : out.analyses) run.result.analyses.push_back(std::move(w));
    }
    for (const auto& m : run.netlist.measures) {
        const bool present = std::any_of(run.result.analyses.begin(), run.result.analyses.end(),
                                         [&](const Waveforms& w) { return w.type == m.analysis; });
        if (!present)
            addWarnings(run.result.warnings, {m.loc.str() + ": .meas " + m.analysis + " " + m.name +
                                              ": the netlist has no ." + m.analysis + " analysis"});
    }
    return run;
}

NetlistRun simulateNetlistFile(const std::string& path, const RunObserver& observer, const OptionOverrides& options,
                               int jobs) {
    DeckEdits edits;
    edits.jobs = jobs;
    return simulateDeck(netlist::parseDeckFile(path), observer, options, edits);
}

NetlistRun simulateNetlistString(const std::string& text, const std::string& fileName, const RunObserver& observer,
                                 const OptionOverrides& options, int jobs) {
    DeckEdits edits;
    edits.jobs = jobs;
    return simulateDeck(netlist::parseDeckString(text, fileName), observer, options, edits);
}

} // namespace spinspice
