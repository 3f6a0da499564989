#include "analysis/simulator.hpp"

#include "analysis/build_circuit.hpp"
#include "analysis/measure.hpp"
#include "analysis/operating_point.hpp"
#include "analysis/postprocess.hpp"
#include "analysis/transient.hpp"
#include "analysis/waveform_stream.hpp"
#include "solver/ac_system.hpp"
#include "solver/newton.hpp"

#include <chrono>
#include <cmath>
#include <complex>
#include <limits>
#include <set>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace spinspice {

const std::vector<double>* Waveforms::find(const std::string& signal) const {
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == signal) return &re[i];
    return nullptr;
}

const std::vector<double>* Waveforms::findImag(const std::string& signal) const {
    for (std::size_t i = 0; i < names.size() && i < im.size(); ++i)
        if (names[i] == signal) return &im[i];
    return nullptr;
}

bool SimulationResult::failed() const {
    for (const auto& a : analyses)
        if (!a.error.empty()) return true;
    return false;
}

SimOptions optionsFromNetlist(const FlatCircuit& flat, std::vector<std::string>& warnings) {
    SimOptions o = parseOptions(flat.options, flat.textOptions, warnings, &flat.optionOrigins);
    if (flat.temp) o.temp = *flat.temp;
    return o;
}

std::vector<double> dcSweepValues(const AnalysisSpec::Sweep& sw) {
    const long count = static_cast<long>(std::floor((sw.stop - sw.start) / sw.step * (1.0 + 1e-12) + 1e-9)) + 1;
    std::vector<double> values;
    for (long k = 0; k < count; ++k) values.push_back(sw.start + static_cast<double>(k) * sw.step);
    return values;
}

Simulator::Simulator(FlatCircuit flat, std::shared_ptr<SymbolicCache> symbolic) : flat_(std::move(flat)) {
    const SimOptions options = optionsFromNetlist(flat_, warnings_);
    const std::size_t released = flat_.elements.size();
    // The devices hold what the elements said: the element descriptions are not needed again, and a large
    // netlist's take as much memory as its circuit.
    circuit_ = buildCircuitReleasing(flat_, options);
    bool needsOp = false;
    for (const auto& a : flat_.analyses)
        if (!(a.kind == AnalysisSpec::Kind::Tran && a.uic)) needsOp = true;
    circuit_->checkTopology(needsOp);
    warnings_.insert(warnings_.end(), circuit_->warnings.begin(), circuit_->warnings.end());
    newton_ = std::make_unique<NewtonSolver>(*circuit_, std::move(symbolic));
#ifdef __GLIBC__
    // A large netlist's elements (and the syntax tree before them) were a million small blocks: give
    // their pages back before a direct factorisation takes its own (glibc keeps freed small blocks in
    // the process otherwise). Not when DC systems go to PCG, whose vectors are small: the trim walks every
    // free block and the pages come back as faults (a 10^6-MTJ crossbar: 20 s of 60, for 0.17 GB). Not
    // for small circuits: Monte-Carlo samples build one each, on several threads.
    if (released >= 100000 && !newton_->iterativeActive()) malloc_trim(0);
#endif

    auto resolve = [&](const std::map<std::string, double>& values, std::vector<std::pair<int, double>>& out,
                       const char* card) {
        for (const auto& [node, value] : values) {
            const int u = circuit_->findNode(node);
            if (u < 0) {
                auto it = flat_.saveLocs.find(node);
                auto lineIt = flat_.saveLines.find(node);
                throw InputError(std::string(card) + " names unknown node '" + node + "'",
                                 it != flat_.saveLocs.end() ? it->second : SourceLoc{},
                                 lineIt != flat_.saveLines.end() ? *lineIt->second : std::string(),
                                 suggestionHint(node, circuit_->nodeNames()));
            }
            if (u > 0) out.emplace_back(u, value);
        }
    };
    resolve(flat_.ic, ic_, ".ic");
    resolve(flat_.nodeset, nodeset_, ".nodeset");
    for (const auto& name : flat_.stateOutputs) // the device states .print and .meas read
        if (circuit_->findState(name) < 0) {
            auto it = flat_.saveLocs.find(name);
            const std::string instance = name.substr(0, name.rfind('.'));
            std::vector<std::string> candidates;
            for (const auto& s : circuit_->stateNames())
                if (s.rfind(instance + ".", 0) == 0) candidates.push_back(s);
            throw InputError("'" + name + "' is not a state of " + instance,
                             it != flat_.saveLocs.end() ? it->second : SourceLoc{}, {},
                             candidates.empty() ? instance + " has no states" : suggestionHint(name, candidates));
        }
    (void)selection(); // validate .save now, before any analysis runs
}

Simulator::~Simulator() = default;

Simulator::Selection Simulator::selection() const {
    Selection s;
    const auto& unknowns = circuit_->unknowns();
    if (flat_.saves.empty()) {
        s.names.reserve(unknowns.size());
        s.unknowns.reserve(unknowns.size());
        for (std::size_t i = 1; i < unknowns.size(); ++i)
            if (unknowns[i].output) {
                s.names.push_back(unknowns[i].label());
                s.unknowns.push_back(static_cast<int>(i));
            }
        for (const auto& name : flat_.stateOutputs) // hidden states that .print or .meas read
            if (const int u = circuit_->findState(name); u >= 0 && !unknowns[static_cast<std::size_t>(u)].output) {
                s.names.push_back(name);
                s.unknowns.push_back(u);
            }
        return s;
    }
    for (const auto& item : flat_.saves) {
        auto locIt = flat_.saveLocs.find(item);
        const SourceLoc loc = locIt != flat_.saveLocs.end() ? locIt->second : SourceLoc{};
        auto lineIt = flat_.saveLines.find(item);
        static const std::string kNoLine;
        const std::string& line = lineIt != flat_.saveLines.end() ? *lineIt->second : kNoLine;
        // Device-internal states by name: ".save n1.mx" (written bare, or as v(n1.mx) by the parser).
        const std::string bare =
            item.rfind("v(", 0) == 0 && item.back() == ')' ? item.substr(2, item.size() - 3) : item;
        if (const int state = circuit_->findState(bare); state >= 0) {
            s.names.push_back(bare);
            s.unknowns.push_back(state);
            continue;
        }
        const bool voltage = item.rfind("v(", 0) == 0, current = item.rfind("i(", 0) == 0;
        if ((!voltage && !current) || item.back() != ')')
            throw InputError(".save item '" + item + "' is not understood", loc, line,
                             "expected v(node) or i(vsource)");
        const std::string name = item.substr(2, item.size() - 3);
        int u = -1;
        if (voltage) {
            if (name.find(',') != std::string::npos)
                throw InputError(".save " + item + ": differential voltages are not supported yet", loc, line,
                                 "save both nodes and subtract");
            u = circuit_->findNode(name);
            if (u < 0) {
                std::vector<std::string> candidates = circuit_->nodeNames(), states = circuit_->stateNames();
                candidates.insert(candidates.end(), states.begin(), states.end());
                throw InputError(".save names unknown node '" + name + "'", loc, line,
                                 suggestionHint(name, candidates));
            }
        } else {
            const Device* d = circuit_->findDevice(name);
            u = d ? d->branchUnknown() : -1;
            if (u < 0) {
                std::vector<std::string> candidates;
                for (const auto& dev : circuit_->devices())
                    if (dev->branchUnknown() >= 0) candidates.push_back(dev->name());
                throw InputError(".save " + item + ": only voltage sources, inductors and E/H sources have a current",
                                 loc, line, suggestionHint(name, candidates));
            }
        }
        s.names.push_back(item);
        s.unknowns.push_back(u);
    }
    return s;
}

SimulationResult Simulator::runAll(const RunObserver& observer) {
    SimulationResult result;
    result.title = flat_.title;
    result.warnings = warnings_;
    for (const auto& spec : flat_.analyses) {
        if (observer.stopped()) break;
        result.analyses.push_back(run(spec, observer));
        for (const auto& w : result.analyses.back().warnings)
            if (std::find(result.warnings.begin(), result.warnings.end(), w) == result.warnings.end())
                result.warnings.push_back(w);
        evaluateOutputs(flat_, result.analyses.back());
    }
    return result;
}

Waveforms Simulator::run(const AnalysisSpec& spec, const RunObserver& observer) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    circuit_->restart(); // every analysis starts from the devices' initial memory
    stopped_ = observer.stop;
    const SolverStats before = newton_->stats;
    const FactorStats kluBefore = newton_->linearSolver().stats;
    const long pcgBefore = newton_->iterativeStats().iterations;
    Waveforms w;
    try {
        switch (spec.kind) {
        case AnalysisSpec::Kind::Op: w = runOp(spec); break;
        case AnalysisSpec::Kind::Dc: w = runDc(spec); break;
        case AnalysisSpec::Kind::Ac: w = runAc(spec); break;
        case AnalysisSpec::Kind::Tran: w = runTran(spec, observer); break;
        case AnalysisSpec::Kind::Tones: w = runTones(spec); break;
        }
    } catch (const SimulationError& e) {
        // Every analysis keeps its points so far in partial_.
        w = std::move(partial_);
        w.error = e.what();
        w.interrupted = dynamic_cast<const Interrupted*>(&e) != nullptr;
    }
    w.name = spec.name;
    const SolverStats& after = newton_->stats;
    const FactorStats& kluAfter = newton_->linearSolver().stats;
    w.stats.iterations = after.iterations - before.iterations;
    w.stats.timeEval = after.timeEval - before.timeEval;
    w.stats.timeFactor = after.timeFactor - before.timeFactor;
    w.stats.timeSolve = after.timeSolve - before.timeSolve;
    w.stats.factorizations = kluAfter.factorizations - kluBefore.factorizations;
    w.stats.refactorizations = kluAfter.refactorizations - kluBefore.refactorizations;
    w.stats.solves = kluAfter.solves - kluBefore.solves;
    w.stats.linearIterations = newton_->iterativeStats().iterations - pcgBefore;
    w.stats.timeTotal = std::chrono::duration<double>(Clock::now() - t0).count();
    for (const auto& d : circuit_->devices()) d->clearDcOverride();
    return w;
}

namespace {
Waveforms emptyWaveforms(const std::string& type, const std::string& sweep, const std::vector<std::string>& names,
                         bool complex) {
    Waveforms w;
    w.type = type;
    w.sweep = sweep;
    w.complex = complex;
    if (!sweep.empty()) w.names.push_back(sweep);
    w.names.insert(w.names.end(), names.begin(), names.end());
    w.re.resize(w.names.size());
    if (complex) w.im.resize(w.names.size());
    return w;
}

void appendRow(Waveforms& w, double sweepValue, bool hasSweep, const std::vector<int>& unknowns,
               const std::vector<double>& x) {
    std::size_t k = 0;
    if (hasSweep) w.re[k++].push_back(sweepValue);
    for (int u : unknowns) w.re[k++].push_back(x[static_cast<std::size_t>(u)]);
}
} // namespace

// One output row, within .options maxoutput.
void Simulator::store(Waveforms& w, double sweepValue, bool hasSweep, const std::vector<int>& unknowns,
                      const std::vector<double>& x) {
    storedBytes_ += 8.0 * static_cast<double>(unknowns.size() + (hasSweep ? 1 : 0));
    if (storedBytes_ > circuit_->options().maxOutput)
        throw SimulationError("stopped after " + std::to_string(static_cast<long long>(storedBytes_ / 8)) +
                              " stored waveform values (.options maxoutput=" +
                              std::to_string(static_cast<long long>(circuit_->options().maxOutput)) +
                              " bytes; the values so far are kept): .save fewer signals, use a larger tstep "
                              "or raise maxoutput");
    appendRow(w, sweepValue, hasSweep, unknowns, x);
    if (!keptStates_.empty()) {
        finalStates_.resize(keptStates_.size());
        for (std::size_t k = 0; k < keptStates_.size(); ++k)
            finalStates_[k] = x[static_cast<std::size_t>(keptStates_[k])];
    }
}

void Simulator::keepFinalStates() {
    keptStates_.clear();
    for (const auto& name : circuit_->stateNames()) keptStates_.push_back(circuit_->findState(name));
}

Waveforms Simulator::runOp(const AnalysisSpec&) {
    const Selection sel = selection();
    partial_ = emptyWaveforms("op", "", sel.names, false);
    Waveforms& w = partial_; // filled in place: kept when the analysis fails
    std::vector<double> x(static_cast<std::size_t>(circuit_->size()) + 1, 0.0);
    OperatingPointRequest req;
    req.nodesets = &nodeset_;
    solveOperatingPoint(*newton_, x, req);
    store(w, 0.0, false, sel.unknowns, x);
    w.stats.accepted = 1;
    return std::move(w);
}

Waveforms Simulator::runDc(const AnalysisSpec& spec) {
    const Selection sel = selection();
    std::vector<Device*> sources;
    std::vector<std::vector<double>> values;
    for (const auto& sw : spec.sweeps) {
        if (sw.kind != AnalysisSpec::Sweep::Kind::Source) // needs the deck: analysis/run_netlist.hpp
            throw InputError(".dc over the parameter or temperature '" + sw.source +
                                 "' re-elaborates the netlist; run it with simulateNetlistFile()",
                             spec.loc);
        Device* d = circuit_->findDevice(sw.source);
        if (!d || !d->setDcOverride(0.0)) {
            std::vector<std::string> candidates;
            for (const auto& dev : circuit_->devices())
                if (dev->name()[0] == 'v' || dev->name()[0] == 'i') candidates.push_back(dev->name());
            throw InputError(".dc: '" + sw.source + "' is not an independent source", spec.loc, {},
                             suggestionHint(sw.source, candidates));
        }
        if (sw.step == 0.0 || (sw.stop - sw.start) * sw.step < 0.0)
            throw InputError(".dc " + sw.source + ": the step does not lead from start to stop", spec.loc);
        sources.push_back(d);
        values.push_back(dcSweepValues(sw));
    }
    partial_ = emptyWaveforms("dc", spec.sweeps.front().source, sel.names, false);
    Waveforms& w = partial_; // filled in place: kept when the analysis fails
    std::vector<double> x(static_cast<std::size_t>(circuit_->size()) + 1, 0.0);
    const std::size_t outer = sources.size() > 1 ? values[1].size() : 1;
    bool warm = false;
    for (std::size_t o = 0; o < outer; ++o) {
        if (sources.size() > 1) sources[1]->setDcOverride(values[1][o]);
        for (double v : values[0]) {
            sources[0]->setDcOverride(v);
            OperatingPointRequest req;
            req.nodesets = warm ? nullptr : &nodeset_;
            req.warmStart = warm;
            solveOperatingPoint(*newton_, x, req);
            warm = true;
            // A DC sweep point is an accepted solution (hysteresis carries over), with no time axis.
            const AcceptContext accepted{x.data(), 0.0, 0.0, &circuit_->environment()};
            DeviceClock noClock;
            for (Device* d : circuit_->acceptingDevices()) d->accept(accepted, noClock);
            store(w, v, true, sel.unknowns, x);
            w.stats.accepted++;
            if (stopped_ && stopped_->load(std::memory_order_relaxed))
                throw Interrupted(".dc interrupted at " + w.sweep + " = " + std::to_string(v));
        }
    }
    return std::move(w);
}

// The small-signal matrix at angular frequency omega: G + jwC from the devices' Jacobians at the
// operating point (jf/jq of the last evaluation), plus the admittances of devices that supply their own.
void Simulator::assembleAc(double omega, const std::vector<double>& x, std::vector<std::complex<double>>& a) const {
    const std::vector<double>& g = newton_->jacobianF();
    const std::vector<double>& c = newton_->jacobianQ();
    const std::size_t nnz = static_cast<std::size_t>(circuit_->pattern().nnz());
    for (std::size_t k = 0; k < nnz; ++k) a[k] = {g[k], omega * c[k]};
    a[nnz] = 0.0;
    for (const Device* d : circuit_->ownAdmittanceDevices()) d->admittance(omega, x.data(), a.data());
}

Waveforms Simulator::runAc(const AnalysisSpec& spec) {
    const Selection sel = selection();
    partial_ = emptyWaveforms("ac", "frequency", sel.names, true);
    Waveforms& w = partial_; // filled in place: kept when the analysis fails
    std::vector<double> x(static_cast<std::size_t>(circuit_->size()) + 1, 0.0);
    OperatingPointRequest req;
    req.nodesets = &nodeset_;
    solveOperatingPoint(*newton_, x, req);

    // Small-signal matrices at the operating point: G = df/dx, C = dq/dx (without the devices that
    // supply their own admittance).
    EvalContext ctx;
    ctx.env = &circuit_->environment();
    newton_->evaluate(x, ctx, /*skipOwnAdmittance=*/true);
    const std::size_t n1 = static_cast<std::size_t>(circuit_->size()) + 1;

    std::vector<double> freqs;
    if (spec.acScale == AnalysisSpec::AcScale::Lin) {
        const double step = spec.points > 1 ? (spec.fstop - spec.fstart) / (spec.points - 1) : 0.0;
        for (int k = 0; k < spec.points; ++k) freqs.push_back(spec.fstart + k * step);
    } else {
        // ngspice acan.c: a geometric ratio per point, up to fstop (with a small tolerance).
        const double ratio = std::exp(std::log(spec.acScale == AnalysisSpec::AcScale::Dec ? 10.0 : 2.0) / spec.points);
        const double limit = spec.fstop + ratio * spec.fstop * circuit_->options().reltol;
        for (int k = 0;; ++k) {
            const double f = spec.fstart * std::pow(ratio, k);
            if (f > limit) break;
            freqs.push_back(f);
        }
    }
    std::vector<std::complex<double>> a(static_cast<std::size_t>(circuit_->pattern().nnz()) + 1);
    AcSystem acSystem(circuit_->pattern(), newton_->linearSolver().stats, newton_->directOrdering());
    std::vector<std::complex<double>> rhs(n1);
    for (double f : freqs) {
        if (stopped_ && stopped_->load(std::memory_order_relaxed))
            throw Interrupted(".ac interrupted at f = " + std::to_string(f) + " Hz");
        assembleAc(2.0 * M_PI * f, x, a);
        if (!acSystem.factor(a))
            throw SimulationError("ac: the small-signal matrix is singular at f = " + std::to_string(f) + " Hz at " +
                                  unknownLabel(*newton_, acSystem.singularColumn()));
        std::fill(rhs.begin(), rhs.end(), std::complex<double>(0.0, 0.0));
        for (const auto& d : circuit_->devices()) d->loadAc(rhs.data());
        acSystem.solve(rhs.data());
        w.re[0].push_back(f);
        for (std::size_t k = 0; k < sel.unknowns.size(); ++k) {
            const auto v = rhs[static_cast<std::size_t>(sel.unknowns[k])];
            w.re[k + 1].push_back(v.real());
            w.im[k + 1].push_back(v.imag());
        }
        w.stats.accepted++;
    }
    return std::move(w);
}

// Rows at multiples of tstep only (.options interp): each accepted point emits the grid instants since
// the previous one, linearly interpolated between the two, and tstop itself when it is off the grid.
// The previous point is copied only before a step that passes the next grid instant (beforeStep), not
// at every point: a p-bit network takes a point per update and has four unknowns per p-bit.
void Simulator::interpolateOutput(const AnalysisSpec& spec, TransientSetup& setup) {
    struct Grid {
        std::vector<double> previous, row;
        double previousTime = 0, lastWritten = -std::numeric_limits<double>::infinity();
        long next = 0;
    };
    auto grid = std::make_shared<Grid>();
    grid->next = static_cast<long>(std::ceil(spec.tstart / spec.tstep - 1e-9));
    const double tstep = spec.tstep, tstop = spec.tstop, slack = 1e-9 * tstep;
    setup.beforeStep = [grid, tstep, tstop, slack](double t, double tNext, const std::vector<double>& x) {
        Grid& g = *grid;
        if (static_cast<double>(g.next) * tstep <= tNext + slack || tNext >= tstop - slack) {
            g.previous = x;
            g.previousTime = t;
        }
    };
    setup.output = [grid, output = std::move(setup.output), tstep, tstop, slack](double t,
                                                                                 const std::vector<double>& x) {
        Grid& g = *grid;
        g.row.resize(x.size());
        for (; static_cast<double>(g.next) * tstep <= t + slack; ++g.next) {
            const double tk = std::min(static_cast<double>(g.next) * tstep, tstop);
            const double u =
                g.previous.empty() || t <= g.previousTime ? 1.0 : (tk - g.previousTime) / (t - g.previousTime);
            for (std::size_t i = 0; i < x.size(); ++i)
                g.row[i] = g.previous.empty() ? x[i] : g.previous[i] + u * (x[i] - g.previous[i]);
            output(tk, g.row);
            g.lastWritten = tk;
        }
        if (t >= tstop - slack && g.lastWritten < tstop - slack) { // tstop itself when off the grid
            output(t, x);
            g.lastWritten = t;
        }
    };
}

namespace {
// `.options autostop`: true once every `.meas tran` of the deck (PARAM ones follow the others) has
// settled with at least two points beyond (a DERIV reads the next two). The waveforms are examined
// every tenth of the points so far (at least 64): the checks cost about ten passes over the data,
// and the run ends at most ~10 % of its length after the last measurement settled.
std::function<bool(double)> autostopCheck(const std::vector<MeasureSpec>& measures, const Waveforms& partial) {
    std::vector<const MeasureSpec*> tran;
    for (const auto& m : measures)
        if (m.analysis == "tran" && m.kind != MeasureSpec::Kind::Param) tran.push_back(&m);
    if (tran.empty()) return {};
    return [tran, &partial, next = std::size_t{64}](double) mutable {
        const std::size_t n = partial.points();
        if (n < next || n < 3) return false;
        next = n + std::max<std::size_t>(64, n / 10);
        const double beyond = partial.re.front()[n - 3];
        return std::all_of(tran.begin(), tran.end(), [&](const MeasureSpec* m) {
            const auto settled = measure::settledAfter(*m, partial);
            return settled && *settled < beyond;
        });
    };
}
} // namespace

// The columns a streamed transient keeps in memory: those its cards read.
Simulator::Selection Simulator::keptForCards(const Selection& all) const {
    const std::set<std::string> read = vectorsRead(flat_, "tran");
    Selection kept;
    for (std::size_t k = 0; k < all.names.size(); ++k)
        if (read.count(all.names[k])) {
            kept.names.push_back(all.names[k]);
            kept.unknowns.push_back(all.unknowns[k]);
        }
    return kept;
}

Waveforms Simulator::runTran(const AnalysisSpec& spec, const RunObserver& observer) {
    const Selection all = selection();
    WaveformStream* stream = observer.stream;
    // Streamed, or without waveforms in the results: only the columns the cards read stay in memory.
    const Selection sel = stream || !circuit_->options().waveforms ? keptForCards(all) : all;
    partial_ = emptyWaveforms("tran", "time", sel.names, false);
    std::vector<double> streamRow(all.unknowns.size() + 1);
    if (stream) {
        std::vector<std::string> names{"time"};
        names.insert(names.end(), all.names.begin(), all.names.end());
        stream->begin(spec.name, names);
    }
    // The stream is finished however the analysis ends (its file keeps the points computed).
    struct EndStream {
        WaveformStream* stream;
        ~EndStream() {
            if (!stream) return;
            try {
                stream->end();
            } catch (...) {
            }
        }
    } endStream{stream};
    TransientSetup setup;
    setup.tstep = spec.tstep;
    setup.tstop = spec.tstop;
    setup.tstart = spec.tstart;
    setup.tmax = spec.tmax;
    setup.uic = spec.uic;
    setup.ic = &ic_;
    setup.nodesets = &nodeset_;
    setup.output = [&](double t, const std::vector<double>& x) {
        if (stream) {
            streamRow[0] = t;
            for (std::size_t k = 0; k < all.unknowns.size(); ++k)
                streamRow[k + 1] = x[static_cast<std::size_t>(all.unknowns[k])];
            stream->row(streamRow);
        }
        store(partial_, t, true, sel.unknowns, x);
    };
    const bool interp = circuit_->options().interp && spec.tstep > 0;
    if (interp) interpolateOutput(spec, setup);
    setup.stop = observer.stop;
    if (circuit_->options().autostop) setup.done = autostopCheck(flat_.measures, partial_);
    // Points allowed: .options maxpoints, and what .options maxoutput leaves for this analysis' rows.
    const double rowBytes = 8.0 * static_cast<double>(sel.unknowns.size() + 1);
    const double byOutput = std::floor((circuit_->options().maxOutput - storedBytes_) / rowBytes);
    setup.maxPoints = circuit_->options().maxPoints;
    if (interp) { // rows on the tstep grid only: their number is known now
        const double rows = std::floor((spec.tstop - spec.tstart) / spec.tstep) + 2;
        if (rows > byOutput)
            throw SimulationError(".tran with .options interp writes " + formatParamNumber(rows) + " rows of " +
                                  std::to_string(sel.unknowns.size() + 1) + " values, more than .options maxoutput=" +
                                  formatParamNumber(circuit_->options().maxOutput) +
                                  " bytes allows: use a larger tstep, .save fewer signals or raise maxoutput");
    } else if (byOutput < static_cast<double>(setup.maxPoints)) {
        setup.maxPoints = static_cast<long>(std::max(byOutput, 1.0));
        setup.maxPointsReason = ".options maxoutput=" + formatParamNumber(circuit_->options().maxOutput) + " bytes (" +
                                std::to_string(sel.unknowns.size() + 1) + " values a point)";
    }
    if (observer.progress) setup.progress = [&](double fraction) { observer.progress(spec.name, fraction); };
    if (observer.trace) setup.trace = [&](const StepTrace& step) { observer.trace(spec.name, step); };
    TransientCounters counters;
    try {
        runTransient(*newton_, setup, counters);
    } catch (const SimulationError&) {
        partial_.stats.accepted = counters.accepted;
        partial_.stats.rejected = counters.rejected;
        partial_.warnings = counters.warnings;
        throw;
    }
    if (stream) { // a write error is reported here (after a failure the guard closes the file quietly)
        endStream.stream = nullptr;
        stream->end();
    }
    Waveforms w = std::move(partial_);
    w.stats.accepted = counters.accepted;
    w.stats.rejected = counters.rejected;
    w.warnings = counters.warnings;
    return w;
}

} // namespace spinspice
