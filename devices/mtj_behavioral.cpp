// `mtj` with dynamics=1: the behavioural two-regime MTJ (Zhang, Zhao et al., IEEE TED 59, 819 (2012);
// Sun, IBM J. Res. Dev. 50, 81 (2006)), deterministic. The free layer is P or AP (conductance as the
// LLGS model at cos = +1 / -1, with TMR(V)); a switching-progress state p (signal "<name>.p") integrates
//   dp/dt = 1/tau(|I|)   while the current drives a switch (P -> AP needs I < 0, AP -> P needs I > 0),
//   dp/dt = -p/tau0      otherwise (progress is lost when the drive stops),
// with tau = Sun's mean precessional time (eq. 2.4) for |I| >= Ic0 and the Neel-Brown time
// tau0 exp(Delta (1 - |I|/Ic0)) below. When p reaches 1 the state flips (the transient locates the
// instant) and p restarts at 0. As in the published model, tau is discontinuous at Ic0.
#include "devices/mtj_params.hpp"
#include "devices/stamps.hpp"

#include <cmath>
#include <limits>

namespace spinspice {
namespace {
using macrospin::Vec3;
using namespace macrospindevice;

class BehavioralMtj : public Device {
public:
    BehavioralMtj(const InstanceContext& c, const MtjParams& p)
        : Device(c.name(), c.loc()), nodeNames_{c.nodes()[0], c.nodes()[1]}, transport_(transport(p)), tau0_(p.tau0) {
        const macrospin::Macrospin model = macrospinModel(p, c);
        reference_ = model.polarization();
        ic0_ = model.criticalCurrent();
        delta_ = model.thermalStability(temperatureKelvin(p, c));
        alpha_ = model.params().alpha;
        hkEff_ = model.effectiveAnisotropyField();
        // Initial state from theta0: antiparallel when m starts closer to -p than to +p.
        antiparallel_ = p.theta0.given && std::cos(p.theta0.value) < 0;
    }
    DeviceTraits traits() const override {
        return {Linearity::Nonlinear, Chord::Unsafe, Charge::Present, Randomness::Deterministic};
    }

    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodeNames_[0]);
        b_ = ctx.node(nodeNames_[1]);
        p_ = ctx.state({name_ + ".p", 1e-6, 0.0});
        state_ = ctx.state({name_ + ".state", 1e-6, antiparallel_ ? -1.0 : 1.0});
        ctx.acceptSteps();
        ctx.locateEvents();
        ctx.projectStates();
    }
    void declare(PatternBuilder& pb) override {
        conductance_.declare(pb, a_, b_);
        pa_ = pb.entry(p_, a_), pbOff_ = pb.entry(p_, b_), pp_ = pb.entry(p_, p_), ss_ = pb.entry(state_, state_);
    }
    void bind(const PatternBuilder& pb) override {
        conductance_.bind(pb);
        for (int* o : {&pa_, &pbOff_, &pp_, &ss_}) *o = pb.offset(*o);
    }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double v = ctx.x[a_] - ctx.x[b_];
        const double state = ctx.x[state_] > 0 ? 1.0 : -1.0;
        const macrospin::MtjCurrent io = macrospin::mtjCurrent(transport_, state * reference_, reference_, v);
        addF(out, a_, io.current);
        addF(out, b_, -io.current);
        conductance_.add(out.jf, io.dIdV);
        double dRate = 0;
        const double p = ctx.x[p_];
        if (drives(state, io.current)) {
            const double rate = switchingRate(std::fabs(io.current), dRate); // d rate / d|I|
            const double drdv = dRate * (io.current < 0 ? -1.0 : 1.0) * io.dIdV;
            addF(out, p_, -rate);
            out.jf[pa_] -= drdv;
            out.jf[pbOff_] += drdv;
        } else {
            addF(out, p_, p / tau0_);
            out.jf[pp_] += 1.0 / tau0_;
        }
        addQ(out, p_, p);
        out.jq[pp_] += 1.0;
        // The binary state is an unknown held at its value (it changes only in projectState): ds/dt = 0.
        addQ(out, state_, ctx.x[state_]);
        out.jq[ss_] += 1.0;
    }

    // The instant p reaches 1 (linear interpolation from the accepted point).
    double eventTime(const EvalContext& ctx, double previousTime) const override {
        const double p1 = ctx.x[p_];
        if (p1 < 1.0 || !(acceptedP_ < 1.0) || previousTime != acceptedTime_)
            return std::numeric_limits<double>::infinity();
        return previousTime + (1.0 - acceptedP_) / (p1 - acceptedP_) * (ctx.time - previousTime);
    }
    void restart() override {
        acceptedP_ = 0;
        acceptedTime_ = -1;
    }
    void accept(const AcceptContext& ctx, DeviceClock&) override {
        acceptedP_ = ctx.x[p_];
        acceptedTime_ = ctx.time;
    }
    Projection projectState(double* x, double*) const override {
        if (x[p_] < 1.0) return Projection::None;
        x[state_] = -x[state_]; // the switch completes
        x[p_] = 0.0;
        return Projection::Jump;
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
        t.dcPath(a_, b_);
    }

private:
    // P (state +1) switches with I < 0, AP (state -1) with I > 0.
    // A current below 1e-9 Ic0 drives nothing (a dead band): an idle array sits at round-off voltages
    // whose sign would otherwise flip the progress equation between Newton iterations.
    bool drives(double state, double current) const {
        if (std::fabs(current) <= 1e-9 * ic0_) return false;
        return state > 0 ? current < 0 : current > 0;
    }
    // 1/tau and its derivative with respect to |I|.
    double switchingRate(double current, double& dRate) const {
        const double i = current / ic0_;
        if (i >= 1.0) { // eq. 2.4: 1/<tau> is linear in (i - 1)
            const double perUnit = 1.0 / macrospin::sunMeanSwitchingTime(alpha_, hkEff_, delta_, 2.0); // at i - 1 = 1
            dRate = perUnit / ic0_;
            return perUnit * (i - 1.0);
        }
        const double rate = std::exp(-delta_ * (1.0 - i)) / tau0_; // Neel-Brown
        dRate = rate * delta_ / ic0_;
        return rate;
    }

    std::array<std::string, 2> nodeNames_;
    macrospin::MtjTransport transport_;
    double tau0_, ic0_ = 0, delta_ = 0, alpha_ = 0, hkEff_ = 0;
    Vec3 reference_;
    bool antiparallel_ = false;
    int a_ = 0, b_ = 0, p_ = 0, state_ = 0, pa_ = 0, pbOff_ = 0, pp_ = 0, ss_ = 0;
    ConductanceStamp conductance_;
    double acceptedP_ = 0, acceptedTime_ = -1;
};
} // namespace

std::unique_ptr<Device> makeBehavioralMtj(const InstanceContext& c, const MtjParams& p) {
    return std::make_unique<BehavioralMtj>(c, p);
}

} // namespace spinspice
