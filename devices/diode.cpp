#include "devices/diode.hpp"

#include "models/constants.hpp"

#include <cmath>
#include <limits>
#include <numbers>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

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

Diode::Diode(const InstanceContext& c, const DiodeParams& p)
    : Diode(c.name(), {c.nodes()[0], c.nodes()[1]}, p, p.temp.valueOr(c.env.temp)) {
    loc_ = c.loc();
}

Diode::Diode(std::string name, std::array<std::string, 2> nodes, const DiodeParams& p, double temp)
    : Device(std::move(name), {}), nodeNames_(std::move(nodes)), p_(p) {
    const double tempK = temp + constants::celsiusToKelvin;
    const double tnomK = p.tnom + constants::celsiusToKelvin;
    const double area = p.area;
    bvGiven_ = p.bv.given && std::isfinite(p.bv.value);
    vt_ = constants::spice::boltzmannOverCharge * tempK;
    vte_ = p.n * vt_;
    // Saturation current temperature scaling (SPICE: IS(T) = IS (T/Tnom)^(XTI/N) exp(EG/(N vt)(T/Tnom - 1))).
    const double ratio = tempK / tnomK;
    isat_ = p.is * area * std::exp((ratio - 1.0) * p.eg / vte_ + p.xti / p.n * std::log(ratio));
    vcrit_ = vte_ * std::log(vte_ / (std::sqrt(2.0) * isat_));
    gs_ = p.rs > 0 ? area / p.rs : 0.0;
    czero_ = (p.cjo.given ? p.cjo.value : p.cj0.value) * area;
    // Depletion-charge constants (SPICE2/3): F1 = VJ (1 - (1-FC)^(1-M)) / (1-M), F2 = (1-FC)^(1+M), F3 = 1 - FC (1+M).
    f1_ = p.vj * (1.0 - std::pow(1.0 - p.fc, 1.0 - p.grading)) / (1.0 - p.grading);
    f2_ = std::pow(1.0 - p.fc, 1.0 + p.grading);
    f3_ = 1.0 - p.fc * (1.0 + p.grading);
    depletionLimit_ = p.fc * p.vj;
    // Effective breakdown voltage: the current at -BV equals IBV (ngspice 39 diotemp.c, with the
    // breakdown emission coefficient NBV = N).
    if (bvGiven_) {
        const double bv = p.bv.value;
        const double cbv = p.ibv * area;
        double xbv = bv;
        if (cbv >= isat_ * bv / vt_) {
            xbv = bv - vte_ * std::log(1.0 + cbv / isat_);
            for (int iter = 0; iter < 50; ++iter) {
                xbv = bv - vte_ * std::log(cbv / isat_ + 1.0 - xbv / vt_);
                const double xcbv = isat_ * (std::exp((bv - xbv) / vte_) - 1.0 + xbv / vt_);
                if (std::fabs(xcbv - cbv) <= 1e-12 * cbv) break;
            }
        }
        bvEff_ = xbv;
    }
}

DeviceTraits Diode::traits() const {
    const bool charge = czero_ > 0 || p_.tt > 0;
    return {Linearity::Nonlinear, Chord::Unsafe, charge ? Charge::Present : Charge::None, Randomness::Deterministic};
}

void Diode::setup(SetupContext& ctx) {
    a_ = ctx.node(nodeNames_[0]);
    k_ = ctx.node(nodeNames_[1]);
    ai_ = gs_ > 0 ? ctx.internalNode(name_ + "#a") : a_;
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
    } else if (!bvGiven_ || vd >= -bvEff_) {
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
        const double vj = p_.vj, m = p_.grading;
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
    q = p_.tt * id + qDep;
    c = p_.tt * gd + cDep;
}

void Diode::eval(const EvalContext& ctx, LoadBuffers& out) {
    const double gmin = ctx.env->gmin;
    const double vdActual = ctx.x[ai_] - ctx.x[k_];
    double vd = vdActual;
    bool limited = false;
    if (ctx.useInitialConditions && p_.ic.given) {
        vd = p_.ic.value;
    } else if (ctx.initJunctions) {
        vd = p_.off ? 0.0 : (p_.ic.given ? p_.ic.value : vcrit_);
        limited = true;
    } else {
        if (bvGiven_ && vd < std::min(0.0, -bvEff_ + 10.0 * vte_)) {
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
    const double i = p_.mult * (id + gd * dv);
    const double g = p_.mult * gd;
    addF(out, ai_, i);
    addF(out, k_, -i);
    const double qj = p_.mult * (q + c * dv);
    addQ(out, ai_, qj);
    addQ(out, k_, -qj);
    out.jf[junctionOff_[0]] += g;
    out.jf[junctionOff_[1]] -= g;
    out.jf[junctionOff_[2]] -= g;
    out.jf[junctionOff_[3]] += g;
    const double cm = p_.mult * c;
    out.jq[junctionOff_[0]] += cm;
    out.jq[junctionOff_[1]] -= cm;
    out.jq[junctionOff_[2]] -= cm;
    out.jq[junctionOff_[3]] += cm;
    if (gs_ > 0) series_.load(out, ctx.x, a_, ai_, p_.mult * gs_);
}

void Diode::topology(TopologyBuilder& t) const {
    t.terminal(a_, *this);
    t.terminal(k_, *this);
    t.dcPath(a_, ai_);
    t.dcPath(ai_, k_);
}

namespace {
const ParamTable<DiodeParams> kDiodeParams{
    param("area", &DiodeParams::area, 1, "", "area factor (scales IS, CJO, IBV; divides RS)").positive().instance(),
    param("m", &DiodeParams::mult, 1, "", "parallel multiplier").positive().instance(),
    flagParam("off", &DiodeParams::off, false, "start the operating point with the junction off").instance(),
    param("ic", &DiodeParams::ic, 0, "V", "initial junction voltage (used with uic)").instance(),
    param("temp", &DiodeParams::temp, 27, "degC", "instance temperature (default: circuit temperature)").instance(),
    param("is", &DiodeParams::is, 1e-14, "A", "saturation current").positive(),
    param("n", &DiodeParams::n, 1, "", "emission coefficient").positive(),
    param("rs", &DiodeParams::rs, 0, "ohm", "ohmic series resistance").nonNegative(),
    param("cjo", &DiodeParams::cjo, 0, "F", "zero-bias junction capacitance").nonNegative(),
    param("cj0", &DiodeParams::cj0, 0, "F", "alias of cjo").nonNegative(),
    param("vj", &DiodeParams::vj, 1, "V", "junction potential").positive(),
    param("m", &DiodeParams::grading, 0.5, "", "grading coefficient").range(0, 0.9),
    param("tt", &DiodeParams::tt, 0, "s", "transit time (diffusion charge tt*id)").nonNegative(),
    param("bv", &DiodeParams::bv, kInf, "V", "reverse breakdown voltage (magnitude)").positive(),
    param("ibv", &DiodeParams::ibv, 1e-3, "A", "current at breakdown voltage").positive(),
    param("fc", &DiodeParams::fc, 0.5, "", "forward-bias depletion capacitance coefficient").range(0, 0.95),
    param("eg", &DiodeParams::eg, 1.11, "eV", "activation energy").positive(),
    param("xti", &DiodeParams::xti, 3, "", "saturation-current temperature exponent"),
    param("tnom", &DiodeParams::tnom, 27, "degC", "temperature at which the parameters were measured"),
    integerParam("level", &DiodeParams::level, 1, 1, 1, "model level (only 1)"),
};

const DeviceRegistration kRegistration{
    elementType<Diode>('d', "Junction diode (SPICE level 1): Dname anode cathode model [area] [off] [ic=vd] [m=]",
                       kDiodeParams, {}, {"d"})};
} // namespace

} // namespace spinspice
