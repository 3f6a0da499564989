// Independent voltage and current sources: DC value (with .dc override and source stepping), SPICE
// transient waveforms whose corners are events on the transient's time axis, AC excitation.
#include "devices/registry.hpp"
#include "devices/stamps.hpp"
#include "devices/waveform.hpp"

#include <numbers>

namespace spinspice {
namespace {

struct NoParams {};
const ParamTable<NoParams> kNoParams;

class IndependentSource : public Device, public ToneDevice {
public:
    IndependentSource(const InstanceContext& c, const NoParams&)
        : Device(c.name(), c.loc()), nodeNames_{c.nodes()[0], c.nodes()[1]}, spec_(c.element.source),
          waveform_(spec_, name_, loc_, c.element.lineText),
          ac_(std::polar(spec_.acMag, spec_.acPhaseDeg * std::numbers::pi / 180.0)) {}
    DeviceTraits traits() const override {
        return {Linearity::Linear, Chord::Safe, Charge::None, Randomness::Deterministic};
    }
    void setup(SetupContext& ctx) override {
        p_ = ctx.node(nodeNames_[0]);
        n_ = ctx.node(nodeNames_[1]);
    }
    // The waveform's corners are breakpoints: the first now, each next one when the last is reached.
    void beginTransient(const TransientWindow& window, DeviceClock& clock) override {
        waveform_.prepare(window.tstep, window.tstop);
        if (waveform_.present()) clock.scheduleEvent(waveform_.nextBreakpoint(0.0));
    }
    void event(const AcceptContext& ctx, DeviceClock& clock) override {
        clock.scheduleEvent(waveform_.nextBreakpoint(ctx.time));
    }
    bool setDcOverride(double value) override {
        override_ = true;
        overrideValue_ = value;
        return true;
    }
    void clearDcOverride() override { override_ = false; }

    // Multi-tone steady state: a SIN source drives its tone and has its offset vo as DC.
    ToneDevice* toneDevice() override { return this; }
    void beginTones() override { tones_ = waveform_.tone(tone_); }
    void endTones() override { tones_ = false; }
    void toneFrequencies(const double*, std::vector<double>& out) const override {
        if (tones_) out.push_back(tone_.frequency);
    }

protected:
    // ngspice's rule: .op/.dc use the DC value when one is written, otherwise the waveform at t = 0; the
    // operating point of a transient and the transient itself use the waveform.
    double valueAt(const EvalContext& ctx) const {
        double v;
        if (ctx.dcSources && tones_)
            v = tone_.offset;
        else if (ctx.dcSources)
            v = override_ ? overrideValue_ : (spec_.dcGiven || !waveform_.present()) ? spec_.dc : waveform_.value(0.0);
        else
            v = waveform_.present() ? waveform_.value(ctx.time) : spec_.dc;
        return v * ctx.sourceScale;
    }

    // In a transient the value follows the waveform, if there is one.
    Variation variation() const { return waveform_.present() ? Variation::Continuous : Variation::Constant; }

    std::array<std::string, 2> nodeNames_;
    int p_ = 0, n_ = 0;
    SourceSpec spec_;
    SourceWaveform waveform_;
    bool override_ = false;
    double overrideValue_ = 0;
    std::complex<double> ac_;
    bool tones_ = false; // in the multi-tone steady state, with a SIN tone
    SourceWaveform::Tone tone_;
    // The tone's phasor at `frequency`, else 0.
    std::complex<double> tonePhasor(double frequency) const {
        return tones_ && sameTone(frequency, tone_.frequency) ? tone_.phasor : std::complex<double>(0.0, 0.0);
    }
};

class VoltageSource : public IndependentSource {
public:
    using IndependentSource::IndependentSource;
    void setup(SetupContext& ctx) override {
        IndependentSource::setup(ctx);
        br_ = ctx.branch(name_);
    }
    void declare(PatternBuilder& pb) override { branch_.declare(pb, p_, n_, br_); }
    void bind(const PatternBuilder& pb) override { branch_.bind(pb); }
    // KCL: the branch current leaves p and enters n; branch: v(p) - v(n) - V = 0.
    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        branch_.load(out, ctx.x, p_, n_, br_);
        addF(out, br_, -valueAt(ctx));
    }
    void loadAc(std::complex<double>* rhs) const override { rhs[br_] += ac_; }
    void loadTone(double frequency, const double*, std::complex<double>* rhs) const override {
        rhs[br_] += tonePhasor(frequency);
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(p_, *this);
        t.terminal(n_, *this);
        t.voltageBranch(p_, n_, *this);
    }
    int branchUnknown() const override { return br_; }
    Variation rhsVariation(std::vector<int>& rows) const override {
        rows.push_back(br_);
        return variation();
    }

private:
    int br_ = 0;
    BranchStamp branch_;
};

class CurrentSource : public IndependentSource {
public:
    using IndependentSource::IndependentSource;
    void declare(PatternBuilder&) override {}
    void bind(const PatternBuilder&) override {}
    // SPICE convention: positive current flows from n+ through the source to n-.
    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double i = valueAt(ctx);
        addF(out, p_, i);
        addF(out, n_, -i);
    }
    void loadAc(std::complex<double>* rhs) const override {
        rhs[p_] -= ac_;
        rhs[n_] += ac_;
    }
    void loadTone(double frequency, const double*, std::complex<double>* rhs) const override {
        rhs[p_] -= tonePhasor(frequency);
        rhs[n_] += tonePhasor(frequency);
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(p_, *this);
        t.terminal(n_, *this);
    }
    Variation rhsVariation(std::vector<int>& rows) const override {
        for (int node : {p_, n_})
            if (node > 0) rows.push_back(node);
        return variation();
    }
};

const DeviceRegistration kRegistrations[] = {
    DeviceRegistration(elementType<VoltageSource>(
        'v', "Voltage source: Vname n+ n- [[DC] v] [AC mag [phase]] [PULSE|SIN|PWL|EXP(...)]", kNoParams)),
    DeviceRegistration(elementType<CurrentSource>('i',
                                                  "Current source (current flows from n+ through the source to n-): "
                                                  "Iname n+ n- [[DC] i] [AC mag [phase]] [PULSE|SIN|PWL|EXP(...)]",
                                                  kNoParams)),
};

} // namespace
} // namespace spinspice
