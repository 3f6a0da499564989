// `stno`: spin-torque nano-oscillator, the universal nonlinear auto-oscillator of Slavin and Tiberkevich
// (IEEE Trans. Magn. 45, 1875 (2009); device-physics.md eq. 4.1):
//
//   Nname n+ n- model [p0=] [phi0=]     .model model stno (f0= nshift= q= gammag= ith= r0= dr= lambdaf= ...)
//
//   dc/dt = -i w(p) c - G+(p) c + G-(p, i) c + lambdaf i(t) + xi(t),   p = |c|^2
//   w(p, i) = 2 pi (f0 + nshift p + ftune i),  G+(p) = gammag (1 + q p),  G-(p, i) = (gammag/ith) i (1 - p)
//
// ftune is the frequency's direct dependence on the current: in vortex oscillators (device-physics 4.3;
// Dussaux et al., PRB 86, 014402 (2012)) the current's Oersted field tunes the gyrotropic frequency by a few
// MHz/mA while the power dependence (nshift) is weak, i.e. they are nearly isochronous.
//
// i is the instantaneous device current from n+ to n- (i > 0 drives the oscillation). The device is the
// resistance R = r0 - dr Re(c); c = sqrt(p) exp(-i phi). The direct force acts through the current's
// AC part: i(t) high-passed at f0/1000 (a state, iac; q = iac - i, f = w_hp iac), so that an RF current
// i_rf cos(w t) near the oscillation gives the resonant force lambdaf i_rf/2 (the injection-locking force
// F of eq. 4.3) while a DC current exerts none: a static torque is part of the fitted f0, nshift and ith,
// and left in the force it would shift the locking range by (nshift lambdaf i_dc/w)^2/w (3 % with the
// section 4.2 numbers at i_rf = i_dc/20).
//
// Integration in the oscillator's own rotating frame. The unknowns are the envelope b = c exp(i theta)
// (br, bi) and the outputs cr, ci (algebraic rows cr = Re(b exp(-i theta)), ci = Im(...)), where the
// phase theta(t) = integral of w(p) dt is accumulated by the device on accepted steps (trapezoidal:
// exact for a constant w). Then
//   db/dt = -(G+ - G-) b + lambdaf i exp(i theta) + xi_b(t)
// has no fast rotation of its own: the trapezoidal rule's phase error (w h)^2/12 per step, 0.8 % of
// the frequency at 20 steps a period, does not enter the oscillator's frequency, which is exact to
// the accuracy of p. The step is bounded by 1/(ppp f) so the circuit and the waveforms resolve the
// carrier. Thermal noise (thermal=1): isotropic complex white noise of intensity D per component,
// D = G+(p) kB T/e0, so that the linewidth far above threshold is Kim-Tiberkevich-Slavin's
// (PRL 100, 017207 (2008)): FWHM = G+(p0) (kB T/E(p0)) (1 + nu^2) / (2 pi) Hz with E(p) = e0 p; being
// isotropic it is applied in the rotating frame directly (same statistics).
//
// DC analyses see the time-averaged oscillator: theta is held at phi0; with dcrelax=0 (default) the
// envelope is held at its initial power p0, with dcrelax=1 the power relaxes to its stable stationary
// value (0 below threshold, (zeta - 1)/(zeta + q) above, zeta = i/ith) while the phase stays at phi0.
// The transient starts from that point. .ac linearises the lab-frame equation around the DC point.
#include "core/random.hpp"
#include "devices/registry.hpp"
#include "devices/stamps.hpp"
#include "models/constants.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

namespace spinspice {
namespace {
constexpr double kTwoPi = 2.0 * constants::pi;

struct StnoParams {
    double f0 = 5e9, nshift = -4e9, q = 2, gammag = 5e8, ith = 1e-3, ftune = 0;
    double r0 = 1000, dr = 100, lambdaf = 0;
    bool thermal = false;
    double e0 = 1e-18;
    OptionalValue temp;
    double tnoise = 0, ppp = 20;
    bool dcrelax = false;
    double p0 = 1e-4, phi0 = 0;
};

class Stno : public Device, public ToneDevice {
public:
    Stno(const InstanceContext& c, const StnoParams& p)
        : Device(c.name(), c.loc()), nodeNames_{c.nodes()[0], c.nodes()[1]}, p_(p), sigmaI_(p.gammag / p.ith),
          omegaHp_(kTwoPi * p.f0 / 1000.0), relaxed_(p.dcrelax) {
        if (!(p.dr < p.r0)) c.fail("dr must be smaller than r0 (R = r0 - dr Re(c) must stay positive)");
        const double fmax = std::max(std::fabs(p.f0), std::fabs(p.f0 + p.nshift));
        maxStep_ = 1.0 / (p.ppp * fmax);
        if (p.thermal) {
            const double kelvin = p.temp.valueOr(c.env.temp) + constants::celsiusToKelvin;
            noiseInterval_ = p.tnoise > 0 ? p.tnoise : maxStep_;
            noiseScale_ = constants::boltzmann * kelvin / (p.e0 * noiseInterval_); // D / (G+ tnoise)
            noise_ = rng::NoiseGrid<2>(rng::Stream(c.env.seed, name_), noiseInterval_);
            maxStep_ = std::min(maxStep_, noiseInterval_);
            if (!std::isfinite(noiseScale_)) c.fail("the thermal noise is not finite", "check temp, e0 and tnoise");
        }
        if (!(maxStep_ > 0) || !std::isfinite(maxStep_))
            c.fail("the parameters give no finite time step", "check f0, nshift and ppp");
        restart();
    }
    DeviceTraits traits() const override {
        return {Linearity::Nonlinear, Chord::Safe, Charge::Present,
                p_.thermal ? Randomness::Stochastic : Randomness::Deterministic};
    }
    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodeNames_[0]);
        b_ = ctx.node(nodeNames_[1]);
        const double s = std::sqrt(p_.p0);
        const DcBehaviour dc = relaxed_ ? DcBehaviour::Relaxed : DcBehaviour::Held;
        // Envelope: hidden; its tolerance is that of c (|b| = |c| <= 1).
        StateSpec br{name_ + ".br", kTolerance, s, dc}, bi{name_ + ".bi", kTolerance, 0.0, dc};
        br.truncationControl = bi.truncationControl = !p_.thermal;
        br.output = bi.output = false;
        br_ = ctx.state(br);
        bi_ = ctx.state(bi);
        // Algebraic outputs and the high-pass: their own equations hold in DC.
        cr_ = ctx.state({name_ + ".cr", kTolerance, s * std::cos(p_.phi0), DcBehaviour::Solved});
        ci_ = ctx.state({name_ + ".ci", kTolerance, -s * std::sin(p_.phi0), DcBehaviour::Solved});
        // The high-passed current only enters the envelope, as lambdaf iac: its tolerance is the current
        // that moves b by b's own tolerance within one step bound (1e-12 A ... 1e-3 A). Tighter, Newton's
        // chord iterations miss it near every zero crossing of the (pure AC) iac and refactor.
        const double iacTolerance = std::clamp(kTolerance / (std::fabs(p_.lambdaf) * maxStep_), 1e-12, 1e-3);
        StateSpec iac{name_ + ".iac", iacTolerance, 0.0, DcBehaviour::Solved};
        iac.output = false;
        iac_ = ctx.state(iac);
        ctx.acceptSteps();
        ctx.ownAdmittance();
    }
    void declare(PatternBuilder& pb) override {
        const std::array<int, 7> u{a_, b_, br_, bi_, cr_, ci_, iac_};
        block_.declare(pb, u, u, &kStructure);
    }
    void bind(const PatternBuilder& pb) override { block_.bind(pb); }

    void restart() override {
        acceptedTheta_ = p_.phi0;
        acceptedTime_ = 0.0;
        acceptedOmega_ = omega(p_.p0, 0.0);
    }
    void beginTransient(const TransientWindow&, DeviceClock& clock) override {
        restart();
        clock.limitStep(maxStep_);
    }
    // The phase advances on accepted points only (trapezoidal in w(p)); kept in [-pi, pi).
    void accept(const AcceptContext& at, DeviceClock& clock) override {
        const double w = omega(power(at.x), electrical(at.x).i);
        if (at.step > 0) {
            const double theta = acceptedTheta_ + (at.time - acceptedTime_) * 0.5 * (acceptedOmega_ + w);
            acceptedTheta_ = theta - kTwoPi * std::floor(theta / kTwoPi + 0.5);
        }
        acceptedTime_ = at.time;
        acceptedOmega_ = w;
        // A current-tuned frequency may leave the parameters' range: the step bound follows it.
        if (p_.ftune != 0.0) clock.limitStep(std::min(maxStep_, kTwoPi / (p_.ppp * std::fabs(w))));
    }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double* x = ctx.x;
        const Electrical e = electrical(x, ctx.stationary && averaged_);
        const double br = x[br_], bi = x[bi_], p = br * br + bi * bi;
        const double gainP = p_.gammag * (1.0 + p_.q * p); // G+(p)
        const double g = gainP - sigmaI_ * e.i * (1.0 - p);
        const double gp = p_.gammag * p_.q + sigmaI_ * e.i; // dG/dp
        const double gi = -sigmaI_ * (1.0 - p);             // dG/di
        // Phase (held at phi0 in DC), and its dependence on p through the trapezoidal rule.
        double theta = p_.phi0, thetaP = 0.0, thetaI = 0.0;
        if (!ctx.stationary) {
            const double h = ctx.time - acceptedTime_;
            theta = acceptedTheta_ + h * 0.5 * (acceptedOmega_ + omega(p, e.i));
            thetaP = h * 0.5 * kTwoPi * p_.nshift;
            thetaI = h * 0.5 * kTwoPi * p_.ftune;
        }
        const double cs = std::cos(theta), sn = std::sin(theta);

        addF(out, a_, e.i);
        addF(out, b_, -e.i);
        addQ(out, br_, br);
        addQ(out, bi_, bi);
        const double iac = x[iac_];
        addQ(out, iac_, iac - e.i);
        addF(out, iac_, omegaHp_ * iac);
        // Envelope rows: f = G b - lambdaf i exp(i theta) - xi; in DC the averaged equation of a held
        // phase: G br = 0 (power relaxes), bi = 0.
        double fr, fi, noiseR = 0, noiseI = 0, noiseScaleP = 0;
        if (ctx.stationary) {
            fr = g * br;
            fi = bi;
        } else {
            if (ctx.noise && p_.thermal) {
                const auto n = noise_.at(ctx.time);
                const double s = std::sqrt(noiseScale_ * gainP); // sqrt(D / tnoise)
                noiseR = s * n[0];
                noiseI = s * n[1];
                noiseScaleP = 0.5 * p_.gammag * p_.q / gainP; // d ln s / dp
            }
            fr = g * br - p_.lambdaf * iac * cs - noiseR;
            fi = g * bi - p_.lambdaf * iac * sn - noiseI;
        }
        addF(out, br_, fr);
        addF(out, bi_, fi);
        // Outputs c = b exp(-i theta).
        addF(out, cr_, x[cr_] - (br * cs + bi * sn));
        addF(out, ci_, x[ci_] - (bi * cs - br * sn));
        if (!ctx.jacobianNeeded) return;

        enum { A, B, BR, BI, CR, CI, IAC };
        // Stamps the structural entries only (kStructure); the rest of the block is not in the matrix.
        double* jf = out.jf;
        const auto& off = block_.off;
        // Current i(v, cr) into the rows that depend on it.
        auto throughCurrent = [&](int row, double dRowDi) {
            jf[off[row][A]] += dRowDi * e.didv;
            jf[off[row][B]] -= dRowDi * e.didv;
            jf[off[row][CR]] += dRowDi * e.didcr;
        };
        throughCurrent(A, 1.0);
        throughCurrent(B, -1.0);
        if (ctx.stationary) {
            jf[off[BR][BR]] += g + 2.0 * br * br * gp;
            jf[off[BR][BI]] += 2.0 * br * bi * gp;
            throughCurrent(BR, br * gi);
            jf[off[BI][BI]] += 1.0;
        } else {
            // d/dp of the envelope rows: G, the phase through thetaP, and the noise intensity.
            const double frP = br * gp + p_.lambdaf * iac * sn * thetaP - noiseR * noiseScaleP;
            const double fiP = bi * gp - p_.lambdaf * iac * cs * thetaP - noiseI * noiseScaleP;
            jf[off[BR][BR]] += g + 2.0 * br * frP;
            jf[off[BR][BI]] += 2.0 * bi * frP;
            jf[off[BI][BR]] += 2.0 * br * fiP;
            jf[off[BI][BI]] += g + 2.0 * bi * fiP;
            // The current enters through G- and, with ftune, through the phase.
            throughCurrent(BR, br * gi + p_.lambdaf * iac * sn * thetaI);
            throughCurrent(BI, bi * gi - p_.lambdaf * iac * cs * thetaI);
            jf[off[BR][IAC]] -= p_.lambdaf * cs;
            jf[off[BI][IAC]] -= p_.lambdaf * sn;
        }
        // Output rows: cr - (br cos + bi sin), ci - (bi cos - br sin), theta depending on p.
        const double crTheta = -br * sn + bi * cs, ciTheta = -bi * sn - br * cs; // d/dtheta of Re, Im
        if (thetaI != 0.0) {
            throughCurrent(CR, -crTheta * thetaI);
            throughCurrent(CI, -ciTheta * thetaI);
        }
        jf[off[CR][CR]] += 1.0;
        jf[off[CR][BR]] += -cs - crTheta * thetaP * 2.0 * br;
        jf[off[CR][BI]] += -sn - crTheta * thetaP * 2.0 * bi;
        jf[off[CI][CI]] += 1.0;
        jf[off[CI][BR]] += sn - ciTheta * thetaP * 2.0 * br;
        jf[off[CI][BI]] += -cs - ciTheta * thetaP * 2.0 * bi;
        jf[off[IAC][IAC]] += omegaHp_;
        out.jq[block_.off[BR][BR]] += 1.0;
        out.jq[block_.off[BI][BI]] += 1.0;
        out.jq[block_.off[IAC][IAC]] += 1.0;
        out.jq[block_.off[IAC][A]] -= e.didv;
        out.jq[block_.off[IAC][B]] += e.didv;
        out.jq[block_.off[IAC][CR]] -= e.didcr;
    }

    // Small signal around the DC point, in the lab frame: c' = F(c, i) linearised, v = i R(c).
    // Z(w) = R + i0 dR/dcr [(jw - J)^-1 dF/di]_r; the state rows are decoupled (identity).
    void admittance(double omegaAc, const double* x, std::complex<double>* values) const override {
        using C = std::complex<double>;
        enum { A, B, BR, BI, CR, CI, IAC };
        if (averaged_) { // the multi-tone steady state: the mean resistance r0
            values[block_.off[A][A]] += 1.0 / p_.r0;
            values[block_.off[A][B]] -= 1.0 / p_.r0;
            values[block_.off[B][A]] -= 1.0 / p_.r0;
            values[block_.off[B][B]] += 1.0 / p_.r0;
            for (int k : {BR, BI, CR, CI, IAC}) values[block_.off[k][k]] += 1.0;
            return;
        }
        const Electrical e = electrical(x);
        const double cr = x[cr_], ci = x[ci_], p = cr * cr + ci * ci;
        const double w = omega(p, e.i), wp = kTwoPi * p_.nshift, wi = kTwoPi * p_.ftune;
        const double g = p_.gammag * (1.0 + p_.q * p) - sigmaI_ * e.i * (1.0 - p);
        const double gp = p_.gammag * p_.q + sigmaI_ * e.i;
        // F = (w ci - G cr + lambdaf i, -w cr - G ci)
        const double j11 = wp * 2 * cr * ci - g - gp * 2 * cr * cr, j12 = w + wp * 2 * ci * ci - gp * 2 * cr * ci;
        const double j21 = -w - wp * 2 * cr * cr - gp * 2 * cr * ci, j22 = -wp * 2 * ci * cr - g - gp * 2 * ci * ci;
        const C jw(0.0, omegaAc);
        const C highPass = jw / (jw + omegaHp_);
        // dF/di: G- (and with ftune the frequency), and the direct force through the high-pass.
        const C d1 = sigmaI_ * (1.0 - p) * cr + wi * ci + p_.lambdaf * highPass;
        const C d2 = sigmaI_ * (1.0 - p) * ci - wi * cr;
        const C m11 = jw - j11, m12 = -j12, m21 = -j21, m22 = jw - j22, det = m11 * m22 - m12 * m21;
        const C dcr = (m22 * d1 - m12 * d2) / det; // dcr/di
        const double dRdcr = e.clamped ? 0.0 : -p_.dr;
        const C z = e.r + e.i * dRdcr * dcr;
        const C y = 1.0 / z;
        values[block_.off[A][A]] += y;
        values[block_.off[A][B]] -= y;
        values[block_.off[B][A]] -= y;
        values[block_.off[B][B]] += y;
        for (int k : {BR, BI, CR, CI, IAC}) values[block_.off[k][k]] += 1.0;
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
        t.dcPath(a_, b_);
    }

    // Multi-tone steady state: the time-averaged oscillator. In DC it is its mean resistance r0 (Re(c)
    // averages out) in series with the DC it rectifies from its own tone; above threshold it emits the
    // stationary tone f0 + nshift p0 + ftune i_dc (p0 = (zeta - 1)/(zeta + q) at the DC current) as the EMF
    // i_dc dR with dR = -dr sqrt(p0) exp(j phi0) (the phasor of R - r0), behind r0.
    ToneDevice* toneDevice() override { return this; }
    void beginTones() override { averaged_ = true; }
    void endTones() override {
        averaged_ = false;
        selfRectified_ = 0.0;
    }
    void toneFrequencies(const double* x, std::vector<double>& out) const override {
        const Emission em = emission(x);
        if (em.power > 0) out.push_back(em.frequency);
    }
    void loadTone(double frequency, const double* x, std::complex<double>* rhs) const override {
        const Emission em = emission(x);
        if (!(em.power > 0) || !sameTone(frequency, em.frequency)) return;
        const std::complex<double> norton = em.current * em.dR / p_.r0; // the EMF behind r0
        rhs[a_] += norton;
        rhs[b_] -= norton;
    }
    // <v> = i_dc r0 + (1/2) Re[conj(I) dR] with I the device's current phasor at its own tone.
    void toneUnknowns(std::vector<int>& out) const override {
        out.push_back(a_);
        out.push_back(b_);
    }
    double rectify(const std::vector<double>& freqs, const TonePhasors& phasors, const double* x) override {
        const Emission em = emission(x);
        double v = 0.0;
        for (std::size_t k = 0; k < freqs.size() && em.power > 0; ++k) {
            if (!sameTone(freqs[k], em.frequency)) continue;
            const std::complex<double> emf = em.current * em.dR;
            const std::complex<double> current = (phasors(k, a_) - phasors(k, b_) - emf) / p_.r0;
            v = 0.5 * std::real(std::conj(current) * em.dR);
        }
        const double change = std::fabs(v - selfRectified_);
        selfRectified_ = v;
        return change;
    }

private:
    struct Emission {
        double current = 0, power = 0, frequency = 0; // A, p0, Hz
        std::complex<double> dR;                      // ohm: phasor of R - r0
    };
    Emission emission(const double* x) const {
        Emission em;
        em.current = (x[a_] - x[b_] - selfRectified_) / p_.r0;
        const double zeta = em.current / p_.ith;
        if (!(zeta > 1.0)) return em;
        em.power = (zeta - 1.0) / (zeta + p_.q);
        em.frequency = p_.f0 + p_.nshift * em.power + p_.ftune * em.current;
        em.dR = -p_.dr * std::sqrt(em.power) * std::polar(1.0, p_.phi0);
        return em;
    }

    static constexpr double kTolerance = 1e-6; // of cr, ci, br, bi (|c| <= 1)
    // Which unknown each row depends on (columns a, b, br, bi, cr, ci, iac): the current i(v, cr) enters
    // the terminals, the envelope, the high-pass and (through the phase) the outputs; the envelope its own
    // rows; the outputs theirs.
    static constexpr BlockStamp<7, 7>::Structure kStructure{{
        {1, 1, 0, 0, 1, 0, 0}, // a
        {1, 1, 0, 0, 1, 0, 0}, // b
        {1, 1, 1, 1, 1, 0, 1}, // br
        {1, 1, 1, 1, 1, 0, 1}, // bi
        {1, 1, 1, 1, 1, 0, 0}, // cr (the current through the phase, with ftune)
        {1, 1, 1, 1, 1, 1, 0}, // ci
        {1, 1, 0, 0, 1, 0, 1}, // iac
    }};

    struct Electrical {
        double r, i, didv, didcr;
        bool clamped;
    };
    // i = v/R, R = r0 - dr cr (kept above r0/100 for iterates with |c| > 1); averaged: i = (v - V_rect)/r0.
    Electrical electrical(const double* x, bool averaged = false) const {
        const double v = x[a_] - x[b_];
        if (averaged) return {p_.r0, (v - selfRectified_) / p_.r0, 1.0 / p_.r0, 0.0, true};
        const double raw = p_.r0 - p_.dr * x[cr_], floor = 0.01 * p_.r0;
        const bool clamped = raw < floor;
        const double r = clamped ? floor : raw;
        const double i = v / r;
        return {r, i, 1.0 / r, clamped ? 0.0 : i * p_.dr / r, clamped};
    }
    double omega(double p, double i) const { return kTwoPi * (p_.f0 + p_.nshift * p + p_.ftune * i); }
    double power(const double* x) const { return x[br_] * x[br_] + x[bi_] * x[bi_]; }

    std::array<std::string, 2> nodeNames_;
    StnoParams p_;
    double sigmaI_, omegaHp_;
    bool relaxed_;
    double maxStep_ = 0, noiseInterval_ = 0, noiseScale_ = 0;
    rng::NoiseGrid<2> noise_;
    int a_ = 0, b_ = 0, br_ = 0, bi_ = 0, cr_ = 0, ci_ = 0, iac_ = 0;
    BlockStamp<7, 7> block_;
    double acceptedTheta_ = 0, acceptedTime_ = 0, acceptedOmega_ = 0;
    bool averaged_ = false;    // in the multi-tone steady state
    double selfRectified_ = 0; // V: its DC from its own tone there
};

const ParamTable<StnoParams> kStnoParams{
    param("f0", &StnoParams::f0, 5e9, "Hz", "linear (small-amplitude) frequency").positive(),
    param("nshift", &StnoParams::nshift, -4e9, "Hz", "nonlinear frequency shift N/2pi: f(p) = f0 + nshift p"),
    param("q", &StnoParams::q, 2, "", "nonlinear damping coefficient Q: G+(p) = gammag (1 + q p)").range(-1, 1e300),
    param("gammag", &StnoParams::gammag, 5e8, "1/s", "linear (Gilbert) damping rate Gamma_G").positive(),
    param("ith", &StnoParams::ith, 1e-3, "A", "threshold current (G- = gammag i/ith (1 - p))").positive(),
    param("ftune", &StnoParams::ftune, 0, "Hz/A",
          "frequency tuning by the device current (Oersted field, vortex oscillators): f = f0 + nshift p + "
          "ftune i"),
    param("r0", &StnoParams::r0, 1000, "ohm", "mean resistance").positive(),
    param("dr", &StnoParams::dr, 100, "ohm", "oscillating resistance: R = r0 - dr Re(c) (< r0)").nonNegative(),
    param("lambdaf", &StnoParams::lambdaf, 0, "1/(s A)",
          "injection force per device current, f(t) = lambdaf i(t) (an RF current of amplitude i_rf gives "
          "F = lambdaf i_rf/2)"),
    flagParam("thermal", &StnoParams::thermal, false, "1: thermal noise in .tran (linewidth)"),
    param("e0", &StnoParams::e0, 1e-18, "J", "oscillation energy at p = 1 (E(p) = e0 p): noise intensity").positive(),
    param("temp", &StnoParams::temp, 27, "degC", "device temperature (default: the circuit's)").instance(),
    param("tnoise", &StnoParams::tnoise, 0, "s", "thermal-noise sample interval (0: the step bound)").nonNegative(),
    param("ppp", &StnoParams::ppp, 20, "", "time points per oscillation period at most (step bound)").range(4, 1e6),
    flagParam("dcrelax", &StnoParams::dcrelax, false,
              "DC analyses: 0 hold the power at p0; 1 relax it to its stationary value (0 below threshold, "
              "(zeta - 1)/(zeta + q) above); the phase stays at phi0"),
    param("p0", &StnoParams::p0, 1e-4, "", "initial normalised power |c|^2").range(0, 1).instance(),
    param("phi0", &StnoParams::phi0, 0, "rad", "initial phase (c = sqrt(p0) exp(-i phi0))").instance(),
};

const DeviceRegistration kRegistration{compactModelType<Stno>(
    "stno",
    "Spin-torque nano-oscillator, universal auto-oscillator model (Slavin-Tiberkevich): Nname n+ n- model "
    "[p0=] [phi0=]; states name.cr name.ci (c = cr + i ci, p = cr^2 + ci^2, R = r0 - dr cr)",
    2, 2, kStnoParams)};

} // namespace
} // namespace spinspice
