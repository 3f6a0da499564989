// SPICE level-1 junction diode (as ngspice's dio model): exponential current with reverse region and
// breakdown, series resistance RS (internal node), depletion charge (CJO VJ M FC) and diffusion
// charge TT*Id, junction limiting (pnjlim) and gmin across the junction.
#pragma once

#include "devices/params.hpp"
#include "devices/registry.hpp"
#include "devices/stamps.hpp"

#include <array>
#include <string>

namespace spinspice {

// The `d` type's table: instance (area, m, off, ic, temp) and `.model` parameters in one struct.
struct DiodeParams {
    double area = 1, mult = 1; // instance: area factor, parallel multiplier `m`
    bool off = false;
    OptionalValue ic, temp;
    double is = 1e-14, n = 1, rs = 0;
    OptionalValue cjo, cj0;               // cj0: alias of cjo
    double vj = 1, grading = 0.5, tt = 0; // grading: the model's `m`
    OptionalValue bv;                     // breakdown only when given and finite
    double ibv = 1e-3, fc = 0.5, eg = 1.11, xti = 3, tnom = 27;
    int level = 1;
};

class Diode : public Device {
public:
    Diode(const InstanceContext& c, const DiodeParams& p);
    // For unit tests of the junction equations: a diode between `nodes` at `temp` degC.
    Diode(std::string name, std::array<std::string, 2> nodes, const DiodeParams& p, double temp);
    DeviceTraits traits() const override;
    void setup(SetupContext& ctx) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void topology(TopologyBuilder& t) const override;

    // Junction current and conductance at vd (gmin included), exposed for tests.
    void junction(double vd, double gmin, double& id, double& gd) const;
    // Junction charge and capacitance at vd (depletion + diffusion with the given id, gd).
    void charge(double vd, double id, double gd, double& q, double& c) const;
    double vcrit() const { return vcrit_; }

private:
    std::array<std::string, 2> nodeNames_;
    DiodeParams p_;
    bool bvGiven_ = false;
    double czeroPerArea_ = 0;
    // Temperature-adjusted, area-scaled constants.
    double vt_ = 0, vte_ = 0, isat_ = 0, vcrit_ = 0, gs_ = 0, czero_ = 0, bvEff_ = 0;
    double f1_ = 0, f2_ = 0, f3_ = 0, depletionLimit_ = 0;
    int a_ = 0, k_ = 0, ai_ = 0; // anode, cathode, internal anode (== a_ without RS)
    std::array<int, 4> junctionOff_{};
    ConductanceStamp series_;
    double vdOld_ = 0.0; // last junction voltage used (for limiting)
};

} // namespace spinspice
