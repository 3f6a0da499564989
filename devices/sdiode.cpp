// `sdiode`: spin-diode RF resonator synapse (device-physics.md section 5.2; Leroux et al., Phys. Rev.
// Applied 15, 034067 (2021); Ross et al., Nat. Nanotechnol. 18, 1273 (2023)), simulated in the time
// domain:
//
//   Nname n+ n- [ctrl] model        .model model sdiode (fres= alpha= ksd= r0= mix= dfdv=)
//
// The device is a resistance r0 + dR(t) carrying its current i (a branch unknown, i(Nname), from n+ to
// n-). dR is the response of a damped resonator (the linearised magnetisation of eq. 5.2) driven by i,
// so the voltage i(t) (r0 + dR(t)) contains the rectified DC: for i = i_rf cos(2 pi f t),
//   <v> = ksd P [mix A(f) - (1 - mix) S(f)],   P = r0 i_rf^2/2,  D = alpha fres,
//   A(f) = 2 D (f - fres)/(D^2 + (f - fres)^2),  S(f) = D^2/(D^2 + (f - fres)^2),
// and tones add. Realisation (c = ksd r0, in ohm/A):
//   resonator  da/dt = (i w_r - G) a + G z(t),  w_r = 2 pi f_r, G = 2 pi alpha f_r  (a in A)
//   dR = Re(K a) + c mix sum_k Kc_k w_k,   K = 2 c (-(1 - mix) + 2 i mix)
// driven by z, the current high-passed at fres/1000 (a state, iac: q = z - i, f = w_hp z), so that a DC
// current does not rectify (the formula is for RF; the phase of the high-pass at fres is divided out
// of K).
// The pole at +w_r gives exactly the Lorentzians above ((1/2) Re[K G/(G + i (w - w_r))] c-normalised);
// its mirror pole at -w_r, which any real resonator has, adds the image -A(-f) = 2 D (f + fres)/(D^2 +
// (f + fres)^2) to A: alpha/(1 + f/fres) of ksd P, small next to the resonance but of one sign at every
// tone, so that across a wide band it sums to a bias of the chain. Three low-passes w_k driven by z
// (dw_k/dt = w_ck (z - w_k), w_ck = p_k w_r) cancel it: each rectifies Re[w_ck/(i w + w_ck)] =
// 1/(1 + (f/(p_k f_r))^2), and their gains are fitted once per alpha by least squares to the image over
// 0.1 - 10 fres, weighted by the local |A|: the DC response stays within 0.7 % of the formula at every
// tone over 0.1 - 10 fres at alpha <= 0.05 (1.5 % to alpha = 0.5). (Two low-passes and a direct term
// reach 1.3 % with one unknown less, but the direct term's instantaneous i^2 made overdriven resonators
// (ksd |i_rf| ~ 5) fail to converge; two low-passes alone leave 3.6 %.)
//
// The resonator is integrated in the frame rotating at fres: a = (ar + i ai) exp(i 2 pi fres t), so the
// trapezoidal rule's phase error does not detune it (it would shift the resonance by (w h)^2/12, 0.8 %
// at 20 steps a period, almost a linewidth). With a control node the resonance is f_r = fres + dfdv
// v(ctrl) (the learnable weight: a bias line in hardware); the frame stays at fres.
//
// DC analyses: the states solve their lab-frame equations, which with z = 0 leave them at 0: in DC the
// device is the resistance r0. .ac: the small-signal impedance around the DC point, r0 + i0 H(jw) with
// H the lab-frame transfer function from i to dR: the resonance shows with a DC bias current.
#include "devices/registry.hpp"
#include "devices/stamps.hpp"
#include "models/constants.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <string>
#include <vector>

namespace spinspice {
namespace {
constexpr double kTwoPi = 2.0 * constants::pi;

struct SdiodeParams {
    double fres = 1e9, alpha = 0.01, ksd = 8838.834765, r0 = 1000, mix = 1, dfdv = 0, ppp = 20;
};

// The low-passes that cancel the mirror pole's image g(x) = 2 alpha (1 + x)/(alpha^2 + (1 + x)^2), x = f/f_r:
// sum_k Kc_k/(1 + (x/p_k)^2) fitted to g on 0.1 <= x <= 10 with the weight 1/max(|A(x)|, 2 alpha/9), the
// error relative to the signal. The corners p_k were optimised offline (minimax of that relative error,
// alpha -> 0); the gains are refitted per alpha, since g and A carry alpha^2 terms.
constexpr int kImagePoles = 3;
struct ImageCorrection {
    static constexpr std::array<double, kImagePoles> poleRatio{0.38, 2.0, 12.0}; // p_k
    std::array<double, kImagePoles> gain{};                                      // Kc_k
    explicit ImageCorrection(double alpha) {
        constexpr int kSamples = 200;
        Eigen::Matrix<double, kImagePoles, kImagePoles> normal =
            Eigen::Matrix<double, kImagePoles, kImagePoles>::Zero();
        Eigen::Matrix<double, kImagePoles, 1> rhs = Eigen::Matrix<double, kImagePoles, 1>::Zero();
        const double a2 = alpha * alpha;
        for (int n = 0; n < kSamples; ++n) {
            const double x = 0.1 * std::pow(100.0, n / (kSamples - 1.0)); // 0.1 ... 10, geometric
            const double image = 2.0 * alpha * (1.0 + x) / (a2 + (1.0 + x) * (1.0 + x));
            const double signal = std::fabs(2.0 * alpha * (x - 1.0) / (a2 + (x - 1.0) * (x - 1.0)));
            const double weight = 1.0 / std::max(signal, 2.0 * alpha / 9.0);
            Eigen::Matrix<double, kImagePoles, 1> row;
            for (int k = 0; k < kImagePoles; ++k) row[k] = weight / (1.0 + (x / poleRatio[k]) * (x / poleRatio[k]));
            normal += row * row.transpose();
            rhs += row * (weight * image);
        }
        const Eigen::Matrix<double, kImagePoles, 1> solution = normal.ldlt().solve(rhs);
        for (int k = 0; k < kImagePoles; ++k) gain[k] = solution[k];
    }
};

class Sdiode : public Device, public ToneDevice {
public:
    Sdiode(const InstanceContext& c, const SdiodeParams& p)
        : Device(c.name(), c.loc()), p_(p), scale_(p.ksd * p.r0), omegaRef_(kTwoPi * p.fres),
          omegaHp_(omegaRef_ / 1000.0), nodeNames_(c.nodes()), image_(p.alpha) {
        // K, with the high-pass's phase at fres divided out: 1/H_hp(j w_ref) = 1 - j w_hp/w_ref.
        k_ = std::complex<double>(-2.0 * scale_ * (1.0 - p.mix), 4.0 * scale_ * p.mix) *
             std::complex<double>(1.0, -omegaHp_ / omegaRef_);
        for (int k = 0; k < kImagePoles; ++k) kw_[k] = scale_ * p.mix * image_.gain[k];
        if (nodeNames_.size() == 2 && p.dfdv != 0)
            c.warn("dfdv has no effect without a control node (Nname n+ n- ctrl model)");
    }
    DeviceTraits traits() const override {
        return {Linearity::Nonlinear, Chord::Safe, Charge::Present, Randomness::Deterministic};
    }
    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodeNames_[0]);
        b_ = ctx.node(nodeNames_[1]);
        ctl_ = nodeNames_.size() > 2 ? ctx.node(nodeNames_[2]) : 0;
        i_ = ctx.branch(name_);
        auto hidden = [&](const char* suffix) {
            StateSpec spec{name_ + suffix, 1e-12, 0.0, DcBehaviour::Solved}; // A; linear and stable
            spec.output = false;
            spec.truncationControl = false; // the ppp bound instead (below)
            return ctx.state(spec);
        };
        // The resonator's rotating-frame states carry, besides the slow resonant envelope, every other
        // tone of the line at f - fres and its image at f + fres, each far smaller than the resonant
        // response but fast: the truncation-error test would cut the step to resolve them to reltol of
        // the state (a 256-tone line: 1-2 ps instead of the ppp bound's 4 ps). Their step is bounded by
        // ppp points per period of fres instead, which resolves the envelope and leaves the off-resonant
        // terms (a part alpha of the DC at most) with the trapezoidal rule's (w h)^2/12 error.
        // The image low-passes w_k and the drive's high-pass z (slow: fres/1000) carry every tone of the
        // line as well, for a part alpha of the DC at most: the same bound applies. Under truncation
        // control they cut steps where the line's tones beat high, and those locally shorter steps bias
        // the DC: the trapezoidal rule averages the line's RF exactly over even steps, not over steps
        // placed by the signal itself (a 256-tone drone chain at 20 points per period of the highest
        // tone: 87 cut steps moved its score by -9 nV of 180 nV; without them it is within 0.4 nV of the
        // result at 80 points).
        z_ = hidden(".iac");
        ar_ = hidden(".ar");
        ai_ = hidden(".ai");
        for (int k = 0; k < kImagePoles; ++k) w_[k] = hidden((".w" + std::to_string(k)).c_str());
        ctx.ownAdmittance();
    }
    void declare(PatternBuilder& pb) override {
        block_.declare(pb, {a_, b_, i_, z_, ar_, ai_, w_[0], w_[1], w_[2]},
                       {a_, b_, ctl_, i_, z_, ar_, ai_, w_[0], w_[1], w_[2]}, &kStructure);
    }
    void bind(const PatternBuilder& pb) override { block_.bind(pb); }
    void beginTransient(const TransientWindow&, DeviceClock& clock) override {
        clock.limitStep(1.0 / (p_.ppp * p_.fres));
    }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double* x = ctx.x;
        const Resonance r = resonance(x[ctl_]);
        const double i = x[i_], z = x[z_], ar = x[ar_], ai = x[ai_];
        const double phase = omegaRef_ * ctx.time, cs = std::cos(phase), sn = std::sin(phase);
        // dR = Re(K a) + sum_k kw_k w_k with a = (ar + i ai)(cs + i sn).
        const double dRdar = k_.real() * cs - k_.imag() * sn, dRdai = -k_.real() * sn - k_.imag() * cs;
        // R = r0 + dR, kept above r0/100: the resonator is linear in the drive (|dR|/r0 ~ ksd |i_rf|), a
        // drive near 1/ksd would take R through zero where a real junction saturates. The floor is smooth
        // (softplus over r0/100: R = r0 + dR to within exp(-30) r0/100 once r0 + dR > 0.31 r0), so that
        // Newton sees no kink when an overdriven resonator reaches it.
        const double dR = dRdar * ar + dRdai * ai + imageTerm(x), floor = 0.01 * p_.r0;
        const double excess = (p_.r0 + dR - floor) / floor;
        const double resistance = excess > 30.0 ? p_.r0 + dR : floor + floor * std::log1p(std::exp(excess));
        const double dRgain = excess > 30.0 ? 1.0 : 1.0 / (1.0 + std::exp(-excess));
        const double v = x[a_] - x[b_];
        addF(out, a_, i);
        addF(out, b_, -i);
        addF(out, i_, v - i * resistance - (ctx.stationary ? rectified_ : 0.0));
        // The drive: i high-passed (q = z - i, f = w_hp z).
        addQ(out, z_, z - i);
        addF(out, z_, omegaHp_ * z);
        // Rotating frame: d(ar + i ai)/dt = (i detune - G)(ar + i ai) + G z exp(-i phase). In DC the frame
        // stands still (t = 0: a = ar + i ai) and the states take the lab-frame equilibrium
        // (i w_r - G) a + G z = 0 (z = 0 there): the rotation rate is w_r rather than the detuning.
        const double rotation = ctx.stationary ? omegaRef_ + r.detune : r.detune;
        addF(out, ar_, r.gamma * ar + rotation * ai - r.gamma * z * cs);
        addF(out, ai_, r.gamma * ai - rotation * ar + r.gamma * z * sn);
        for (int k = 0; k < kImagePoles; ++k) {
            addF(out, w_[k], r.cutoff(k) * (x[w_[k]] - z));
            addQ(out, w_[k], x[w_[k]]);
        }
        addQ(out, ar_, ar);
        addQ(out, ai_, ai);
        if (!ctx.jacobianNeeded) return;

        std::array<std::array<double, kCols>, kRows> jf{}, jq{};
        jf[RA][I] = 1.0;
        jf[RB][I] = -1.0;
        jf[RI][A] = 1.0;
        jf[RI][B] = -1.0;
        jf[RI][I] = -resistance;
        jf[RI][AR] = -i * dRdar * dRgain;
        jf[RI][AI] = -i * dRdai * dRgain;
        jf[RZ][Z] = omegaHp_;
        jf[RAR][AR] = r.gamma;
        jf[RAR][AI] = rotation;
        jf[RAR][Z] = -r.gamma * cs;
        jf[RAR][CTL] = r.dGamma * (ar - z * cs) + r.dDetune * ai;
        jf[RAI][AI] = r.gamma;
        jf[RAI][AR] = -rotation;
        jf[RAI][Z] = r.gamma * sn;
        jf[RAI][CTL] = r.dGamma * (ai + z * sn) - r.dDetune * ar;
        for (int k = 0; k < kImagePoles; ++k) {
            const double w = x[w_[k]];
            jf[RI][W + k] = -i * kw_[k] * dRgain;
            jf[RW + k][W + k] = r.cutoff(k);
            jf[RW + k][Z] = -r.cutoff(k);
            jf[RW + k][CTL] = ImageCorrection::poleRatio[k] * r.dOmega * (w - z);
            jq[RW + k][W + k] = 1.0;
        }
        jq[RZ][Z] = 1.0;
        jq[RZ][I] = -1.0;
        jq[RAR][AR] = 1.0;
        jq[RAI][AI] = 1.0;
        block_.add(out.jf, jf);
        block_.add(out.jq, jq);
    }

    // Branch row: dv = Z(w) di with Z = r0 + dR0 + i0 H(jw), H the lab-frame transfer from i to dR.
    void admittance(double omegaAc, const double* x, std::complex<double>* values) const override {
        using C = std::complex<double>;
        const Resonance r = resonance(x[ctl_]);
        const double omegaR = omegaRef_ + r.detune;
        // dR at the DC point (t = 0: a = ar + i ai), and the response to the DC current's modulation
        // (none without a DC current: the chains of an RF network carry none).
        const double dR0 = k_.real() * x[ar_] - k_.imag() * x[ai_] + imageTerm(x);
        C z = p_.r0 + dR0;
        if (x[i_] != 0.0) {
            const C jw(0.0, omegaAc);
            C h = 0.5 * (k_ * r.gamma / (jw + r.gamma - C(0, omegaR)) +
                         std::conj(k_) * r.gamma / (jw + r.gamma + C(0, omegaR)));
            for (int k = 0; k < kImagePoles; ++k) h += kw_[k] * r.cutoff(k) / (jw + r.cutoff(k));
            h *= jw / (jw + omegaHp_);
            z += x[i_] * h;
        }
        values[block_.off[RA][I]] += 1.0;
        values[block_.off[RB][I]] -= 1.0;
        values[block_.off[RI][A]] += 1.0;
        values[block_.off[RI][B]] -= 1.0;
        values[block_.off[RI][I]] -= z;
        for (int k = RZ; k < kRows; ++k) values[block_.off[k][k + 1]] += 1.0; // (row, its own column)
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
        if (ctl_) t.terminal(ctl_, *this);
        t.dcPath(a_, b_);
    }
    int branchUnknown() const override { return i_; }

    // Multi-tone steady state: each tone's current phasor I through the device rectifies
    // ksd P [mix A(f) - (1 - mix) S(f)], P = r0 |I|^2/2, at the resonance of the present v(ctrl); the sum
    // is a DC EMF in the branch (from n+ to n-).
    ToneDevice* toneDevice() override { return this; }
    void endTones() override { rectified_ = 0.0; }
    void toneUnknowns(std::vector<int>& out) const override { out.push_back(i_); }
    double rectify(const std::vector<double>& freqs, const TonePhasors& phasors, const double* x) override {
        const double fr = p_.fres + resonance(x[ctl_]).detune / kTwoPi, delta = p_.alpha * fr;
        double v = 0.0;
        for (std::size_t k = 0; k < freqs.size(); ++k) {
            const double power = 0.5 * p_.r0 * std::norm(phasors(k, i_));
            const double d = freqs[k] - fr, lorentz = 1.0 / (delta * delta + d * d);
            v += p_.ksd * power * (p_.mix * 2.0 * delta * d - (1.0 - p_.mix) * delta * delta) * lorentz;
        }
        const double change = std::fabs(v - rectified_);
        rectified_ = v;
        return change;
    }

private:
    struct Resonance {
        double gamma, detune, omega;    // 1/s: half-width G, w_r - w_ref, w_r
        double dGamma, dDetune, dOmega; // per volt of the control node
        double cutoff(int k) const { return ImageCorrection::poleRatio[k] * omega; } // w_ck
    };
    // f_r = fres + dfdv v(ctrl), kept above fres/1000.
    Resonance resonance(double vctl) const {
        const double raw = p_.fres + p_.dfdv * vctl, floor = 1e-3 * p_.fres;
        const bool clamped = raw < floor;
        const double fr = clamped ? floor : raw, dfr = clamped ? 0.0 : p_.dfdv;
        return {kTwoPi * p_.alpha * fr,
                kTwoPi * (fr - p_.fres),
                kTwoPi * fr,
                kTwoPi * p_.alpha * dfr,
                kTwoPi * dfr,
                kTwoPi * dfr};
    }
    double imageTerm(const double* x) const {
        double sum = 0.0;
        for (int k = 0; k < kImagePoles; ++k) sum += kw_[k] * x[w_[k]];
        return sum;
    }

    // Unknowns of the block: columns a, b, ctrl, i, z, ar, ai, w0..w2; rows the same without ctrl.
    enum { A, B, CTL, I, Z, AR, AI, W, kCols = W + kImagePoles };
    enum { RA, RB, RI, RZ, RAR, RAI, RW, kRows = RW + kImagePoles };
    // Which unknown each row depends on: 27 entries of 90, so the factorisations (transient and every
    // .ac/.tones frequency) do not carry structural zeros.
    static constexpr BlockStamp<kRows, kCols>::Structure kStructure{{
        {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, // a: KCL
        {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, // b
        {1, 1, 0, 1, 0, 1, 1, 1, 1, 1}, // i: v - i (r0 + dR(ar, ai, w))
        {0, 0, 0, 1, 1, 0, 0, 0, 0, 0}, // z: the high-pass
        {0, 0, 1, 0, 1, 1, 1, 0, 0, 0}, // ar
        {0, 0, 1, 0, 1, 1, 1, 0, 0, 0}, // ai
        {0, 0, 1, 0, 1, 0, 0, 1, 0, 0}, // w0
        {0, 0, 1, 0, 1, 0, 0, 0, 1, 0}, // w1
        {0, 0, 1, 0, 1, 0, 0, 0, 0, 1}, // w2
    }};

    // What eval reads first, then the block's live entries: a 256-tone network evaluates 34 000 of these
    // per iteration, and each cache line of a device is a miss (Circuit::load prefetches the first ones).
    SdiodeParams p_;
    double scale_;                         // ksd r0 (ohm/A)
    std::complex<double> k_;               // dR = Re(K a) + ... (K with the high-pass's phase at fres divided out)
    std::array<double, kImagePoles> kw_{}; // ... + sum_k kw_k w_k
    double omegaRef_;                      // the rotating frame (2 pi fres)
    double omegaHp_;                       // the drive's high-pass corner (2 pi fres/1000)
    int a_ = 0, b_ = 0, ctl_ = 0, i_ = 0, z_ = 0, ar_ = 0, ai_ = 0;
    std::array<int, kImagePoles> w_{};
    double rectified_ = 0.0; // V: the multi-tone steady state's rectified DC (0 otherwise)
    BlockStamp<kRows, kCols> block_;
    std::vector<std::string> nodeNames_;
    ImageCorrection image_;
};

const ParamTable<SdiodeParams> kSdiodeParams{
    param("fres", &SdiodeParams::fres, 1e9, "Hz", "resonance frequency (at v(ctrl) = 0)").positive(),
    param("alpha", &SdiodeParams::alpha, 0.01, "", "relative half-width: D = alpha fres").range(1e-6, 0.5),
    param("ksd", &SdiodeParams::ksd, 8838.834765, "V/W",
          "rectification sensitivity: peak <v> = ksd P at fres (1 +/- alpha)"),
    param("r0", &SdiodeParams::r0, 1000, "ohm", "resistance (P = r0 i_rf^2/2)").positive(),
    param("mix", &SdiodeParams::mix, 1, "", "antisymmetric share: <v> = ksd P (mix A - (1 - mix) S)").range(0, 1),
    param("dfdv", &SdiodeParams::dfdv, 0, "Hz/V", "resonance shift per volt of the control node"),
    param("ppp", &SdiodeParams::ppp, 20, "", "time points per period of fres at most (step bound)").range(4, 1e6),
};

const DeviceRegistration kRegistration{compactModelType<Sdiode>(
    "sdiode",
    "Spin-diode RF resonator synapse (Leroux/Ross), time domain: Nname n+ n- [ctrl] model; <v> = ksd P (mix A(f) "
    "- (1 - mix) S(f)) for a tone of power P = r0 i_rf^2/2; current i(Nname)",
    2, 3, kSdiodeParams)};

} // namespace
} // namespace spinspice
