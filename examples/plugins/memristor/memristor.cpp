// An out-of-tree spinspice device: the HP (Strukov et al., Nature 453, 80 (2008)) linear-drift
// memristor with a Joglekar window. One internal state x = w/D in [0, 1]:
//   R(x) = Ron x + Roff (1 - x),   i = v / R(x),   dx/dt = (muv Ron / D^2) i f(x),   f(x) = 1 - (2x - 1)^(2p)
// In the f/q form of spinspice: KCL rows get i, the state row gets q = x and f = -dx/dt.
#include "devices/registry.hpp"
#include "devices/stamps.hpp"

#include <cmath>

namespace {
using namespace spinspice;

class Memristor : public Device {
public:
    explicit Memristor(const InstanceSpec& s)
        : Device(s.name, s.loc), nodeNames_{s.nodes[0], s.nodes[1]}, ron_(s.param("ron")), roff_(s.param("roff")),
          rate_(s.param("muv") * ron_ / (s.param("d") * s.param("d"))), x0_(s.param("x0")), p_(s.param("p")) {}

    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodeNames_[0]);
        b_ = ctx.node(nodeNames_[1]);
        x_ = ctx.addUnknown(name_ + ".x", Nature::State, true, 1e-6, x0_); // signal "<name>.x", starts at x0
    }
    void declare(PatternBuilder& pb) override {
        conductance_.declare(pb, a_, b_);
        ax_ = pb.entry(a_, x_), bx_ = pb.entry(b_, x_), xa_ = pb.entry(x_, a_), xb_ = pb.entry(x_, b_);
        xx_ = pb.entry(x_, x_);
    }
    void bind(const PatternBuilder& pb) override {
        conductance_.bind(pb);
        for (int* o : {&ax_, &bx_, &xa_, &xb_, &xx_}) *o = pb.offset(*o);
    }
    bool isLinear() const override { return false; }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double x = ctx.x[x_], v = ctx.x[a_] - ctx.x[b_];
        const double r = ron_ * x + roff_ * (1 - x), g = 1 / r;
        const double i = v * g, didx = -v * (ron_ - roff_) * g * g;
        conductance_.load(out, ctx.x, a_, b_, g);
        out.jf[ax_] += didx, out.jf[bx_] -= didx;
        // Window f(x) = 1 - (2x - 1)^(2p) keeps x inside [0, 1] (p = 0: no window).
        const double u = 2 * x - 1;
        const double f = p_ > 0 ? 1 - std::pow(u, 2 * p_) : 1, dfdx = p_ > 0 ? -4 * p_ * std::pow(u, 2 * p_ - 1) : 0;
        addQ(out, x_, x);
        out.jq[xx_] += 1;
        addF(out, x_, -rate_ * i * f);
        out.jf[xa_] -= rate_ * g * f, out.jf[xb_] += rate_ * g * f;
        out.jf[xx_] -= rate_ * (didx * f + i * dfdx);
    }
    void topology(TopologyBuilder& t) const override { t.terminal(a_, *this), t.terminal(b_, *this), t.dcPath(a_, b_); }

private:
    std::array<std::string, 2> nodeNames_;
    double ron_, roff_, rate_, x0_, p_;
    int a_ = 0, b_ = 0, x_ = 0, ax_ = 0, bx_ = 0, xa_ = 0, xb_ = 0, xx_ = 0;
    ConductanceStamp conductance_;
};

std::unique_ptr<Device> make(const InstanceSpec& s) {
    return std::make_unique<Memristor>(s);
}

constexpr double kInf = std::numeric_limits<double>::infinity();
DeviceRegistration registration{{{"memristor",
                                  "HP linear-drift memristor (plugin example): Nname a b model",
                                  {"memristor"},
                                  {{"x0", 0.1, "", "initial state w/D", 0, 1}},
                                  {{"ron", 100, "ohm", "on resistance", 0, kInf, true},
                                   {"roff", 16e3, "ohm", "off resistance", 0, kInf, true},
                                   {"d", 10e-9, "m", "film thickness", 0, kInf, true},
                                   {"muv", 1e-14, "m^2/(V s)", "dopant mobility", 0, kInf, true},
                                   {"x0", 0.1, "", "initial state w/D", 0, 1},
                                   {"p", 0, "", "Joglekar window exponent (0: none)", 0, kInf}}},
                                 2,
                                 2,
                                 &make}};
} // namespace
