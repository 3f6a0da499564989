#include "devices/diode.hpp"

#include "devices/param_table.hpp"
#include "solver/pattern.hpp"

#include <cmath>

namespace spinspice {
namespace {
// k/q in V/K with ngspice's constants (CONSTboltz 1.38064852e-23 J/K, CHARGE 1.6021766208e-19 C).
constexpr double kBoltzmannOverQ = 1.38064852e-23 / 1.6021766208e-19;
constexpr double kCelsiusToKelvin = 273.15;

// SPICE3 junction limiting (ngspice devsup.c DEVpnjlim, with VACASK's fix: use log(1 + arg) so a step
// just above 2 vt never moves against the Newton direction).
double pnjlim(double vnew, double vold, double vt, double vcrit, bool& limited) {
    if (vnew > vcrit && std::fabs(vnew - vold) > 2.0 * vt) {
        limited = true;
        if (vold > 0) {
            const double arg = (vnew - vold) / vt;
            return arg > 0 ? vold + vt * std::log1p(arg) : vcrit;
        }
        return vt * std::log(vnew / vt);
    }
    if (vnew < 0) { // reverse-bias step limit (ngspice >= 27)
        const double floor = vold > 0 ? -vold - 1.0 : 2.0 * vold - 1.0;
        if (vnew < floor) {
            limited = true;
            return floor;
        }
    }
    return vnew;
}
} // namespace

DiodeModel DiodeModel::fromParams(const std::map<std::string, double>& params) {
    const DeviceTypeInfo* info = findDeviceType("d");
    auto get = [&](const char* name) { return paramValue(*info->findModelParam(name), {}, &params); };
    DiodeModel m;
    m.is = get("is");
    m.n = get("n");
    m.rs = get("rs");
    m.cjo = params.count("cjo") ? get("cjo") : get("cj0");
    m.vj = get("vj");
    m.m = get("m");
    m.tt = get("tt");
    m.bvGiven = params.count("bv") && std::isfinite(params.at("bv"));
    m.bv = m.bvGiven ? params.at("bv") : 0.0;
    m.ibv = get("ibv");
    m.fc = get("fc");
    m.eg = get("eg");
    m.xti = get("xti");
    m.tnom = get("tnom");
    return m;
}

Diode::Diode(std::string name, SourceLoc loc, std::string anode, std::string cathode, const DiodeModel& model,
             double area, double m, bool off, bool icGiven, double ic, double temp)
    : Device(std::move(name), std::move(loc)), anodeName_(std::move(anode)), cathodeName_(std::move(cathode)),
      model_(model), area_(area), mult_(m), off_(off), icGiven_(icGiven), ic_(ic) {
    const double tempK = temp + kCelsiusToKelvin;
    const double tnomK = model.tnom + kCelsiusToKelvin;
    vt_ = kBoltzmannOverQ * tempK;
    vte_ = model.n * vt_;
    // Saturation current temperature scaling (SPICE: IS(T) = IS (T/Tnom)^(XTI/N) exp(EG/(N vt)(T/Tnom - 1))).
    const double ratio = tempK / tnomK;
    isat_ = model.is * area * std::exp((ratio - 1.0) * model.eg / vte_ + model.xti / model.n * std::log(ratio));
    vcrit_ = vte_ * std::log(vte_ / (std::sqrt(2.0) * isat_));
    gs_ = model.rs > 0 ? area / model.rs : 0.0;
    czero_ = model.cjo * area;
    // Depletion-charge constants (SPICE2/3): F1 = VJ (1 - (1-FC)^(1-M)) / (1-M), F2 = (1-FC)^(1+M), F3 = 1 - FC (1+M).
    f1_ = model.vj * (1.0 - std::pow(1.0 - model.fc, 1.0 - model.m)) / (1.0 - model.m);
    f2_ = std::pow(1.0 - model.fc, 1.0 + model.m);
    f3_ = 1.0 - model.fc * (1.0 + model.m);
    depletionLimit_ = model.fc * model.vj;
    // Effective breakdown voltage: the current at -BV equals IBV (ngspice 39 diotemp.c, with the
    // breakdown emission coefficient NBV = N).
    if (model.bvGiven) {
        const double cbv = model.ibv * area;
        double xbv = model.bv;
        if (cbv >= isat_ * model.bv / vt_) {
            xbv = model.bv - vte_ * std::log(1.0 + cbv / isat_);
            for (int iter = 0; iter < 50; ++iter) {
                xbv = model.bv - vte_ * std::log(cbv / isat_ + 1.0 - xbv / vt_);
                const double xcbv = isat_ * (std::exp((model.bv - xbv) / vte_) - 1.0 + xbv / vt_);
                if (std::fabs(xcbv - cbv) <= 1e-12 * cbv) break;
            }
        }
        bvEff_ = xbv;
    }
}

void Diode::setup(SetupContext& ctx) {
    a_ = ctx.node(anodeName_);
    k_ = ctx.node(cathodeName_);
    ai_ = gs_ > 0 ? ctx.addUnknown(name_ + "#a", Nature::Voltage, false) : a_;
}

void Diode::declare(PatternBuilder& pb) {
    junctionOff_ = {pb.entry(ai_, ai_), pb.entry(ai_, k_), pb.entry(k_, ai_), pb.entry(k_, k_)};
    if (gs_ > 0) series_.declare(pb, a_, ai_);
}

void Diode::bind(const PatternBuilder& pb) {
    for (int& o : junctionOff_) o = pb.offset(o);
    if (gs_ > 0) series_.bind(pb);
}

// ngspice dioload.c: forward exponential; for vd < -3 vte the SPICE cubic reverse tail
// id = -IS (1 + (3 vte / (e vd))^3); below -BV the breakdown exponential.
void Diode::junction(double vd, double gmin, double& id, double& gd) const {
    if (vd >= -3.0 * vte_) {
        const double e = std::exp(vd / vte_);
        id = isat_ * (e - 1.0) + gmin * vd;
        gd = isat_ * e / vte_ + gmin;
    } else if (!model_.bvGiven || vd >= -bvEff_) {
        double arg = 3.0 * vte_ / (vd * std::numbers::e);
        arg = arg * arg * arg;
        id = -isat_ * (1.0 + arg) + gmin * vd;
        gd = isat_ * 3.0 * arg / vd + gmin;
    } else {
        const double e = std::exp(-(bvEff_ + vd) / vte_);
        id = -isat_ * e + gmin * vd;
        gd = isat_ * e / vte_ + gmin;
    }
}

void Diode::charge(double vd, double id, double gd, double& q, double& c) const {
    double qDep = 0, cDep = 0;
    if (czero_ > 0) {
        const double vj = model_.vj, m = model_.m;
        if (vd < depletionLimit_) {
            const double arg = 1.0 - vd / vj;
            const double sarg = std::exp(-m * std::log(arg));
            qDep = vj * czero_ * (1.0 - arg * sarg) / (1.0 - m);
            cDep = czero_ * sarg;
        } else { // linear extrapolation of C above FC*VJ
            const double czof2 = czero_ / f2_;
            qDep = czero_ * f1_ + czof2 * (f3_ * (vd - depletionLimit_) +
                                           (m / (vj + vj)) * (vd * vd - depletionLimit_ * depletionLimit_));
            cDep = czof2 * (f3_ + m * vd / vj);
        }
    }
    q = model_.tt * id + qDep;
    c = model_.tt * gd + cDep;
}

void Diode::eval(const EvalContext& ctx, LoadBuffers& out) {
    const double gmin = ctx.options->gmin;
    const double vdActual = ctx.x[ai_] - ctx.x[k_];
    double vd = vdActual;
    bool limited = false;
    if (ctx.useInitialConditions && icGiven_) {
        vd = ic_;
    } else if (ctx.initJunctions) {
        vd = off_ ? 0.0 : (icGiven_ ? ic_ : vcrit_);
        limited = true;
    } else {
        if (model_.bvGiven && vd < std::min(0.0, -bvEff_ + 10.0 * vte_)) {
            // Limit in the breakdown region around -BV, mirrored.
            const double vdt = pnjlim(-(vd + bvEff_), -(vdOld_ + bvEff_), vte_, vcrit_, limited);
            vd = -(vdt + bvEff_);
        } else {
            vd = pnjlim(vd, vdOld_, vte_, vcrit_, limited);
        }
    }
    vdOld_ = vd;
    if (limited) out.limited++;

    double id, gd;
    junction(vd, gmin, id, gd);
    double q, c;
    charge(vd, id, gd, q, c);
    // Evaluated at the limited vd; the residual is the linearisation there, taken at the actual vd,
    // so f stays consistent with the Jacobian (Xyce's dFdxdVp correction).
    const double dv = vdActual - vd;
    const double i = mult_ * (id + gd * dv);
    const double g = mult_ * gd;
    addF(out, ai_, i);
    addF(out, k_, -i);
    const double qj = mult_ * (q + c * dv);
    addQ(out, ai_, qj);
    addQ(out, k_, -qj);
    out.jf[junctionOff_[0]] += g;
    out.jf[junctionOff_[1]] -= g;
    out.jf[junctionOff_[2]] -= g;
    out.jf[junctionOff_[3]] += g;
    const double cm = mult_ * c;
    out.jq[junctionOff_[0]] += cm;
    out.jq[junctionOff_[1]] -= cm;
    out.jq[junctionOff_[2]] -= cm;
    out.jq[junctionOff_[3]] += cm;
    if (gs_ > 0) series_.load(out, ctx.x, a_, ai_, mult_ * gs_);
}

void Diode::topology(TopologyBuilder& t) const {
    t.terminal(a_, *this);
    t.terminal(k_, *this);
    t.dcPath(a_, ai_);
    t.dcPath(ai_, k_);
}

} // namespace spinspice
