#include "devices/switch.hpp"

#include "devices/param_table.hpp"
#include "solver/pattern.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spinspice {

SwitchModel SwitchModel::fromParams(bool currentControlled, const std::map<std::string, double>& params) {
    const DeviceTypeInfo* info = findDeviceType(currentControlled ? "w" : "s");
    auto get = [&](const char* name) { return paramValue(*info->findModelParam(name), {}, &params); };
    SwitchModel m;
    m.threshold = get(currentControlled ? "it" : "vt");
    m.hysteresis = std::fabs(get(currentControlled ? "ih" : "vh"));
    m.ron = get("ron");
    m.roffGiven = params.count("roff") > 0;
    m.roff = get("roff");
    return m;
}

Switch::Switch(std::string name, SourceLoc loc, std::array<std::string, 2> nodes,
               std::array<std::string, 2> controlNodes, std::string controlSource, const SwitchModel& model,
               bool initiallyOn)
    : Device(std::move(name), std::move(loc)), nodeNames_(std::move(nodes)), controlNodeNames_(std::move(controlNodes)),
      controlSource_(std::move(controlSource)), currentControlled_(!controlSource_.empty()), model_(model),
      acceptedState_(initiallyOn), iterationState_(initiallyOn) {}

void Switch::setup(SetupContext& ctx) {
    p_ = ctx.node(nodeNames_[0]);
    n_ = ctx.node(nodeNames_[1]);
    if (!currentControlled_) {
        cp_ = ctx.node(controlNodeNames_[0]);
        cn_ = ctx.node(controlNodeNames_[1]);
    }
    // ngspice: ROFF defaults to 1/gmin.
    gmin_ = ctx.options().gmin;
    if (!model_.roffGiven) model_.roff = 1.0 / gmin_;
}

void Switch::resolve(const DeviceLookup& lookup) {
    if (!currentControlled_) return;
    const Device* d = lookup.find(controlSource_);
    if (!d || d->branchUnknown() < 0) {
        const std::vector<std::string> candidates = branchDeviceNames(lookup);
        throw InputError(name_ + ": controlling element '" + controlSource_ + "' is not a voltage source", loc_, {},
                         suggestionHint(controlSource_, candidates));
    }
    ctrl_ = d->branchUnknown();
}

void Switch::declare(PatternBuilder& pb) {
    stamp_.declare(pb, p_, n_);
}

void Switch::bind(const PatternBuilder& pb) {
    stamp_.bind(pb);
}

double Switch::control(const double* x) const {
    return currentControlled_ ? x[ctrl_] : x[cp_] - x[cn_];
}

// On above threshold + hysteresis, off below threshold - hysteresis, else unchanged.
bool Switch::stateFor(double c, bool previous) const {
    if (c > model_.threshold + model_.hysteresis) return true;
    if (c < model_.threshold - model_.hysteresis) return false;
    if (model_.hysteresis == 0.0) return c > model_.threshold;
    return previous;
}

void Switch::eval(const EvalContext& ctx, LoadBuffers& out) {
    const bool state = stateFor(control(ctx.x), acceptedState_);
    if (state != iterationState_) out.limited++; // a state change needs one more Newton iteration
    iterationState_ = state;
    stamp_.load(out, ctx.x, p_, n_, state ? 1.0 / model_.ron : 1.0 / model_.roff);
}

void Switch::accept(const EvalContext& ctx) {
    const double c = control(ctx.x);
    acceptedState_ = stateFor(c, acceptedState_);
    iterationState_ = acceptedState_;
    acceptedControl_ = c;
    acceptedTime_ = ctx.time;
    haveAccepted_ = ctx.mode == AnalysisMode::Tran;
}

// The switching instant by linear interpolation of the control between the accepted point and ctx.
double Switch::eventTime(const EvalContext& ctx, double previousTime) const {
    constexpr double kNone = std::numeric_limits<double>::infinity();
    if (!haveAccepted_ || acceptedTime_ != previousTime) return kNone;
    const double c = control(ctx.x);
    if (stateFor(c, acceptedState_) == acceptedState_) return kNone;
    const double level = acceptedState_ ? model_.threshold - model_.hysteresis : model_.threshold + model_.hysteresis;
    const double dc = c - acceptedControl_;
    if (dc == 0.0) return kNone;
    const double fraction = std::clamp((level - acceptedControl_) / dc, 0.0, 1.0);
    return previousTime + fraction * (ctx.time - previousTime);
}

void Switch::topology(TopologyBuilder& t) const {
    t.terminal(p_, *this);
    t.terminal(n_, *this);
    t.dcPath(p_, n_); // ROFF conducts
    if (!currentControlled_) {
        t.terminal(cp_, *this);
        t.terminal(cn_, *this);
    }
}

} // namespace spinspice
