// `sotmtj`: three-terminal spin-orbit-torque MTJ cell (device-physics.md section 2.5, last paragraph).
//
//   Nname hm1 hm2 top model [theta0=] [phi0=]        .model model sotmtj (ms= tf= ... rho= lhm= whm= thm= ...)
//
// Heavy-metal (HM) strip along +x from hm1 to hm2, resistance R_HM = rho L/(w t_HM), split into two
// halves R_HM/2 with an internal centre node "<name>.c" carrying the MTJ bottom (the free layer), as in
// zhuzibn STT_SOT_COSMAL.va and OpenNVRAM sot_cell.sp. The MTJ read path runs from the centre node to
// `top` (the reference layer) exactly as in `mtj`: I = G(m, V) V with G linear in cos(m, p) and
// TMR(V) = TMR0/(1 + V^2/Vh^2) (eqs. 2.1-2.3); its current also exerts STT (eq. 1.2).
//
// SOT: the strip current I_HM = (v(hm1) - v(hm2))/R_HM (the mean of the two half currents, so the MTJ
// current entering the centre does not count) gives J_c = I_HM/(w t_HM) and (eq. 1.3)
//   H_DL = hbar theta_SH J_c / (2 e mu0 Ms t_F),  H_FL = xi_SOT H_DL,  sigma = z x x_hat = +y,
// fed to the macrospin core as its "direct" torque (LlgsInput::directAJ/directBJ/directPolarization).
// A negative J_c reverses the torque (equivalently sigma -> -y). An in-plane assist field is the model's
// hx/hy. Unknowns: the centre node and m = (mx, my, mz) as states (f/q form q = m, f = -dm/dt), with
// exact Jacobians: dg/dm, dg/dV_MTJ (STT and VCMA) and dg/dv(hm1), dg/dv(hm2) through H_DL.
#include "devices/macrospin_device.hpp"
#include "devices/stamps.hpp"
#include "models/constants.hpp"

namespace spinspice {
namespace {
using macrospin::Mat3;
using macrospin::Vec3;
using namespace macrospindevice;

struct SotMtjParams : FreeLayerParams {
    double thetash = 0.1, xisot = 0, rho = 2e-6, lhm = 100e-9, whm = 50e-9, thm = 5e-9;
    OptionalValue rhm;
};

class SotMtj : public Device {
public:
    SotMtj(const InstanceContext& c, const SotMtjParams& p)
        : Device(c.name(), c.loc()), nodeNames_{c.nodes()[0], c.nodes()[1], c.nodes()[2]}, model_(macrospinModel(p, c)),
          transport_(transport(p)), reference_(model_.polarization()) {
        // R_HM = rho L / (w t_HM) (zhuzibn, OpenNVRAM); cross-section w t_HM for J_c.
        const double section = p.whm * p.thm;
        stripResistance_ = p.rhm.valueOr(p.rho * p.lhm / section);
        // dH_DL/dI_HM = hbar theta_SH / (2 e mu0 Ms t_F w t_HM) (eq. 1.3 with J_c = I_HM/(w t_HM)).
        dlPerAmpere_ = macrospin::sotDampingLikeField(p.thetash, 1.0, p.ms, p.tf) / section;
        fieldLikeRatio_ = p.xisot;
        state_.configure(p, model_, c);
    }
    DeviceTraits traits() const override {
        return {Linearity::Nonlinear, Chord::Safe, Charge::Present, state_.randomness()};
    }
    void setup(SetupContext& ctx) override {
        h1_ = ctx.node(nodeNames_[0]);
        h2_ = ctx.node(nodeNames_[1]);
        top_ = ctx.node(nodeNames_[2]);
        c_ = ctx.node(name_ + ".c");
        state_.setup(ctx, name_);
    }
    void declare(PatternBuilder& pb) override {
        half1_.declare(pb, h1_, c_);
        half2_.declare(pb, c_, h2_);
        junction_.declare(pb, c_, top_);
        state_.declare(pb, {c_, top_, h1_, h2_}, {c_, top_});
    }
    void bind(const PatternBuilder& pb) override {
        half1_.bind(pb);
        half2_.bind(pb);
        junction_.bind(pb);
        state_.bind(pb);
    }
    void beginTransient(const TransientWindow&, DeviceClock& clock) override { clock.limitStep(state_.maxStep()); }
    Projection projectState(double* x, double* charges) const override { return state_.project(x, charges); }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double* x = ctx.x;
        // Strip: two halves of R_HM/2 each.
        const double gHalf = 2.0 / stripResistance_;
        half1_.load(out, x, h1_, c_, gHalf);
        half2_.load(out, x, c_, h2_, gHalf);
        // MTJ read path, free layer (centre) -> reference (top): eqs. 2.1-2.3.
        const Vec3 m = state_.m(x);
        const double v = x[c_] - x[top_];
        const macrospin::MtjCurrent io = macrospin::mtjCurrent(transport_, m, reference_, v);
        addF(out, c_, io.current);
        addF(out, top_, -io.current);
        junction_.add(out.jf, io.dIdV);
        // SOT from the strip current, eq. 1.3: I_HM = (v1 - v2)/R_HM, H_DL = dlPerAmpere I_HM, H_FL = xi H_DL.
        const double stripCurrent = (x[h1_] - x[h2_]) / stripResistance_;
        macrospin::LlgsInput input;
        input.current = io.current;
        input.biasVoltage = v;
        input.directAJ = dlPerAmpere_ * stripCurrent;
        input.directBJ = fieldLikeRatio_ * input.directAJ;
        input.directPolarization = Vec3::UnitY(); // sigma = z x x_hat
        input.extraField = state_.thermalField(ctx);
        macrospin::LlgsDerivatives d;
        const Vec3 g = model_.rhs(m, input, d);
        state_.loadRates(out, m, g);
        const Mat3 dgdm = d.dm + d.dCurrent * io.dIdm.transpose();
        const Vec3 dgdv = d.dCurrent * io.dIdV + d.dBiasVoltage;
        // dg/dv(hm1) = (dg/daJ + xi dg/dbJ) dH_DL/dI_HM / R_HM; dg/dv(hm2) is its negative.
        const Vec3 dgdStrip = (d.dDirectAJ + fieldLikeRatio_ * d.dDirectBJ) * (dlPerAmpere_ / stripResistance_);
        const Vec3 dgdInput[4] = {dgdv, -dgdv, dgdStrip, -dgdStrip};
        state_.loadJacobian(out, dgdm, dgdInput, io.dIdm);
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(h1_, *this);
        t.terminal(h2_, *this);
        t.terminal(top_, *this);
        t.dcPath(h1_, c_);
        t.dcPath(c_, h2_);
        t.dcPath(c_, top_);
    }

private:
    std::array<std::string, 3> nodeNames_;
    macrospin::Macrospin model_;
    macrospin::MtjTransport transport_;
    Vec3 reference_;
    double stripResistance_ = 1, dlPerAmpere_ = 0, fieldLikeRatio_ = 0;
    int h1_ = 0, h2_ = 0, top_ = 0, c_ = 0;
    ConductanceStamp half1_, half2_, junction_;
    MacrospinState state_;
};

const ParamTable<SotMtjParams> kSotMtjParams(joinRows(
    freeLayerRows<SotMtjParams>(1e-9), transportRows<SotMtjParams>(),
    std::vector<ParamRow<SotMtjParams>>{
        param("thetash", &SotMtjParams::thetash, 0.1, "", "spin Hall angle theta_SH of the strip"),
        param("xisot", &SotMtjParams::xisot, 0, "", "SOT field-like to damping-like ratio xi_SOT"),
        param("rho", &SotMtjParams::rho, 2e-6, "ohm m", "strip resistivity (200 uOhm cm)").positive(),
        param("lhm", &SotMtjParams::lhm, 100e-9, "m", "strip length L (hm1 to hm2)").positive(),
        param("whm", &SotMtjParams::whm, 50e-9, "m", "strip width w").positive(),
        param("thm", &SotMtjParams::thm, 5e-9, "m", "strip thickness t_HM").positive(),
        param("rhm", &SotMtjParams::rhm, 0, "ohm", "strip resistance R_HM (overrides rho L/(w t_HM))").positive(),
    },
    initialStateRows<SotMtjParams>(), thermalRows<SotMtjParams>()));

const DeviceRegistration kRegistration{compactModelType<SotMtj>(
    "sotmtj",
    "Three-terminal SOT-MTJ cell: heavy-metal strip hm1-hm2 (two halves R_HM/2, internal centre node name.c) under "
    "a macrospin MTJ read path centre-top: Nname hm1 hm2 top model [theta0=] [phi0=]; SOT H_DL = hbar theta_SH "
    "J_c/(2 e mu0 Ms t_F), J_c = I_HM/(w t_HM), sigma = +y for current hm1 -> hm2; states name.mx name.my name.mz",
    3, 3, kSotMtjParams)};

} // namespace
} // namespace spinspice
