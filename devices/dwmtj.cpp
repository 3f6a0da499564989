// `dwmtj`: two-terminal domain-wall MTJ memristor (device-physics.md section 2.4).
//
//   Nname a b model [q0=] [phi0=]        .model model dwmtj (mode= len= xlo= xhi= rp= tmr= ...)
//
// Two terminals: read and write share one current path (the Lequeux et al., Sci. Rep. 6, 31510 (2016)
// multilevel synapse: the current that reads the MTJ also drives the wall), so the element is a
// memristor I = G(q) V whose own current density J = I/S (S = wtr * ttr, the cross-section the drive
// current flows through) moves the wall. A three-terminal cell with a separate write strip is not
// modelled here (compose it from this element driven by a controlled source, or see `sotmtj`).
//
// Electrical (eq. 2.8, Lequeux 2016; = Edwards' kinematic-model Req): the wall at q splits the MTJ
// window [xlo, xhi] into a parallel (x > q) and an antiparallel (x < q) area conducting in parallel:
//   G(q) = f_P G_P + (1 - f_P) G_AP,   f_P = (xhi - q)/(xhi - xlo) clipped to [0, 1],   G_AP = G_P/(1 + TMR).
// I flows from a to b; J = I/S > 0 is the +x current direction of eq. 2.9.
//
// Dynamics, in the f/q form q_state = (q, phi), f = -rate:
//  mode=1 (1D collective coordinates, eq. 2.9, Thiaville EPL 100, 57002 (2012); Emori Nat. Mater. 12,
//   611 (2013); form of cmtj/models/domain_dynamics.py):
//     Gamma_a = gamma0 [-(H_K/2) sin 2phi - (pi/2) H_y cos phi + (pi/2) H_x sin phi + Q (pi/2) H_D sin phi] + u/Dw
//     Gamma_b = gamma0 Q [H_z + H_pin(q) + (pi/2) H_SH cos phi] + beta u/Dw
//     (1 + alpha^2) dq/dt = Dw (Gamma_a + alpha Gamma_b),   (1 + alpha^2) dphi/dt = Gamma_b - alpha Gamma_a
//   with Dw = sqrt(A/K_eff), H_D = D/(mu0 Ms Dw), H_SH = hbar theta_SH J/(2 e mu0 Ms t_F) (eq. 1.3),
//   u = g muB P J/(2 e Ms) (g = 2), and H_pin(q) = -hpin sin(2 pi q/ppin), i.e. V_pin = V0 sin^2(pi q/ppin)
//   with hpin = pi V0/(2 mu0 Ms Ly Lz ppin).
//  mode=2 (fitted, behavioural, section 2.4): dq/dt = mu (|J| - J_dep) sign(J) for |J| > J_dep, else 0.
// Hard ends: q is clamped to [0, len] on every accepted step (projection), and a wall at an end driven
// outward stays (rate 0); DC analyses hold q at q0.
// All Jacobians are exact (the clipping of f_P and the threshold of mode 2 are kinks: one-sided values).
#include "devices/registry.hpp"
#include "devices/stamps.hpp"
#include "models/constants.hpp"
#include "models/macrospin.hpp"

#include <algorithm>
#include <cmath>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

struct DwMtjParams {
    int mode = 1;
    double len = 200e-9, xlo = 0;
    OptionalValue xhi;
    double rp = 1e3, tmr = 1.0, wtr = 50e-9, ttr = 1e-9, ms = 1.1e6, aex = 1.5e-11, keff = 8e5, dmi = 0, alpha = 0.1,
           tf = 0.6e-9, thetash = 0, pol = 0, beta = 0, hkw = 0, hx = 0, hy = 0, hz = 0, qw = 1, hpin = 0, ppin = 10e-9,
           mu = 1e-10, jdep = 1e11, q0 = 0, phi0 = 0;
    bool dcrelax = false;
};

class DwMtj : public Device {
public:
    DwMtj(const InstanceContext& c, const DwMtjParams& p)
        : Device(c.name(), c.loc()), nodeNames_{c.nodes()[0], c.nodes()[1]},
          dc_(p.dcrelax ? DcBehaviour::Relaxed : DcBehaviour::Held) {
        oneD_ = p.mode == 1;
        length_ = p.len;
        xlo_ = p.xlo;
        xhi_ = p.xhi.valueOr(length_);
        if (!(xlo_ < xhi_)) c.fail("the MTJ window needs xlo < xhi");
        gp_ = 1.0 / p.rp;
        gap_ = gp_ / (1.0 + p.tmr);
        section_ = p.wtr * p.ttr;
        q0_ = std::clamp(p.q0, 0.0, length_);
        phi0_ = p.phi0;
        // Dw = sqrt(A/K_eff); H_D = D/(mu0 Ms Dw) (eq. 2.9 definitions).
        wallWidth_ = std::sqrt(p.aex / p.keff);
        hd_ = p.dmi / (constants::mu0 * p.ms * wallWidth_);
        hk_ = p.hkw;
        hx_ = p.hx;
        hy_ = p.hy;
        hz_ = p.hz;
        chirality_ = p.qw >= 0 ? 1.0 : -1.0;
        alpha_ = p.alpha;
        beta_ = p.beta;
        // dH_SH/dJ = hbar theta_SH/(2 e mu0 Ms t_F) (eq. 1.3); du/dJ = g muB P/(2 e Ms), g = 2.
        hshPerJ_ = macrospin::sotDampingLikeField(p.thetash, 1.0, p.ms, p.tf);
        uPerJ_ = constants::bohrMagneton * p.pol / (constants::elementaryCharge * p.ms);
        hpin_ = p.hpin;
        kpin_ = 2.0 * constants::pi / p.ppin;
        mobility_ = p.mu;
        jdep_ = p.jdep;
        if (oneD_) { // 1/20 of the precession period in the largest static field
            const double field = std::fabs(hk_) + std::fabs(hd_) + std::hypot(hx_, hy_, hz_) + std::fabs(hpin_);
            maxStep_ = field > 0 ? 2.0 * constants::pi / (constants::gammaMu0 * field) / 20.0 : kInf;
        }
        // Parameters each in range can still combine into overflowing quantities: refuse them here.
        const bool finite = std::isfinite(wallWidth_) && wallWidth_ > 0 && std::isfinite(hd_) &&
                            std::isfinite(hshPerJ_) && std::isfinite(uPerJ_) && std::isfinite(kpin_) &&
                            std::isfinite(gp_) && gp_ > 0 && std::isfinite(gap_) && std::isfinite(1.0 / section_) &&
                            maxStep_ > 0;
        if (!finite)
            c.fail("the parameters give a non-finite wall width, field, drive coefficient or precession frequency",
                   "check the magnitudes of its parameters (fields in A/m, lengths in m, energies in J/m^3)");
        // Fields beyond any material or laboratory (126 T) are parameter mistakes (dmi in J/m^2 is ~1e-3).
        const double field = std::max({std::fabs(hk_), std::fabs(hd_), std::hypot(hx_, hy_, hz_), std::fabs(hpin_)});
        if (field > 1e8)
            c.fail("a field of " + formatParamNumber(field) + " A/m is beyond any magnet (limit 1e8 A/m = 126 T)",
                   "check dmi (J/m^2, typically 1e-3), hkw, hpin and the applied field");
    }
    DeviceTraits traits() const override {
        return {Linearity::Nonlinear, Chord::Unsafe, Charge::Present, Randomness::Deterministic};
    }
    void beginTransient(const TransientWindow&, DeviceClock& clock) override { clock.limitStep(maxStep_); }

    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodeNames_[0]);
        b_ = ctx.node(nodeNames_[1]);
        // Tolerances: 1e-12 m on q (a thousandth of a nm), 1e-6 rad on phi.
        q_ = ctx.state({name_ + ".q", 1e-12, q0_, dc_});
        if (oneD_) phi_ = ctx.state({name_ + ".phi", 1e-6, phi0_, dc_});
        ctx.projectStates();
    }
    void declare(PatternBuilder& pb) override {
        conductance_.declare(pb, a_, b_);
        nodeToQ_[0] = pb.entry(a_, q_);
        nodeToQ_[1] = pb.entry(b_, q_);
        const int states[2] = {q_, oneD_ ? phi_ : q_};
        const int nStates = oneD_ ? 2 : 1;
        for (int k = 0; k < nStates; ++k) {
            stateToNode_[k][0] = pb.entry(states[k], a_);
            stateToNode_[k][1] = pb.entry(states[k], b_);
            for (int j = 0; j < nStates; ++j) stateToState_[k][j] = pb.entry(states[k], states[j]);
        }
    }
    void bind(const PatternBuilder& pb) override {
        conductance_.bind(pb);
        for (int& o : nodeToQ_) o = pb.offset(o);
        const int nStates = oneD_ ? 2 : 1;
        for (int k = 0; k < nStates; ++k) {
            for (int& o : stateToNode_[k]) o = pb.offset(o);
            for (int j = 0; j < nStates; ++j) stateToState_[k][j] = pb.offset(stateToState_[k][j]);
        }
    }

    // Hard ends of the track: q in [0, len].
    Projection projectState(double* x, double*) const override {
        const double q = std::clamp(x[q_], 0.0, length_);
        if (q == x[q_]) return Projection::None;
        x[q_] = q;
        return Projection::Small;
    }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double* x = ctx.x;
        const double q = x[q_];
        const double v = x[a_] - x[b_];
        // Eq. 2.8: G(q) = f_P G_P + (1 - f_P) G_AP, f_P = (xhi - q)/(xhi - xlo) clipped.
        const double fp = std::clamp((xhi_ - q) / (xhi_ - xlo_), 0.0, 1.0);
        const double dfp = (q > xlo_ && q < xhi_) ? -1.0 / (xhi_ - xlo_) : 0.0;
        const double g = fp * gp_ + (1.0 - fp) * gap_;
        const double dgdq = dfp * (gp_ - gap_);
        const double current = g * v;
        addF(out, a_, current);
        addF(out, b_, -current);
        conductance_.add(out.jf, g);
        out.jf[nodeToQ_[0]] += v * dgdq;
        out.jf[nodeToQ_[1]] -= v * dgdq;
        // Drive current density J = I/S and its derivatives.
        const double j = current / section_;
        const double djdv = g / section_, djdq = v * dgdq / section_;
        addQ(out, q_, q);
        out.jq[stateToState_[0][0]] += 1.0;
        if (!oneD_) {
            // Fitted: dq/dt = mu (|J| - J_dep) sign(J) above the depinning threshold, 0 below.
            const bool moving = std::fabs(j) > jdep_ && !heldByEnd(q, j);
            const double rate = moving ? mobility_ * (std::fabs(j) - jdep_) * (j > 0 ? 1.0 : -1.0) : 0.0;
            const double dRatedJ = moving ? mobility_ : 0.0;
            addF(out, q_, -rate);
            out.jf[stateToState_[0][0]] -= dRatedJ * djdq;
            out.jf[stateToNode_[0][0]] -= dRatedJ * djdv;
            out.jf[stateToNode_[0][1]] += dRatedJ * djdv;
            return;
        }
        // 1D (q, phi) model, eq. 2.9.
        const double phi = x[phi_];
        const double gamma0 = constants::gammaMu0, halfPi = constants::pi / 2.0;
        const double sp = std::sin(phi), cp = std::cos(phi);
        const double u = uPerJ_ * j, hsh = hshPerJ_ * j;
        const double hpin = -hpin_ * std::sin(kpin_ * q);
        const double dhpin = -hpin_ * kpin_ * std::cos(kpin_ * q);
        const double ga = gamma0 * (-0.5 * hk_ * std::sin(2.0 * phi) - halfPi * hy_ * cp + halfPi * hx_ * sp +
                                    chirality_ * halfPi * hd_ * sp) +
                          u / wallWidth_;
        const double gb = gamma0 * chirality_ * (hz_ + hpin + halfPi * hsh * cp) + beta_ * u / wallWidth_;
        const double gaPhi = gamma0 * (-hk_ * std::cos(2.0 * phi) + halfPi * hy_ * sp + halfPi * hx_ * cp +
                                       chirality_ * halfPi * hd_ * cp);
        const double gaJ = uPerJ_ / wallWidth_;
        const double gbPhi = -gamma0 * chirality_ * halfPi * hsh * sp;
        const double gbQ = gamma0 * chirality_ * dhpin;
        const double gbJ = gamma0 * chirality_ * halfPi * hshPerJ_ * cp + beta_ * uPerJ_ / wallWidth_;
        const double s = 1.0 / (1.0 + alpha_ * alpha_);
        const double qdotFree = s * wallWidth_ * (ga + alpha_ * gb);
        const double free = heldByEnd(q, qdotFree) ? 0.0 : 1.0; // 0: an end holds the wall
        const double qdot = free * qdotFree;
        const double phidot = s * (gb - alpha_ * ga);
        // Partial derivatives of the two rates: w.r.t. q (direct, through H_pin, and through J), phi, J.
        const double qdotJ = free * s * wallWidth_ * (gaJ + alpha_ * gbJ), phidotJ = s * (gbJ - alpha_ * gaJ);
        const double qdotQ = free * s * wallWidth_ * alpha_ * gbQ + qdotJ * djdq, phidotQ = s * gbQ + phidotJ * djdq;
        const double qdotPhi = free * s * wallWidth_ * (gaPhi + alpha_ * gbPhi),
                     phidotPhi = s * (gbPhi - alpha_ * gaPhi);
        addF(out, q_, -qdot);
        addF(out, phi_, -phidot);
        addQ(out, phi_, phi);
        out.jq[stateToState_[1][1]] += 1.0;
        out.jf[stateToState_[0][0]] -= qdotQ;
        out.jf[stateToState_[0][1]] -= qdotPhi;
        out.jf[stateToState_[1][0]] -= phidotQ;
        out.jf[stateToState_[1][1]] -= phidotPhi;
        out.jf[stateToNode_[0][0]] -= qdotJ * djdv;
        out.jf[stateToNode_[0][1]] += qdotJ * djdv;
        out.jf[stateToNode_[1][0]] -= phidotJ * djdv;
        out.jf[stateToNode_[1][1]] += phidotJ * djdv;
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
        t.dcPath(a_, b_);
    }

private:
    // A wall at a hard end (or past it, before the step's projection) driven outward stays: its rate
    // is 0 there (a kink, one-sided like the depinning threshold). Left moving, it was clamped back on
    // every accepted step, and at q = 0, where the truncation-error tolerance of q is its absolute one,
    // the clamp's error forced steps of 1e-13 s (476 530 steps for one 100 ns pulse against 88 at q = len).
    bool heldByEnd(double q, double outward) const {
        return (q <= 0.0 && outward < 0.0) || (q >= length_ && outward > 0.0);
    }

    std::array<std::string, 2> nodeNames_;
    DcBehaviour dc_;
    bool oneD_ = true;
    double length_ = 0, xlo_ = 0, xhi_ = 0, gp_ = 0, gap_ = 0, section_ = 1, q0_ = 0, phi0_ = 0;
    double wallWidth_ = 1, hd_ = 0, hk_ = 0, hx_ = 0, hy_ = 0, hz_ = 0, chirality_ = 1, alpha_ = 0, beta_ = 0;
    double hshPerJ_ = 0, uPerJ_ = 0, hpin_ = 0, kpin_ = 0, mobility_ = 0, jdep_ = 0, maxStep_ = kInf;
    int a_ = 0, b_ = 0, q_ = 0, phi_ = 0;
    ConductanceStamp conductance_;
    int nodeToQ_[2]{}, stateToNode_[2][2]{}, stateToState_[2][2]{};
};

using P = DwMtjParams;
const ParamTable<P> kDwMtjParams{
    integerParam("mode", &P::mode, 1, 1, 2, "1: 1D (q, phi) model (eq. 2.9); 2: fitted depinning law"),
    param("len", &P::len, 200e-9, "m", "track length L (q in [0, L])").positive(),
    param("xlo", &P::xlo, 0, "m", "MTJ window start (q < xlo: all P)").nonNegative(),
    param("xhi", &P::xhi, 0, "m", "MTJ window end (q > xhi: all AP; default len)").nonNegative(),
    param("rp", &P::rp, 1e3, "ohm", "parallel-state resistance of the whole window").positive(),
    param("tmr", &P::tmr, 1.0, "", "TMR (R_AP - R_P)/R_P").nonNegative(),
    param("wtr", &P::wtr, 50e-9, "m", "width of the drive-current cross-section (J = I/(wtr ttr))").positive(),
    param("ttr", &P::ttr, 1e-9, "m", "thickness of the drive-current cross-section").positive(),
    param("ms", &P::ms, 1.1e6, "A/m", "saturation magnetisation").positive(),
    param("aex", &P::aex, 1.5e-11, "J/m", "exchange stiffness A").positive(),
    param("keff", &P::keff, 8e5, "J/m^3", "effective PMA K_eff (wall width sqrt(A/K_eff))").positive(),
    param("dmi", &P::dmi, 0, "J/m^2", "interfacial DMI constant D"),
    param("alpha", &P::alpha, 0.1, "", "Gilbert damping").positive(),
    param("tf", &P::tf, 0.6e-9, "m", "free-layer thickness t_F (for H_SH)").positive(),
    param("thetash", &P::thetash, 0, "", "spin Hall angle theta_SH (SOT drive)"),
    param("pol", &P::pol, 0, "", "spin polarisation P of the STT drive (u = muB P J/(e Ms))"),
    param("beta", &P::beta, 0, "", "non-adiabatic STT parameter"),
    param("hkw", &P::hkw, 0, "A/m", "wall (Bloch-Neel) shape anisotropy field H_K"),
    param("hx", &P::hx, 0, "A/m", "in-plane field x (along the track)"),
    param("hy", &P::hy, 0, "A/m", "in-plane field y"),
    param("hz", &P::hz, 0, "A/m", "out-of-plane field"),
    param("qw", &P::qw, 1, "", "wall type Q: +1 up-down, -1 down-up (sign taken)"),
    param("hpin", &P::hpin, 0, "A/m", "pinning field amplitude: H_pin = -hpin sin(2 pi q/ppin)"),
    param("ppin", &P::ppin, 10e-9, "m", "pinning period").positive(),
    param("mu", &P::mu, 1e-10, "m^3/(A s)", "fitted mobility: dq/dt = mu (|J| - jdep) (mode=2)").nonNegative(),
    param("jdep", &P::jdep, 1e11, "A/m^2", "fitted depinning current density (mode=2)").nonNegative(),
    param("q0", &P::q0, 0, "m", "initial wall position (clamped to [0, len])"),
    param("phi0", &P::phi0, 0, "rad", "initial wall angle (mode=1)"),
    flagParam("dcrelax", &P::dcrelax, false,
              "DC analyses: 0 hold the wall at q0 (memory); 1 relax it to the stable equilibrium nearest to q0"),
};

const DeviceRegistration kRegistration{compactModelType<DwMtj>(
    "dwmtj",
    "Domain-wall MTJ memristor (two terminals: read and write share the path): Nname a b model [q0=] [phi0=]; G(q) "
    "from the P/AP areas of the MTJ window (eq. 2.8); mode=1: 1D (q, phi) wall model (eq. 2.9) driven by J = "
    "I/(wtr ttr) (STT u, SOT H_SH), mode=2: fitted dq/dt = mu (|J| - jdep) sign(J); states name.q (name.phi)",
    2, 2, kDwMtjParams)};

} // namespace
} // namespace spinspice
