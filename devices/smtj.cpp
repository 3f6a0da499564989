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

struct SmtjParams {
    double state = 1, rp = 1000, tmr = 1, vh = 0, delta = 3, tau0 = 1e-9;
    OptionalValue ic, i0;
    double h = 0;
    int rates = 0;
};

class Smtj : public Device {
public:
    Smtj(const InstanceContext& c, const SmtjParams& p)
        : Device(c.name(), c.loc()), aName_(c.nodes()[0]), bName_(c.nodes()[1]), delta_(p.delta), tau0_(p.tau0),
          field_(p.h), quadratic_(p.rates == 1), state0_(p.state >= 0 ? 1.0 : -1.0) {
        transport_.resistanceParallel = p.rp;
        transport_.tmr0 = p.tmr;
        transport_.halfTmrVoltage = p.vh > 0 ? p.vh : kInf;
        if (p.ic.given && p.i0.given) c.fail("give ic or i0 (= ic/delta), not both");
        ic_ = p.i0.given ? p.i0.value * delta_ : p.ic.value;
        if (!(ic_ > 0)) c.fail("ic (or i0 delta) must be > 0");
        stream_ = rng::Stream(c.env.seed, name_);
        restart();
    }
    // Linear between flips unless the TMR depends on the bias (vh > 0). A flip changes the conductance
    // (jacobianVariation) and the state row's f at x = 0 (rhsVariation): a linear circuit refactors its
    // kept LU after a flip, and latency updates just these entries.
    DeviceTraits traits() const override {
        const bool linear = !std::isfinite(transport_.halfTmrVoltage);
        return {linear ? Linearity::Linear : Linearity::Nonlinear, Chord::Unsafe, Charge::None, Randomness::Stochastic};
    }
    Variation jacobianVariation(std::vector<int>& offsets) const override {
        if (transport_.tmr0 == 0.0) return Variation::Constant;
        offsets.assign(conductance_.off.begin(), conductance_.off.end());
        return Variation::AtEvents;
    }
    Variation rhsVariation(std::vector<int>& rows) const override {
        rows.push_back(stateRow_);
        return Variation::AtEvents;
    }
    void setup(SetupContext& ctx) override {
        a_ = ctx.node(aName_);
        b_ = ctx.node(bName_);
        stateRow_ = ctx.state({name_ + ".state", 1e-6, state0_});
        ctx.acceptSteps();
        ctx.locateEvents();
    }
    void declare(PatternBuilder& pb) override {
        conductance_.declare(pb, a_, b_);
        ss_ = pb.entry(stateRow_, stateRow_);
    }
    void bind(const PatternBuilder& pb) override {
        conductance_.bind(pb);
        ss_ = pb.offset(ss_);
    }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double v = ctx.x[a_] - ctx.x[b_];
        const auto io = current(state_, v);
        addF(out, a_, io.current);
        addF(out, b_, -io.current);
        conductance_.add(out.jf, io.dIdV);
        addF(out, stateRow_, ctx.x[stateRow_] - state_); // output of the state (held at state0 in DC)
        out.jf[ss_] += 1.0;
    }

    void restart() override {
        state_ = state0_;
        acceptedTime_ = -1.0;
    }
    void beginTransient(const TransientWindow&, DeviceClock&) override {
        state_ = state0_;
        flips_ = 0;
        threshold_ = stream_.exponential(0);
        hazard_ = 0.0;
        acceptedTime_ = -1.0;
        acceptedRate_ = 0.0;
        rateStale_ = false;
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
    void accept(const AcceptContext& ctx, DeviceClock& clock) override {
        const double v = ctx.x[a_] - ctx.x[b_];
        const double r1 = rate(state_, v);
        if (acceptedTime_ >= 0) hazard_ += 0.5 * ((rateStale_ ? r1 : acceptedRate_) + r1) * (ctx.time - acceptedTime_);
        acceptedTime_ = ctx.time;
        acceptedRate_ = r1;
        rateStale_ = false;
        // A step lands on the predicted flip only to the rounding of its time: a residual within a few
        // ulps of the time at this rate (or 1e-12 of the threshold) counts as reached. No wider: a flip
        // must not move to a nearby point that another device's flip happens to set.
        const double slack = 1e-12 * threshold_ + 8.0 * std::numeric_limits<double>::epsilon() * ctx.time * r1;
        if (hazard_ >= threshold_ - (std::isfinite(slack) ? slack : 0.0)) { // (an overflowing rate: inf or 0 inf)
            state_ = -state_;
            threshold_ = stream_.exponential(++flips_);
            hazard_ = 0.0;
            // The new state's current is known only after the next step (the circuit responds to the
            // flip): the first step after a flip integrates the hazard with its end-point rate.
            rateStale_ = true;
            predictedRate_ = rate(state_, v);
        }
        clock.scheduleEvent(predictedFlip());
    }
    // Skipped while its bias holds (latency): the hazard then grows at the accepted rate (or, right
    // after a flip, at the new state's rate at that bias), and the predicted flip stays where it was.
    bool acceptsLazily() const override { return true; }
    void advanceTo(double time) override {
        if (acceptedTime_ < 0 || time <= acceptedTime_) return;
        const double r = rateStale_ ? predictedRate_ : acceptedRate_;
        hazard_ += r * (time - acceptedTime_);
        acceptedTime_ = time;
        acceptedRate_ = r;
        rateStale_ = false;
    }
    // Its predicted flip is due: accept() unless it ran at this point (then nothing is left to do).
    void event(const AcceptContext& ctx, DeviceClock& clock) override {
        if (ctx.time != acceptedTime_) accept(ctx, clock);
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
        t.dcPath(a_, b_);
    }

private:
    // The flip predicted from the hazard so far and the rate at the last accepted point: a breakpoint.
    // Right after a flip the new state's rate is estimated at the old bias (the circuit has not
    // responded yet): a breakpoint too early costs one step, one too late is caught by eventTime.
    double predictedFlip() const {
        const double rate = rateStale_ ? predictedRate_ : acceptedRate_;
        if (!(rate > 0)) return kInf;
        // Closer than the time's rounding (an overflowing rate): the next point, which must accept it.
        const double tFlip = acceptedTime_ + (threshold_ - hazard_) / rate;
        return tFlip > acceptedTime_ ? tFlip : std::nextafter(acceptedTime_, kInf);
    }
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

const ParamTable<SmtjParams> kSmtjParams{
    param("state", &SmtjParams::state, 1, "", "initial state: >= 0 parallel, < 0 antiparallel"),
    param("rp", &SmtjParams::rp, 1000, "ohm", "parallel-state resistance").positive(),
    param("tmr", &SmtjParams::tmr, 1, "", "zero-bias TMR (R_AP - R_P)/R_P").nonNegative(),
    param("vh", &SmtjParams::vh, 0, "V", "bias at which the TMR halves (0: bias-independent)").nonNegative(),
    param("delta", &SmtjParams::delta, 3, "", "thermal stability factor E_b/kT").nonNegative(),
    param("tau0", &SmtjParams::tau0, 1e-9, "s", "attempt time").positive(),
    param("ic", &SmtjParams::ic, 1e-5, "A", "critical current of the rate law (I > 0 favours P)").positive(),
    param("i0", &SmtjParams::i0, 0, "A", "current scale of <m> = tanh(I/i0) (instead of ic: ic = i0 delta)").positive(),
    param("h", &SmtjParams::h, 0, "", "field along the easy axis in units of H_k (> 0 favours P)"),
    integerParam("rates", &SmtjParams::rates, 0, 0, 1,
                 "0: linear barrier delta (1 -/+ x); 1: quadratic delta (1 -/+ x)^2 (collinear PMA)"),
};

const DeviceRegistration kRegistration{compactModelType<Smtj>(
    "smtj",
    "Superparamagnetic MTJ, two-state telegraph resistor with current-biased Neel-Brown rates: Nname a b model "
    "[state=]; state name.state (+1 P, -1 AP)",
    2, 2, kSmtjParams)};

} // namespace
} // namespace spinspice
