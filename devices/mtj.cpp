// `mtj`: two-terminal magnetic tunnel junction with a macrospin free layer (models/macrospin).
//
//   Nname free ref model [theta0=] [phi0=]        .model model mtj (ms= tf= d= alpha= hk= ... rp= tmr= vh=)
//
// Unknowns: the node voltages and the free-layer magnetisation m = (mx, my, mz) as three device states
// (signals "<name>.mx" ...). Electrical: I = G(m, V) V with G linear in cos(m, p) and TMR(V) =
// TMR0 / (1 + V^2/Vh^2) (device-physics eqs. 2.1-2.3). Magnetic: dm/dt = g(m, I), the LL form of the
// LLGS (eq. 1.4), in the f/q form q = m, f = -g; the Jacobian couples dI/dm and dg/dI exactly.
// Current sign: I flows from the free-layer terminal to the reference terminal; I > 0 pushes m toward
// the reference direction p (favours the parallel state). m is renormalised on every accepted step
// (the trapezoidal rule does not keep |m| = 1 exactly); DC analyses hold m at its initial direction.
#include "core/random.hpp"
#include "devices/mtj_detail.hpp"
#include "devices/registry.hpp"
#include "devices/stamps.hpp"
#include "models/constants.hpp"
#include "models/macrospin.hpp"

#include <algorithm>
#include <cmath>

namespace spinspice {
namespace mtjdetail {
namespace {
using macrospin::Vec3;
Vec3 unit(double x, double y, double z, const InstanceSpec& spec, const char* what) {
    const Vec3 v(x, y, z);
    if (!(v.norm() > 0)) throw InputError(spec.name + ": " + what + " must be a non-zero vector", spec.loc);
    return v.normalized();
}
} // namespace

double pillarArea(const InstanceSpec& s) {
    return s.given("area") ? s.param("area") : constants::pi * s.param("d") * s.param("d") / 4.0;
}
macrospin::MacrospinParams macrospinParams(const InstanceSpec& s) {
    macrospin::MacrospinParams p;
    p.Ms = s.param("ms");
    p.thickness = s.param("tf");
    p.volume = pillarArea(s) * p.thickness;
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
    if (s.param("pol") > 0) {
        p.etaLaw = macrospin::SttEfficiencyLaw::SlonczewskiMtj;
        p.spinPolarization = s.param("pol");
    }
    p.fieldLikeRatio = s.param("xi");
    p.vcmaCoefficient = s.param("vcma");
    p.oxideThickness = s.param("tox");
    return p;
}
macrospin::Macrospin macrospinModel(const InstanceSpec& s) {
    try {
        return macrospin::Macrospin(macrospinParams(s));
    } catch (const std::invalid_argument& e) {
        throw InputError(s.name + ": " + e.what(), s.loc);
    }
}

macrospin::MtjTransport transport(const InstanceSpec& s) {
    macrospin::MtjTransport t;
    t.resistanceParallel = s.given("ra") ? s.param("ra") / pillarArea(s) : s.param("rp");
    t.tmr0 = s.param("tmr");
    t.halfTmrVoltage = s.param("vh");
    return t;
}

macrospin::Vec3 initialDirection(const InstanceSpec& s, const macrospin::Macrospin& model) {
    const double delta = model.thermalStability(s.temperature + 273.15);
    const double theta0 = s.given("theta0") ? s.param("theta0") : 1.0 / std::sqrt(2.0 * std::max(delta, 0.5));
    const double phi0 = s.param("phi0");
    const Vec3 u = model.anisotropyAxis();
    const Vec3 w = std::fabs(u.x()) < 0.9 ? Vec3::UnitX() : Vec3::UnitY(); // not parallel to u
    const Vec3 e1 = (w - w.dot(u) * u).normalized();
    const Vec3 e2 = u.cross(e1);
    return std::cos(theta0) * u + std::sin(theta0) * (std::cos(phi0) * e1 + std::sin(phi0) * e2);
}

double precessionMaxStep(const macrospin::Macrospin& model) {
    const auto& p = model.params();
    const double field = std::fabs(model.anisotropyField()) + p.Hext.norm() + p.Ms * p.demag.maxCoeff();
    return field > 0 ? 2.0 * constants::pi / (constants::gammaMu0 * field) / 20.0
                     : std::numeric_limits<double>::infinity();
}

std::vector<ParamSpec> freeLayerParams(double defaultThickness) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    return {{"ms", 1e6, "A/m", "free-layer saturation magnetisation", 0, kInf, true},
            {"tf", defaultThickness, "m", "free-layer thickness", 0, kInf, true},
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
            {"hx", 0, "A/m", "external field x"},
            {"hy", 0, "A/m", "external field y"},
            {"hz", 0, "A/m", "external field z"},
            {"px", 0, "", "reference-layer direction x"},
            {"py", 0, "", "reference-layer direction y"},
            {"pz", 1, "", "reference-layer direction z"},
            {"eta", 0.5, "", "spin-transfer efficiency (constant law)", 0, kInf},
            {"pol", 0, "", "spin polarisation P: eta = P/(1 + P^2 cos) (Slonczewski MTJ law) when > 0", 0, 1},
            {"xi", 0, "", "field-like to damping-like torque ratio"},
            {"vcma", 0, "J/(V m)", "VCMA coefficient xi_VCMA (0: none)"},
            {"tox", 1e-9, "m", "barrier thickness (for VCMA)", 0, kInf, true}};
}

std::vector<ParamSpec> transportParams() {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    return {{"rp", 1e3, "ohm", "parallel-state resistance", 0, kInf, true},
            {"ra", 0, "ohm m^2", "resistance-area product (instead of rp)", 0, kInf, true},
            {"tmr", 1.0, "", "zero-bias TMR (R_AP - R_P)/R_P", 0, kInf},
            {"vh", 0.5, "V", "bias at which the TMR halves", 0, kInf, true}};
}

std::vector<ParamSpec> initialStateParams() {
    return {{"theta0", 0, "rad", "initial angle from the easy axis (default: 1/sqrt(2 Delta))", 0, 3.1416},
            {"phi0", 0, "rad", "initial azimuth"}};
}

std::vector<ParamSpec> initialStateInstanceParams() {
    return {
        {"theta0", 0, "rad", "initial angle of m from the easy axis (default: thermal rms 1/sqrt(2 Delta))", 0, 3.1416},
        {"phi0", 0, "rad", "initial azimuth of m around the easy axis"},
        {"temp", 27, "degC", "device temperature (default theta0, thermal field)"}};
}

void ThermalField::configure(const InstanceSpec& s, const macrospin::Macrospin& model, double& maxStep) {
    if (s.param("thermal") == 0) return;
    // Noise grid: tnoise, by default the precession step bound (1 ps without a static field).
    interval_ = s.param("tnoise") > 0 ? s.param("tnoise") : std::isfinite(maxStep) ? maxStep : 1e-12;
    sigma_ = model.thermalFieldSigma(s.temperature + 273.15, interval_);
    maxStep = std::min(maxStep, interval_);
}
void ThermalField::setup(SetupContext& ctx, const std::string& instance, const std::array<int, 3>& stateUnknowns) {
    stream_ = rng::Stream(ctx.options().seed, instance);
    if (active())
        for (int u : stateUnknowns) ctx.exemptFromTruncationControl(u);
}
macrospin::Vec3 ThermalField::at(double t) const {
    const double s = std::max(t, 0.0) / interval_;
    const double k = std::floor(s);
    const auto index = static_cast<std::uint64_t>(k);
    if (index != cachedIndex_) {
        cachedLeft_ = gridSample(index);
        cachedRight_ = gridSample(index + 1);
        cachedIndex_ = index;
    }
    const double w = s - k;
    return sigma_ * ((1.0 - w) * cachedLeft_ + w * cachedRight_);
}
macrospin::Vec3 ThermalField::gridSample(std::uint64_t k) const {
    const auto a = stream_.normals(k, 0), b = stream_.normals(k, 1);
    return macrospin::Vec3(a[0], a[1], b[0]);
}
Device::Projection projectUnitMagnetisation(double* x, const std::array<int, 3>& m, double* charges) {
    const double n = std::sqrt(x[m[0]] * x[m[0]] + x[m[1]] * x[m[1]] + x[m[2]] * x[m[2]]);
    if (!(n > 0) || std::fabs(n - 1.0) < 1e-10) return Device::Projection::None; // drift far below abstol: keep
    for (int k = 0; k < 3; ++k) x[m[k]] /= n;
    if (!charges) return Device::Projection::Small;
    for (int k = 0; k < 3; ++k) charges[m[k]] = x[m[k]]; // q = m on the state rows, nothing else
    return Device::Projection::Exact;
}
std::vector<ParamSpec> thermalParams() {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    return {{"thermal", 0, "", "1: thermal field (stochastic LLGS, eq. 1.5) at the device temperature in .tran", 0, 1},
            {"tnoise", 0, "s", "thermal-field sample interval (0: the precession step bound, else 1 ps)", 0, kInf}};
}
} // namespace mtjdetail

namespace {
using macrospin::Mat3;
using macrospin::Vec3;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kStateTolerance = 1e-6; // absolute tolerance of the m components

class Mtj : public Device {
public:
    explicit Mtj(const InstanceSpec& s)
        : Device(s.name, s.loc), nodeNames_{s.nodes[0], s.nodes[1]}, model_(mtjdetail::macrospinModel(s)),
          transport_(mtjdetail::transport(s)) {
        reference_ = model_.polarization();
        m0_ = mtjdetail::initialDirection(s, model_);
        maxStep_ = mtjdetail::precessionMaxStep(model_);
        thermal_.configure(s, model_, maxStep_);
    }

    void setup(SetupContext& ctx) override {
        a_ = ctx.node(nodeNames_[0]);
        b_ = ctx.node(nodeNames_[1]);
        const char* names[3] = {".mx", ".my", ".mz"};
        for (int k = 0; k < 3; ++k)
            m_[k] = ctx.addUnknown(name_ + names[k], Nature::State, true, kStateTolerance, m0_[k]);
        thermal_.setup(ctx, name_, m_);
    }
    void declare(PatternBuilder& pb) override {
        conductance_.declare(pb, a_, b_);
        for (int k = 0; k < 3; ++k) {
            nodeToState_[k][0] = pb.entry(a_, m_[k]);
            nodeToState_[k][1] = pb.entry(b_, m_[k]);
            stateToNode_[k][0] = pb.entry(m_[k], a_);
            stateToNode_[k][1] = pb.entry(m_[k], b_);
            for (int j = 0; j < 3; ++j) stateToState_[k][j] = pb.entry(m_[k], m_[j]);
        }
    }
    void bind(const PatternBuilder& pb) override {
        conductance_.bind(pb);
        for (int k = 0; k < 3; ++k) {
            for (int* o : {&nodeToState_[k][0], &nodeToState_[k][1], &stateToNode_[k][0], &stateToNode_[k][1]})
                *o = pb.offset(*o);
            for (int j = 0; j < 3; ++j) stateToState_[k][j] = pb.offset(stateToState_[k][j]);
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
        const Vec3 m(x[m_[0]], x[m_[1]], x[m_[2]]);
        const double v = x[a_] - x[b_];
        const macrospin::MtjCurrent io = macrospin::mtjCurrent(transport_, m, reference_, v);
        // KCL: I = G(m, V) V from a to b; linear in V around here with dI/dV, plus dI/dm.
        addF(out, a_, io.current);
        addF(out, b_, -io.current);
        conductance_.add(out.jf, io.dIdV);
        macrospin::LlgsInput input;
        input.current = io.current;
        input.biasVoltage = v;
        input.directDerivatives = false;
        if (thermal_.active() && ctx.mode == AnalysisMode::Tran) input.extraField = thermal_.at(ctx.time);
        if (!ctx.jacobianNeeded) { // chord iteration: residual and charges only
            const Vec3 g = model_.rhs(m, input);
            for (int k = 0; k < 3; ++k) {
                addQ(out, m_[k], m[k]);
                out.jq[stateToState_[k][k]] += 1.0;
                addF(out, m_[k], -g[k]);
            }
            return;
        }
        macrospin::LlgsDerivatives d;
        const Vec3 g = model_.rhs(m, input, d);
        // dg/dm including the current's dependence on m, and dg/dV through I and the VCMA bias.
        const Mat3 dgdm = d.dm + d.dCurrent * io.dIdm.transpose();
        const Vec3 dgdv = d.dCurrent * io.dIdV + d.dBiasVoltage;
        for (int k = 0; k < 3; ++k) {
            out.jf[nodeToState_[k][0]] += io.dIdm[k];
            out.jf[nodeToState_[k][1]] -= io.dIdm[k];
            addQ(out, m_[k], m[k]);
            out.jq[stateToState_[k][k]] += 1.0;
            addF(out, m_[k], -g[k]);
            for (int j = 0; j < 3; ++j) out.jf[stateToState_[k][j]] -= dgdm(k, j);
            out.jf[stateToNode_[k][0]] -= dgdv[k];
            out.jf[stateToNode_[k][1]] += dgdv[k];
        }
    }
    void topology(TopologyBuilder& t) const override {
        t.terminal(a_, *this);
        t.terminal(b_, *this);
        t.dcPath(a_, b_);
    }

private:
    std::array<std::string, 2> nodeNames_;
    macrospin::Macrospin model_;
    macrospin::MtjTransport transport_;
    Vec3 reference_, m0_;
    double maxStep_ = kInf;
    mtjdetail::ThermalField thermal_;
    int a_ = 0, b_ = 0;
    std::array<int, 3> m_{};
    ConductanceStamp conductance_;
    int nodeToState_[3][2]{}, stateToNode_[3][2]{}, stateToState_[3][3]{};
};

std::unique_ptr<Device> makeMtj(const InstanceSpec& s) {
    if (s.param("dynamics") != 0) return mtjdetail::makeBehavioralMtj(s);
    return std::make_unique<Mtj>(s);
}

DeviceRegistration registration{
    {{"mtj",
      "Magnetic tunnel junction, macrospin LLGS free layer: Nname free ref model [theta0=] [phi0=]; states "
      "name.mx name.my name.mz",
      {"mtj"},
      mtjdetail::initialStateInstanceParams(),
      mtjdetail::joinParams(
          mtjdetail::freeLayerParams(1.5e-9), mtjdetail::transportParams(), mtjdetail::initialStateParams(),
          std::vector<ParamSpec>{
              {"dynamics", 0, "", "0: macrospin LLGS; 1: behavioural (binary state, Sun / Neel-Brown switching times)",
               0, 1},
              {"tau0", 1e-9, "s", "attempt time of the Neel-Brown regime (dynamics=1)", 0, kInf, true},
          },
          mtjdetail::thermalParams())},
     2,
     2,
     &makeMtj}};

} // namespace
} // namespace spinspice
