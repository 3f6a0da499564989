#include "devices/mosfet.hpp"

#include "devices/param_table.hpp"
#include "solver/pattern.hpp"

#include <algorithm>
#include <cmath>

namespace spinspice {
namespace {
constexpr double kBoltzmannOverQ = 1.38064852e-23 / 1.6021766208e-19; // as ngspice 39
constexpr double kCelsiusToKelvin = 273.15;
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

MosModel MosModel::fromParams(const std::string& modelType, const std::map<std::string, double>& params) {
    const DeviceTypeInfo* info = findDeviceType("m");
    auto get = [&](const char* name) { return paramValue(*info->findModelParam(name), {}, &params); };
    MosModel m;
    m.type = modelType == "pmos" ? -1 : 1;
    m.vto = get("vto");
    m.kp = get("kp");
    m.kpGiven = params.count("kp") > 0;
    m.gamma = get("gamma");
    m.phi = get("phi");
    m.lambda = get("lambda");
    m.rd = get("rd");
    m.rs = get("rs");
    m.cbd = get("cbd");
    m.cbdGiven = params.count("cbd") > 0;
    m.cbs = get("cbs");
    m.cbsGiven = params.count("cbs") > 0;
    m.is = get("is");
    m.pb = get("pb");
    m.cgso = get("cgso");
    m.cgdo = get("cgdo");
    m.cgbo = get("cgbo");
    m.rsh = get("rsh");
    m.cj = get("cj");
    m.mj = get("mj");
    m.cjsw = get("cjsw");
    m.mjsw = get("mjsw");
    m.js = get("js");
    m.tox = get("tox");
    m.ld = get("ld");
    m.uo = get("uo");
    m.fc = get("fc");
    m.tnom = get("tnom");
    return m;
}

Mosfet::Mosfet(std::string name, SourceLoc loc, std::array<std::string, 4> nodes, const MosModel& model,
               const MosGeometry& geometry, double temp)
    : Device(std::move(name), std::move(loc)), nodeNames_(std::move(nodes)), model_(model), geo_(geometry) {
    vt_ = kBoltzmannOverQ * (temp + kCelsiusToKelvin);
    const double leff = geo_.l - 2.0 * model.ld;
    if (!(leff > 0))
        throw InputError(name_ + ": effective channel length L - 2 LD must be > 0", loc_, {},
                         "L = " + std::to_string(geo_.l) + " m, LD = " + std::to_string(model.ld) + " m");
    const double cox = model.tox > 0 ? kEpsOx / model.tox : 0.0;
    const double kp = (!model.kpGiven && model.tox > 0) ? model.uo * cox * 1e-4 : model.kp;
    beta_ = kp * geo_.w / leff * geo_.m;
    oxideCap_ = cox * leff * geo_.w * geo_.m;
    phi_ = model.phi;
    // Built-in threshold without body effect: von = type vbi + gamma sqrt(phi - vbs) (mos1temp.c).
    vbi_ = model.vto - model.type * model.gamma * std::sqrt(model.phi);
    const double rd = model.rd > 0 ? model.rd : model.rsh * geo_.nrd;
    const double rs = model.rs > 0 ? model.rs : model.rsh * geo_.nrs;
    gdrain_ = rd > 0 ? geo_.m / rd : 0.0;
    gsource_ = rs > 0 ? geo_.m / rs : 0.0;
    if (model.js == 0 || geo_.ad == 0 || geo_.as == 0) {
        drainSat_ = sourceSat_ = geo_.m * model.is;
    } else {
        drainSat_ = geo_.m * model.js * geo_.ad;
        sourceSat_ = geo_.m * model.js * geo_.as;
    }
    drainVcrit_ = vt_ * std::log(vt_ / (std::sqrt(2.0) * drainSat_));
    sourceVcrit_ = vt_ * std::log(vt_ / (std::sqrt(2.0) * sourceSat_));
    czbd_ = geo_.m * (model.cbdGiven ? model.cbd : model.cj * geo_.ad);
    czbs_ = geo_.m * (model.cbsGiven ? model.cbs : model.cj * geo_.as);
    czbdsw_ = geo_.m * model.cjsw * geo_.pd;
    czbssw_ = geo_.m * model.cjsw * geo_.ps;
}

void Mosfet::setup(SetupContext& ctx) {
    d_ = ctx.node(nodeNames_[0]);
    g_ = ctx.node(nodeNames_[1]);
    s_ = ctx.node(nodeNames_[2]);
    b_ = ctx.node(nodeNames_[3]);
    di_ = gdrain_ > 0 ? ctx.addUnknown(name_ + "#d", Nature::Voltage, false) : d_;
    si_ = gsource_ > 0 ? ctx.addUnknown(name_ + "#s", Nature::Voltage, false) : s_;
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
    c.von = vbi_ * model_.type + model_.gamma * sarg;
    const double vgst = vgs - c.von;
    c.vdsat = std::max(vgst, 0.0);
    const double arg = sarg > 0 ? model_.gamma / (sarg + sarg) : 0.0;
    if (vgst <= 0) return c; // cut off
    const double betap = beta_ * (1.0 + model_.lambda * vds);
    if (vgst <= vds) { // saturation
        c.id = betap * vgst * vgst * 0.5;
        c.gm = betap * vgst;
        c.gds = model_.lambda * beta_ * vgst * vgst * 0.5;
    } else { // linear region
        c.id = betap * vds * (vgst - 0.5 * vds);
        c.gm = betap * vds;
        c.gds = betap * (vgst - vds) + model_.lambda * beta_ * vds * (vgst - 0.5 * vds);
    }
    c.gmbs = c.gm * arg;
    return c;
}

// Depletion charge of a bulk junction (bottom + sidewall), linearly extrapolated above fc*pb.
double Mosfet::junctionCharge(double v, double czero, double czeroSw, double& cap) const {
    const double pb = model_.pb, mj = model_.mj, mjsw = model_.mjsw, fc = model_.fc;
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
    const double t = model_.type;
    const double* x = ctx.x;
    // Actual normalised terminal voltages.
    const double vgsA = t * (x[g_] - x[si_]), vdsA = t * (x[di_] - x[si_]), vbsA = t * (x[b_] - x[si_]);
    double vgs = vgsA, vds = vdsA, vbs = vbsA;
    bool limited = false;
    if (ctx.initJunctions) {
        if (geo_.off) {
            vgs = vds = vbs = 0;
        } else {
            vbs = -1.0;
            vgs = t * model_.vto;
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
    const double gmin = ctx.options->gmin;
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
    const double overlap[3] = {model_.cgso * geo_.w * geo_.m, model_.cgdo * geo_.w * geo_.m,
                               model_.cgbo * (geo_.l - 2.0 * model_.ld) * geo_.m};
    const double vGate[3] = {vgsA, vgsA - vdsA, vgsA - vbsA}; // gs, gd, gb
    double cap[3], q[3];
    const bool history = ctx.mode == AnalysisMode::Tran && acceptedOnce_;
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
void Mosfet::accept(const EvalContext& ctx) {
    if (ctx.mode != AnalysisMode::Tran) return;
    const double t = model_.type;
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
    const double overlap[3] = {model_.cgso * geo_.w * geo_.m, model_.cgdo * geo_.w * geo_.m,
                               model_.cgbo * (geo_.l - 2.0 * model_.ld) * geo_.m};
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

} // namespace spinspice
