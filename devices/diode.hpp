// SPICE level-1 junction diode (as ngspice's dio model): exponential current with reverse region and
// breakdown, series resistance RS (internal node), depletion charge (CJO VJ M FC) and diffusion
// charge TT*Id, junction limiting (pnjlim) and gmin across the junction.
#pragma once

#include "devices/device.hpp"
#include "devices/stamps.hpp"

#include <array>
#include <map>
#include <string>

namespace spinspice {

struct DiodeModel {
    double is = 1e-14, n = 1, rs = 0, cjo = 0, vj = 1, m = 0.5, tt = 0, bv = 0, ibv = 1e-3, fc = 0.5, eg = 1.11,
           xti = 3, tnom = 27;
    bool bvGiven = false;
    // From the `.model` parameters (names as in the `d` parameter table).
    static DiodeModel fromParams(const std::map<std::string, double>& params);
};

class Diode : public Device {
public:
    Diode(std::string name, SourceLoc loc, std::string anode, std::string cathode, const DiodeModel& model,
          double area = 1, double m = 1, bool off = false, bool icGiven = false, double ic = 0, double temp = 27);
    void setup(SetupContext& ctx) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void topology(TopologyBuilder& t) const override;
    bool isLinear() const override { return false; }

    // Junction current and conductance at vd (gmin included), exposed for tests.
    void junction(double vd, double gmin, double& id, double& gd) const;
    // Junction charge and capacitance at vd (depletion + diffusion with the given id, gd).
    void charge(double vd, double id, double gd, double& q, double& c) const;
    double vcrit() const { return vcrit_; }

private:
    std::string anodeName_, cathodeName_;
    DiodeModel model_;
    double area_, mult_;
    bool off_, icGiven_;
    double ic_;
    // Temperature-adjusted, area-scaled constants.
    double vt_ = 0, vte_ = 0, isat_ = 0, vcrit_ = 0, gs_ = 0, czero_ = 0, bvEff_ = 0;
    double f1_ = 0, f2_ = 0, f3_ = 0, depletionLimit_ = 0;
    int a_ = 0, k_ = 0, ai_ = 0; // anode, cathode, internal anode (== a_ without RS)
    std::array<int, 4> junctionOff_{};
    ConductanceStamp series_;
    double vdOld_ = 0.0; // last junction voltage used (for limiting)
};

} // namespace spinspice
