// R, C, L and K: the passive SPICE elements.
#include "devices/registry.hpp"
#include "devices/stamps.hpp"

#include <array>
#include <cmath>
#include <memory>
#include <string>

namespace spinspice {
namespace {

// A device between two named nodes. The names go once the nodes are numbered (setup is called once): a
// crossbar has a million of these.
class TwoTerminal : public Device {
public:
    explicit TwoTerminal(const InstanceContext& c)
        : Device(c.name(), c.loc()),
          nodeNames_(std::make_unique<std::array<std::string, 2>>(std::array{c.nodes()[0], c.nodes()[1]})) {}
    void setup(SetupContext& ctx) override {
        p_ = ctx.node((*nodeNames_)[0]);
        n_ = ctx.node((*nodeNames_)[1]);
        nodeNames_.reset();
    }

protected:
    std::unique_ptr<std::array<std::string, 2>> nodeNames_;
    int p_ = 0, n_ = 0;
};

// ---------------------------------------------------------------- R
struct ResistorParams {
    double r = 1e3, tc1 = 0, tc2 = 0, m = 1;
    OptionalValue temp, tnom;
};
const ParamTable<ResistorParams> kResistorParams{
    param("r", &ResistorParams::r, 1e3, "ohm",
          "resistance (0 becomes 1 mohm as in ngspice; negative values are allowed)")
        .instance(),
    param("tc1", &ResistorParams::tc1, 0, "1/K", "first-order temperature coefficient").instance(),
    param("tc2", &ResistorParams::tc2, 0, "1/K^2", "second-order temperature coefficient").instance(),
    param("m", &ResistorParams::m, 1, "", "parallel multiplier").positive().instance(),
    param("temp", &ResistorParams::temp, 27, "degC", "instance temperature (default: circuit temperature)").instance(),
    param("tnom", &ResistorParams::tnom, 27, "degC", "temperature at which r is given (default: .options tnom)")
        .instance(),
};

class Resistor : public TwoTerminal {
public:
    Resistor(const InstanceContext& c, const ResistorParams& p) : TwoTerminal(c) {
        const double resistance = p.r == 0.0 ? 1e-3 : p.r; // as ngspice: a 0-ohm resistor becomes 1 mohm
        if (p.r == 0.0) c.warn("a 0-ohm resistor becomes 1 mohm (as in ngspice); use a V source of 0 V for a short");
        const double dt = p.temp.valueOr(c.env.temp) - p.tnom.valueOr(c.env.tnom);
        g_ = p.m / (resistance * (1.0 + p.tc1 * dt + p.tc2 * dt * dt));
    }
    DeviceTraits traits() const override {
        return {Linearity::Linear, Chord::Safe, Charge::None, Randomness::Deterministic};
    }
    bool timeInvariant() const override { return true; }
    void declare(PatternBuilder& pb) override { stamp_.declare(pb, p_, n_); }
    void bind(const PatternBuilder& pb) override { stamp_.bind(pb); }
    void eval(const EvalContext& ctx, LoadBuffers& out) override { stamp_.load(out, ctx.x, p_, n_, g_); }
    void topology(TopologyBuilder& t) const override {
        t.terminal(p_, *this);
        t.terminal(n_, *this);
        t.dcPath(p_, n_);
    }

private:
    double g_ = 0;
    ConductanceStamp stamp_;
};

// ---------------------------------------------------------------- C
struct StorageParams { // C and L
    double value = 0, m = 1;
    OptionalValue ic;
};
const ParamTable<StorageParams> kCapacitorParams{
    param("c", &StorageParams::value, 0, "F", "capacitance").nonNegative().instance(),
    param("ic", &StorageParams::ic, 0, "V", "initial voltage (used with .tran ... uic)").instance(),
    param("m", &StorageParams::m, 1, "", "parallel multiplier").positive().instance(),
};

class Capacitor : public TwoTerminal {
public:
    Capacitor(const InstanceContext& c, const StorageParams& p) : TwoTerminal(c), c_(p.value * p.m), ic_(p.ic) {}
    DeviceTraits traits() const override {
        return {Linearity::Linear, Chord::Safe, Charge::Present, Randomness::Deterministic};
    }
    bool timeInvariant() const override { return true; }
    void declare(PatternBuilder& pb) override { stamp_.declare(pb, p_, n_); }
    void bind(const PatternBuilder& pb) override { stamp_.bind(pb); }
    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double v = (ctx.useInitialConditions && ic_.given) ? ic_.value : ctx.x[p_] - ctx.x[n_];
        addQ(out, p_, c_ * v);
        addQ(out, n_, -c_ * v);
        stamp_.add(out.jq, c_);
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(p_, *this);
        t.terminal(n_, *this);
    }

private:
    double c_;
    OptionalValue ic_;
    ConductanceStamp stamp_;
};

// ---------------------------------------------------------------- L
const ParamTable<StorageParams> kInductorParams{
    param("l", &StorageParams::value, 0, "H", "inductance").positive().instance(),
    param("ic", &StorageParams::ic, 0, "A", "initial current (used with .tran ... uic)").instance(),
    param("m", &StorageParams::m, 1, "", "parallel multiplier").positive().instance(),
};

class Inductor : public TwoTerminal {
public:
    Inductor(const InstanceContext& c, const StorageParams& p) : TwoTerminal(c), l_(p.value / p.m), ic_(p.ic) {}
    DeviceTraits traits() const override {
        return {Linearity::Linear, Chord::Safe, Charge::Present, Randomness::Deterministic};
    }
    bool timeInvariant() const override { return true; }
    void setup(SetupContext& ctx) override {
        TwoTerminal::setup(ctx);
        br_ = ctx.branch(name_);
    }
    void declare(PatternBuilder& pb) override {
        branch_.declare(pb, p_, n_, br_);
        fluxOff_ = pb.entry(br_, br_);
    }
    void bind(const PatternBuilder& pb) override {
        branch_.bind(pb);
        fluxOff_ = pb.offset(fluxOff_);
    }
    // Branch equation v(p) - v(n) - d(L i)/dt = 0: f = v(p) - v(n), q = -L i (flux).
    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        branch_.load(out, ctx.x, p_, n_, br_);
        addQ(out, br_, -l_ * ((ctx.useInitialConditions && ic_.given) ? ic_.value : ctx.x[br_]));
        out.jq[fluxOff_] -= l_;
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(p_, *this);
        t.terminal(n_, *this);
        t.voltageBranch(p_, n_, *this, /*dcOnly=*/true);
    }
    int branchUnknown() const override { return br_; }
    double inductance() const { return l_; }

private:
    double l_;
    OptionalValue ic_;
    int br_ = 0;
    BranchStamp branch_;
    int fluxOff_ = 0; // (br,br)
};

// ---------------------------------------------------------------- K
struct CouplingParams {
    double k = 0;
};
const ParamTable<CouplingParams> kCouplingParams{
    param("k", &CouplingParams::k, 0, "", "coupling coefficient, M = k*sqrt(L1*L2)").range(-1, 1).instance(),
};

// Flux coupling M = k sqrt(L1 L2) between two inductors' branch equations.
class MutualInductance : public Device {
public:
    MutualInductance(const InstanceContext& c, const CouplingParams& p) : Device(c.name(), c.loc()), k_(p.k) {
        if (c.element.refs.size() != 2) c.fail("needs two inductors", "expected: Kname Lname1 Lname2 k");
        inductorNames_ = {c.element.refs[0], c.element.refs[1]};
    }
    DeviceTraits traits() const override {
        return {Linearity::Linear, Chord::Safe, Charge::Present, Randomness::Deterministic};
    }
    bool timeInvariant() const override { return true; }
    void setup(SetupContext&) override {}
    void resolve(const DeviceLookup& lookup) override {
        const Inductor* found[2] = {nullptr, nullptr};
        for (std::size_t i = 0; i < 2; ++i) {
            found[i] = dynamic_cast<const Inductor*>(lookup.find(inductorNames_[i]));
            if (found[i]) continue;
            std::vector<std::string> inductors;
            for (const auto& n : lookup.names())
                if (dynamic_cast<const Inductor*>(lookup.find(n))) inductors.push_back(n);
            throw InputError("mutual inductance " + name_ + " refers to '" + inductorNames_[i] +
                                 "', which is not an inductor",
                             loc_, {}, suggestionHint(inductorNames_[i], inductors));
        }
        b1_ = found[0]->branchUnknown();
        b2_ = found[1]->branchUnknown();
        mutual_ = k_ * std::sqrt(found[0]->inductance() * found[1]->inductance());
    }
    void declare(PatternBuilder& pb) override { off_ = {pb.entry(b1_, b2_), pb.entry(b2_, b1_)}; }
    void bind(const PatternBuilder& pb) override {
        for (int& o : off_) o = pb.offset(o);
    }
    // Flux linkage: q(br1) -= M i2, q(br2) -= M i1.
    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        addQ(out, b1_, -mutual_ * ctx.x[b2_]);
        addQ(out, b2_, -mutual_ * ctx.x[b1_]);
        out.jq[off_[0]] -= mutual_;
        out.jq[off_[1]] -= mutual_;
    }

private:
    std::array<std::string, 2> inductorNames_;
    int b1_ = 0, b2_ = 0;
    double k_, mutual_ = 0;
    std::array<int, 2> off_{};
};

const DeviceRegistration kRegistrations[] = {
    DeviceRegistration(
        elementType<Resistor>('r', "Resistor: Rname n+ n- value [tc1=] [tc2=] [m=]", kResistorParams, "r")),
    DeviceRegistration(elementType<Capacitor>('c', "Capacitor: Cname n+ n- value [ic=v0] [m=]", kCapacitorParams, "c")),
    DeviceRegistration(elementType<Inductor>('l', "Inductor: Lname n+ n- value [ic=i0] [m=]", kInductorParams, "l")),
    DeviceRegistration(
        elementType<MutualInductance>('k', "Mutual inductance: Kname Lname1 Lname2 k", kCouplingParams, "k", {}, 0)),
};

} // namespace
} // namespace spinspice
