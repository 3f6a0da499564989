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
#include "devices/mtj_detail.hpp"
#include "devices/registry.hpp"
#include "devices/stamps.hpp"
#include "models/constants.hpp"
#include "models/macrospin.hpp"

#include <cmath>

namespace spinspice {
namespace {
using macrospin::Mat3;
using macrospin::Vec3;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kStateTolerance = 1e-6; // absolute tolerance of the m components

class SotMtj : public Device {
public:
    explicit SotMtj(const InstanceSpec& s)
        : Device(s.name, s.loc), nodeNames_{s.nodes[0], s.nodes[1], s.nodes[2]}, model_(mtjdetail::macrospinModel(s)),
          transport_(mtjdetail::transport(s)) {
        reference_ = model_.polarization();
        // R_HM = rho L / (w t_HM) (zhuzibn, OpenNVRAM); cross-section w t_HM for J_c.
        const double section = s.param("whm") * s.param("thm");
        stripResistance_ = s.given("rhm") ? s.param("rhm") : s.param("rho") * s.param("lhm") / section;
        const auto& p = model_.params();
        // dH_DL/dI_HM = hbar theta_SH / (2 e mu0 Ms t_F w t_HM) (eq. 1.3 with J_c = I_HM/(w t_HM)).
        dlPerAmpere_ = macrospin::sotDampingLikeField(s.param("thetash"), 1.0, p.Ms, p.thickness) / section;
        fieldLikeRatio_ = s.param("xisot");
        m0_ = mtjdetail::initialDirection(s, model_);
        maxStep_ = mtjdetail::precessionMaxStep(model_);
        thermal_.configure(s, model_, maxStep_);
    }

    void setup(SetupContext& ctx) override {
        h1_ = ctx.node(nodeNames_[0]);
        h2_ = ctx.node(nodeNames_[1]);
        top_ = ctx.node(nodeNames_[2]);
        c_ = ctx.addUnknown(name_ + ".c", Nature::Voltage, true);
        const char* names[3] = {".mx", ".my", ".mz"};
        for (int k = 0; k < 3; ++k)
            m_[k] = ctx.addUnknown(name_ + names[k], Nature::State, true, kStateTolerance, m0_[k]);
        thermal_.setup(ctx, name_, m_);
    }
    void declare(PatternBuilder& pb) override {
        half1_.declare(pb, h1_, c_);
        half2_.declare(pb, c_, h2_);
        junction_.declare(pb, c_, top_);
        const int nodes[4] = {c_, top_, h1_, h2_};
        for (int k = 0; k < 3; ++k) {
            nodeToState_[k][0] = pb.entry(c_, m_[k]);
            nodeToState_[k][1] = pb.entry(top_, m_[k]);
            for (int n = 0; n < 4; ++n) stateToNode_[k][n] = pb.entry(m_[k], nodes[n]);
            for (int j = 0; j < 3; ++j) stateToState_[k][j] = pb.entry(m_[k], m_[j]);
        }
    }
    void bind(const PatternBuilder& pb) override {
        half1_.bind(pb);
        half2_.bind(pb);
        junction_.bind(pb);
        for (int k = 0; k < 3; ++k) {
            for (int& o : nodeToState_[k]) o = pb.offset(o);
            for (int& o : stateToNode_[k]) o = pb.offset(o);
            for (int& o : stateToState_[k]) o = pb.offset(o);
        }
    }
    bool isLinear() const override { return false; }
    bool allowsChordIterations() const override { return true; }
    double maxStep() const override { return maxStep_; }
    bool projectsState() const override { return true; }

    Projection projectState(double* x) const override { return mtjdetail::projectUnitMagnetisation(x, m_); }
    Projection projectState(double* x, double* charges) const override {
        return mtjdetail::projectUnitMagnetisation(x, m_, charges);
    }

    void eval(const EvalContext& ctx, LoadBuffers& out) override {
        const double* x = ctx.x;
        // Strip: two halves of R_HM/2 each.
        const double gHalf = 2.0 / stripResistance_;
        half1_.load(out, x, h1_, c_, gHalf);
        half2_.load(out, x, c_, h2_, gHalf);
        // MTJ read path, free layer (centre) -> reference (top): eqs. 2.1-2.3.
        const Vec3 m(x[m_[0]], x[m_[1]], x[m_[2]]);
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
        if (thermal_.active() && ctx.mode == AnalysisMode::Tran) input.extraField = thermal_.at(ctx.time);
        macrospin::LlgsDerivatives d;
        const Vec3 g = model_.rhs(m, input, d);
        const Mat3 dgdm = d.dm + d.dCurrent * io.dIdm.transpose();
        const Vec3 dgdv = d.dCurrent * io.dIdV + d.dBiasVoltage;
        // dg/dv(hm1) = (dg/daJ + xi dg/dbJ) dH_DL/dI_HM / R_HM; dg/dv(hm2) is its negative.
        const Vec3 dgdStrip = (d.dDirectAJ + fieldLikeRatio_ * d.dDirectBJ) * (dlPerAmpere_ / stripResistance_);
        for (int k = 0; k < 3; ++k) {
            out.jf[nodeToState_[k][0]] += io.dIdm[k];
            out.jf[nodeToState_[k][1]] -= io.dIdm[k];
            addQ(out, m_[k], m[k]);
            out.jq[stateToState_[k][k]] += 1.0;
            addF(out, m_[k], -g[k]);
            for (int j = 0; j < 3; ++j) out.jf[stateToState_[k][j]] -= dgdm(k, j);
            out.jf[stateToNode_[k][0]] -= dgdv[k];
            out.jf[stateToNode_[k][1]] += dgdv[k];
            out.jf[stateToNode_[k][2]] -= dgdStrip[k];
            out.jf[stateToNode_[k][3]] += dgdStrip[k];
        }
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
    Vec3 reference_, m0_;
    double stripResistance_ = 1, dlPerAmpere_ = 0, fieldLikeRatio_ = 0, maxStep_ = kInf;
    int h1_ = 0, h2_ = 0, top_ = 0, c_ = 0;
    std::array<int, 3> m_{};
    ConductanceStamp half1_, half2_, junction_;
    mtjdetail::ThermalField thermal_;
    int nodeToState_[3][2]{}, stateToNode_[3][4]{}, stateToState_[3][3]{};
};

std::unique_ptr<Device> makeSotMtj(const InstanceSpec& s) {
    return std::make_unique<SotMtj>(s);
}

DeviceRegistration registration{
    {{"sotmtj",
      "Three-terminal SOT-MTJ cell: heavy-metal strip hm1-hm2 (two halves R_HM/2, internal centre node "
      "name.c) under a macrospin MTJ read path centre-top: Nname hm1 hm2 top model [theta0=] [phi0=]; SOT "
      "H_DL = hbar theta_SH J_c/(2 e mu0 Ms t_F), J_c = I_HM/(w t_HM), sigma = +y for current hm1 -> hm2; states "
      "name.mx name.my name.mz",
      {"sotmtj"},
      mtjdetail::initialStateInstanceParams(),
      mtjdetail::joinParams(mtjdetail::freeLayerParams(1e-9), mtjdetail::transportParams(),
                            std::vector<ParamSpec>{
                                {"thetash", 0.1, "", "spin Hall angle theta_SH of the strip"},
                                {"xisot", 0, "", "SOT field-like to damping-like ratio xi_SOT"},
                                {"rho", 2e-6, "ohm m", "strip resistivity (200 uOhm cm)", 0, kInf, true},
                                {"lhm", 100e-9, "m", "strip length L (hm1 to hm2)", 0, kInf, true},
                                {"whm", 50e-9, "m", "strip width w", 0, kInf, true},
                                {"thm", 5e-9, "m", "strip thickness t_HM", 0, kInf, true},
                                {"rhm", 0, "ohm", "strip resistance R_HM (overrides rho L/(w t_HM))", 0, kInf, true},
                            },
                            mtjdetail::initialStateParams(), mtjdetail::thermalParams())},
     3,
     3,
     &makeSotMtj}};

} // namespace
} // namespace spinspice