// Linear controlled sources: E (VCVS) and H (CCVS) define a branch voltage; G (VCCS) and F (CCCS)
// inject a current.
#include "devices/registry.hpp"
#include "devices/stamps.hpp"

namespace spinspice {
namespace {

struct GainParams {
    double gain = 1, m = 1;
};
const ParamTable<GainParams> kVcvsParams{param("gain", &GainParams::gain, 1, "V/V", "voltage gain").instance()};
const ParamTable<GainParams> kVccsParams{param("gain", &GainParams::gain, 1, "A/V", "transconductance").instance(),
                                         param("m", &GainParams::m, 1, "", "parallel multiplier").instance()};
const ParamTable<GainParams> kCccsParams{param("gain", &GainParams::gain, 1, "A/A", "current gain").instance(),
                                         param("m", &GainParams::m, 1, "", "parallel multiplier").instance()};
const ParamTable<GainParams> kCcvsParams{param("gain", &GainParams::gain, 1, "V/A", "transresistance").instance()};

class ControlledSource : public Device {
public:
    enum class Kind { Vcvs, Vccs, Cccs, Ccvs };
    ControlledSource(const InstanceContext& c, const GainParams& p)
        : Device(c.name(), c.loc()), kind_(kindOf(c.type.letter)), nodeNames_(c.nodes()), gain_(p.gain * p.m) {
        if (currentControlled()) {
            if (c.element.refs.empty()) c.fail("missing controlling voltage source");
            controlName_ = c.element.refs[0];
        }
    }
    DeviceTraits traits() const override {
        return {Linearity::Linear, Chord::Safe, Charge::None, Randomness::Deterministic};
    }
    bool timeInvariant() const override { return true; }
    void setup(SetupContext& ctx) override {
        p_ = ctx.node(nodeNames_.at(0));
        n_ = ctx.node(nodeNames_.at(1));
        if (!currentControlled()) {
            cp_ = ctx.node(nodeNames_.at(2));
            cn_ = ctx.node(nodeNames_.at(3));
        }
        if (definesVoltage()) br_ = ctx.branch(name_);
    }
    void resolve(const DeviceLookup& lookup) override {
        if (!currentControlled()) return;
        const Device* d = lookup.find(controlName_);
        if (!d || d->branchUnknown() < 0)
            throw InputError(name_ + ": controlling element '" + controlName_ + "' is not a voltage source", loc_, {},
                             suggestionHint(controlName_, branchDeviceNames(lookup)));
        ctrl_ = d->branchUnknown();
    }
    void declare(PatternBuilder& pb) override {
        switch (kind_) {
        case Kind::Vcvs:
            branch_.declare(pb, p_, n_, br_);
            off_ = {pb.entry(br_, cp_), pb.entry(br_, cn_), -1, -1};
            break;
        case Kind::Ccvs:
            branch_.declare(pb, p_, n_, br_);
            off_ = {pb.entry(br_, ctrl_), -1, -1, -1};
            break;
        case Kind::Vccs: off_ = {pb.entry(p_, cp_), pb.entry(p_, cn_), pb.entry(n_, cp_), pb.entry(n_, cn_)}; break;
        case Kind::Cccs: off_ = {pb.entry(p_, ctrl_), pb.entry(n_, ctrl_), -1, -1}; break;
        }
    }
    void bind(const PatternBuilder& pb) override {
        branch_.bind(pb);
        for (int& o : off_) o = pb.offset(o);
    }
    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double* x = ctx.x;
        double* j = out.jf;
        switch (kind_) {
        case Kind::Vcvs: // v(p) - v(n) = gain (v(cp) - v(cn))
            branch_.load(out, x, p_, n_, br_);
            addF(out, br_, -gain_ * (x[cp_] - x[cn_]));
            j[off_[0]] -= gain_;
            j[off_[1]] += gain_;
            break;
        case Kind::Ccvs: // v(p) - v(n) = gain i(control)
            branch_.load(out, x, p_, n_, br_);
            addF(out, br_, -gain_ * x[ctrl_]);
            j[off_[0]] -= gain_;
            break;
        case Kind::Vccs: { // current gain (v(cp) - v(cn)) from p through the source to n
            const double i = gain_ * (x[cp_] - x[cn_]);
            addF(out, p_, i);
            addF(out, n_, -i);
            j[off_[0]] += gain_;
            j[off_[1]] -= gain_;
            j[off_[2]] -= gain_;
            j[off_[3]] += gain_;
            break;
        }
        case Kind::Cccs: {
            const double i = gain_ * x[ctrl_];
            addF(out, p_, i);
            addF(out, n_, -i);
            j[off_[0]] += gain_;
            j[off_[1]] -= gain_;
            break;
        }
        }
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(p_, *this);
        t.terminal(n_, *this);
        if (!currentControlled()) {
            t.terminal(cp_, *this);
            t.terminal(cn_, *this);
        }
        if (definesVoltage()) t.voltageBranch(p_, n_, *this);
    }
    int branchUnknown() const override { return br_; }

private:
    static Kind kindOf(char letter) {
        switch (letter) {
        case 'e': return Kind::Vcvs;
        case 'g': return Kind::Vccs;
        case 'f': return Kind::Cccs;
        default: return Kind::Ccvs;
        }
    }
    bool currentControlled() const { return kind_ == Kind::Cccs || kind_ == Kind::Ccvs; }
    bool definesVoltage() const { return kind_ == Kind::Vcvs || kind_ == Kind::Ccvs; }

    Kind kind_;
    std::vector<std::string> nodeNames_;
    std::string controlName_;
    double gain_;
    int p_ = 0, n_ = 0, cp_ = 0, cn_ = 0, br_ = 0, ctrl_ = 0;
    BranchStamp branch_;       // E, H
    std::array<int, 4> off_{}; // control entries
};

const DeviceRegistration kRegistrations[] = {
    DeviceRegistration(elementType<ControlledSource>('e', "Voltage-controlled voltage source: Ename n+ n- nc+ nc- gain",
                                                     kVcvsParams, "gain", {}, 4)),
    DeviceRegistration(elementType<ControlledSource>('g', "Voltage-controlled current source: Gname n+ n- nc+ nc- gm",
                                                     kVccsParams, "gain", {}, 4)),
    DeviceRegistration(elementType<ControlledSource>(
        'f', "Current-controlled current source: Fname n+ n- Vcontrol gain", kCccsParams, "gain")),
    DeviceRegistration(elementType<ControlledSource>('h', "Current-controlled voltage source: Hname n+ n- Vcontrol r",
                                                     kCcvsParams, "gain")),
};

} // namespace
} // namespace spinspice
