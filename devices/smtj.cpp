// `smtj`: superparamagnetic MTJ as a two-state telegraph resistor (device-physics.md section 3.2 (P2)).
//
//   Nname a b model [state=1|-1]        .model model smtj (rp= tmr= delta= tau0= ic=|i0= rates= h=)
//
// The free layer is parallel (state +1, conductance G_P = 1/rp) or antiparallel (state -1, G_AP =
// G_P/(1 + TMR(V)), TMR(V) = tmr/(1 + V^2/vh^2) when vh > 0). It flips at random with Neel-Brown rates
// biased by the instantaneous device current I (from a to b; I > 0 favours P, as for `mtj`) and an
// optional field h (in units of H_k, > 0 favours P). With x = I/ic + h:
//   rates=0 (linear, Koch et al. / Li-Zhang; the usual fit of in-plane sMTJs, Mizrahi 2018):
//       nu(P->AP) = exp(-delta (1 + x))/tau0,   nu(AP->P) = exp(-delta (1 - x))/tau0
//       => <m> = tanh(delta x) = tanh(I/i0 + delta h), correlation time 1/(nu+ + nu-)
//   rates=1 (collinear PMA macrospin, barrier delta (1 -/+ x)^2, 0 beyond x = 1; device-physics 3.1):
//       nu(P->AP) = exp(-delta (1 + x)^2)/tau0,   nu(AP->P) = exp(-delta (1 - x)^2)/tau0
// i0 = ic/delta may be given instead of ic.
//
// Flips are placed exactly with variable steps by integrating the hazard (Gillespie with a time-
// dependent rate): after each flip a threshold E ~ Exp(1) is drawn from the counter-based stream
// (seed, instance, flip index); the hazard A = int nu dt is accumulated by the trapezoidal rule over
// accepted steps, and the state flips when A reaches E. The predicted flip time t + (E - A)/nu is a
// breakpoint (exact when the rate is constant); when the rate changes inside a step the flip instant
// is located (event) and the step redone to end there. The state is not a Newton unknown: between
// flips the element is a plain (bias-dependent) conductance. Its value is the signal "<name>.state".
// DC analyses and the transient's operating point use the initial state.
#include "core/random.hpp"
#include "devices/registry.hpp"
#include "devices/stamps.hpp"
#include "models/macrospin.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

class Smtj : public Device {
public:
    explicit Smtj(const InstanceSpec& s)
        : Device(s.name, s.loc), aName_(s.nodes[0]), bName_(s.nodes[1]), delta_(s.param("delta")),
          tau0_(s.param("tau0")), field_(s.param("h")), quadratic_(s.param("rates") == 1),
          state0_(s.param("state") >= 0 ? 1.0 : -1.0) {
        transport_.resistanceParallel = s.param("rp");
        transport_.tmr0 = s.param("tmr");
        transport_.halfTmrVoltage = s.param("vh") > 0 ? s.param("vh") : kInf;
        if (s.given("ic") && s.given("i0")) throw InputError(s.name + ": give ic or i0 (= ic/delta), not both", s.loc);
        ic_ = s.given("i0") ? s.param("i0") * delta_ : s.param("ic");
        if (!(ic_ > 0)) throw InputError(s.name + ": ic (or i0 delta) must be > 0", s.loc);
    }

    void setup(SetupContext& ctx) override {
        a_ = ctx.node(aName_);
        b_ = ctx.node(bName_);
        stateRow_ = ctx.addUnknown(name_ + ".state", Nature::State, true, 1e-6, state0_);
        stream_ = rng::Stream(ctx.options().seed, name_);
    }
    void declare(PatternBuilder& pb) override {
        conductance_.declare(pb, a_, b_);
        ss_ = pb.entry(stateRow_, stateRow_);
    }
    void bind(const PatternBuilder& pb) override {
        conductance_.bind(pb);
        ss_ = pb.offset(ss_);
    }
    bool isLinear() const override { return !std::isfinite(transport_.halfTmrVoltage); }
    bool hasEvents() const override { return true; }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double v = ctx.x[a_] - ctx.x[b_];
        const auto io = current(state_, v);
        addF(out, a_, io.current);
        addF(out, b_, -io.current);
        conductance_.add(out.jf, io.dIdV);
        addF(out, stateRow_, ctx.x[stateRow_] - state_); // output of the state (held at state0 in DC)
        out.jf[ss_] += 1.0;
    }

    void prepareTransient(double, double) override {
        state_ = state0_;
        flips_ = 0;
        threshold_ = stream_.exponential(0);
        hazard_ = 0.0;
        acceptedTime_ = -1.0;
        acceptedRate_ = 0.0;
        rateStale_ = false;
    }
    // The flip predicted from the hazard so far and the rate at the last accepted point.
    double nextBreakpoint(double t) const override {
        if (acceptedTime_ < 0) return 0.0; // before the transient starts: registers as a breakpoint source
        // Right after a flip the new state's rate is estimated at the old bias (the circuit has not
        // responded yet): a breakpoint too early costs one step, one too late is caught by eventTime.
        const double rate = rateStale_ ? predictedRate_ : acceptedRate_;
        if (!(rate > 0)) return kInf;
        const double tFlip = acceptedTime_ + (threshold_ - hazard_) / rate;
        return tFlip > t ? tFlip : kInf;
    }
    // A flip inside a converged step: where the trapezoidal hazard (rate linear in time) reaches E.
    double eventTime(const EvalContext& ctx, double previousTime) const override {
        if (previousTime != acceptedTime_) return kInf;
        const double h = ctx.time - previousTime;
        const double r1 = rate(state_, ctx.x[a_] - ctx.x[b_]);
        const double r0 = rateStale_ ? r1 : acceptedRate_;
        const double need = threshold_ - hazard_;
        if (0.5 * (r0 + r1) * h <= need * (1.0 + 1e-6)) return kInf;
        // need = r0 s + (r1 - r0) s^2/(2h): the positive root, written to avoid cancellation.
        const double a = 0.5 * (r1 - r0) / h;
        const double s = 2.0 * need / (r0 + std::sqrt(std::max(0.0, r0 * r0 + 4.0 * a * need)));
        return previousTime + std::clamp(s, 0.0, h);
    }
    void accept(const EvalContext& ctx) override {
        const double v = ctx.x[a_] - ctx.x[b_];
        if (ctx.mode != AnalysisMode::Tran) {
            state_ = state0_;
            return;
        }
        const double r1 = rate(state_, v);
        if (acceptedTime_ >= 0) hazard_ += 0.5 * ((rateStale_ ? r1 : acceptedRate_) + r1) * (ctx.time - acceptedTime_);
        acceptedTime_ = ctx.time;
        acceptedRate_ = r1;
        rateStale_ = false;
        // (a residual below 1e-6 of the threshold counts as reached: a step never lands closer than rounding)
        if (hazard_ >= threshold_ * (1.0 - 1e-6)) {
            state_ = -state_;
            threshold_ = stream_.exponential(++flips_);
            hazard_ = 0.0;
            // The new state's current is known only after the next step (the circuit responds to the
            // flip): the first step after a flip integrates the hazard with its end-point rate.
            rateStale_ = true;
            predictedRate_ = rate(state_, v);
        }
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
        t.dcPath(a_, b_);
    }

private:
    macrospin::MtjCurrent current(double state, double v) const {
        const macrospin::Vec3 p(0, 0, 1);
        return macrospin::mtjCurrent(transport_, state * p, p, v);
    }
    // Escape rate out of `state` at bias v.
    double rate(double state, double v) const {
        const double x = current(state, v).current / ic_ + field_;
        const double toward = state > 0 ? 1.0 + x : 1.0 - x; // barrier factor against leaving
        const double barrier = quadratic_ ? (toward > 0 ? toward * toward : 0.0) : toward;
        return std::exp(-delta_ * barrier) / tau0_;
    }

    std::string aName_, bName_;
    macrospin::MtjTransport transport_;
    double delta_, tau0_, field_, ic_ = 0;
    bool quadratic_;
    double state0_, state_ = 1.0;
    int a_ = 0, b_ = 0, stateRow_ = 0, ss_ = 0;
    ConductanceStamp conductance_;
    rng::Stream stream_;
    std::uint64_t flips_ = 0;
    double threshold_ = 1.0, hazard_ = 0.0, acceptedTime_ = -1.0, acceptedRate_ = 0.0;
    bool rateStale_ = false;   // a flip happened at acceptedTime_: acceptedRate_ is the old state's
    double predictedRate_ = 0; // the new state's rate at the bias of the flip (for the breakpoint only)
};

std::unique_ptr<Device> makeSmtj(const InstanceSpec& s) {
    return std::make_unique<Smtj>(s);
}

DeviceRegistration registration{
    {{"smtj",
      "Superparamagnetic MTJ, two-state telegraph resistor with current-biased Neel-Brown rates: Nname a b model "
      "[state=]; state name.state (+1 P, -1 AP)",
      {"smtj"},
      {{"state", 1, "", "initial state: >= 0 parallel, < 0 antiparallel"}},
      {{"rp", 1000, "ohm", "parallel-state resistance", 0, kInf, true},
       {"tmr", 1, "", "zero-bias TMR (R_AP - R_P)/R_P", 0, kInf},
       {"vh", 0, "V", "bias at which the TMR halves (0: bias-independent)", 0, kInf},
       {"delta", 3, "", "thermal stability factor E_b/kT", 0, kInf},
       {"tau0", 1e-9, "s", "attempt time", 0, kInf, true},
       {"ic", 1e-5, "A", "critical current of the rate law (I > 0 favours P)", 0, kInf, true},
       {"i0", 0, "A", "current scale of <m> = tanh(I/i0) (instead of ic: ic = i0 delta)", 0, kInf, true},
       {"h", 0, "", "field along the easy axis in units of H_k (> 0 favours P)"},
       {"rates", 0, "", "0: linear barrier delta (1 -/+ x); 1: quadratic delta (1 -/+ x)^2 (collinear PMA)", 0, 1},
       {"state", 1, "", "initial state: >= 0 parallel, < 0 antiparallel"}}},
     2,
     2,
     &makeSmtj}};

} // namespace
} // namespace spinspice
