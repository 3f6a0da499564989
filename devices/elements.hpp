// The standard SPICE elements: R C L K, independent V/I sources, linear controlled sources E F G H.
// The junction diode is in diode.hpp. Constructors take evaluated values; parameter defaults and
// ranges come from the tables in device_types.cpp.
#pragma once

#include "core/source_spec.hpp"
#include "devices/device.hpp"
#include "devices/stamps.hpp"

#include <array>
#include <string>

namespace spinspice {

class PatternBuilder;

// A device between two named nodes.
class TwoTerminal : public Device {
public:
    TwoTerminal(std::string name, SourceLoc loc, std::string nodePos, std::string nodeNeg)
        : Device(std::move(name), std::move(loc)), nodeNames_{std::move(nodePos), std::move(nodeNeg)} {}
    void setup(SetupContext& ctx) override;
    int pos() const { return p_; }
    int neg() const { return n_; }

protected:
    std::array<std::string, 2> nodeNames_;
    int p_ = 0, n_ = 0;
};

class Resistor : public TwoTerminal {
public:
    // resistance at tnom; tc1/tc2 linear/quadratic temperature coefficients; m parallel multiplier.
    Resistor(std::string name, SourceLoc loc, std::string p, std::string n, double resistance, double tc1 = 0,
             double tc2 = 0, double m = 1, double temp = 27, double tnom = 27);
    void declare(PatternBuilder& pb) override { stamp_.declare(pb, p_, n_); }
    void bind(const PatternBuilder& pb) override { stamp_.bind(pb); }
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void topology(TopologyBuilder& t) const override;
    double conductance() const { return g_; }

private:
    double g_;
    ConductanceStamp stamp_;
};

class Capacitor : public TwoTerminal {
public:
    Capacitor(std::string name, SourceLoc loc, std::string p, std::string n, double capacitance, double m = 1,
              bool icGiven = false, double ic = 0);
    void declare(PatternBuilder& pb) override { stamp_.declare(pb, p_, n_); }
    void bind(const PatternBuilder& pb) override { stamp_.bind(pb); }
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void topology(TopologyBuilder& t) const override;

private:
    double c_;
    bool icGiven_;
    double ic_;
    ConductanceStamp stamp_;
};

class Inductor : public TwoTerminal {
public:
    Inductor(std::string name, SourceLoc loc, std::string p, std::string n, double inductance, double m = 1,
             bool icGiven = false, double ic = 0);
    void setup(SetupContext& ctx) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void topology(TopologyBuilder& t) const override;
    int branchUnknown() const override { return br_; }
    double inductance() const { return l_; }

private:
    double l_;
    bool icGiven_;
    double ic_;
    int br_ = 0;
    BranchStamp branch_;
    int fluxOff_ = 0; // (br,br)
};

// K: flux coupling M = k sqrt(L1 L2) between two inductors' branch equations.
class MutualInductance : public Device {
public:
    MutualInductance(std::string name, SourceLoc loc, std::string inductor1, std::string inductor2, double k);
    void setup(SetupContext&) override {}
    void resolve(const DeviceLookup& lookup) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;

private:
    std::array<std::string, 2> inductorNames_;
    const Inductor* l1_ = nullptr;
    const Inductor* l2_ = nullptr;
    double k_, mutual_ = 0;
    std::array<int, 2> off_{};
};

// SPICE transient functions with their defaults (PULSE, SIN, EXP, PWL).
class SourceWaveform {
public:
    SourceWaveform() = default;
    SourceWaveform(const SourceSpec& spec, const std::string& owner, const SourceLoc& loc);
    void prepare(double tstep, double tstop); // fill defaults that depend on the analysis
    double value(double t) const;
    double nextBreakpoint(double t) const;
    bool present() const { return kind_ != Waveform::Kind::None; }

private:
    Waveform::Kind kind_ = Waveform::Kind::None;
    std::vector<double> given_; // as written
    std::array<double, 7> p_{}; // with defaults applied
    std::vector<double> pwlT_, pwlV_;
};

// Independent source value: DC (with .dc override and source stepping), transient waveform, AC.
class IndependentSource : public TwoTerminal {
public:
    IndependentSource(std::string name, SourceLoc loc, std::string p, std::string n, const SourceSpec& spec);
    void prepareTransient(double tstep, double tstop) override { waveform_.prepare(tstep, tstop); }
    double nextBreakpoint(double t) const override { return waveform_.nextBreakpoint(t); }
    bool setDcOverride(double value) override {
        override_ = true;
        overrideValue_ = value;
        return true;
    }
    void clearDcOverride() override { override_ = false; }
    double valueAt(const EvalContext& ctx) const;

protected:
    SourceSpec spec_;
    SourceWaveform waveform_;
    bool override_ = false;
    double overrideValue_ = 0;
    std::complex<double> ac_;
};

class VoltageSource : public IndependentSource {
public:
    using IndependentSource::IndependentSource;
    void setup(SetupContext& ctx) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void loadAc(std::complex<double>* rhs) const override { rhs[br_] += ac_; }
    void topology(TopologyBuilder& t) const override;
    int branchUnknown() const override { return br_; }

private:
    int br_ = 0;
    BranchStamp branch_;
};

class CurrentSource : public IndependentSource {
public:
    using IndependentSource::IndependentSource;
    void declare(PatternBuilder&) override {}
    void bind(const PatternBuilder&) override {}
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void loadAc(std::complex<double>* rhs) const override {
        rhs[p_] -= ac_;
        rhs[n_] += ac_;
    }
    void topology(TopologyBuilder& t) const override;
};

// E (VCVS) and H (CCVS) define a branch voltage; G (VCCS) and F (CCCS) inject a current.
class ControlledSource : public Device {
public:
    enum class Kind { Vcvs, Vccs, Cccs, Ccvs };
    // nodes: output (p, n) and, for voltage control, (cp, cn); control: the V source for F/H.
    ControlledSource(std::string name, SourceLoc loc, Kind kind, std::vector<std::string> nodes, std::string control,
                     double gain);
    void setup(SetupContext& ctx) override;
    void resolve(const DeviceLookup& lookup) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void topology(TopologyBuilder& t) const override;
    int branchUnknown() const override { return br_; }

private:
    Kind kind_;
    std::vector<std::string> nodeNames_;
    std::string controlName_;
    double gain_;
    int p_ = 0, n_ = 0, cp_ = 0, cn_ = 0, br_ = 0, ctrl_ = 0;
    BranchStamp branch_;       // E, H
    std::array<int, 4> off_{}; // control entries
};

} // namespace spinspice
