// Voltage-controlled (S, model sw: VT VH RON ROFF) and current-controlled (W, model csw: IT IH RON
// ROFF) switches as ngspice's sw/csw: on above threshold + hysteresis, off below threshold -
// hysteresis, otherwise the state of the last accepted point. Transients locate each switching
// instant (eventTime) so the step ends just after it.
#pragma once

#include "devices/device.hpp"
#include "devices/stamps.hpp"

#include <array>
#include <map>
#include <string>

namespace spinspice {

struct SwitchModel {
    double threshold = 0, hysteresis = 0, ron = 1, roff = 1e12;
    bool roffGiven = false;
    // from `.model name sw (vt vh ron roff)` or `.model name csw (it ih ron roff)`
    static SwitchModel fromParams(bool currentControlled, const std::map<std::string, double>& params);
};

class Switch : public Device {
public:
    // Voltage control: controls = {nc+, nc-}; current control: control = the V source name.
    Switch(std::string name, SourceLoc loc, std::array<std::string, 2> nodes, std::array<std::string, 2> controlNodes,
           std::string controlSource, const SwitchModel& model, bool initiallyOn);
    void setup(SetupContext& ctx) override;
    void resolve(const DeviceLookup& lookup) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void accept(const EvalContext& ctx) override;
    void topology(TopologyBuilder& t) const override;
    bool isLinear() const override { return false; }
    double eventTime(const EvalContext& ctx, double previousTime) const override;
    bool hasEvents() const override { return true; }

private:
    double control(const double* x) const;
    bool stateFor(double controlValue, bool previous) const;
    std::array<std::string, 2> nodeNames_, controlNodeNames_;
    std::string controlSource_;
    bool currentControlled_;
    SwitchModel model_;
    double gmin_;
    int p_ = 0, n_ = 0, cp_ = 0, cn_ = 0, ctrl_ = 0;
    ConductanceStamp stamp_;
    bool acceptedState_;  // state at the last accepted point
    bool iterationState_; // state used in the last evaluation
    double acceptedControl_ = 0, acceptedTime_ = 0;
    bool haveAccepted_ = false;
};

} // namespace spinspice
