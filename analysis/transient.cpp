#include "analysis/transient.hpp"

#include "analysis/operating_point.hpp"
#include "solver/newton.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <limits>
#include <sstream>

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
    TransientRun(NewtonSolver& newton, const TransientSetup& setup)
        : newton_(newton), circuit_(newton.circuit()), opt_(circuit_.options()), setup_(setup) {
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
    }

    void run(TransientCounters& counters);

private:
    double nextBreakpoint(double t) const;
    void coefficients(int order, double h);
    double truncationStep(int order, double h, const std::vector<double>& qNew,
                          const std::vector<double>& qdotNew) const;
    [[noreturn]] void fail(double time, double step, const NewtonResult& last) const;

    NewtonSolver& newton_;
    Circuit& circuit_;
    const SimOptions& opt_;
    const TransientSetup& setup_;
    std::size_t n1_ = 0;
    bool gear_ = false;
    int maxOrder_ = 2;
    std::vector<const Device*> breakpointDevices_;
    std::vector<const Device*> eventDevices_;
    std::vector<const Device*> projectingDevices_;
    double tstop_ = 0;
    // History: q at the last four accepted points (qHist_[0] newest), dq/dt at the newest, the
    // accepted step sizes (deltaOld_[0] newest).
    std::array<std::vector<double>, 4> qHist_;
    std::vector<double> qdot_;
    std::array<double, 4> deltaOld_{};
    double a0_ = 0;
    std::vector<double> hist_;
    std::deque<StepRecord> records_;
    std::vector<double> rateFloor_, chargeFloor_;            // per-row absolute floors of the truncation test
    std::vector<std::size_t> uncontrolled_;                  // stochastic states: no truncation-error test
    mutable int lteRow_ = -1;                                // the unknown that limited the last truncation-error step
    bool trace_ = std::getenv("SPINSPICE_TRACE") != nullptr; // print every attempted step to stderr
};

double TransientRun::nextBreakpoint(double t) const {
    double best = tstop_;
    for (const Device* d : breakpointDevices_) best = std::min(best, d->nextBreakpoint(t));
    return best;
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

void TransientRun::run(TransientCounters& counters) {
    const double tstep = setup_.tstep;
    tstop_ = setup_.tstop;
    double maxStep = setup_.tmax > 0 ? setup_.tmax : std::min(tstep, (setup_.tstop - setup_.tstart) / 50.0);
    for (const auto& d : circuit_.devices()) {
        d->prepareTransient(tstep, tstop_);
        maxStep = std::min(maxStep, d->maxStep());
        if (std::isfinite(d->nextBreakpoint(-1.0))) breakpointDevices_.push_back(d.get());
        if (d->hasEvents()) eventDevices_.push_back(d.get());
        if (d->projectsState()) projectingDevices_.push_back(d.get());
    }
    const double delmin = 1e-11 * maxStep;

    // Initial point: operating point (with .ic held), or the .ic values directly with uic.
    std::vector<double> x(n1_, 0.0), xPrev(n1_, 0.0), xTrial(n1_, 0.0);
    if (!setup_.uic) {
        OperatingPointRequest req;
        req.mode = AnalysisMode::TranOp;
        req.forced = setup_.ic;
        req.nodesets = setup_.nodesets;
        solveOperatingPoint(newton_, x, req);
    } else {
        for (std::size_t i = 1; i < n1_; ++i)
            if (circuit_.unknowns()[i].nature == Nature::State) x[i] = circuit_.unknowns()[i].initial;
        if (setup_.ic)
            for (const auto& [u, v] : *setup_.ic) x[static_cast<std::size_t>(u)] = v;
    }
    EvalContext ctx;
    ctx.options = &opt_;
    ctx.mode = AnalysisMode::Tran;
    ctx.time = 0.0;
    ctx.useInitialConditions = setup_.uic;
    ctx.x = x.data();
    newton_.evaluate(x, ctx);
    for (auto& q : qHist_) q = newton_.loadedCharges();
    qdot_.assign(n1_, 0.0);
    hist_.assign(n1_, 0.0);
    deltaOld_.fill(maxStep);
    ctx.useInitialConditions = false;
    circuit_.accept(ctx);
    if (setup_.output && setup_.tstart <= 0.0) setup_.output(0.0, x);
    xPrev = x;

    double time = 0.0;
    double h = std::min(tstop_ / 100.0, tstep) / 10.0;
    double saveDelta = tstop_ / 50.0;
    int order = 1;
    bool firstTime = true, atBreakpoint = true, havePrevious = false;
    double eventTolerance = 0.0; // > 0 while a step is being redone to end just after an event
    std::vector<double> qdotNew(n1_, 0.0);
    long sinceProgress = 0;
    bool reactive = newton_.lastEvaluationReactive(); // any charge in the circuit (re-checked per step)

    while (time < tstop_ && tstop_ - time > delmin) {
        h = std::min(h, maxStep);
        double b0 = nextBreakpoint(time);
        while (b0 - time <= delmin && b0 < tstop_) b0 = nextBreakpoint(b0);
        if (atBreakpoint) {
            // First step after a breakpoint: backward Euler with a small step (ngspice dctran.c). A
            // purely algebraic circuit has nothing to integrate: it steps straight on.
            order = 1;
            if (reactive) {
                h = std::min(h, 0.1 * std::min(saveDelta, b0 - time));
                if (firstTime) h /= 10.0;
            } else {
                h = maxStep;
            }
            h = std::max(h, 2.0 * delmin);
            atBreakpoint = false;
            havePrevious = false; // the slope changes at a breakpoint: no predictor across it
        }
        bool landing = false;
        if (time + h >= b0 || b0 - (time + h) <= delmin) {
            saveDelta = h;
            h = b0 - time;
            landing = true;
        }

        for (;;) {
            const double olddelta = h;
            const double tNew = landing ? b0 : time + h;
            const double hEff = tNew - time;
            coefficients(order, hEff);
            if (havePrevious) {
                const double ratio = hEff / deltaOld_[0];
                for (std::size_t i = 1; i < n1_; ++i) xTrial[i] = x[i] + (x[i] - xPrev[i]) * ratio;
            } else {
                xTrial = x;
            }
            ctx.time = tNew;
            NewtonResult r = newton_.solve(xTrial, ctx, opt_.itl4, a0_, hist_.data());
            bool accepted = false;
            double newDelta = h;
            if (!r.converged) {
                counters.rejected++;
                h = hEff / 8.0;
                order = 1;
                landing = false;
                records_.push_back(
                    {tNew, hEff, r.iterations, r.singular ? "singular matrix" : "no convergence", r.worstUnknown});
            } else {
                // Event location: a device that changes state inside the step (a switch) has the step
                // redone to end just after the event.
                double tEvent = std::numeric_limits<double>::infinity();
                if (!eventDevices_.empty()) {
                    EvalContext converged = ctx;
                    converged.x = xTrial.data(); // this step's solution (ctx.x is still the accepted one)
                    for (const Device* d : eventDevices_) tEvent = std::min(tEvent, d->eventTime(converged, time));
                }
                const double tolerance = eventTolerance > 0 ? eventTolerance : std::max(10.0 * delmin, 1e-3 * hEff);
                const bool redo = tEvent < tNew - tolerance && tEvent > time;
                const auto& qNew = newton_.charges();
                for (std::size_t i = 1; i < n1_; ++i) qdotNew[i] = a0_ * qNew[i] + hist_[i];
                reactive = newton_.lastEvaluationReactive();
                if (redo) {
                    counters.rejected++;
                    records_.push_back({tNew, hEff, r.iterations, "event inside step", r.worstUnknown});
                    eventTolerance = tolerance;
                    h = tEvent - time + 0.5 * tolerance;
                    landing = false;
                } else if (!reactive) {
                    accepted = true; // no charges: no truncation error, the step is bounded by maxStep only
                    newDelta = maxStep;
                } else if (firstTime) {
                    accepted = true;
                    newDelta = hEff;
                } else {
                    newDelta = truncationStep(order, hEff, qNew, qdotNew);
                    if (newDelta > 0.9 * hEff) {
                        if (order == 1 && maxOrder_ > 1) {
                            // Raise the order only when order 2 allows a clearly larger step.
                            newDelta = truncationStep(2, hEff, qNew, qdotNew);
                            order = newDelta > 1.05 * hEff ? 2 : 1;
                        }
                        accepted = true;
                    } else {
                        counters.rejected++;
                        r.worstUnknown = lteRow_;
                        records_.push_back({tNew, hEff, r.iterations, "truncation error", r.worstUnknown});
                        h = newDelta;
                        landing = false;
                    }
                }
                if (accepted) {
                    std::rotate(qHist_.rbegin(), qHist_.rbegin() + 1, qHist_.rend());
                    qHist_[0] = qNew;
                    // States with a constraint (|m| = 1) are projected on accepted steps; the charges
                    // (q = m) of the new point are then re-evaluated there.
                    Device::Projection projected = Device::Projection::None;
                    for (const Device* d : projectingDevices_)
                        projected = std::max(projected, d->projectState(xTrial.data(), qHist_[0].data()));
                    if (projected == Device::Projection::Small || projected == Device::Projection::Jump) {
                        EvalContext at = ctx;
                        newton_.evaluate(xTrial, at);
                        qHist_[0] = newton_.loadedCharges();
                        if (projected == Device::Projection::Jump) { // restart as after a breakpoint
                            for (auto& q : qHist_) q = qHist_[0];
                            std::fill(qdotNew.begin(), qdotNew.end(), 0.0);
                        }
                    }
                    qdot_.swap(qdotNew);
                    std::rotate(deltaOld_.rbegin(), deltaOld_.rbegin() + 1, deltaOld_.rend());
                    deltaOld_[0] = hEff;
                    xPrev.swap(x);
                    x.swap(xTrial);
                    time = tNew;
                    // After a breakpoint or a located event: restart at order 1 with a small step.
                    atBreakpoint = landing || (eventTolerance > 0 && std::isfinite(tEvent)) ||
                                   projected == Device::Projection::Jump;
                    eventTolerance = 0.0;
                    havePrevious = true;
                    firstTime = false;
                    h = newDelta;
                    ctx.x = x.data();
                    circuit_.accept(ctx);
                    counters.accepted++;
                    records_.push_back({tNew, hEff, r.iterations, "accepted", r.worstUnknown});
                    if (setup_.output && time >= setup_.tstart) setup_.output(time, x);
                }
            }
            if (trace_) {
                const auto& rec = records_.back();
                std::fprintf(stderr, "%.9e %.3e %d %s %s order=%d\n", rec.time, rec.step, rec.iterations, rec.outcome,
                             unknownLabel(newton_, rec.worstUnknown).c_str(), order);
            }
            if (records_.size() > 8) records_.pop_front();
            if (accepted) break;
            if (h <= delmin) {
                if (olddelta > delmin)
                    h = delmin;
                else
                    fail(tNew, hEff, r);
            }
        }
        if (setup_.progress && ++sinceProgress >= 256) {
            sinceProgress = 0;
            setup_.progress(time / tstop_);
        }
    }
}
} // namespace

void runTransient(NewtonSolver& newton, const TransientSetup& setup, TransientCounters& counters) {
    TransientRun run(newton, setup);
    run.run(counters);
}

} // namespace spinspice
