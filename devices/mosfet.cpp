#include "devices/mosfet.hpp"

#include "models/constants.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spinspice {
namespace {
constexpr double kEpsOx = 3.9 * 8.854214871e-12; // F/m, SiO2 permittivity as in mos1temp.c
constexpr double kMaxExpArg = 709.0;

// ngspice devsup.c DEVfetlim: limit the gate-source step around the threshold.
double fetlim(double vnew, double vold, double vto) {
    const double vtsthi = std::fabs(2.0 * (vold - vto)) + 2.0;
    const double vtstlo = std::fabs(vold - vto) + 1.0;
    const double vtox = vto + 3.5;
    const double delv = vnew - vold;
    if (vold >= vto) {
        if (vold >= vtox) {
            if (delv <= 0) {
                if (vnew >= vtox) {
                    if (-delv > vtstlo) vnew = vold - vtstlo;
                } else {
                    vnew = std::max(vnew, vto + 2.0);
                }
            } else if (delv >= vtsthi) {
                vnew = vold + vtsthi;
            }
        } else {
            vnew = delv <= 0 ? std::max(vnew, vto - 0.5) : std::min(vnew, vto + 4.0);
        }
    } else if (delv <= 0) {
        if (-delv > vtsthi) vnew = vold - vtsthi;
    } else {
        const double vtemp = vto + 0.5;
        if (vnew <= vtemp) {
            if (delv > vtstlo) vnew = vold + vtstlo;
        } else {
            vnew = vtemp;
        }
    }
    return vnew;
}

// ngspice devsup.c DEVlimvds: limit the drain-source step.
double limvds(double vnew, double vold) {
    if (vold >= 3.5) {
        if (vnew > vold) return std::min(vnew, 3.0 * vold + 2.0);
        if (vnew < 3.5) return std::max(vnew, 2.0);
        return vnew;
    }
    return vnew > vold ? std::min(vnew, 4.0) : std::max(vnew, -0.5);
}

// ngspice devsup.c DEVpnjlim (with VACASK's log1p fix), for the bulk junctions.
double pnjlim(double vnew, double vold, double vt, double vcrit) {
    if (vnew > vcrit && std::fabs(vnew - vold) > 2.0 * vt) {
        if (vold > 0) {
            const double arg = (vnew - vold) / vt;
            return arg > 0 ? vold + vt * std::log1p(arg) : vcrit;
        }
        return vt * std::log(vnew / vt);
    }
    if (vnew < 0) {
        const double floor = vold > 0 ? -vold - 1.0 : 2.0 * vold - 1.0;
        if (vnew < floor) return floor;
    }
    return vnew;
}

// ngspice devsup.c DEVqmeyer: half of the Meyer gate capacitances (gs, gd, gb).
void meyer(double vgs, double vgd, double von, double vdsat, double phi, double cox, double& capgs, double& capgd,
           double& capgb) {
    constexpr double kMagicVds = 0.025;
    const double vgst = vgs - von;
    vdsat = std::max(vdsat, kMagicVds);
    if (vgst <= -phi) {
        capgb = cox / 2;
        capgs = capgd = 0;
    } else if (vgst <= -phi / 2) {
        capgb = -vgst * cox / (2 * phi);
        capgs = capgd = 0;
    } else if (vgst <= 0) {
        capgb = -vgst * cox / (2 * phi);
        capgs = vgst * cox / (1.5 * phi) + cox / 3;
        const double vds = vgs - vgd;
        if (vds >= vdsat) {
            capgd = 0;
        } else {
            const double vddif = 2.0 * vdsat - vds, vddif1 = vdsat - vds, vddif2 = vddif * vddif;
            capgd = capgs * (1.0 - vdsat * vdsat / vddif2);
            capgs = capgs * (1.0 - vddif1 * vddif1 / vddif2);
        }
    } else {
        const double vds = vgs - vgd;
        capgb = 0;
        if (vdsat <= vds) {
            capgs = cox / 3;
            capgd = 0;
        } else {
            const double vddif = 2.0 * vdsat - vds, vddif1 = vdsat - vds, vddif2 = vddif * vddif;
            capgd = cox * (1.0 - vdsat * vdsat / vddif2) / 3;
            capgs = cox * (1.0 - vddif1 * vddif1 / vddif2) / 3;
        }
    }
}

// Junction current and conductance (mos1load.c: linear below -3 vt).
void junctionCurrent(double v, double isat, double vt, double gmin, double& i, double& g) {
    if (v <= -3.0 * vt) {
        g = gmin;
        i = gmin * v - isat;
    } else {
        const double e = std::exp(std::min(kMaxExpArg, v / vt));
        g = isat * e / vt + gmin;
        i = isat * (e - 1.0) + gmin * v;
    }
}
} // namespace

Mosfet::Mosfet(const InstanceContext& c, const MosParams& p)
    : Device(c.name(), c.loc()), nodeNames_{c.nodes()[0], c.nodes()[1], c.nodes()[2], c.nodes()[3]}, p_(p),
      type_(c.model && c.model->type == "pmos" ? -1.0 : 1.0) {
    const MosParams& model = p;
    vt_ = constants::spice::boltzmannOverCharge * (p.temp.valueOr(c.env.temp) + constants::celsiusToKelvin);
    const double leff = p_.l - 2.0 * model.ld;
    if (!(leff > 0))
        throw InputError(name_ + ": effective channel length L - 2 LD must be > 0", loc_, {},
                         "L = " + std::to_string(p_.l) + " m, LD = " + std::to_string(model.ld) + " m");
    const double cox = model.tox > 0 ? kEpsOx / model.tox : 0.0;
    const double kp = (!model.kp.given && model.tox > 0) ? model.uo * cox * 1e-4 : model.kp.value;
    beta_ = kp * p_.w / leff * p_.mult;
    oxideCap_ = cox * leff * p_.w * p_.mult;
    phi_ = model.phi;
    // Built-in threshold without body effect: von = type vbi + gamma sqrt(phi - vbs) (mos1temp.c).
    vbi_ = model.vto - type_ * model.gamma * std::sqrt(model.phi);
    const double rd = model.rd > 0 ? model.rd : model.rsh * p_.nrd;
    const double rs = model.rs > 0 ? model.rs : model.rsh * p_.nrs;
    gdrain_ = rd > 0 ? p_.mult / rd : 0.0;
    gsource_ = rs > 0 ? p_.mult / rs : 0.0;
    if (model.js == 0 || p_.ad == 0 || p_.as == 0) {
        drainSat_ = sourceSat_ = p_.mult * model.is;
    } else {
        drainSat_ = p_.mult * model.js * p_.ad;
        sourceSat_ = p_.mult * model.js * p_.as;
    }
    drainVcrit_ = vt_ * std::log(vt_ / (std::sqrt(2.0) * drainSat_));
    sourceVcrit_ = vt_ * std::log(vt_ / (std::sqrt(2.0) * sourceSat_));
    czbd_ = p_.mult * (model.cbd.given ? model.cbd.value : model.cj * p_.ad);
    czbs_ = p_.mult * (model.cbs.given ? model.cbs.value : model.cj * p_.as);
    czbdsw_ = p_.mult * model.cjsw * p_.pd;
    czbssw_ = p_.mult * model.cjsw * p_.ps;
}

void Mosfet::setup(SetupContext& ctx) {
    d_ = ctx.node(nodeNames_[0]);
    g_ = ctx.node(nodeNames_[1]);
    s_ = ctx.node(nodeNames_[2]);
    b_ = ctx.node(nodeNames_[3]);
    di_ = gdrain_ > 0 ? ctx.internalNode(name_ + "#d") : d_;
    si_ = gsource_ > 0 ? ctx.internalNode(name_ + "#s") : s_;
    ctx.acceptSteps(); // the Meyer charges are integrated from the accepted point
}

DeviceTraits Mosfet::traits() const {
    const bool charge = oxideCap_ > 0 || p_.cgso > 0 || p_.cgdo > 0 || p_.cgbo > 0 || czbd_ > 0 || czbs_ > 0 ||
                        czbdsw_ > 0 || czbssw_ > 0;
    return {Linearity::Nonlinear, Chord::Unsafe, charge ? Charge::Present : Charge::None, Randomness::Deterministic};
}

void Mosfet::declare(PatternBuilder& pb) {
    const int n[4] = {di_, g_, si_, b_};
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c) block_[static_cast<std::size_t>(4 * r + c)] = pb.entry(n[r], n[c]);
    drainSeries_.declare(pb, d_, di_);
    sourceSeries_.declare(pb, s_, si_);
}

void Mosfet::bind(const PatternBuilder& pb) {
    for (int& o : block_) o = pb.offset(o);
    drainSeries_.bind(pb);
    sourceSeries_.bind(pb);
}

// Shichman-Hodges drain current for normalised vgs, vds >= 0, vbs (mos1load.c).
Mosfet::Channel Mosfet::channel(double vgs, double vds, double vbs) const {
    double sarg;
    if (vbs <= 0) {
        sarg = std::sqrt(phi_ - vbs);
    } else {
        sarg = std::sqrt(phi_);
        sarg = std::max(0.0, sarg - vbs / (sarg + sarg));
    }
    Channel c{};
    c.von = vbi_ * type_ + p_.gamma * sarg;
    const double vgst = vgs - c.von;
    c.vdsat = std::max(vgst, 0.0);
    // d von / d(-vbs) / gamma: 1/(2 sarg) on the square-root branch; on the linear extension for vbs > 0
    // it is 1/(2 sqrt(phi)) (mos1load.c uses 1/(2 sarg) there too, which is not the derivative of its
    // own current: the converged solutions agree, only Newton's path differs).
    const double arg = sarg <= 0 ? 0.0 : vbs <= 0 ? p_.gamma / (sarg + sarg) : p_.gamma / (2.0 * std::sqrt(phi_));
    if (vgst <= 0) return c; // cut off
    const double betap = beta_ * (1.0 + p_.lambda * vds);
    if (vgst <= vds) { // saturation
        c.id = betap * vgst * vgst * 0.5;
        c.gm = betap * vgst;
        c.gds = p_.lambda * beta_ * vgst * vgst * 0.5;
    } else { // linear region
        c.id = betap * vds * (vgst - 0.5 * vds);
        c.gm = betap * vds;
        c.gds = betap * (vgst - vds) + p_.lambda * beta_ * vds * (vgst - 0.5 * vds);
    }
    c.gmbs = c.gm * arg;
    return c;
}

// Depletion charge of a bulk junction (bottom + sidewall), linearly extrapolated above fc*pb.
double Mosfet::junctionCharge(double v, double czero, double czeroSw, double& cap) const {
    const double pb = p_.pb, mj = p_.mj, mjsw = p_.mjsw, fc = p_.fc;
    if (czero == 0 && czeroSw == 0) {
        cap = 0;
        return 0;
    }
    if (v < fc * pb) {
        const double arg = 1.0 - v / pb;
        const double sarg = std::exp(-mj * std::log(arg)), sargsw = std::exp(-mjsw * std::log(arg));
        cap = czero * sarg + czeroSw * sargsw;
        return pb * (czero * (1.0 - arg * sarg) / (1.0 - mj) + czeroSw * (1.0 - arg * sargsw) / (1.0 - mjsw));
    }
    const double arg = 1.0 - fc;
    const double sarg = std::exp(-mj * std::log(arg)), sargsw = std::exp(-mjsw * std::log(arg));
    const double f2 = czero * (1.0 - fc * (1.0 + mj)) * sarg / arg + czeroSw * (1.0 - fc * (1.0 + mjsw)) * sargsw / arg;
    const double f3 = czero * mj * sarg / arg / pb + czeroSw * mjsw * sargsw / arg / pb;
    const double vfc = fc * pb;
    const double f4 = czero * pb * (1.0 - arg * sarg) / (1.0 - mj) +
                      czeroSw * pb * (1.0 - arg * sargsw) / (1.0 - mjsw) - f3 / 2.0 * vfc * vfc - vfc * f2;
    cap = f2 + f3 * v;
    return f4 + v * (f2 + v * f3 / 2.0);
}

void Mosfet::eval(const EvalContext& ctx, LoadBuffers& out) {
    const double t = type_;
    const double* x = ctx.x;
    // Actual normalised terminal voltages.
    const double vgsA = t * (x[g_] - x[si_]), vdsA = t * (x[di_] - x[si_]), vbsA = t * (x[b_] - x[si_]);
    double vgs = vgsA, vds = vdsA, vbs = vbsA;
    bool limited = false;
    if (ctx.initJunctions) {
        if (p_.off) {
            vgs = vds = vbs = 0;
        } else {
            vbs = -1.0;
            vgs = t * p_.vto;
            vds = 0.0;
        }
        limited = true;
    } else if (haveOld_) {
        double vgd = vgs - vds;
        if (vdsOld_ >= 0) {
            vgs = fetlim(vgs, vgsOld_, vonOld_);
            vds = limvds(vgs - vgd, vdsOld_);
        } else {
            vgd = fetlim(vgd, vgsOld_ - vdsOld_, vonOld_);
            vds = -limvds(-(vgs - vgd), -vdsOld_);
            vgs = vgd + vds;
        }
        if (vds >= 0) {
            vbs = pnjlim(vbs, vbsOld_, vt_, sourceVcrit_);
        } else {
            const double vbd = pnjlim(vbs - vds, vbsOld_ - vdsOld_, vt_, drainVcrit_);
            vbs = vbd + vds;
        }
        const double tol = 1e-12 * (1.0 + std::fabs(vgsA) + std::fabs(vdsA) + std::fabs(vbsA));
        limited = std::fabs(vgs - vgsA) > tol || std::fabs(vds - vdsA) > tol || std::fabs(vbs - vbsA) > tol;
    }
    haveOld_ = true;
    if (limited) out.limited++;
    const double vbd = vbs - vds, vgd = vgs - vds, vgb = vgs - vbs;

    // Currents (normalised) and their sensitivities to (vgs, vds, vbs).
    struct Sens {
        double gs = 0, ds = 0, bs = 0;
    };
    const double gmin = ctx.env->gmin;
    double cbs, gbs, cbd, gbd;
    junctionCurrent(vbs, sourceSat_, vt_, gmin, cbs, gbs);
    junctionCurrent(vbd, drainSat_, vt_, gmin, cbd, gbd);
    const bool forward = vds >= 0;
    const Channel ch = forward ? channel(vgs, vds, vbs) : channel(vgd, -vds, vbd);
    vonOld_ = ch.von;
    vgsOld_ = vgs;
    vdsOld_ = vds;
    vbsOld_ = vbs;
    double cd;
    Sens scd;
    if (forward) {
        cd = ch.id;
        scd = {ch.gm, ch.gds, ch.gmbs};
    } else { // source and drain swap roles: cd = -id(vgd, vsd, vbd)
        cd = -ch.id;
        scd = {-ch.gm, ch.gm + ch.gds + ch.gmbs, -ch.gmbs};
    }
    const Sens sbd{0, -gbd, gbd}, sbs{0, 0, gbs};
    // Terminal currents leaving the nodes into the device: D, G, S, B.
    const double current[4] = {cd - cbd, 0.0, -cd - cbs, cbd + cbs};
    const Sens sens[4] = {{scd.gs - sbd.gs, scd.ds - sbd.ds, scd.bs - sbd.bs},
                          {},
                          {-scd.gs - sbs.gs, -scd.ds - sbs.ds, -scd.bs - sbs.bs},
                          {sbd.gs + sbs.gs, sbd.ds + sbs.ds, sbd.bs + sbs.bs}};
    const double dgs = vgsA - vgs, dds = vdsA - vds, dbs = vbsA - vbs; // linearisation offsets
    const int nodes[4] = {di_, g_, si_, b_};
    auto stamp = [&](double* values, const Sens* s) {
        for (int r = 0; r < 4; ++r) {
            const Sens& e = s[r];
            // Columns: D <- ds, G <- gs, S <- -(gs + ds + bs), B <- bs.
            values[block_[static_cast<std::size_t>(4 * r + 0)]] += e.ds;
            values[block_[static_cast<std::size_t>(4 * r + 1)]] += e.gs;
            values[block_[static_cast<std::size_t>(4 * r + 2)]] -= e.gs + e.ds + e.bs;
            values[block_[static_cast<std::size_t>(4 * r + 3)]] += e.bs;
        }
    };
    for (int r = 0; r < 4; ++r)
        if (r != 1) addF(out, nodes[r], t * (current[r] + sens[r].gs * dgs + sens[r].ds * dds + sens[r].bs * dbs));
    stamp(out.jf, sens);

    // Charges: bulk junctions (conserving) and Meyer gate charges (incremental, see header).
    double capbs, capbd;
    const double qbs = junctionCharge(vbsA, czbs_, czbssw_, capbs);
    const double qbd = junctionCharge(vbsA - vdsA, czbd_, czbdsw_, capbd);
    if (forward)
        meyer(vgs, vgd, ch.von, ch.vdsat, phi_, oxideCap_, capHalfNow_[0], capHalfNow_[1], capHalfNow_[2]);
    else
        meyer(vgd, vgs, ch.von, ch.vdsat, phi_, oxideCap_, capHalfNow_[1], capHalfNow_[0], capHalfNow_[2]);
    const double overlap[3] = {p_.cgso * p_.w * p_.mult, p_.cgdo * p_.w * p_.mult,
                               p_.cgbo * (p_.l - 2.0 * p_.ld) * p_.mult};
    const double vGate[3] = {vgsA, vgsA - vdsA, vgsA - vbsA}; // gs, gd, gb
    double cap[3], q[3];
    const bool history = acceptedOnce_; // a transient step after an accepted point
    for (int k = 0; k < 3; ++k) {
        cap[k] = (history ? capHalfNow_[k] + capHalfAcc_[k] : 2.0 * capHalfNow_[k]) + overlap[k];
        q[k] = history ? qAcc_[k] + cap[k] * (vGate[k] - vAcc_[k]) : cap[k] * vGate[k];
    }
    (void)vgb;
    const double charge[4] = {-q[1] - qbd, q[0] + q[1] + q[2], -q[0] - qbs, -q[2] + qbs + qbd};
    const Sens qs[4] = {{-cap[1], cap[1] + capbd, -capbd},
                        {cap[0] + cap[1] + cap[2], -cap[1], -cap[2]},
                        {-cap[0], 0, -capbs},
                        {-cap[2], -capbd, cap[2] + capbs + capbd}};
    for (int r = 0; r < 4; ++r) addQ(out, nodes[r], t * charge[r]);
    stamp(out.jq, qs);

    if (gdrain_ > 0) drainSeries_.load(out, x, d_, di_, gdrain_);
    if (gsource_ > 0) sourceSeries_.load(out, x, s_, si_, gsource_);
}

// The accepted point becomes the Meyer reference: its half capacitances, voltages and charges.
void Mosfet::accept(const AcceptContext& ctx, DeviceClock&) {
    const double t = type_;
    const double* x = ctx.x;
    const double vgs = t * (x[g_] - x[si_]), vds = t * (x[di_] - x[si_]), vbs = t * (x[b_] - x[si_]);
    const double vgd = vgs - vds;
    const bool forward = vds >= 0;
    const Channel ch = forward ? channel(vgs, vds, vbs) : channel(vgd, -vds, vbs - vds);
    std::array<double, 3> half{};
    if (forward)
        meyer(vgs, vgd, ch.von, ch.vdsat, phi_, oxideCap_, half[0], half[1], half[2]);
    else
        meyer(vgd, vgs, ch.von, ch.vdsat, phi_, oxideCap_, half[1], half[0], half[2]);
    const double overlap[3] = {p_.cgso * p_.w * p_.mult, p_.cgdo * p_.w * p_.mult,
                               p_.cgbo * (p_.l - 2.0 * p_.ld) * p_.mult};
    const double v[3] = {vgs, vgd, vgs - vbs};
    for (int k = 0; k < 3; ++k) {
        const double cap = (acceptedOnce_ ? half[k] + capHalfAcc_[k] : 2.0 * half[k]) + overlap[k];
        qAcc_[k] = acceptedOnce_ ? qAcc_[k] + cap * (v[k] - vAcc_[k]) : cap * v[k];
        vAcc_[k] = v[k];
        capHalfAcc_[k] = half[k];
    }
    acceptedOnce_ = true;
}

void Mosfet::topology(TopologyBuilder& t) const {
    for (int n : {d_, g_, s_, b_}) t.terminal(n, *this);
    t.dcPath(d_, di_);
    t.dcPath(s_, si_);
    t.dcPath(di_, si_); // channel (and gmin across the junctions)
    t.dcPath(di_, b_);
    t.dcPath(si_, b_);
}

namespace {
const ParamTable<MosParams> kMosParams{
    param("l", &MosParams::l, 100e-6, "m", "channel length").positive().instance(),
    param("w", &MosParams::w, 100e-6, "m", "channel width").positive().instance(),
    param("ad", &MosParams::ad, 0, "m^2", "drain diffusion area").nonNegative().instance(),
    param("as", &MosParams::as, 0, "m^2", "source diffusion area").nonNegative().instance(),
    param("pd", &MosParams::pd, 0, "m", "drain perimeter").nonNegative().instance(),
    param("ps", &MosParams::ps, 0, "m", "source perimeter").nonNegative().instance(),
    param("nrd", &MosParams::nrd, 1, "", "drain squares (with rsh)").nonNegative().instance(),
    param("nrs", &MosParams::nrs, 1, "", "source squares (with rsh)").nonNegative().instance(),
    param("m", &MosParams::mult, 1, "", "parallel multiplier").positive().instance(),
    flagParam("off", &MosParams::off, false, "start the operating point with the device off").instance(),
    param("temp", &MosParams::temp, 27, "degC", "instance temperature (default: circuit temperature)").instance(),
    integerParam("level", &MosParams::level, 1, 1, 1, "model level (only 1)"),
    param("vto", &MosParams::vto, 0, "V", "zero-bias threshold voltage (negative for enhancement PMOS)"),
    param("kp", &MosParams::kp, 2e-5, "A/V^2", "transconductance parameter (default uo*cox when tox is given)")
        .nonNegative(),
    param("gamma", &MosParams::gamma, 0, "V^0.5", "body-effect coefficient").nonNegative(),
    param("phi", &MosParams::phi, 0.6, "V", "surface potential").positive(),
    param("lambda", &MosParams::lambda, 0, "1/V", "channel-length modulation").nonNegative(),
    param("rd", &MosParams::rd, 0, "ohm", "drain series resistance").nonNegative(),
    param("rs", &MosParams::rs, 0, "ohm", "source series resistance").nonNegative(),
    param("cbd", &MosParams::cbd, 0, "F", "zero-bias bulk-drain capacitance").nonNegative(),
    param("cbs", &MosParams::cbs, 0, "F", "zero-bias bulk-source capacitance").nonNegative(),
    param("is", &MosParams::is, 1e-14, "A", "bulk junction saturation current").positive(),
    param("pb", &MosParams::pb, 0.8, "V", "bulk junction potential").positive(),
    param("cgso", &MosParams::cgso, 0, "F/m", "gate-source overlap capacitance per width").nonNegative(),
    param("cgdo", &MosParams::cgdo, 0, "F/m", "gate-drain overlap capacitance per width").nonNegative(),
    param("cgbo", &MosParams::cgbo, 0, "F/m", "gate-bulk overlap capacitance per length").nonNegative(),
    param("rsh", &MosParams::rsh, 0, "ohm/sq", "drain/source diffusion sheet resistance").nonNegative(),
    param("cj", &MosParams::cj, 0, "F/m^2", "bulk junction bottom capacitance per area").nonNegative(),
    param("mj", &MosParams::mj, 0.5, "", "bottom grading coefficient").range(0, 0.99),
    param("cjsw", &MosParams::cjsw, 0, "F/m", "sidewall capacitance per perimeter").nonNegative(),
    param("mjsw", &MosParams::mjsw, 0.5, "", "sidewall grading coefficient").range(0, 0.99),
    param("js", &MosParams::js, 0, "A/m^2", "bulk junction saturation current density").nonNegative(),
    param("tox", &MosParams::tox, 0, "m", "oxide thickness (0: no Meyer gate capacitance, as ngspice)").nonNegative(),
    param("ld", &MosParams::ld, 0, "m", "lateral diffusion").nonNegative(),
    param("uo", &MosParams::uo, 600, "cm^2/Vs", "surface mobility").positive(),
    param("fc", &MosParams::fc, 0.5, "", "forward-bias depletion capacitance coefficient").range(0, 0.95),
    param("tnom", &MosParams::tnom, 27, "degC", "parameter measurement temperature"),
};

const DeviceRegistration kRegistration{elementType<Mosfet>(
    'm',
    "MOSFET level 1 (Shichman-Hodges): Mname drain gate source bulk model [l=] [w=] [ad=] [as=] [pd=] [ps=] [nrd=] "
    "[nrs=] [m=] [off]",
    kMosParams, {}, {"nmos", "pmos"}, 4)};
} // namespace

} // namespace spinspice
