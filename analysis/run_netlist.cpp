#include "analysis/run_netlist.hpp"

#include "analysis/monte_carlo.hpp"
#include "analysis/postprocess.hpp"
#include "analysis/result_codec.hpp"
#include "netlist/elaborate.hpp"
#include "netlist/parser.hpp"
#include "solver/klu_solver.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

// Under AddressSanitizer the leak checker runs at exit: a simulator left to the OS would be reported.
#if defined(__SANITIZE_ADDRESS__)
#define SPINSPICE_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPINSPICE_LEAK_CHECKED 1
#endif
#endif

namespace spinspice {
namespace {

#ifdef SPINSPICE_LEAK_CHECKED
constexpr bool kLeakChecked = true;
#else
constexpr bool kLeakChecked = false;
#endif

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
                          const DeckEdits& edits, const StatisticalSample* sample = nullptr,
                          netlist::Deck* consumable = nullptr) {
    std::map<std::string, double> overrides = edits.params;
    std::optional<double> temp;
    for (const auto& [name, value] : assignment) {
        if (name == "temp")
            temp = value;
        else
            overrides[name] = value;
    }
    try {
        FlatCircuit flat = consumable ? netlist::elaborateConsuming(*consumable, overrides)
                                      : netlist::elaborate(deck, overrides, sample);
        if (temp) flat.temp = *temp;
        for (const auto& [key, value] : forced) {
            flat.options[key] = value;
            flat.optionOrigins.erase(key); // given on the command line, not in the deck
        }
        if (sample) flat.options["seed"] = sampleDeviceSeed(*sample); // its own device noise too
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
            w.stats.linearIterations += p.stats.linearIterations;
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

// One unit of a run: the nominal analyses of a .step point, or one Monte-Carlo sample of an analysis.
struct Task {
    Task(std::size_t s, int a = -1, int k = 0) : step(s), analysis(a), sample(k) {}
    std::size_t order = 0; // in the run's output order
    std::size_t step;
    int analysis; // -1: the nominal analyses
    int sample;
    std::vector<std::pair<int, Waveforms>> results; // (analysis index, waveforms)
    std::vector<std::string> warnings;
    std::exception_ptr error;
};

// The tasks this process ran (those of `local`), as bytes for process 0.
std::string encodeTasks(const std::vector<Task>& tasks, const std::vector<std::size_t>& local) {
    ByteWriter out;
    out.u64(local.size());
    for (std::size_t t : local) {
        const Task& task = tasks[t];
        out.u64(t);
        out.strings(task.warnings);
        encodeError(out, task.error);
        out.u64(task.results.size());
        for (const auto& [index, w] : task.results) {
            out.i64(index);
            encodeWaveforms(out, w);
        }
    }
    return out.take();
}

// Process 0: the tasks of process `rank` (of `ranks`) put in their places.
void decodeTasks(const std::string& bytes, int rank, int ranks, std::vector<Task>& tasks) {
    ByteReader in(bytes);
    for (std::size_t n = in.count(); n > 0; --n) {
        const std::uint64_t t = in.u64();
        if (t == 0 || t >= tasks.size() || static_cast<int>(t % static_cast<std::uint64_t>(ranks)) != rank)
            throw std::runtime_error("process " + std::to_string(rank) + " returned task " + std::to_string(t) +
                                     ", which is not one of its own");
        Task& task = tasks[t];
        task.warnings = in.strings();
        task.error = decodeError(in);
        task.results.resize(in.count());
        for (auto& [index, w] : task.results) {
            index = static_cast<int>(in.i64());
            w = decodeWaveforms(in);
        }
    }
    if (!in.done()) throw std::runtime_error("process " + std::to_string(rank) + " returned trailing data");
}

} // namespace

namespace {
// A deck elaborated once only: no .step, no Monte Carlo (monte=) and no .dc (whose parameter and
// temperature sweeps elaborate again); conservative, from the cards' words.
bool elaboratedOnce(const netlist::Deck& deck) {
    for (const auto& statement : deck.statements) {
        const netlist::Card* card = statement.card();
        if (!card) continue;
        const std::string keyword = card->keyword();
        if (keyword == ".step" || keyword == ".dc") return false;
        if (!keyword.empty() && keyword[0] == '.')
            for (const auto& token : card->tokens)
                if (token.isWord() && token.lower().rfind("monte", 0) == 0) return false;
    }
    return true;
}

// `owned`: the caller's deck, released once no task needs to elaborate it again (a run without .step,
// Monte Carlo or parameter sweeps), before the analyses: a large netlist's syntax tree is as big as
// its elaboration.
NetlistRun simulateDeckImpl(const netlist::Deck& deck, const RunObserver& observer, const OptionOverrides& forced,
                            const DeckEdits& given, std::unique_ptr<netlist::Deck>* owned) {
    DeckEdits edits = given;
    if (!edits.symbolic) edits.symbolic = std::make_shared<SymbolicCache>(); // the .step points share it
    NetlistRun run;
    const bool consumed = owned && elaboratedOnce(deck);
    run.netlist = elaborateWith(deck, {}, forced, edits, nullptr, consumed ? owned->get() : nullptr);
    if (edits.analyses) run.netlist.analyses = *edits.analyses;
    if (run.netlist.elements.empty())
        throw InputError("the netlist has no elements: nothing to simulate", deck.titleLoc, deck.title,
                         "the first line is the title; elements (R1 a b 1k ...) and analyses (.op, .tran ...) "
                         "follow it");
    run.result.title = run.netlist.title;
    const std::vector<Assignment> steps = stepCombinations(run.netlist.steps);
    const auto seedIt = run.netlist.options.find("seed");
    const auto baseSeed = static_cast<std::uint64_t>(seedIt != run.netlist.options.end() ? seedIt->second : 1.0);
    // The work: per .step point one task for the analyses without monte= (one circuit, as before) and
    // one task per Monte-Carlo sample of each analysis with it (the deck elaborated for that sample).
    std::vector<Task> tasks;
    for (std::size_t s = 0; s < steps.size(); ++s) {
        tasks.emplace_back(s);
        for (std::size_t a = 0; a < run.netlist.analyses.size(); ++a)
            for (int k = 0; k < run.netlist.analyses[a].monte; ++k) tasks.emplace_back(s, static_cast<int>(a), k);
    }
    const bool monteCarlo = tasks.size() > steps.size();
    for (std::size_t t = 0; t < tasks.size(); ++t) tasks[t].order = t;
    const bool reelaborates =
        tasks.size() > 1 || std::any_of(run.netlist.analyses.begin(), run.netlist.analyses.end(),
                                        [](const AnalysisSpec& a) { return sweepsByElaboration(a); });
    if (consumed && reelaborates) // elaboratedOnce() must foresee every second elaboration
        throw std::logic_error("a deck whose element cards were released would be elaborated again");
    if (owned && !reelaborates) owned->reset(); // `deck` is not used from here on
    auto runTask = [&](Task& task) {
        const std::size_t s = task.step;
        try {
            const StatisticalSample sample{baseSeed, static_cast<std::uint64_t>(task.sample)};
            FlatCircuit elaborated;
            if (task.analysis >= 0 || !steps[s].empty()) {
                elaborated = elaborateWith(deck, steps[s], forced, edits, task.analysis < 0 ? nullptr : &sample);
            } else if (tasks.size() == 1) {
                // The only task takes the first elaboration's elements rather than a copy of them (the run
                // keeps the rest: title, analyses, .print and .meas cards).
                std::vector<FlatElement> elements = std::move(run.netlist.elements);
                run.netlist.elements.clear();
                elaborated = run.netlist;
                elaborated.elements = std::move(elements);
            } else {
                elaborated = run.netlist;
            }
            if (edits.analyses) elaborated.analyses = *edits.analyses;
            auto simulatorOwner = std::make_unique<Simulator>(std::move(elaborated), edits.symbolic);
            Simulator& simulator = *simulatorOwner;
            const FlatCircuit& flat = simulator.netlist();
            std::vector<int> selected;
            for (std::size_t a = 0; a < flat.analyses.size(); ++a)
                if (task.analysis < 0 ? flat.analyses[a].monte == 0 : static_cast<int>(a) == task.analysis)
                    selected.push_back(static_cast<int>(a));
            if (selected.empty()) return;
            if (edits.editSimulator) edits.editSimulator(simulator);
            addWarnings(task.warnings, simulator.warnings());
            RunObserver taskObserver = observer;
            if (observer.progress && tasks.size() > 1)
                taskObserver.progress = [&](const std::string& name, double fraction) {
                    std::string where =
                        steps.size() > 1 ? "step " + std::to_string(s + 1) + "/" + std::to_string(steps.size()) : "";
                    if (task.analysis >= 0)
                        where += (where.empty() ? "" : ", ") + std::string("sample ") +
                                 std::to_string(task.sample + 1) + "/" +
                                 std::to_string(flat.analyses[static_cast<std::size_t>(task.analysis)].monte);
                    observer.progress(where.empty() ? name : name + " (" + where + ")", fraction);
                };
            for (const int a : selected) {
                if (observer.stopped()) break;
                const AnalysisSpec& spec = flat.analyses[static_cast<std::size_t>(a)];
                Waveforms w = sweepsByElaboration(spec) && task.analysis < 0
                                  ? runElaboratedDc(deck, steps[s], spec, taskObserver, task.warnings, forced, edits)
                                  : simulator.run(spec, taskObserver);
                w.step = steps[s];
                if (task.analysis >= 0) w.step.emplace_back("monte", task.sample);
                evaluateOutputs(flat, w);
                addWarnings(task.warnings, w.warnings);
                task.results.emplace_back(a, std::move(w));
            }
            if (edits.afterRun) edits.afterRun(task.order, simulator);
            if (observer.exitAfterRun && tasks.size() == 1 && !kLeakChecked &&
                simulator.circuit().devices().size() >= RunObserver::kAbandonedDevices)
                (void)simulatorOwner.release(); // deliberately not freed: the process ends after writing
        } catch (...) {
            task.error = std::current_exception();
        }
    };
    // Tasks on `jobs` threads (a task's result depends only on its step values and sample: the random
    // streams are keyed by seed, sample and device), unless they stream their rows to one writer.
    const std::size_t threads =
        observer.stream ? 1 : std::min<std::size_t>(static_cast<std::size_t>(std::max(1, edits.jobs)), tasks.size());
    // Distributed over processes: this one runs task 0 and its share of the others.
    const int rank = edits.distribution ? edits.distribution->rank() : 0;
    const int ranks = edits.distribution ? std::max(1, edits.distribution->size()) : 1;
    std::vector<std::size_t> local; // this process's tasks after the first
    for (std::size_t t = 1; t < tasks.size(); ++t)
        if (static_cast<int>(t % static_cast<std::size_t>(ranks)) == rank) local.push_back(t);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    auto worker = [&] {
        for (std::size_t k = next++; k < local.size() && !failed && !observer.stopped(); k = next++) {
            runTask(tasks[local[k]]);
            if (tasks[local[k]].error) failed = true;
        }
    };
    // The first task runs alone: its first factorisation chooses the pivot order every other circuit of
    // the same pattern then takes from the symbolic cache, whatever the thread or process count (a run's
    // results do not depend on -j or on the ranks).
    if (!tasks.empty()) {
        runTask(tasks.front());
        failed = static_cast<bool>(tasks.front().error);
    }
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < std::min(threads, std::max<std::size_t>(1, local.size())); ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (ranks > 1) {
        if (rank != 0) {
            edits.distribution->gather(encodeTasks(tasks, local));
            run.secondary = true;
            return run;
        }
        const std::vector<std::string> others = edits.distribution->gather(encodeTasks(tasks, {}));
        for (std::size_t r = 0; r < others.size(); ++r) decodeTasks(others[r], static_cast<int>(r + 1), ranks, tasks);
    }
    // In order: per step, the analyses in deck order, a Monte-Carlo analysis as its samples in turn.
    for (const auto& task : tasks)
        if (task.error) std::rethrow_exception(task.error);
    for (std::size_t s = 0; s < steps.size(); ++s)
        for (std::size_t a = 0; a < run.netlist.analyses.size(); ++a)
            for (auto& task : tasks) {
                if (task.step != s) continue;
                if (a == 0) addWarnings(run.result.warnings, task.warnings);
                for (auto& [index, w] : task.results)
                    if (index == static_cast<int>(a)) run.result.analyses.push_back(std::move(w));
            }
    if (monteCarlo) run.result.statistics = measurementStatistics(run.result.analyses);
    for (const auto& m : run.netlist.measures) {
        const bool present = std::any_of(run.result.analyses.begin(), run.result.analyses.end(),
                                         [&](const Waveforms& w) { return w.type == m.analysis; });
        if (!present)
            addWarnings(run.result.warnings, {m.loc.str() + ": .meas " + m.analysis + " " + m.name +
                                              ": the netlist has no ." + m.analysis + " analysis"});
    }
    return run;
}
} // namespace

NetlistRun simulateDeck(const netlist::Deck& deck, const RunObserver& observer, const OptionOverrides& forced,
                        const DeckEdits& edits) {
    return simulateDeckImpl(deck, observer, forced, edits, nullptr);
}

NetlistRun simulateNetlistFile(const std::string& path, const RunObserver& observer, const OptionOverrides& options,
                               int jobs, TaskDistribution* distribution) {
    DeckEdits edits;
    edits.jobs = jobs;
    edits.distribution = distribution;
    auto deck = std::make_unique<netlist::Deck>(netlist::parseDeckFile(path));
    const netlist::Deck& parsed = *deck;
    return simulateDeckImpl(parsed, observer, options, edits, &deck);
}

NetlistRun simulateNetlistString(const std::string& text, const std::string& fileName, const RunObserver& observer,
                                 const OptionOverrides& options, int jobs) {
    DeckEdits edits;
    edits.jobs = jobs;
    auto deck = std::make_unique<netlist::Deck>(netlist::parseDeckString(text, fileName));
    const netlist::Deck& parsed = *deck;
    return simulateDeckImpl(parsed, observer, options, edits, &deck);
}

} // namespace spinspice
