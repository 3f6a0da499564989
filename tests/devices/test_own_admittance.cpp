// A device that supplies its own small-signal admittance Y(w) in .ac (as Gnucap's do_ac), not G + jwC
// from its f/q Jacobians: a behavioural series-RLC resonator registered by this test, against the
// closed form of the divider it forms with a 50-ohm source.
#include "devices/device_api.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>

using namespace spinspice;

namespace {
struct ResonatorParams {
    double r, l, c;
};
const ParamTable<ResonatorParams> kResonatorParams{
    param("r", &ResonatorParams::r, 10, "ohm", "series resistance").positive(),
    param("l", &ResonatorParams::l, 1e-9, "H", "series inductance").positive(),
    param("c", &ResonatorParams::c, 1e-12, "F", "series capacitance").positive(),
};

// Open at DC (the series capacitor); in .ac the admittance 1/(r + jwl + 1/(jwc)).
class Resonator : public Device {
public:
    Resonator(const InstanceContext& c, const ResonatorParams& p)
        : Device(c.name(), c.loc()), nodes_{c.nodes()[0], c.nodes()[1]}, p_(p) {}
    DeviceTraits traits() const override {
        return {Linearity::Linear, Chord::Safe, Charge::None, Randomness::Deterministic};
    }
    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodes_[0]);
        b_ = ctx.node(nodes_[1]);
        ctx.ownAdmittance();
    }
    void declare(PatternBuilder& pb) override { stamp_.declare(pb, a_, b_); }
    void bind(const PatternBuilder& pb) override { stamp_.bind(pb); }
    void eval(const EvalContext&, LoadBuffers&) override {}
    void admittance(double omega, const double*, std::complex<double>* values) const override {
        const std::complex<double> j(0, 1);
        const std::complex<double> y = 1.0 / (p_.r + j * omega * p_.l + 1.0 / (j * omega * p_.c));
        values[stamp_.off[0]] += y;
        values[stamp_.off[1]] -= y;
        values[stamp_.off[2]] -= y;
        values[stamp_.off[3]] += y;
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
    }

private:
    std::array<std::string, 2> nodes_;
    ResonatorParams p_;
    int a_ = 0, b_ = 0;
    ConductanceStamp stamp_;
};
const DeviceRegistration kRegistration{
    compactModelType<Resonator>("testresonator", "series RLC by its own admittance (test)", 2, 2, kResonatorParams)};
} // namespace

TEST_CASE(".ac: a device's own admittance replaces G + jwC") {
    const auto r = test::run("own admittance\n.model res testresonator (r=5 l=2n c=0.5p)\n"
                             "v1 in 0 dc 0 ac 1\nrs in out 50\nn1 out 0 res\nrdc out 0 1meg\n"
                             ".ac lin 41 3g 7g\n.end\n");
    const Waveforms& w = r.analyses.at(0);
    REQUIRE(w.error.empty());
    const auto& f = test::signal(w, "frequency");
    const auto& re = test::signal(w, "v(out)");
    const auto* im = w.findImag("v(out)");
    REQUIRE(im);
    double worst = 0, deepest = 1;
    for (std::size_t k = 0; k < f.size(); ++k) {
        const double omega = 2 * std::numbers::pi * f[k];
        const std::complex<double> j(0, 1);
        const std::complex<double> y = 1.0 / (5.0 + j * omega * 2e-9 + 1.0 / (j * omega * 0.5e-12)) + 1e-6;
        const std::complex<double> exact = 1.0 / (1.0 + 50.0 * y);
        worst = std::max(worst, std::abs(std::complex<double>(re[k], (*im)[k]) - exact));
        deepest = std::min(deepest, std::abs(exact));
    }
    CHECK(worst < 1e-12);
    CHECK(deepest < 0.1); // the notch at 1/(2 pi sqrt(LC)) = 5.03 GHz: 1/(1 + 50/5)
}
