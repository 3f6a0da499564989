// Voltage-controlled (S, model sw: VT VH RON ROFF) and current-controlled (W, model csw: IT IH RON
// ROFF) switches as ngspice's sw/csw: on above threshold + hysteresis, off below threshold -
// hysteresis, otherwise the state of the last accepted point (time point or DC sweep point).
// Transients locate each switching instant (eventTime) so the step ends just after it.
#include "devices/registry.hpp"
#include "devices/stamps.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spinspice {
namespace {

struct SwitchParams {
    bool on = false;
    double threshold = 0, hysteresis = 0, ron = 1;
    OptionalValue roff; // default 1/gmin (ngspice)
};
const ParamTable<SwitchParams> kVoltageSwitchParams{
    flagParam("on", &SwitchParams::on, false, "initial state on (operating point)").instance(),
    param("vt", &SwitchParams::threshold, 0, "V", "threshold voltage"),
    param("vh", &SwitchParams::hysteresis, 0, "V", "hysteresis voltage (on above vt+vh, off below vt-vh)"),
    param("ron", &SwitchParams::ron, 1, "ohm", "on resistance").positive(),
    param("roff", &SwitchParams::roff, 1e12, "ohm", "off resistance (default 1/gmin)").positive(),
};
const ParamTable<SwitchParams> kCurrentSwitchParams{
    flagParam("on", &SwitchParams::on, false, "initial state on (operating point)").instance(),
    param("it", &SwitchParams::threshold, 0, "A", "threshold current"),
    param("ih", &SwitchParams::hysteresis, 0, "A", "hysteresis current (on above it+ih, off below it-ih)"),
    param("ron", &SwitchParams::ron, 1, "ohm", "on resistance").positive(),
    param("roff", &SwitchParams::roff, 1e12, "ohm", "off resistance (default 1/gmin)").positive(),
};

class Switch : public Device {
public:
    Switch(const InstanceContext& c, const SwitchParams& p)
        : Device(c.name(), c.loc()), nodeNames_(c.nodes()), currentControlled_(c.type.letter == 'w'),
          threshold_(p.threshold), hysteresis_(std::fabs(p.hysteresis)), ron_(p.ron),
          roff_(p.roff.valueOr(1.0 / c.env.gmin)), initiallyOn_(p.on) {
        if (currentControlled_) {
            if (c.element.refs.empty()) c.fail("missing controlling voltage source");
            controlSource_ = c.element.refs[0];
        }
        restart();
    }
    DeviceTraits traits() const override {
        return {Linearity::Nonlinear, Chord::Unsafe, Charge::None, Randomness::Deterministic};
    }
    void setup(SetupContext& ctx) override {
        p_ = ctx.node(nodeNames_.at(0));
        n_ = ctx.node(nodeNames_.at(1));
        if (!currentControlled_) {
            cp_ = ctx.node(nodeNames_.at(2));
            cn_ = ctx.node(nodeNames_.at(3));
        }
        ctx.acceptSteps();
        ctx.locateEvents();
    }
    void resolve(const DeviceLookup& lookup) override {
        if (!currentControlled_) return;
        const Device* d = lookup.find(controlSource_);
        if (!d || d->branchUnknown() < 0)
            throw InputError(name_ + ": controlling element '" + controlSource_ + "' is not a voltage source", loc_, {},
                             suggestionHint(controlSource_, branchDeviceNames(lookup)));
        ctrl_ = d->branchUnknown();
    }
    void declare(PatternBuilder& pb) override { stamp_.declare(pb, p_, n_); }
    void bind(const PatternBuilder& pb) override { stamp_.bind(pb); }
    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const bool state = stateFor(control(ctx.x), acceptedState_);
        if (state != iterationState_) out.limited++; // a state change needs one more Newton iteration
        iterationState_ = state;
        stamp_.load(out, ctx.x, p_, n_, state ? 1.0 / ron_ : 1.0 / roff_);
    }
    void restart() override {
        acceptedState_ = iterationState_ = initiallyOn_;
        haveAccepted_ = false;
    }
    void accept(const AcceptContext& ctx, DeviceClock&) override {
        const double c = control(ctx.x);
        acceptedState_ = stateFor(c, acceptedState_);
        iterationState_ = acceptedState_;
        acceptedControl_ = c;
        acceptedTime_ = ctx.time;
        haveAccepted_ = true;
    }
    // The switching instant by linear interpolation of the control between the accepted point and ctx.
    double eventTime(const EvalContext& ctx, double previousTime) const override {
        constexpr double kNone = std::numeric_limits<double>::infinity();
        if (!haveAccepted_ || acceptedTime_ != previousTime) return kNone;
        const double c = control(ctx.x);
        if (stateFor(c, acceptedState_) == acceptedState_) return kNone;
        const double level = acceptedState_ ? threshold_ - hysteresis_ : threshold_ + hysteresis_;
        const double dc = c - acceptedControl_;
        if (dc == 0.0) return kNone;
        const double fraction = std::clamp((level - acceptedControl_) / dc, 0.0, 1.0);
        return previousTime + fraction * (ctx.time - previousTime);
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(p_, *this);
        t.terminal(n_, *this);
        t.dcPath(p_, n_); // ROFF conducts
        if (!currentControlled_) {
            t.terminal(cp_, *this);
            t.terminal(cn_, *this);
        }
    }

private:
    double control(const double* x) const { return currentControlled_ ? x[ctrl_] : x[cp_] - x[cn_]; }
    // On above threshold + hysteresis, off below threshold - hysteresis, else unchanged.
    bool stateFor(double c, bool previous) const {
        if (c > threshold_ + hysteresis_) return true;
        if (c < threshold_ - hysteresis_) return false;
        if (hysteresis_ == 0.0) return c > threshold_;
        return previous;
    }

    std::vector<std::string> nodeNames_;
    std::string controlSource_;
    bool currentControlled_;
    double threshold_, hysteresis_, ron_, roff_;
    bool initiallyOn_;
    int p_ = 0, n_ = 0, cp_ = 0, cn_ = 0, ctrl_ = 0;
    ConductanceStamp stamp_;
    bool acceptedState_ = false;  // state at the last accepted point
    bool iterationState_ = false; // state used in the last evaluation
    double acceptedControl_ = 0, acceptedTime_ = 0;
    bool haveAccepted_ = false;
};

const DeviceRegistration kRegistrations[] = {
    DeviceRegistration(elementType<Switch>('s', "Voltage-controlled switch: Sname n+ n- nc+ nc- model [on|off]",
                                           kVoltageSwitchParams, {}, {"sw"}, 4)),
    DeviceRegistration(elementType<Switch>('w', "Current-controlled switch: Wname n+ n- Vcontrol model [on|off]",
                                           kCurrentSwitchParams, {}, {"csw"})),
};

} // namespace
} // namespace spinspice
