// `pbit`: the behavioural probabilistic bit (Camsari, Faria, Sutton, Datta, PRX 7, 031014 (2017), eq. 1;
// device-physics.md section 3.2 (P1)).
//
//   Nname in out [ctrl] model [m0=] [phase=]        .model model pbit (beta= vout= tau= input= update=)
//
// State m in {-1, +1} (signal "<name>.m"). At each update event t_k the device reads its input u at
// the accepted solution of t_k and sets
//     m <- sgn(tanh(beta_eff u) - r_k),   r_k ~ U(-1, 1),
// so that P(m = +1) = (1 + tanh(beta_eff u))/2. beta_eff = beta, or beta v(ctrl) with a third node
// (an annealing schedule as a voltage source).
//  input=0 (current): node `in` is held at 0 V (a virtual ground); u is the current the network drives
//          into `in` (A), sunk by the device. input=1 (voltage): u = v(in) (V), high impedance.
//  Output: an ideal voltage source v(out) = vout m.
//  update=0: asynchronous updates at Poisson times (exponential intervals with mean tau): no two
//          p-bits update at the same instant, so a network with instantaneous synapses performs
//          exact sequential Gibbs sampling in random order. update=1: a clock of period tau from phase.
// Randomness: r_k and the k-th interval come from the counter-based stream (seed, instance name, k),
// so the run is reproducible and independent of step rejections and Newton iterations. Update times
// are transient breakpoints; m changes only after an accepted step that ends at an update time.
// DC analyses and the transient's operating point hold m at m0.
#include "core/random.hpp"
#include "devices/registry.hpp"
#include "devices/stamps.hpp"

#include <cmath>
#include <limits>

namespace spinspice {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

struct PBitParams {
    double m0 = 1, phase = 0, beta = 1, vout = 1, tau = 1e-9;
    int input = 0, update = 0;
};

class PBit : public Device {
public:
    PBit(const InstanceContext& c, const PBitParams& p)
        : Device(c.name(), c.loc()), inName_(c.nodes()[0]), outName_(c.nodes()[1]),
          ctrlName_(c.nodes().size() > 2 ? c.nodes()[2] : ""), beta_(p.beta), vout_(p.vout), tau_(p.tau),
          phase_(p.phase), m0_(p.m0 >= 0 ? 1.0 : -1.0), currentInput_(p.input == 0), clocked_(p.update == 1) {
        stream_ = rng::Stream(c.env.seed, name_);
    }
    DeviceTraits traits() const override {
        return {Linearity::Linear, Chord::Safe, Charge::None, Randomness::Stochastic};
    }
    void setup(SetupContext& ctx) override {
        in_ = ctx.node(inName_);
        out_ = ctx.node(outName_);
        ctrl_ = ctrlName_.empty() ? -1 : ctx.node(ctrlName_);
        outBranch_ = ctx.branch(name_ + "#out");
        if (currentInput_) inBranch_ = ctx.branch(name_ + "#in");
        StateSpec m{name_ + ".m", 1e-6, m0_};
        m_ = ctx.state(m);
    }
    void declare(PatternBuilder& pb) override {
        outStamp_.declare(pb, out_, 0, outBranch_);
        outToM_ = pb.entry(outBranch_, m_);
        if (currentInput_) inStamp_.declare(pb, in_, 0, inBranch_);
        mm_ = pb.entry(m_, m_);
    }
    void bind(const PatternBuilder& pb) override {
        outStamp_.bind(pb);
        if (currentInput_) inStamp_.bind(pb);
        outToM_ = pb.offset(outToM_);
        mm_ = pb.offset(mm_);
    }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double* x = ctx.x;
        // Output source: v(out) - vout m = 0.
        outStamp_.load(out, x, out_, 0, outBranch_);
        addF(out, outBranch_, -vout_ * x[m_]);
        out.jf[outToM_] -= vout_;
        // Current input: a 0 V source from `in` to ground; its current is the input.
        if (currentInput_) inStamp_.load(out, x, in_, 0, inBranch_);
        // m is algebraic: x_m = the state set at the last update (DC: held at m0 by the solver).
        addF(out, m_, x[m_] - state_);
        out.jf[mm_] += 1.0;
    }

    void restart() override { state_ = m0_; }
    // The update times are events: the first now, each next one when the last is reached.
    void beginTransient(const TransientWindow&, DeviceClock& clock) override {
        index_ = 0;
        state_ = m0_;
        nextUpdate_ = firstUpdate();
        clock.scheduleEvent(nextUpdate_);
    }
    void event(const AcceptContext& ctx, DeviceClock& clock) override {
        // The update that was due (the transient calls this within its minimum step of the update time,
        // which may then lie just after ctx.time), then any others up to this point (normally none).
        do {
            const double u = currentInput_ ? ctx.x[inBranch_] : ctx.x[in_];
            const double betaEff = ctrl_ >= 0 ? beta_ * ctx.x[ctrl_] : beta_;
            const double r = 2.0 * stream_.uniform(index_, 1) - 1.0;
            state_ = std::tanh(betaEff * u) > r ? 1.0 : -1.0;
            nextUpdate_ = following(nextUpdate_, index_++);
        } while (nextUpdate_ <= ctx.time);
        clock.scheduleEvent(nextUpdate_);
    }
    // Only the held state's row has a constant term, and it changes at updates only.
    Variation rhsVariation(std::vector<int>& rows) const override {
        rows.push_back(m_);
        return Variation::AtEvents;
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(out_, *this);
        t.voltageBranch(out_, 0, *this);
        t.terminal(in_, *this); // sensed in voltage mode, a virtual ground in current mode
        if (currentInput_) t.voltageBranch(in_, 0, *this);
        if (ctrl_ >= 0) t.terminal(ctrl_, *this);
    }

private:
    double firstUpdate() const { return clocked_ ? (phase_ > 0 ? phase_ : tau_) : tau_ * stream_.exponential(0, 0); }
    // The update after tk (the k-th): a clock tick or an exponential interval drawn for index k + 1.
    double following(double tk, std::uint64_t k) const {
        return clocked_ ? tk + tau_ : tk + tau_ * stream_.exponential(k + 1, 0);
    }

    std::string inName_, outName_, ctrlName_;
    double beta_, vout_, tau_, phase_, m0_;
    bool currentInput_, clocked_;
    int in_ = 0, out_ = 0, ctrl_ = -1, outBranch_ = 0, inBranch_ = 0, m_ = 0, outToM_ = 0, mm_ = 0;
    BranchStamp outStamp_, inStamp_;
    rng::Stream stream_;
    std::uint64_t index_ = 0; // updates done in this transient
    double nextUpdate_ = kInf, state_ = 1.0;
};

const ParamTable<PBitParams> kPBitParams{
    param("m0", &PBitParams::m0, 1, "", "initial state (>= 0: +1, < 0: -1)"),
    param("phase", &PBitParams::phase, 0, "s", "first update time of a clocked p-bit (update=1; 0: at tau)")
        .nonNegative(),
    param("beta", &PBitParams::beta, 1, "1/A or 1/V",
          "input gain: P(m = +1) = (1 + tanh(beta u))/2 (times v(ctrl) with a ctrl node)"),
    param("vout", &PBitParams::vout, 1, "V", "output amplitude: v(out) = vout m").positive(),
    param("tau", &PBitParams::tau, 1e-9, "s", "mean interval between updates (update=0) or the clock period (update=1)")
        .positive(),
    integerParam("input", &PBitParams::input, 0, 0, 1,
                 "0: current input (in held at 0 V, u = current into in); 1: voltage input u = v(in)"),
    integerParam("update", &PBitParams::update, 0, 0, 1, "0: Poisson (asynchronous) update times; 1: clocked"),
};

const DeviceRegistration kRegistration{compactModelType<PBit>(
    "pbit",
    "Behavioural p-bit (Camsari 2017): Nname in out [ctrl] model [m0=] [phase=]; m = sgn(tanh(beta u) - r) at "
    "Poisson or clocked update times, v(out) = vout m; state name.m",
    2, 3, kPBitParams)};

} // namespace
} // namespace spinspice
