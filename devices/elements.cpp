#include "devices/elements.hpp"

#include "solver/pattern.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

void TwoTerminal::setup(SetupContext& ctx) {
    p_ = ctx.node(nodeNames_[0]);
    n_ = ctx.node(nodeNames_[1]);
}

// ---------------------------------------------------------------- R
Resistor::Resistor(std::string name, SourceLoc loc, std::string p, std::string n, double resistance, double tc1,
                   double tc2, double m, double temp, double tnom)
    : TwoTerminal(std::move(name), std::move(loc), std::move(p), std::move(n)) {
    if (resistance == 0.0) resistance = 1e-3; // as ngspice: a 0-ohm resistor becomes 1 mohm
    const double dt = temp - tnom;
    const double r = resistance * (1.0 + tc1 * dt + tc2 * dt * dt);
    g_ = m / r;
}

void Resistor::eval(const EvalContext& ctx, LoadBuffers& out) {
    stamp_.load(out, ctx.x, p_, n_, g_);
}

void Resistor::topology(TopologyBuilder& t) const {
    t.terminal(p_, *this);
    t.terminal(n_, *this);
    t.dcPath(p_, n_);
}

// ---------------------------------------------------------------- C
Capacitor::Capacitor(std::string name, SourceLoc loc, std::string p, std::string n, double capacitance, double m,
                     bool icGiven, double ic)
    : TwoTerminal(std::move(name), std::move(loc), std::move(p), std::move(n)), c_(capacitance * m), icGiven_(icGiven),
      ic_(ic) {}

void Capacitor::eval(const EvalContext& ctx, LoadBuffers& out) {
    const double v = (ctx.useInitialConditions && icGiven_) ? ic_ : ctx.x[p_] - ctx.x[n_];
    const double q = c_ * v;
    addQ(out, p_, q);
    addQ(out, n_, -q);
    stamp_.add(out.jq, c_);
}

void Capacitor::topology(TopologyBuilder& t) const {
    t.terminal(p_, *this);
    t.terminal(n_, *this);
}

// ---------------------------------------------------------------- L
Inductor::Inductor(std::string name, SourceLoc loc, std::string p, std::string n, double inductance, double m,
                   bool icGiven, double ic)
    : TwoTerminal(std::move(name), std::move(loc), std::move(p), std::move(n)), l_(inductance / m), icGiven_(icGiven),
      ic_(ic) {}

void Inductor::setup(SetupContext& ctx) {
    TwoTerminal::setup(ctx);
    br_ = ctx.addUnknown(name_, Nature::Current, true);
}

void Inductor::declare(PatternBuilder& pb) {
    branch_.declare(pb, p_, n_, br_);
    fluxOff_ = pb.entry(br_, br_);
}
void Inductor::bind(const PatternBuilder& pb) {
    branch_.bind(pb);
    fluxOff_ = pb.offset(fluxOff_);
}

// Branch equation v(p) - v(n) - d(L i)/dt = 0: f = v(p) - v(n), q = -L i (flux).
void Inductor::eval(const EvalContext& ctx, LoadBuffers& out) {
    branch_.load(out, ctx.x, p_, n_, br_);
    addQ(out, br_, -l_ * ((ctx.useInitialConditions && icGiven_) ? ic_ : ctx.x[br_]));
    out.jq[fluxOff_] -= l_;
}

void Inductor::topology(TopologyBuilder& t) const {
    t.terminal(p_, *this);
    t.terminal(n_, *this);
    t.voltageBranch(p_, n_, *this, /*dcOnly=*/true);
}

// ---------------------------------------------------------------- K
MutualInductance::MutualInductance(std::string name, SourceLoc loc, std::string inductor1, std::string inductor2,
                                   double k)
    : Device(std::move(name), std::move(loc)), inductorNames_{std::move(inductor1), std::move(inductor2)}, k_(k) {}

void MutualInductance::resolve(const DeviceLookup& lookup) {
    const Inductor* found[2] = {nullptr, nullptr};
    for (int i = 0; i < 2; ++i) {
        found[i] = dynamic_cast<const Inductor*>(lookup.find(inductorNames_[static_cast<std::size_t>(i)]));
        if (!found[i]) {
            std::vector<std::string> inductors;
            for (const auto& n : lookup.names())
                if (dynamic_cast<const Inductor*>(lookup.find(n))) inductors.push_back(n);
            throw InputError("mutual inductance " + name_ + " refers to '" +
                                 inductorNames_[static_cast<std::size_t>(i)] + "', which is not an inductor",
                             loc_, {}, suggestionHint(inductorNames_[static_cast<std::size_t>(i)], inductors));
        }
    }
    l1_ = found[0];
    l2_ = found[1];
    mutual_ = k_ * std::sqrt(l1_->inductance() * l2_->inductance());
}

void MutualInductance::declare(PatternBuilder& pb) {
    off_ = {pb.entry(l1_->branchUnknown(), l2_->branchUnknown()), pb.entry(l2_->branchUnknown(), l1_->branchUnknown())};
}
void MutualInductance::bind(const PatternBuilder& pb) {
    for (int& o : off_) o = pb.offset(o);
}

// Flux linkage: q(br1) -= M i2, q(br2) -= M i1.
void MutualInductance::eval(const EvalContext& ctx, LoadBuffers& out) {
    const int b1 = l1_->branchUnknown(), b2 = l2_->branchUnknown();
    addQ(out, b1, -mutual_ * ctx.x[b2]);
    addQ(out, b2, -mutual_ * ctx.x[b1]);
    out.jq[off_[0]] -= mutual_;
    out.jq[off_[1]] -= mutual_;
}

// ---------------------------------------------------------------- waveforms
SourceWaveform::SourceWaveform(const SourceSpec& spec, const std::string& owner, const SourceLoc& loc)
    : kind_(spec.tran.kind), given_(spec.tran.args) {
    auto need = [&](std::size_t minArgs, std::size_t maxArgs, const char* syntax) {
        if (given_.size() < minArgs || given_.size() > maxArgs)
            throw InputError(owner + ": wrong number of arguments (" + std::to_string(given_.size()) + ")", loc, {},
                             std::string("expected: ") + syntax);
    };
    switch (kind_) {
    case Waveform::Kind::Pulse: need(2, 7, "PULSE(v1 v2 [td [tr [tf [pw [per]]]]])"); break;
    case Waveform::Kind::Sin: need(2, 6, "SIN(vo va [freq [td [theta [phase]]]])"); break;
    case Waveform::Kind::Exp: need(2, 6, "EXP(v1 v2 [td1 [tau1 [td2 [tau2]]]])"); break;
    case Waveform::Kind::Pwl:
        if (given_.size() < 2 || given_.size() % 2 != 0)
            throw InputError(owner + ": PWL needs time/value pairs", loc, {}, "expected: PWL(t1 v1 t2 v2 ...)");
        for (std::size_t k = 0; k + 1 < given_.size(); k += 2) {
            if (k > 0 && given_[k] < given_[k - 2])
                throw InputError(owner + ": PWL times must not decrease", loc, {},
                                 "time " + std::to_string(given_[k]) + " follows " + std::to_string(given_[k - 2]));
            pwlT_.push_back(given_[k]);
            pwlV_.push_back(given_[k + 1]);
        }
        break;
    case Waveform::Kind::None: break;
    }
    prepare(1.0, 1.0);
}

void SourceWaveform::prepare(double tstep, double tstop) {
    auto arg = [&](std::size_t i, double def, bool zeroMeansDefault = false) {
        if (i >= given_.size()) return def;
        return (zeroMeansDefault && given_[i] == 0.0) ? def : given_[i];
    };
    p_.fill(0.0);
    switch (kind_) {
    case Waveform::Kind::Pulse: // v1 v2 td tr tf pw per (ngspice defaults)
        p_ = {arg(0, 0),           arg(1, 0),     arg(2, 0),          arg(3, tstep, true),
              arg(4, tstep, true), arg(5, tstop), arg(6, tstop, true)};
        break;
    case Waveform::Kind::Sin: // vo va freq td theta phase
        p_ = {arg(0, 0), arg(1, 0), arg(2, 1.0 / tstop, true), arg(3, 0), arg(4, 0), arg(5, 0), 0};
        break;
    case Waveform::Kind::Exp: { // v1 v2 td1 tau1 td2 tau2
        const double td1 = arg(2, 0);
        p_ = {arg(0, 0), arg(1, 0), td1, arg(3, tstep, true), arg(4, td1 + tstep, true), arg(5, tstep, true), 0};
        break;
    }
    default: break;
    }
}

double SourceWaveform::value(double t) const {
    switch (kind_) {
    case Waveform::Kind::Pulse: {
        const auto [v1, v2, td, tr, tf, pw, per] = p_;
        double tt = t - td;
        if (per > 0 && tt > per) tt -= per * std::floor(tt / per);
        if (tt <= 0 || tt >= tr + pw + tf) return v1;
        if (tt >= tr && tt <= tr + pw) return v2;
        if (tt < tr) return v1 + (v2 - v1) * tt / tr;
        return v2 + (v1 - v2) * (tt - tr - pw) / tf;
    }
    case Waveform::Kind::Sin: {
        const double vo = p_[0], va = p_[1], freq = p_[2], td = p_[3], theta = p_[4];
        const double phase = p_[5] * std::numbers::pi / 180.0;
        const double tt = t - td;
        if (tt <= 0) return vo + va * std::sin(phase);
        return vo + va * std::sin(2.0 * std::numbers::pi * freq * tt + phase) * std::exp(-tt * theta);
    }
    case Waveform::Kind::Exp: {
        const double v1 = p_[0], v2 = p_[1], td1 = p_[2], tau1 = p_[3], td2 = p_[4], tau2 = p_[5];
        double v = v1;
        if (t > td1) v += (v2 - v1) * (1.0 - std::exp(-(t - td1) / tau1));
        if (t > td2) v += (v1 - v2) * (1.0 - std::exp(-(t - td2) / tau2));
        return v;
    }
    case Waveform::Kind::Pwl: {
        if (t <= pwlT_.front()) return pwlV_.front();
        if (t >= pwlT_.back()) return pwlV_.back();
        const auto it = std::upper_bound(pwlT_.begin(), pwlT_.end(), t);
        const std::size_t k = static_cast<std::size_t>(it - pwlT_.begin());
        const double t0 = pwlT_[k - 1], t1 = pwlT_[k];
        if (t1 <= t0) return pwlV_[k];
        return pwlV_[k - 1] + (pwlV_[k] - pwlV_[k - 1]) * (t - t0) / (t1 - t0);
    }
    case Waveform::Kind::None: break;
    }
    return 0.0;
}

double SourceWaveform::nextBreakpoint(double t) const {
    const double eps = 1e-13 * std::max(std::fabs(t), 1e-30);
    auto after = [&](double c) { return c > t + eps ? c : kInf; };
    switch (kind_) {
    case Waveform::Kind::Pulse: {
        const auto [v1, v2, td, tr, tf, pw, per] = p_;
        (void)v1;
        (void)v2;
        const double corners[4] = {0.0, tr, tr + pw, tr + pw + tf};
        double best = kInf;
        double k0 = (per > 0 && t > td) ? std::floor((t - td) / per) : 0.0;
        for (double k = k0; k <= k0 + 1; k += 1.0)
            for (double c : corners) best = std::min(best, after(td + k * per + c));
        if (per <= 0)
            for (double c : corners) best = std::min(best, after(td + c));
        return best;
    }
    case Waveform::Kind::Sin: return after(p_[3]);
    case Waveform::Kind::Exp: return std::min(after(p_[2]), after(p_[4]));
    case Waveform::Kind::Pwl: {
        const auto it = std::upper_bound(pwlT_.begin(), pwlT_.end(), t + eps);
        return it == pwlT_.end() ? kInf : *it;
    }
    case Waveform::Kind::None: break;
    }
    return kInf;
}

// ---------------------------------------------------------------- V, I
IndependentSource::IndependentSource(std::string name, SourceLoc loc, std::string p, std::string n,
                                     const SourceSpec& spec)
    : TwoTerminal(std::move(name), std::move(loc), std::move(p), std::move(n)), spec_(spec),
      waveform_(spec, name_, loc_), ac_(std::polar(spec.acMag, spec.acPhaseDeg * std::numbers::pi / 180.0)) {}

// ngspice's rule: .op/.dc use the DC value when one is written, otherwise the waveform at t = 0; the
// operating point of a transient and the transient itself use the waveform.
double IndependentSource::valueAt(const EvalContext& ctx) const {
    double v;
    switch (ctx.mode) {
    case AnalysisMode::DcSweep:
    case AnalysisMode::DcOp:
        if (override_)
            v = overrideValue_;
        else if (spec_.dcGiven || !waveform_.present())
            v = spec_.dc;
        else
            v = waveform_.value(0.0);
        break;
    case AnalysisMode::TranOp: v = waveform_.present() ? waveform_.value(0.0) : spec_.dc; break;
    case AnalysisMode::Tran:
    default: v = waveform_.present() ? waveform_.value(ctx.time) : spec_.dc; break;
    }
    return v * ctx.sourceFactor;
}

void VoltageSource::setup(SetupContext& ctx) {
    TwoTerminal::setup(ctx);
    br_ = ctx.addUnknown(name_, Nature::Current, true);
}

void VoltageSource::declare(PatternBuilder& pb) {
    branch_.declare(pb, p_, n_, br_);
}
void VoltageSource::bind(const PatternBuilder& pb) {
    branch_.bind(pb);
}

// KCL: the branch current leaves p and enters n; branch: v(p) - v(n) - V = 0.
void VoltageSource::eval(const EvalContext& ctx, LoadBuffers& out) {
    branch_.load(out, ctx.x, p_, n_, br_);
    addF(out, br_, -valueAt(ctx));
}

void VoltageSource::topology(TopologyBuilder& t) const {
    t.terminal(p_, *this);
    t.terminal(n_, *this);
    t.voltageBranch(p_, n_, *this);
}

// SPICE convention: positive current flows from n+ through the source to n-.
void CurrentSource::eval(const EvalContext& ctx, LoadBuffers& out) {
    const double i = valueAt(ctx);
    addF(out, p_, i);
    addF(out, n_, -i);
}

void CurrentSource::topology(TopologyBuilder& t) const {
    t.terminal(p_, *this);
    t.terminal(n_, *this);
}

// ---------------------------------------------------------------- E F G H
ControlledSource::ControlledSource(std::string name, SourceLoc loc, Kind kind, std::vector<std::string> nodes,
                                   std::string control, double gain)
    : Device(std::move(name), std::move(loc)), kind_(kind), nodeNames_(std::move(nodes)),
      controlName_(std::move(control)), gain_(gain) {}

void ControlledSource::setup(SetupContext& ctx) {
    p_ = ctx.node(nodeNames_.at(0));
    n_ = ctx.node(nodeNames_.at(1));
    if (kind_ == Kind::Vcvs || kind_ == Kind::Vccs) {
        cp_ = ctx.node(nodeNames_.at(2));
        cn_ = ctx.node(nodeNames_.at(3));
    }
    if (kind_ == Kind::Vcvs || kind_ == Kind::Ccvs) br_ = ctx.addUnknown(name_, Nature::Current, true);
}

void ControlledSource::resolve(const DeviceLookup& lookup) {
    if (kind_ != Kind::Cccs && kind_ != Kind::Ccvs) return;
    const Device* d = lookup.find(controlName_);
    if (!d || d->branchUnknown() < 0) {
        const std::vector<std::string> candidates = branchDeviceNames(lookup);
        throw InputError(name_ + ": controlling element '" + controlName_ + "' is not a voltage source", loc_, {},
                         suggestionHint(controlName_, candidates));
    }
    ctrl_ = d->branchUnknown();
}

void ControlledSource::declare(PatternBuilder& pb) {
    switch (kind_) {
    case Kind::Vcvs:
        branch_.declare(pb, p_, n_, br_);
        off_ = {pb.entry(br_, cp_), pb.entry(br_, cn_), -1, -1};
        break;
    case Kind::Ccvs:
        branch_.declare(pb, p_, n_, br_);
        off_ = {pb.entry(br_, ctrl_), -1, -1, -1};
        break;
    case Kind::Vccs: off_ = {pb.entry(p_, cp_), pb.entry(p_, cn_), pb.entry(n_, cp_), pb.entry(n_, cn_)}; break;
    case Kind::Cccs: off_ = {pb.entry(p_, ctrl_), pb.entry(n_, ctrl_), -1, -1}; break;
    }
}
void ControlledSource::bind(const PatternBuilder& pb) {
    branch_.bind(pb);
    for (int& o : off_) o = pb.offset(o);
}

void ControlledSource::eval(const EvalContext& ctx, LoadBuffers& out) {
    const double* x = ctx.x;
    double* j = out.jf;
    switch (kind_) {
    case Kind::Vcvs: // v(p) - v(n) = gain (v(cp) - v(cn))
    case Kind::Ccvs: // v(p) - v(n) = gain i(control)
        branch_.load(out, x, p_, n_, br_);
        if (kind_ == Kind::Vcvs) {
            addF(out, br_, -gain_ * (x[cp_] - x[cn_]));
            j[off_[0]] -= gain_;
            j[off_[1]] += gain_;
        } else {
            addF(out, br_, -gain_ * x[ctrl_]);
            j[off_[0]] -= gain_;
        }
        break;
    case Kind::Vccs: { // current gain (v(cp) - v(cn)) from p through the source to n
        const double i = gain_ * (x[cp_] - x[cn_]);
        addF(out, p_, i);
        addF(out, n_, -i);
        j[off_[0]] += gain_;
        j[off_[1]] -= gain_;
        j[off_[2]] -= gain_;
        j[off_[3]] += gain_;
        break;
    }
    case Kind::Cccs: {
        const double i = gain_ * x[ctrl_];
        addF(out, p_, i);
        addF(out, n_, -i);
        j[off_[0]] += gain_;
        j[off_[1]] -= gain_;
        break;
    }
    }
}

void ControlledSource::topology(TopologyBuilder& t) const {
    t.terminal(p_, *this);
    t.terminal(n_, *this);
    if (kind_ == Kind::Vcvs || kind_ == Kind::Vccs) {
        t.terminal(cp_, *this);
        t.terminal(cn_, *this);
    }
    if (kind_ == Kind::Vcvs || kind_ == Kind::Ccvs) t.voltageBranch(p_, n_, *this);
}

} // namespace spinspice
