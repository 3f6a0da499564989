#include "analysis/transient.hpp"

#include "analysis/event_queue.hpp"
#include "analysis/latency.hpp"
#include "analysis/operating_point.hpp"
#include "solver/newton.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <sstream>
#include <unordered_map>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// One attempted time point, kept for the failure report.
struct StepRecord {
    double time, step;
    int iterations;
    const char* outcome;
    int worstUnknown;
};

class TransientRun {
public:
    TransientRun(NewtonSolver& newton, const TransientSetup& setup, TransientCounters& counters);
    void run();

private:
    // ---- set-up and the initial point
    void beginDevices();
    void checkPointBudget() const;
    void initialPoint();
    void noteSimultaneousStochasticEvents(const std::vector<int>& slots);
    // ---- one step: size, attempts, acceptance
    void chooseStep();
    bool attempt(); // true when the step was accepted
    enum class Latent { Accepted, Rejected, NotLatent };
    Latent stepLatent(); // NotLatent: the point is to be solved (and all later ones)
    bool eventRejects(double tEvent, double tNew);
    void afterRejection(double tNew, double hEff, double olddelta, const NewtonResult& r);
    double predictAndSolve(NewtonResult& r);
    void acceptStep(double tNew, double hEff, double newDelta, double tEvent, const NewtonResult& r);
    void acceptedPointHooks(double step, bool latentPoint = false);
    // ---- integration formulas and error control
    void coefficients(int order, double h);
    double truncationStep(int order, double h, const std::vector<double>& qNew,
                          const std::vector<double>& qdotNew) const;
    double eventInside(double tNew) const;
    void record(double time, double step, const NewtonResult& r, const char* outcome);
    [[noreturn]] void fail(double time, double step, const NewtonResult& last) const;
    double maxStep() const { return std::min(globalMaxStep_, queue_.maxStep()); }

    NewtonSolver& newton_;
    Circuit& circuit_;
    const SimOptions& opt_;
    const TransientSetup& setup_;
    TransientCounters& counters_;
    std::size_t n1_ = 0;
    bool gear_ = false;
    int maxOrder_ = 2;
    double tstop_ = 0, globalMaxStep_ = kInf, delmin_ = 0;
    // The time axis: one event and one step bound per device (slot = index in circuit.devices()).
    EventQueue queue_;
    std::vector<DeviceClock> clocks_;
    // The devices that asked for accept(), with their slots: all, and those accepted at every latent
    // point (the others accept lazily: Device::acceptsLazily).
    std::vector<std::pair<Device*, int>> accepting_, eagerAccepting_;
    std::vector<int> dueSlots_;
    std::vector<double> dueTimes_;
    // History: q at the last four accepted points (qHist_[0] newest), dq/dt at the newest, the
    // accepted step sizes (deltaOld_[0] newest).
    std::array<std::vector<double>, 4> qHist_;
    std::vector<double> qdot_, qdotNew_;
    std::array<double, 4> deltaOld_{};
    double a0_ = 0;
    std::vector<double> hist_;
    std::vector<double> rateFloor_, chargeFloor_; // per-row absolute floors of the truncation test
    std::vector<std::size_t> uncontrolled_;       // stochastic states: no truncation-error test
    mutable int lteRow_ = -1;                     // the unknown that limited the last truncation-error step
    std::deque<StepRecord> records_;
    // The stepping state.
    std::vector<double> x_, xPrev_, xTrial_;
    EvalContext ctx_;
    double time_ = 0, h_ = 0, saveDelta_ = 0, b0_ = 0;
    int order_ = 1;
    bool firstTime_ = true, atBreakpoint_ = true, havePrevious_ = false, landing_ = false, reactive_ = false;
    double eventTolerance_ = 0.0; // > 0 while a step is being redone to end just after an event
    bool warnedSimultaneous_ = false;
    // A linear circuit without charges: points advanced by what changed (analysis/latency.hpp).
    std::unique_ptr<LatencyStepper> latent_;
};

TransientRun::TransientRun(NewtonSolver& newton, const TransientSetup& setup, TransientCounters& counters)
    : newton_(newton), circuit_(newton.circuit()), opt_(circuit_.options()), setup_(setup), counters_(counters),
      queue_(circuit_.devices().size()) {
    n1_ = static_cast<std::size_t>(circuit_.size()) + 1;
    gear_ = opt_.method == SimOptions::Method::Gear;
    rateFloor_.assign(n1_, opt_.abstol);
    chargeFloor_.assign(n1_, opt_.chgtol);
    for (std::size_t i = 1; i < n1_; ++i)
        if (const auto& u = circuit_.unknowns()[i]; u.nature == Nature::State) {
            rateFloor_[i] = 0.0;
            chargeFloor_[i] = u.abstol;
            if (!u.truncationControl) uncontrolled_.push_back(i);
        }
    maxOrder_ = std::clamp(opt_.maxord, 1, 2);
    const auto& devices = circuit_.devices();
    std::unordered_map<const Device*, int> slotOf;
    for (std::size_t k = 0; k < devices.size(); ++k) {
        clocks_.emplace_back(&queue_, static_cast<int>(k));
        slotOf.emplace(devices[k].get(), static_cast<int>(k));
    }
    for (Device* d : circuit_.acceptingDevices()) {
        accepting_.emplace_back(d, slotOf.at(d));
        if (!d->acceptsLazily()) eagerAccepting_.emplace_back(d, slotOf.at(d));
    }
}

// Every device starts its time axis: waveform defaults, first events, step bounds.
void TransientRun::beginDevices() {
    tstop_ = setup_.tstop;
    globalMaxStep_ = setup_.tmax > 0 ? setup_.tmax : std::min(setup_.tstep, (setup_.tstop - setup_.tstart) / 50.0);
    const TransientWindow window{setup_.tstep, tstop_};
    const auto& devices = circuit_.devices();
    for (std::size_t k = 0; k < devices.size(); ++k) devices[k]->beginTransient(window, clocks_[k]);
    delmin_ = 1e-11 * maxStep();
    checkPointBudget();
}

// The run needs at least (tstop - tstart)/(largest step) accepted points: refuse it up front when that
// is above maxpoints (a device whose parameters make it precess at PHz, a .tran 1n 100m), instead of
// filling memory and disk.
void TransientRun::checkPointBudget() const {
    const double least = tstop_ / maxStep();
    if (!(least > static_cast<double>(setup_.maxPoints))) return;
    std::ostringstream msg;
    msg << "the transient needs at least " << least << " time points (tstop " << tstop_ << " s / largest step "
        << maxStep() << " s), more than the " << setup_.maxPoints << " that " << setup_.maxPointsReason << " allows";
    const int slot = queue_.maxStepSlot();
    SourceLoc where;
    if (slot >= 0 && queue_.maxStep() < globalMaxStep_) {
        const Device& d = *circuit_.devices()[static_cast<std::size_t>(slot)];
        msg << "; the step is bounded by " << d.name() << " (check its parameters)";
        where = d.loc();
    } else {
        msg << "; use a larger tstep/tmax, .save fewer signals, or raise the limit";
    }
    throw SimulationError(msg.str(), where);
}

// The operating point (with .ic held), or the .ic values directly with uic; its charges start the history.
void TransientRun::initialPoint() {
    x_.assign(n1_, 0.0);
    if (!setup_.uic) {
        OperatingPointRequest req;
        req.dcSources = false; // sources at their waveform's t = 0 value
        req.forced = setup_.ic;
        req.nodesets = setup_.nodesets;
        solveOperatingPoint(newton_, x_, req);
    } else {
        for (std::size_t i = 1; i < n1_; ++i)
            if (circuit_.unknowns()[i].nature == Nature::State) x_[i] = circuit_.unknowns()[i].initial;
        if (setup_.ic)
            for (const auto& [u, v] : *setup_.ic) x_[static_cast<std::size_t>(u)] = v;
    }
    ctx_.env = &circuit_.environment();
    ctx_.dcSources = false;
    ctx_.noise = true;
    ctx_.stationary = false;
    ctx_.time = 0.0;
    ctx_.useInitialConditions = setup_.uic;
    newton_.evaluate(x_, ctx_);
    // With uic or .ic, x(0) is not a solution of the circuit (the .ic nodes are held by a large
    // conductance): the full solves make it one at the first step, latency would keep the difference.
    const bool consistent = !setup_.uic && (!setup_.ic || setup_.ic->empty());
    if (opt_.latency && consistent) latent_ = LatencyStepper::create(circuit_, newton_.jacobianF(), ctx_);
    for (auto& q : qHist_) q = newton_.loadedCharges();
    qdot_.assign(n1_, 0.0);
    qdotNew_.assign(n1_, 0.0);
    hist_.assign(n1_, 0.0);
    deltaOld_.fill(maxStep());
    ctx_.useInitialConditions = false;
    ctx_.x = x_.data();
    acceptedPointHooks(0.0);
    if (setup_.output && setup_.tstart <= 0.0) setup_.output(0.0, x_);
    xPrev_ = x_;
    xTrial_.assign(n1_, 0.0);
    reactive_ = newton_.lastEvaluationReactive();
}

// The devices' hooks at an accepted point: accept() for those that asked, then the events that are due
// (within delmin of it), each of which may schedule the next.
// At a latent point the devices that accept lazily are accepted only where they moved (stepLatent
// brought them up to the previous point).
void TransientRun::acceptedPointHooks(double step, bool latentPoint) {
    const AcceptContext at{x_.data(), time_, step, &circuit_.environment()};
    const bool lazy = latent_ && latentPoint;
    for (const auto& [d, slot] : lazy ? eagerAccepting_ : accepting_) {
        d->accept(at, clocks_[static_cast<std::size_t>(slot)]);
        if (latent_) latent_->deviceActed(slot);
    }
    if (lazy)
        for (int slot : latent_->movedDevices()) {
            Device* d = circuit_.devices()[static_cast<std::size_t>(slot)].get();
            if (!d->acceptsLazily()) continue; // (an event-locating device that accepts at every point)
            d->accept(at, clocks_[static_cast<std::size_t>(slot)]);
            latent_->deviceActed(slot);
        }
    const std::size_t limit = 1000 + 4 * clocks_.size();
    std::size_t dispatched = 0;
    for (queue_.popDue(time_ + delmin_, dueSlots_, &dueTimes_); !dueSlots_.empty();
         queue_.popDue(time_ + delmin_, dueSlots_, &dueTimes_)) {
        if (!warnedSimultaneous_ && dueSlots_.size() > 1) noteSimultaneousStochasticEvents(dueSlots_);
        for (int slot : dueSlots_) {
            circuit_.devices()[static_cast<std::size_t>(slot)]->event(at, clocks_[static_cast<std::size_t>(slot)]);
            if (latent_) {
                latent_->deviceActed(slot);
                latent_->recheck(slot); // (an event it rescheduled within delmin is gone: look again next point)
            }
            if (++dispatched > limit) {
                std::ostringstream msg;
                msg << "events closer than the minimum time step " << delmin_ << " s at t = " << time_ << " s: device "
                    << circuit_.devices()[static_cast<std::size_t>(slot)]->name()
                    << " keeps scheduling events that a time step cannot resolve";
                throw SimulationError(msg.str(), circuit_.devices()[static_cast<std::size_t>(slot)]->loc());
            }
        }
    }
}

// Stochastic devices that act at the same instant (clocked p-bits on one phase) each read the state the
// others had before: coupled ones then do not sample their Boltzmann distribution (sequential Gibbs
// sampling needs one update at a time). Said once per run.
void TransientRun::noteSimultaneousStochasticEvents(const std::vector<int>& slots) {
    // Only events at one instant (a clock): Poisson update times that fall within the minimum step of
    // each other (one in ~1e6 updates in a 20 000 p-bit network) are a coincidence, said nothing of.
    std::vector<std::pair<double, int>> stochastic;
    for (std::size_t k = 0; k < slots.size(); ++k)
        if (circuit_.devices()[static_cast<std::size_t>(slots[k])]->traits().randomness == Randomness::Stochastic)
            stochastic.emplace_back(dueTimes_[k], slots[k]);
    std::sort(stochastic.begin(), stochastic.end());
    std::vector<std::string> names;
    for (std::size_t k = 1; k < stochastic.size() && names.empty(); ++k)
        if (stochastic[k].first == stochastic[k - 1].first)
            for (std::size_t j = k - 1; j < stochastic.size() && stochastic[j].first == stochastic[k].first; ++j)
                names.push_back(circuit_.devices()[static_cast<std::size_t>(stochastic[j].second)]->name());
    if (names.size() < 2) return;
    warnedSimultaneous_ = true;
    std::ostringstream msg;
    msg << names.size() << " stochastic devices (" << names[0] << ", " << names[1] << (names.size() > 2 ? ", ..." : "")
        << ") update at the same instant t = " << time_
        << " s: coupled p-bits updated together do not sample their Boltzmann distribution; give clocked "
           "p-bits different phases (phase=) or use Poisson updates (update=0)";
    counters_.warnings.push_back(msg.str());
}

// dq/dt ~= a0 q + hist. BE: (q - q1)/h. Trapezoidal: 2/h (q - q1) - qdot1. Gear-2 with variable step
// (r = h/h1): [(1+2r)/(1+r) q - (1+r) q1 + r^2/(1+r) q2] / h.
void TransientRun::coefficients(int order, double h) {
    const auto& q1 = qHist_[0];
    if (order == 1) {
        a0_ = 1.0 / h;
        for (std::size_t i = 1; i < n1_; ++i) hist_[i] = -q1[i] / h;
    } else if (!gear_) {
        a0_ = 2.0 / h;
        for (std::size_t i = 1; i < n1_; ++i) hist_[i] = -a0_ * q1[i] - qdot_[i];
    } else {
        const double r = h / deltaOld_[0];
        a0_ = (1.0 + 2.0 * r) / (h * (1.0 + r));
        const double a1 = -(1.0 + r) / h;
        const double a2 = r * r / (h * (1.0 + r));
        const auto& q2 = qHist_[1];
        for (std::size_t i = 1; i < n1_; ++i) hist_[i] = a1 * q1[i] + a2 * q2[i];
    }
}

// SPICE truncation-error step (ngspice cktterr.c): the (order+1)-th divided difference of each charge
// over the last order+2 points estimates the local error; the step that keeps it within
// trtol * max(abstol + reltol |i|, reltol max(|q|, chgtol) / h) is returned (at most 2 h).
double TransientRun::truncationStep(int order, double h, const std::vector<double>& qNew,
                                    const std::vector<double>& qdotNew) const {
    static constexpr double kTrapFactor[2] = {0.5, 1.0 / 12.0};
    static constexpr double kGearFactor[2] = {0.5, 2.0 / 9.0};
    const double factor = (gear_ ? kGearFactor : kTrapFactor)[order - 1];
    // The (order+1)-th divided difference over the points t0 > t1 > ... is a fixed linear combination
    // of the charges there: its weights depend on the step sizes only, so they are computed once
    // (the recursion below on unit vectors) and each row costs a dot product instead of divisions.
    const double dt[3] = {h, deltaOld_[0], deltaOld_[1]};
    double weight[4] = {0, 0, 0, 0};
    for (int point = 0; point <= order + 1; ++point) {
        double diff[4] = {0, 0, 0, 0};
        diff[point] = 1.0;
        double span[3] = {dt[0], dt[1], dt[2]};
        for (int j = order;;) {
            for (int k = 0; k <= j; ++k) diff[k] = (diff[k] - diff[k + 1]) / span[k];
            if (--j < 0) break;
            for (int k = 0; k <= j; ++k) span[k] = span[k + 1] + dt[k];
        }
        weight[point] = diff[0];
    }
    // The step allowed by row i is trtol tol_i / max(floor_i, factor |dd_i|) (to the power 1/order);
    // the smallest one belongs to the largest ratio max(floor_i, factor |dd_i|) / (trtol tol_i).
    double worst = 0.0;
    std::size_t skip = 0; // index into uncontrolled_ (ascending)
    const auto& q1 = qHist_[0];
    const auto& q2 = qHist_[1];
    const auto& q3 = qHist_[2];
    for (std::size_t i = 1; i < n1_; ++i) {
        if (skip < uncontrolled_.size() && uncontrolled_[skip] == i) {
            ++skip;
            continue;
        }
        const double v0 = qNew[i], v1 = q1[i], v2 = q2[i], v3 = order == 2 ? q3[i] : 0.0;
        if (v0 == 0.0 && v1 == 0.0 && v2 == 0.0 && v3 == 0.0) continue;
        const double dd = weight[0] * v0 + weight[1] * v1 + weight[2] * v2 + weight[3] * v3;
        // Charges and fluxes use SPICE's abstol/chgtol; device states their own absolute tolerance.
        const double currentTol = rateFloor_[i] + opt_.reltol * std::max(std::fabs(qdotNew[i]), std::fabs(qdot_[i]));
        const double chargeTol = opt_.reltol * std::max(std::max(std::fabs(v0), std::fabs(v1)), chargeFloor_[i]) / h;
        const double tol = std::max(currentTol, chargeTol);
        const double ratio =
            std::max(rateFloor_[i] > 0 ? rateFloor_[i] : 1e-300, factor * std::fabs(dd)) / (opt_.trtol * tol);
        if (ratio > worst) {
            worst = ratio;
            lteRow_ = static_cast<int>(i);
        }
    }
    if (!(worst > 0)) return 2.0 * h;
    double del = 1.0 / worst;
    if (order == 2) del = std::sqrt(del);
    return std::min(del, 2.0 * h);
}

// Event location: a device that changes state inside the step (a switch) reports when.
double TransientRun::eventInside(double tNew) const {
    double tEvent = kInf;
    if (circuit_.eventLocatingDevices().empty()) return tEvent;
    EvalContext converged = ctx_;
    converged.time = tNew;
    converged.x = xTrial_.data(); // this step's solution (ctx_.x is still the accepted one)
    for (const Device* d : circuit_.eventLocatingDevices()) tEvent = std::min(tEvent, d->eventTime(converged, time_));
    return tEvent;
}

void TransientRun::record(double time, double step, const NewtonResult& r, const char* outcome) {
    records_.push_back({time, step, r.iterations, outcome, r.worstUnknown});
    if (setup_.trace) setup_.trace({time, step, r.iterations, outcome, unknownLabel(newton_, r.worstUnknown), order_});
    if (records_.size() > 8) records_.pop_front();
}

void TransientRun::fail(double time, double step, const NewtonResult& last) const {
    std::ostringstream msg;
    msg << "timestep too small at t = " << time << " s (step " << step << " s): ";
    if (last.converged)
        msg << "the truncation error stays above tolerance at " << unknownLabel(newton_, last.worstUnknown)
            << " (the circuit changes faster than reltol/trtol allow with steps above the minimum " << 1e-11
            << " x tmax)";
    else if (last.singular)
        msg << "the matrix is singular at " << unknownLabel(newton_, last.worstUnknown);
    else
        msg << "Newton did not converge within itl4 = " << opt_.itl4 << " iterations; the largest update was at "
            << unknownLabel(newton_, last.worstUnknown);
    msg << "\n  last attempted steps (time, step, iterations, outcome, worst unknown):";
    char line[200];
    for (const auto& r : records_) {
        std::snprintf(line, sizeof line, "\n    %.9e  %.3e  %3d  %-18s %s", r.time, r.step, r.iterations, r.outcome,
                      unknownLabel(newton_, r.worstUnknown).c_str());
        msg << line;
    }
    msg << "\n  try: .options reltol=1e-2 or a larger itl4, check the element at that node, or add a small "
           "capacitance/resistance there";
    throw SimulationError(msg.str());
}

// The next step size: bounded by the devices, restarted small after a breakpoint, landing exactly on
// the next breakpoint (the earliest pending event, or tstop).
void TransientRun::chooseStep() {
    const double bound = maxStep();
    h_ = std::min(h_, bound);
    b0_ = std::min(tstop_, queue_.nextTime());
    if (atBreakpoint_) {
        // First step after a breakpoint: backward Euler with a small step (ngspice dctran.c). A
        // purely algebraic circuit has nothing to integrate: it steps straight on.
        order_ = 1;
        if (reactive_) {
            h_ = std::min(h_, 0.1 * std::min(saveDelta_, b0_ - time_));
            if (firstTime_) h_ /= 10.0;
        } else {
            h_ = bound;
        }
        h_ = std::max(h_, 2.0 * delmin_);
        atBreakpoint_ = false;
        havePrevious_ = false; // the slope changes at a breakpoint: no predictor across it
    }
    landing_ = false;
    if (time_ + h_ >= b0_ || b0_ - (time_ + h_) <= delmin_) {
        saveDelta_ = h_;
        h_ = b0_ - time_;
        landing_ = true;
    }
}

// Linear predictor from the last two accepted points, then Newton at the new time.
double TransientRun::predictAndSolve(NewtonResult& r) {
    const double tNew = landing_ ? b0_ : time_ + h_;
    const double hEff = tNew - time_;
    coefficients(order_, hEff);
    if (havePrevious_) {
        const double ratio = hEff / deltaOld_[0];
        for (std::size_t i = 1; i < n1_; ++i) xTrial_[i] = x_[i] + (x_[i] - xPrev_[i]) * ratio;
    } else {
        xTrial_ = x_;
    }
    ctx_.time = tNew;
    r = newton_.solve(xTrial_, ctx_, opt_.itl4, a0_, hist_.data());
    return tNew;
}

// A point of a latent circuit (no charges, no truncation error) at the step the devices allow, as the
// full solve below would take it; x is advanced in place, and put back when an event falls inside.
TransientRun::Latent TransientRun::stepLatent() {
    const double olddelta = h_;
    const double tNew = landing_ ? b0_ : time_ + h_;
    const double hEff = tNew - time_;
    ctx_.time = tNew;
    if (!latent_->advance(ctx_, x_)) { // not latent after all: full solves from this point on
        for (const auto& [d, slot] : accepting_) d->advanceTo(time_); // (the lazy ones' integrals)
        latent_.reset();
        return Latent::NotLatent;
    }
    NewtonResult r;
    r.converged = true;
    // The devices that moved: those accepted lazily are brought up to the previous point, where their
    // event location starts (their bias held since their last accept()).
    for (int slot : latent_->movedDevices()) circuit_.devices()[static_cast<std::size_t>(slot)]->advanceTo(time_);
    EvalContext advanced = ctx_;
    advanced.x = x_.data();
    const double tEvent = latent_->eventInside(advanced, time_);
    if (eventRejects(tEvent, tNew)) {
        latent_->rollback(x_);
        counters_.rejected++;
        landing_ = false;
        record(tNew, hEff, r, "event inside step (latency)");
        afterRejection(tNew, hEff, olddelta, r);
        return Latent::Rejected;
    }
    latent_->commit();
    time_ = tNew;
    atBreakpoint_ = landing_ || (eventTolerance_ > 0 && std::isfinite(tEvent));
    eventTolerance_ = 0.0;
    firstTime_ = false;
    h_ = maxStep();
    ctx_.x = x_.data();
    acceptedPointHooks(hEff, true);
    counters_.accepted++;
    if (setup_.trace) record(tNew, hEff, r, "accepted (latency)"); // (a latent point cannot fail)
    if (setup_.output && time_ >= setup_.tstart) setup_.output(time_, x_);
    return Latent::Accepted;
}

// An event inside the converged step from time_ to tNew: the step is to be redone to end just after it.
bool TransientRun::eventRejects(double tEvent, double tNew) {
    const double tolerance = eventTolerance_ > 0 ? eventTolerance_ : std::max(10.0 * delmin_, 1e-3 * (tNew - time_));
    if (!(tEvent < tNew - tolerance && tEvent > time_)) return false;
    eventTolerance_ = tolerance;
    h_ = tEvent - time_ + 0.5 * tolerance;
    return true;
}

// One attempt at the current step size: Newton, event location, truncation error.
bool TransientRun::attempt() {
    if (setup_.beforeStep) setup_.beforeStep(time_, landing_ ? b0_ : time_ + h_, x_);
    if (latent_) {
        const Latent outcome = stepLatent();
        if (outcome != Latent::NotLatent) return outcome == Latent::Accepted;
    }
    NewtonResult r;
    const double olddelta = h_;
    const double tNew = predictAndSolve(r);
    const double hEff = tNew - time_;
    bool accepted = false;
    if (!r.converged) {
        counters_.rejected++;
        h_ = hEff / 8.0;
        order_ = 1;
        landing_ = false;
        record(tNew, hEff, r, r.singular ? "singular matrix" : "no convergence");
    } else {
        const double tEvent = eventInside(tNew);
        const auto& qNew = newton_.charges();
        for (std::size_t i = 1; i < n1_; ++i) qdotNew_[i] = a0_ * qNew[i] + hist_[i];
        reactive_ = newton_.lastEvaluationReactive();
        double newDelta = h_;
        const char* rejection = nullptr;
        if (eventRejects(tEvent, tNew)) { // redo the step to end just after the event
            rejection = "event inside step";
        } else if (!reactive_) {
            accepted = true; // no charges: no truncation error, the step is bounded by the devices only
            newDelta = maxStep();
        } else if (firstTime_) {
            accepted = true;
            newDelta = hEff;
        } else {
            newDelta = truncationStep(order_, hEff, qNew, qdotNew_);
            if (newDelta > 0.9 * hEff) {
                if (order_ == 1 && maxOrder_ > 1) {
                    // Raise the order only when order 2 allows a clearly larger step.
                    newDelta = truncationStep(2, hEff, qNew, qdotNew_);
                    order_ = newDelta > 1.05 * hEff ? 2 : 1;
                }
                accepted = true;
            } else {
                rejection = "truncation error";
                r.worstUnknown = lteRow_;
                h_ = newDelta;
            }
        }
        if (rejection) {
            counters_.rejected++;
            landing_ = false;
            record(tNew, hEff, r, rejection);
        } else {
            acceptStep(tNew, hEff, newDelta, tEvent, r);
        }
    }
    if (accepted) return true;
    afterRejection(tNew, hEff, olddelta, r);
    return false;
}

// A step that was not taken: h_ holds the next try, at least the minimum step once.
void TransientRun::afterRejection(double tNew, double hEff, double olddelta, const NewtonResult& r) {
    if (h_ <= delmin_) {
        if (olddelta > delmin_)
            h_ = delmin_;
        else
            fail(tNew, hEff, r);
    }
}

void TransientRun::acceptStep(double tNew, double hEff, double newDelta, double tEvent, const NewtonResult& r) {
    std::rotate(qHist_.rbegin(), qHist_.rbegin() + 1, qHist_.rend());
    qHist_[0] = newton_.charges();
    // States with a constraint (|m| = 1) are projected on accepted steps; the charges (q = m) of the new
    // point are then re-evaluated there.
    Device::Projection projected = Device::Projection::None;
    for (const Device* d : circuit_.projectingDevices())
        projected = std::max(projected, d->projectState(xTrial_.data(), qHist_[0].data()));
    if (projected == Device::Projection::Small || projected == Device::Projection::Jump) {
        newton_.evaluate(xTrial_, ctx_);
        qHist_[0] = newton_.loadedCharges();
        if (projected == Device::Projection::Jump) { // restart as after a breakpoint
            for (auto& q : qHist_) q = qHist_[0];
            std::fill(qdotNew_.begin(), qdotNew_.end(), 0.0);
        }
    }
    qdot_.swap(qdotNew_);
    std::rotate(deltaOld_.rbegin(), deltaOld_.rbegin() + 1, deltaOld_.rend());
    deltaOld_[0] = hEff;
    xPrev_.swap(x_);
    x_.swap(xTrial_);
    time_ = tNew;
    // After a breakpoint or a located event: restart at order 1 with a small step.
    atBreakpoint_ = landing_ || (eventTolerance_ > 0 && std::isfinite(tEvent)) || projected == Device::Projection::Jump;
    eventTolerance_ = 0.0;
    havePrevious_ = true;
    firstTime_ = false;
    h_ = newDelta;
    ctx_.x = x_.data();
    acceptedPointHooks(hEff);
    counters_.accepted++;
    record(tNew, hEff, r, "accepted");
    if (setup_.output && time_ >= setup_.tstart) setup_.output(time_, x_);
}

void TransientRun::run() {
    beginDevices();
    initialPoint();
    h_ = std::min(tstop_ / 100.0, setup_.tstep) / 10.0;
    saveDelta_ = tstop_ / 50.0;
    long sinceProgress = 0;
    while (time_ < tstop_ && tstop_ - time_ > delmin_) {
        if (setup_.stop && setup_.stop->load(std::memory_order_relaxed)) {
            std::ostringstream msg;
            msg << "interrupted at t = " << time_ << " s";
            throw Interrupted(msg.str());
        }
        if (counters_.accepted >= setup_.maxPoints) {
            std::ostringstream msg;
            msg << "stopped at t = " << time_ << " s after " << setup_.maxPoints
                << " accepted time points, the limit of " << setup_.maxPointsReason
                << " (the points so far are kept); raise it, or use a larger tmax";
            throw SimulationError(msg.str());
        }
        chooseStep();
        while (!attempt()) {
        }
        if (setup_.done && setup_.done(time_)) break;
        if (setup_.progress && ++sinceProgress >= 256) {
            sinceProgress = 0;
            setup_.progress(time_ / tstop_);
        }
    }
}
} // namespace

void runTransient(NewtonSolver& newton, const TransientSetup& setup, TransientCounters& counters) {
    newton.linearSolver().forgetKept(); // factorisations kept per step size belong to one run
    TransientRun run(newton, setup, counters);
    run.run();
}

} // namespace spinspice
