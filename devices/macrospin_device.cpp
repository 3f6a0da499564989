#include "devices/macrospin_device.hpp"

#include "models/constants.hpp"

#include <algorithm>
#include <cmath>

namespace spinspice::macrospindevice {
namespace {
using macrospin::Vec3;

Vec3 unit(double x, double y, double z, const InstanceContext& c, const char* what) {
    const Vec3 v(x, y, z);
    if (!(v.norm() > 0)) c.fail(std::string(what) + " must be a non-zero vector");
    return v.normalized();
}

double pillarArea(const FreeLayerParams& p) {
    return p.area.valueOr(constants::pi * p.d * p.d / 4.0);
}

constexpr double kFieldCeiling = 1e8; // A/m: mu0 H = 126 T

// Parameters that are each in range can still combine into quantities that overflow (hk = 1e308,
// alpha^2 = inf, ...): refuse them here, at the instance, rather than as NaN in the solver.
void checkFinite(const macrospin::Macrospin& model, const InstanceContext& c) {
    const auto& p = model.params();
    auto require = [&](bool ok, const char* what) {
        if (!ok)
            c.fail(std::string("the parameters give a non-finite ") + what,
                   "check the magnitudes of its parameters (fields in A/m, lengths in m, energies in J/m^3)");
    };
    require(std::isfinite(p.Ms * p.volume) && p.Ms * p.volume > 0, "magnetic moment Ms V");
    require(std::isfinite(model.anisotropyField()) && std::isfinite(model.effectiveAnisotropyField()),
            "anisotropy field");
    require(std::isfinite(p.Ms * p.demag.norm()) && std::isfinite(p.Hext.norm()), "demagnetising or external field");
    require(std::isfinite(model.gammaPrime()) && model.gammaPrime() > 0, "precession rate gamma mu0/(1 + alpha^2)");
    // Fields beyond any material or laboratory (126 T) are parameter mistakes (ki in J/m^2 is ~1e-3), and
    // would need femtosecond time steps.
    const double field = std::max({std::fabs(model.anisotropyField()), p.Ms * p.demag.maxCoeff(), p.Hext.norm()});
    if (field > kFieldCeiling)
        c.fail("a field of " + formatParamNumber(field) + " A/m (" + formatParamNumber(constants::mu0 * field) +
                   " T) is beyond any magnet (limit " + formatParamNumber(kFieldCeiling) + " A/m)",
               "check hk, ku, ki (J/m^2, typically 1e-3), ms, the demagnetising factors and the applied field");
    // g and its Jacobian at a tilted state with a current and a bias: every torque term contributes.
    macrospin::LlgsInput input;
    input.current = 1e-6;
    input.biasVoltage = 0.1;
    macrospin::LlgsDerivatives d;
    const Vec3 g = model.rhs(Vec3(0.6, 0.0, 0.8), input, d);
    require(g.allFinite() && d.dm.allFinite() && d.dCurrent.allFinite() && d.dBiasVoltage.allFinite(),
            "right-hand side of the LLGS equation");
}
} // namespace

macrospin::Macrospin macrospinModel(const FreeLayerParams& p, const InstanceContext& c) {
    macrospin::MacrospinParams m;
    m.Ms = p.ms;
    m.thickness = p.tf;
    m.volume = pillarArea(p) * p.tf;
    m.alpha = p.alpha;
    m.anisotropyAxis = unit(p.ux, p.uy, p.uz, c, "the easy axis (ux uy uz)");
    if (p.ku.given)
        m.Ku = p.ku.value;
    else if (p.ki.given)
        m.Ki = p.ki.value;
    else
        m.setAnisotropyField(p.hk);
    m.demag = Vec3(p.nx, p.ny, p.nz);
    m.Hext = Vec3(p.hx, p.hy, p.hz);
    m.polarization = unit(p.px, p.py, p.pz, c, "the reference direction (px py pz)");
    m.eta = p.eta;
    if (p.pol > 0) {
        m.etaLaw = macrospin::SttEfficiencyLaw::SlonczewskiMtj;
        m.spinPolarization = p.pol;
    }
    m.fieldLikeRatio = p.xi;
    m.vcmaCoefficient = p.vcma;
    m.oxideThickness = p.tox;
    try {
        macrospin::Macrospin model(m);
        checkFinite(model, c);
        return model;
    } catch (const std::invalid_argument& e) {
        c.fail(e.what());
    }
}

macrospin::MtjTransport transport(const FreeLayerParams& p) {
    macrospin::MtjTransport t;
    t.resistanceParallel = p.ra.given ? p.ra.value / pillarArea(p) : p.rp;
    t.tmr0 = p.tmr;
    t.halfTmrVoltage = p.vh;
    return t;
}

double temperatureKelvin(const FreeLayerParams& p, const InstanceContext& c) {
    return p.temp.valueOr(c.env.temp) + constants::celsiusToKelvin;
}

Vec3 initialDirection(const FreeLayerParams& p, const macrospin::Macrospin& model, double kelvin) {
    const double delta = model.thermalStability(kelvin);
    const double theta0 = p.theta0.valueOr(1.0 / std::sqrt(2.0 * std::max(delta, 0.5)));
    const Vec3 u = model.anisotropyAxis();
    const Vec3 w = std::fabs(u.x()) < 0.9 ? Vec3::UnitX() : Vec3::UnitY(); // not parallel to u
    const Vec3 e1 = (w - w.dot(u) * u).normalized();
    const Vec3 e2 = u.cross(e1);
    return std::cos(theta0) * u + std::sin(theta0) * (std::cos(p.phi0) * e1 + std::sin(p.phi0) * e2);
}

double precessionMaxStep(const macrospin::Macrospin& model) {
    const auto& p = model.params();
    const double field = std::fabs(model.anisotropyField()) + p.Hext.norm() + p.Ms * p.demag.maxCoeff();
    return field > 0 ? 2.0 * constants::pi / (constants::gammaMu0 * field) / 20.0
                     : std::numeric_limits<double>::infinity();
}

// ---- thermal field ----------------------------------------------------------------------------------
void ThermalField::configure(const FreeLayerParams& p, const macrospin::Macrospin& model, double kelvin,
                             double& maxStep) {
    if (!p.thermal) return;
    // Noise grid: tnoise, by default the precession step bound (1 ps without a static field).
    interval_ = p.tnoise > 0 ? p.tnoise : std::isfinite(maxStep) ? maxStep : 1e-12;
    sigma_ = model.thermalFieldSigma(kelvin, interval_);
    maxStep = std::min(maxStep, interval_);
}

// ---- the magnetisation unknowns ---------------------------------------------------------------------
constexpr double kStateTolerance = 1e-6; // absolute tolerance of the m components

void MacrospinState::configure(const FreeLayerParams& p, const macrospin::Macrospin& model, const InstanceContext& c) {
    const double kelvin = temperatureKelvin(p, c);
    m0_ = initialDirection(p, model, kelvin);
    dc_ = p.dcrelax ? DcBehaviour::Relaxed : DcBehaviour::Held;
    maxStep_ = precessionMaxStep(model);
    thermal_.configure(p, model, kelvin, maxStep_);
    thermal_.setStream(c.env.seed, c.name());
    if (!m0_.allFinite()) c.fail("the initial direction of m is not finite", "check theta0, phi0 and the easy axis");
    if (!(maxStep_ > 0))
        c.fail("the parameters give an infinite precession frequency (no finite time step resolves it)",
               "check the magnitudes of the fields and anisotropies");
    if (!thermal_.finite()) c.fail("the thermal field is not finite", "check temp, alpha, ms, the volume and tnoise");
}

void MacrospinState::setup(SetupContext& ctx, const std::string& instance) {
    const char* names[3] = {".mx", ".my", ".mz"};
    for (int k = 0; k < 3; ++k) {
        StateSpec spec{instance + names[k], kStateTolerance, m0_[k], dc_};
        spec.truncationControl = !thermal_.active();
        m_[static_cast<std::size_t>(k)] = ctx.state(spec);
    }
    ctx.projectStates();
}

void MacrospinState::declare(PatternBuilder& pb, const std::vector<int>& inputColumns, std::array<int, 2> currentRows) {
    inputs_ = inputColumns;
    currentRows_ = currentRows;
    inputOff_.assign(inputs_.size(), {});
    for (std::size_t k = 0; k < 3; ++k) {
        for (std::size_t j = 0; j < 3; ++j) mm_[k][j] = pb.entry(m_[k], m_[j]);
        for (std::size_t i = 0; i < inputs_.size(); ++i) inputOff_[i][k] = pb.entry(m_[k], inputs_[i]);
        for (std::size_t r = 0; r < 2; ++r) currentOff_[r][k] = pb.entry(currentRows_[r], m_[k]);
    }
}

void MacrospinState::bind(const PatternBuilder& pb) {
    for (auto& row : mm_)
        for (int& o : row) o = pb.offset(o);
    for (auto& row : inputOff_)
        for (int& o : row) o = pb.offset(o);
    for (auto& row : currentOff_)
        for (int& o : row) o = pb.offset(o);
}

Device::Projection MacrospinState::project(double* x, double* charges) const {
    const double n = std::sqrt(x[m_[0]] * x[m_[0]] + x[m_[1]] * x[m_[1]] + x[m_[2]] * x[m_[2]]);
    if (!(n > 0) || std::fabs(n - 1.0) < 1e-10) return Device::Projection::None; // drift far below abstol: keep
    for (int u : m_) x[u] /= n;
    if (!charges) return Device::Projection::Small;
    for (int u : m_) charges[u] = x[u]; // q = m on the state rows, nothing else
    return Device::Projection::Exact;
}

} // namespace spinspice::macrospindevice
