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

Vec3 unit(double x, double y, double z, const InstanceSpec& spec, const char* what) {
    const Vec3 v(x, y, z);
    if (!(v.norm() > 0)) throw InputError(spec.name + ": " + what + " must be a non-zero vector", spec.loc);
    return v.normalized();
}

class SotMtj : public Device {
public:
    explicit SotMtj(const InstanceSpec& s)
        : Device(s.name, s.loc), nodeNames_{s.nodes[0], s.nodes[1], s.nodes[2]}, model_(checked(s)) {
        transport_.resistanceParallel = s.given("ra") ? s.param("ra") / area(s) : s.param("rp");
        transport_.tmr0 = s.param("tmr");
        transport_.halfTmrVoltage = s.param("vh");
        reference_ = model_.polarization();
        // R_HM = rho L / (w t_HM) (zhuzibn, OpenNVRAM); cross-section w t_HM for J_c.
        const double section = s.param("whm") * s.param("thm");
        stripResistance_ = s.given("rhm") ? s.param("rhm") : s.param("rho") * s.param("lhm") / section;
        const auto& p = model_.params();
        // dH_DL/dI_HM = hbar theta_SH / (2 e mu0 Ms t_F w t_HM) (eq. 1.3 with J_c = I_HM/(w t_HM)).
        dlPerAmpere_ = macrospin::sotDampingLikeField(s.param("thetash"), 1.0, p.Ms, p.thickness) / section;
        fieldLikeRatio_ = s.param("xisot");
        const double delta = model_.thermalStability(s.temperature + 273.15);
        const double theta0 = s.given("theta0") ? s.param("theta0") : 1.0 / std::sqrt(2.0 * std::max(delta, 0.5));
        const double phi0 = s.param("phi0");
        const Vec3 u = model_.anisotropyAxis();
        const Vec3 w = std::fabs(u.x()) < 0.9 ? Vec3::UnitX() : Vec3::UnitY();
        const Vec3 e1 = (w - w.dot(u) * u).normalized();
        const Vec3 e2 = u.cross(e1);
        m0_ = std::cos(theta0) * u + std::sin(theta0) * (std::cos(phi0) * e1 + std::sin(phi0) * e2);
        // At most 1/20 of the precession period of the largest static field.
        const double field = std::fabs(model_.anisotropyField()) + p.Hext.norm() + p.Ms * p.demag.maxCoeff();
        maxStep_ = field > 0 ? 2.0 * constants::pi / (constants::gammaMu0 * field) / 20.0 : kInf;
    }

    void setup(SetupContext& ctx) override {
        h1_ = ctx.node(nodeNames_[0]);
        h2_ = ctx.node(nodeNames_[1]);
        top_ = ctx.node(nodeNames_[2]);
        c_ = ctx.addUnknown(name_ + ".c", Nature::Voltage, true);
        const char* names[3] = {".mx", ".my", ".mz"};
        for (int k = 0; k < 3; ++k)
            m_[k] = ctx.addUnknown(name_ + names[k], Nature::State, true, kStateTolerance, m0_[k]);
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
    double maxStep() const override { return maxStep_; }
    bool projectsState() const override { return true; }

    Projection projectState(double* x) const override {
        const double n = std::sqrt(x[m_[0]] * x[m_[0]] + x[m_[1]] * x[m_[1]] + x[m_[2]] * x[m_[2]]);
        if (!(n > 0) || std::fabs(n - 1.0) < 1e-10) return Projection::None;
        for (int k = 0; k < 3; ++k) x[m_[k]] /= n;
        return Projection::Small;
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
    static double area(const InstanceSpec& s) {
        return s.given("area") ? s.param("area") : constants::pi * s.param("d") * s.param("d") / 4.0;
    }
    static macrospin::MacrospinParams params(const InstanceSpec& s) {
        macrospin::MacrospinParams p;
        p.Ms = s.param("ms");
        p.thickness = s.param("tf");
        p.volume = area(s) * p.thickness;
        p.alpha = s.param("alpha");
        p.anisotropyAxis = unit(s.param("ux"), s.param("uy"), s.param("uz"), s, "the easy axis (ux uy uz)");
        if (s.given("ku"))
            p.Ku = s.param("ku");
        else if (s.given("ki"))
            p.Ki = s.param("ki");
        else
            p.setAnisotropyField(s.param("hk"));
        p.demag = Vec3(s.param("nx"), s.param("ny"), s.param("nz"));
        p.Hext = Vec3(s.param("hx"), s.param("hy"), s.param("hz"));
        p.polarization = unit(s.param("px"), s.param("py"), s.param("pz"), s, "the reference direction (px py pz)");
        p.eta = s.param("eta");
        p.fieldLikeRatio = s.param("xi");
        p.vcmaCoefficient = s.param("vcma");
        p.oxideThickness = s.param("tox");
        return p;
    }
    static macrospin::Macrospin checked(const InstanceSpec& s) {
        try {
            return macrospin::Macrospin(params(s));
        } catch (const std::invalid_argument& e) {
            throw InputError(s.name + ": " + e.what(), s.loc);
        }
    }

    std::array<std::string, 3> nodeNames_;
    macrospin::Macrospin model_;
    macrospin::MtjTransport transport_;
    Vec3 reference_, m0_;
    double stripResistance_ = 1, dlPerAmpere_ = 0, fieldLikeRatio_ = 0, maxStep_ = kInf;
    int h1_ = 0, h2_ = 0, top_ = 0, c_ = 0;
    std::array<int, 3> m_{};
    ConductanceStamp half1_, half2_, junction_;
    int nodeToState_[3][2]{}, stateToNode_[3][4]{}, stateToState_[3][3]{};
};

std::unique_ptr<Device> makeSotMtj(const InstanceSpec& s) {
    return std::make_unique<SotMtj>(s);
}

const std::vector<ParamSpec> kInstanceParams = {
    {"theta0", 0, "rad", "initial angle of m from the easy axis (default: thermal rms 1/sqrt(2 Delta))", 0, 3.1416},
    {"phi0", 0, "rad", "initial azimuth of m around the easy axis"},
    {"temp", 27, "degC", "device temperature (for the default theta0)"},
};

DeviceRegistration registration{
    {{"sotmtj",
      "Three-terminal SOT-MTJ cell: heavy-metal strip hm1-hm2 (two halves R_HM/2, internal centre node "
      "name.c) under a macrospin MTJ read path centre-top: Nname hm1 hm2 top model [theta0=] [phi0=]; SOT "
      "H_DL = hbar theta_SH J_c/(2 e mu0 Ms t_F), J_c = I_HM/(w t_HM), sigma = +y for current hm1 -> hm2; states "
      "name.mx name.my name.mz",
      {"sotmtj"},
      kInstanceParams,
      {{"ms", 1e6, "A/m", "free-layer saturation magnetisation", 0, kInf, true},
       {"tf", 1e-9, "m", "free-layer thickness", 0, kInf, true},
       {"d", 40e-9, "m", "diameter of the circular pillar (area = pi d^2/4)", 0, kInf, true},
       {"area", 0, "m^2", "pillar area (overrides d)", 0, kInf, true},
       {"alpha", 0.01, "", "Gilbert damping", 0, kInf},
       {"hk", 159154.9, "A/m", "uniaxial anisotropy field (effective when no demag tensor is given; 0.2 T/mu0)"},
       {"ku", 0, "J/m^3", "bulk uniaxial anisotropy (instead of hk)"},
       {"ki", 0, "J/m^2", "interfacial anisotropy, Ku = ki/tf (instead of hk)"},
       {"ux", 0, "", "easy axis x"},
       {"uy", 0, "", "easy axis y"},
       {"uz", 1, "", "easy axis z"},
       {"nx", 0, "", "demagnetising factor Nxx"},
       {"ny", 0, "", "demagnetising factor Nyy"},
       {"nz", 0, "", "demagnetising factor Nzz (thin film: nz=1)"},
       {"hx", 0, "A/m", "external (assist) field x, along the strip"},
       {"hy", 0, "A/m", "external field y"},
       {"hz", 0, "A/m", "external field z"},
       {"px", 0, "", "reference-layer direction x"},
       {"py", 0, "", "reference-layer direction y"},
       {"pz", 1, "", "reference-layer direction z"},
       {"eta", 0.5, "", "STT efficiency of the read current", 0, kInf},
       {"xi", 0, "", "STT field-like to damping-like ratio"},
       {"vcma", 0, "J/(V m)", "VCMA coefficient xi_VCMA (0: none)"},
       {"tox", 1e-9, "m", "barrier thickness (for VCMA)", 0, kInf, true},
       {"rp", 1e3, "ohm", "parallel-state resistance", 0, kInf, true},
       {"ra", 0, "ohm m^2", "resistance-area product (instead of rp)", 0, kInf, true},
       {"tmr", 1.0, "", "zero-bias TMR (R_AP - R_P)/R_P", 0, kInf},
       {"vh", 0.5, "V", "bias at which the TMR halves", 0, kInf, true},
       {"thetash", 0.1, "", "spin Hall angle theta_SH of the strip"},
       {"xisot", 0, "", "SOT field-like to damping-like ratio xi_SOT"},
       {"rho", 2e-6, "ohm m", "strip resistivity (200 uOhm cm)", 0, kInf, true},
       {"lhm", 100e-9, "m", "strip length L (hm1 to hm2)", 0, kInf, true},
       {"whm", 50e-9, "m", "strip width w", 0, kInf, true},
       {"thm", 5e-9, "m", "strip thickness t_HM", 0, kInf, true},
       {"rhm", 0, "ohm", "strip resistance R_HM (overrides rho L/(w t_HM))", 0, kInf, true},
       {"theta0", 0, "rad", "initial angle from the easy axis (default: 1/sqrt(2 Delta))", 0, 3.1416},
       {"phi0", 0, "rad", "initial azimuth"}}},
     3,
     3,
     &makeSotMtj}};

} // namespace
} // namespace spinspice