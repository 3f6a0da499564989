// `mtj`: two-terminal magnetic tunnel junction with a macrospin free layer (models/macrospin).
//
//   Nname free ref model [theta0=] [phi0=]        .model model mtj (ms= tf= d= alpha= hk= ... rp= tmr= vh=)
//
// Unknowns: the node voltages and the free-layer magnetisation m = (mx, my, mz) as three device states
// (signals "<name>.mx" ...). Electrical: I = G(m, V) V with G linear in cos(m, p) and TMR(V) =
// TMR0 / (1 + V^2/Vh^2) (device-physics eqs. 2.1-2.3). Magnetic: dm/dt = g(m, I), the LL form of the
// LLGS (eq. 1.4), in the f/q form q = m, f = -g; the Jacobian couples dI/dm and dg/dI exactly.
// Current sign: I flows from the free-layer terminal to the reference terminal; I > 0 pushes m toward
// the reference direction p (favours the parallel state). m is renormalised on every accepted step
// (the trapezoidal rule does not keep |m| = 1 exactly). DC analyses hold m at its initial direction, or
// relax it to the nearest stable equilibrium with dcrelax=1. `dynamics=1` selects the behavioural
// model of mtj_behavioral.cpp.
#include "devices/macrospin_device.hpp"
#include "devices/mtj_params.hpp"
#include "devices/stamps.hpp"

namespace spinspice {
namespace {
using macrospin::Mat3;
using macrospin::Vec3;
using namespace macrospindevice;

class Mtj : public Device {
public:
    Mtj(const InstanceContext& c, const MtjParams& p)
        : Device(c.name(), c.loc()), nodeNames_{c.nodes()[0], c.nodes()[1]}, model_(macrospinModel(p, c)),
          transport_(transport(p)), reference_(model_.polarization()) {
        state_.configure(p, model_, c);
    }
    DeviceTraits traits() const override {
        return {Linearity::Nonlinear, Chord::Safe, Charge::Present, state_.randomness()};
    }
    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodeNames_[0]);
        b_ = ctx.node(nodeNames_[1]);
        state_.setup(ctx, name_);
    }
    void declare(PatternBuilder& pb) override {
        conductance_.declare(pb, a_, b_);
        state_.declare(pb, {a_, b_}, {a_, b_});
    }
    void bind(const PatternBuilder& pb) override {
        conductance_.bind(pb);
        state_.bind(pb);
    }
    void beginTransient(const TransientWindow&, DeviceClock& clock) override { clock.limitStep(state_.maxStep()); }
    Projection projectState(double* x, double* charges) const override { return state_.project(x, charges); }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const Vec3 m = state_.m(ctx.x);
        const double v = ctx.x[a_] - ctx.x[b_];
        const macrospin::MtjCurrent io = macrospin::mtjCurrent(transport_, m, reference_, v);
        // KCL: I = G(m, V) V from a to b; linear in V around here with dI/dV, plus dI/dm.
        addF(out, a_, io.current);
        addF(out, b_, -io.current);
        conductance_.add(out.jf, io.dIdV);
        macrospin::LlgsInput input;
        input.current = io.current;
        input.biasVoltage = v;
        input.directDerivatives = false;
        input.extraField = state_.thermalField(ctx);
        if (!ctx.jacobianNeeded) { // chord iteration: residual and charges only
            state_.loadRates(out, m, model_.rhs(m, input));
            return;
        }
        macrospin::LlgsDerivatives d;
        const Vec3 g = model_.rhs(m, input, d);
        state_.loadRates(out, m, g);
        // dg/dm including the current's dependence on m, and dg/dV through I and the VCMA bias.
        const Mat3 dgdm = d.dm + d.dCurrent * io.dIdm.transpose();
        const Vec3 dgdv = d.dCurrent * io.dIdV + d.dBiasVoltage;
        const Vec3 dgdInput[2] = {dgdv, -dgdv};
        state_.loadJacobian(out, dgdm, dgdInput, io.dIdm);
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
        t.dcPath(a_, b_);
    }

private:
    std::array<std::string, 2> nodeNames_;
    macrospin::Macrospin model_;
    macrospin::MtjTransport transport_;
    Vec3 reference_;
    int a_ = 0, b_ = 0;
    MacrospinState state_;
    ConductanceStamp conductance_;
};

const ParamTable<MtjParams> kMtjParams(joinRows(
    freeLayerRows<MtjParams>(1.5e-9), transportRows<MtjParams>(), initialStateRows<MtjParams>(),
    std::vector<ParamRow<MtjParams>>{
        integerParam("dynamics", &MtjParams::dynamics, 0, 0, 1,
                     "0: macrospin LLGS; 1: behavioural (binary state, Sun / Neel-Brown switching times; states "
                     "always held in DC)"),
        param("tau0", &MtjParams::tau0, 1e-9, "s", "attempt time of the Neel-Brown regime (dynamics=1)").positive(),
    },
    thermalRows<MtjParams>()));

DeviceType mtjType() {
    DeviceType t = compactModelType<Mtj>(
        "mtj",
        "Magnetic tunnel junction, macrospin LLGS free layer: Nname free ref model [theta0=] [phi0=]; states "
        "name.mx name.my name.mz",
        2, 2, kMtjParams);
    t.factory = [](const InstanceContext& c) -> std::unique_ptr<Device> {
        const MtjParams p = kMtjParams.bind(c.given());
        if (p.dynamics == 1) return makeBehavioralMtj(c, p);
        return std::make_unique<Mtj>(c, p);
    };
    return t;
}

const DeviceRegistration kRegistration{mtjType()};

} // namespace
} // namespace spinspice
