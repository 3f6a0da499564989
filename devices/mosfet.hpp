// MOSFET level 1 (Shichman-Hodges) as ngspice's mos1: drain current with body effect and channel-length
// modulation, source/drain series resistances, bulk junction diodes with depletion charge, Meyer
// gate capacitances plus overlap capacitances, and SPICE's fetlim/limvds/pnjlim limiting.
//
// Meyer capacitances are not derivatives of a charge, so (as SPICE) the gate charges are integrated
// incrementally: q = q_accepted + C (v - v_accepted), with C the average of the Meyer capacitance at the
// accepted point and at the iterate. The accepted charges advance only in accept().
#pragma once

#include "devices/registry.hpp"
#include "devices/stamps.hpp"

#include <array>
#include <string>

namespace spinspice {

// The `m` type's table: instance geometry and `.model` parameters in one struct.
struct MosParams {
    double l = 100e-6, w = 100e-6, ad = 0, as = 0, pd = 0, ps = 0, nrd = 1, nrs = 1, mult = 1; // instance
    bool off = false;
    OptionalValue temp;
    int level = 1;
    double vto = 0;
    OptionalValue kp; // default uo*cox when tox is given, else 2e-5
    double gamma = 0, phi = 0.6, lambda = 0, rd = 0, rs = 0;
    OptionalValue cbd, cbs;
    double is = 1e-14, pb = 0.8, cgso = 0, cgdo = 0, cgbo = 0, rsh = 0, cj = 0, mj = 0.5, cjsw = 0, mjsw = 0.5, js = 0,
           tox = 0, ld = 0, uo = 600, fc = 0.5, tnom = 27;
};

class Mosfet : public Device {
public:
    Mosfet(const InstanceContext& c, const MosParams& p);
    DeviceTraits traits() const override;
    void setup(SetupContext& ctx) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void restart() override { acceptedOnce_ = false; }
    void accept(const AcceptContext& ctx, DeviceClock&) override;
    void topology(TopologyBuilder& t) const override;

    // Drain current and its derivatives for normalised (type-multiplied) vgs, vds >= 0, vbs.
    struct Channel {
        double id, gm, gds, gmbs, von, vdsat;
    };
    Channel channel(double vgs, double vds, double vbs) const;

private:
    enum Terminal { D = 0, G = 1, S = 2, B = 3 };
    std::array<std::string, 4> nodeNames_;
    MosParams p_;
    double type_ = 1;                                     // +1 NMOS, -1 PMOS
    int d_ = 0, g_ = 0, s_ = 0, b_ = 0, di_ = 0, si_ = 0; // external and internal (after RD/RS) nodes
    double beta_ = 0, vbi_ = 0, phi_ = 0, vt_ = 0, oxideCap_ = 0, gdrain_ = 0, gsource_ = 0;
    double drainSat_ = 0, sourceSat_ = 0, drainVcrit_ = 0, sourceVcrit_ = 0;
    double czbd_ = 0, czbs_ = 0, czbdsw_ = 0, czbssw_ = 0;
    // Jacobian offsets: the 4x4 block over (di, g, si, b) for f and q, plus the series resistors.
    std::array<int, 16> block_{};
    ConductanceStamp drainSeries_, sourceSeries_;
    // Newton memory (normalised, limited values of the last iteration).
    double vgsOld_ = 0, vdsOld_ = 0, vbsOld_ = 0, vonOld_ = 0;
    bool haveOld_ = false;
    // Meyer state at the last accepted point: half capacitances, voltages and charges (gs, gd, gb).
    std::array<double, 3> capHalfAcc_{}, vAcc_{}, qAcc_{};
    std::array<double, 3> capHalfNow_{};
    bool acceptedOnce_ = false;
    double junctionCharge(double v, double czero, double czeroSw, double& cap) const;
};

} // namespace spinspice
