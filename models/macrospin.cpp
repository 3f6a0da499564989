// Macrospin LLGS model: effective field, LL right-hand side with exact Jacobians, closed-form oracles,
// MTJ transport and the reference integrators (see macrospin.hpp; equations from device-physics.md).
#include "models/macrospin.hpp"

#include "models/constants.hpp"

#include <Eigen/LU>
#include <boost/math/special_functions/ellint_rd.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace spinspice::macrospin {

namespace {

Mat3 skew(const Vec3& v) {
    Mat3 s;
    s << 0, -v.z(), v.y(), v.z(), 0, -v.x(), -v.y(), v.x(), 0;
    return s;
}

// d(m x A(m))/dm = -[A]x + [m]x J_A (section 2.5).
Mat3 crossJacobian(const Vec3& m, const Vec3& A, const Mat3& jacobianA) {
    return -skew(A) + skew(m) * jacobianA;
}

// m x (m x B) = m (m.B) - B (m.m), hence (section 2.5)
// d/dm = (m.B) Id + m B^T + m m^T J_B - 2 B m^T - (m.m) J_B.
Mat3 doubleCrossJacobian(const Vec3& m, const Vec3& B, const Mat3& jacobianB) {
    return m.dot(B) * Mat3::Identity() + m * B.transpose() + m * (m.transpose() * jacobianB) - 2.0 * B * m.transpose() -
           m.squaredNorm() * jacobianB;
}

void require(bool condition, const std::string& message) {
    if (!condition) throw std::invalid_argument("macrospin: " + message);
}

} // namespace

void MacrospinParams::setAnisotropyField(double Hk) {
    const double interfacial = thickness > 0 ? Ki / thickness : 0.0;
    Ku = constants::mu0 * Ms * Hk / 2.0 - interfacial;
}

Vec3 demagThinFilm() {
    return Vec3::UnitZ();
}

Vec3 demagEllipsoid(double a, double b, double c) {
    require(a > 0 && b > 0 && c > 0, "ellipsoid semi-axes must be positive");
    using boost::math::ellint_rd;
    const double abc3 = a * b * c / 3.0;
    // Osborn (1945): N_i = (abc/2) int_0^inf ds / ((s + a_i^2) sqrt((s+a^2)(s+b^2)(s+c^2))), and
    // R_D(x, y, z) = (3/2) int_0^inf dt / ((t + z) sqrt((t+x)(t+y)(t+z))) (Carlson).
    return {abc3 * ellint_rd(b * b, c * c, a * a), abc3 * ellint_rd(c * c, a * a, b * b),
            abc3 * ellint_rd(a * a, b * b, c * c)};
}

Vec3 demagEllipticalFilm(double lengthX, double lengthY, double thickness) {
    return demagEllipsoid(lengthX / 2.0, lengthY / 2.0, thickness / 2.0);
}

Macrospin::Macrospin(const MacrospinParams& params) : params_(params) {
    require(params.Ms > 0, "Ms must be positive");
    require(params.volume > 0, "volume must be positive");
    require(params.alpha >= 0, "alpha must not be negative");
    require(params.anisotropyAxis.norm() > 0, "anisotropy axis must be non-zero");
    require(params.polarization.norm() > 0, "polarization must be non-zero");
    require(params.Ki == 0 || params.thickness > 0, "Ki needs the free-layer thickness");
    require(params.vcmaCoefficient == 0 || (params.thickness > 0 && params.oxideThickness > 0),
            "VCMA needs the free-layer and oxide thicknesses");
    require(params.etaLaw == SttEfficiencyLaw::Constant ||
                (params.spinPolarization >= 0 && params.spinPolarization < 1),
            "spin polarization must lie in [0, 1)");
    axis_ = params.anisotropyAxis.normalized();
    polarization_ = params.polarization.normalized();
    gammaPrime_ = constants::gammaMu0 / (1.0 + params.alpha * params.alpha);
    const double ku = params.Ku + (params.Ki != 0 ? params.Ki / params.thickness : 0.0);
    anisotropyField_ = 2.0 * ku / (constants::mu0 * params.Ms);
    if (params.vcmaCoefficient != 0) // Arm/Zhang: H_VCMA = -2 xi V / (mu0 Ms t_F t_ox) (section 1.1)
        vcmaFieldPerVolt_ =
            -2.0 * params.vcmaCoefficient / (constants::mu0 * params.Ms * params.thickness * params.oxideThickness);
    sttPrefactor_ = macrospin::sttAmplitudePerAmpere(1.0, params.Ms, params.volume);
    fieldJacobian0_ = effectiveFieldJacobian(0.0);
}

double Macrospin::effectiveAnisotropyField(double biasVoltage) const {
    int k = 0;
    axis_.cwiseAbs().maxCoeff(&k);
    const Vec3& n = params_.demag;
    const double transverse = std::min(n[(k + 1) % 3], n[(k + 2) % 3]);
    return anisotropyField(biasVoltage) + params_.Ms * (transverse - n[k]);
}

double Macrospin::sttEfficiency(double cosTheta) const {
    if (params_.etaLaw == SttEfficiencyLaw::Constant) return params_.eta;
    const double P = params_.spinPolarization; // Slonczewski 2005: eta = P / (1 + P^2 cos theta)
    return P / (1.0 + P * P * cosTheta);
}

double Macrospin::sttEfficiencyDerivative(double cosTheta) const {
    if (params_.etaLaw == SttEfficiencyLaw::Constant) return 0.0;
    const double P = params_.spinPolarization;
    const double denominator = 1.0 + P * P * cosTheta;
    return -P * P * P / (denominator * denominator);
}

Vec3 Macrospin::effectiveField(const Vec3& m, double biasVoltage) const {
    return params_.Hext + anisotropyField(biasVoltage) * m.dot(axis_) * axis_ -
           params_.Ms * params_.demag.cwiseProduct(m);
}

Mat3 Macrospin::effectiveFieldJacobian(double biasVoltage) const {
    Mat3 jacobian = anisotropyField(biasVoltage) * axis_ * axis_.transpose();
    jacobian.diagonal() -= params_.Ms * params_.demag;
    return jacobian;
}

double Macrospin::energyDensity(const Vec3& m, double biasVoltage) const {
    const double mu0Ms = constants::mu0 * params_.Ms;
    const double mu = m.dot(axis_);
    return -mu0Ms * m.dot(params_.Hext) - 0.5 * mu0Ms * anisotropyField(biasVoltage) * mu * mu +
           0.5 * mu0Ms * params_.Ms * m.dot(params_.demag.cwiseProduct(m));
}

Vec3 Macrospin::rhs(const Vec3& m, double current) const {
    LlgsInput input;
    input.current = current;
    return rhs(m, input);
}

Vec3 Macrospin::rhs(const Vec3& m, const LlgsInput& input) const {
    const double alpha = params_.alpha;
    const Vec3 field = effectiveField(m, input.biasVoltage) + input.extraField;
    const double aJ = sttAmplitudePerAmpere(m.dot(polarization_)) * input.current; // eq. 1.2
    const double bJ = params_.fieldLikeRatio * aJ;
    const Vec3& q = input.directPolarization;
    // eq. 1.4: LL form with the DL/FL torques mixed by alpha.
    const Vec3 precessionField =
        field + (bJ - alpha * aJ) * polarization_ + (input.directBJ - alpha * input.directAJ) * q;
    const Vec3 dampingField =
        alpha * field + (aJ + alpha * bJ) * polarization_ + (input.directAJ + alpha * input.directBJ) * q;
    return -gammaPrime_ * (m.cross(precessionField) + m.cross(m.cross(dampingField)));
}

Vec3 Macrospin::rhs(const Vec3& m, const LlgsInput& input, LlgsDerivatives& d) const {
    const double alpha = params_.alpha, xi = params_.fieldLikeRatio;
    const Vec3& p = polarization_;
    const Vec3& q = input.directPolarization;
    const Vec3 field = effectiveField(m, input.biasVoltage) + input.extraField;
    const Mat3 fieldJacobian = vcmaFieldPerVolt_ != 0.0 ? effectiveFieldJacobian(input.biasVoltage) : fieldJacobian0_;
    const double cosTheta = m.dot(p);
    const double aJPerAmpere = sttAmplitudePerAmpere(cosTheta);
    const double aJ = aJPerAmpere * input.current;
    const double bJ = xi * aJ;
    const Vec3 precessionField = field + (bJ - alpha * aJ) * p + (input.directBJ - alpha * input.directAJ) * q;
    const Vec3 dampingField = alpha * field + (aJ + alpha * bJ) * p + (input.directAJ + alpha * input.directBJ) * q;

    // a_J depends on m through eta(m.p): grad a_J = I hbar/(2 e mu0 Ms V) eta'(c) p.
    const double etaSlope = sttEfficiencyDerivative(cosTheta);
    Mat3 precessionJacobian = fieldJacobian, dampingJacobian = alpha * fieldJacobian;
    if (etaSlope != 0.0) { // (a constant efficiency: a_J does not depend on m)
        const Vec3 gradAJ = input.current * sttPrefactor_ * etaSlope * p;
        precessionJacobian += (xi - alpha) * p * gradAJ.transpose();
        dampingJacobian += (1.0 + alpha * xi) * p * gradAJ.transpose();
    }
    d.dm = -gammaPrime_ * (crossJacobian(m, precessionField, precessionJacobian) +
                           doubleCrossJacobian(m, dampingField, dampingJacobian));

    // g is linear in H_prec and H_damp: the derivative along (dA, dB) is -gamma'[m x dA + m x (m x dB)].
    const auto along = [&](const Vec3& dPrecession, const Vec3& dDamping) -> Vec3 {
        return -gammaPrime_ * (m.cross(dPrecession) + m.cross(m.cross(dDamping)));
    };
    d.dCurrent = along((xi - alpha) * aJPerAmpere * p, (1.0 + alpha * xi) * aJPerAmpere * p);
    if (input.directDerivatives) {
        d.dDirectAJ = along(-alpha * q, q);
        d.dDirectBJ = along(q, alpha * q);
    } else {
        d.dDirectAJ = d.dDirectBJ = Vec3::Zero();
    }
    if (vcmaFieldPerVolt_ != 0.0) {
        const Vec3 dFielddV = vcmaFieldPerVolt_ * m.dot(axis_) * axis_;
        d.dBiasVoltage = along(dFielddV, alpha * dFielddV);
    } else {
        d.dBiasVoltage = Vec3::Zero();
    }
    return -gammaPrime_ * (m.cross(precessionField) + m.cross(m.cross(dampingField)));
}

double Macrospin::thermalStability(double temperature) const {
    return macrospin::thermalStability(params_.Ms, effectiveAnisotropyField(), params_.volume, temperature);
}

double Macrospin::criticalCurrent() const {
    return criticalCurrentPma(params_.alpha, sttEfficiency(-1.0), params_.Ms, params_.volume,
                              effectiveAnisotropyField(), -params_.Hext.dot(polarization_));
}

double Macrospin::thermalFieldSigma(double temperature, double dt) const {
    return macrospin::thermalFieldSigma(params_.alpha, params_.Ms, params_.volume, temperature, dt);
}

// --- closed forms -----------------------------------------------------------------------------------

double sttAmplitudePerAmpere(double eta, double Ms, double volume) {
    return constants::hbar * eta / (2.0 * constants::elementaryCharge * constants::mu0 * Ms * volume);
}

double sotDampingLikeField(double spinHallAngle, double chargeCurrentDensity, double Ms, double thickness) {
    return constants::hbar * spinHallAngle * chargeCurrentDensity /
           (2.0 * constants::elementaryCharge * constants::mu0 * Ms * thickness);
}

double criticalCurrentPma(double alpha, double eta, double Ms, double volume, double HkEff, double Hparallel) {
    return 2.0 * constants::elementaryCharge / constants::hbar * (alpha / eta) * constants::mu0 * Ms * volume *
           (HkEff + Hparallel);
}

double criticalCurrentInPlane(double alpha, double eta, double Ms, double volume, double H, double Hk, double Meff) {
    return 2.0 * constants::elementaryCharge / constants::hbar * (alpha / eta) * constants::mu0 * Ms * volume *
           (H + Hk + Meff / 2.0);
}

double thermalStability(double Ms, double HkEff, double volume, double temperature) {
    return constants::mu0 * Ms * HkEff * volume / (2.0 * constants::boltzmann * temperature);
}

double thermalFieldSigma(double alpha, double Ms, double volume, double temperature, double dt) {
    return std::sqrt(2.0 * alpha * constants::boltzmann * temperature /
                     (constants::gamma * constants::mu0 * constants::mu0 * Ms * volume * dt));
}

double collinearSwitchingTime(double alpha, double HkEff, double aJ, double theta0, double thetaEnd) {
    // With c = cos theta: t = (1/gamma') int_{c_end}^{c_0} dc / ((1 - c^2)(a - b c)), a = aJ, b = alpha HkEff.
    const double a = aJ, b = alpha * HkEff;
    const double c0 = std::cos(theta0), cEnd = std::cos(thetaEnd);
    const double gammaPrime = constants::gammaMu0 / (1.0 + alpha * alpha);
    if (!(a - b * c0 > 0) || !(a - b * cEnd > 0) || !(c0 > cEnd) || c0 >= 1.0 || cEnd <= -1.0)
        return std::numeric_limits<double>::infinity();
    double antiderivativeDifference = 0;
    if (std::abs(a - b) <= 1e-9 * std::abs(b)) {
        // a = b: 1/((1-c)^2 (1+c)) = 1/(2 (1-c)^2) + 1/(4 (1-c)) + 1/(4 (1+c)).
        const auto F = [](double x) { return 0.5 / (1.0 - x) - 0.25 * std::log(1.0 - x) + 0.25 * std::log(1.0 + x); };
        antiderivativeDifference = (F(c0) - F(cEnd)) / b;
    } else {
        // Partial fractions: 1/((1-c)(1+c)(a-bc)) = A/(1-c) + B/(1+c) + C/(a-bc),
        // A = 1/(2(a-b)), B = 1/(2(a+b)), C = b^2/(b^2-a^2); the last integrates to -(C/b) ln|a-bc|.
        const double A = 0.5 / (a - b), B = 0.5 / (a + b), CoverB = b / (b * b - a * a);
        const auto F = [&](double x) {
            return -A * std::log(1.0 - x) + B * std::log(1.0 + x) - CoverB * std::log(std::abs(a - b * x));
        };
        antiderivativeDifference = F(c0) - F(cEnd);
    }
    return antiderivativeDifference / gammaPrime;
}

double sunMeanSwitchingTime(double alpha, double HkEff, double Delta, double currentOverIc0) {
    // eq. 2.4 (Sun, IBM J. Res. Dev. 50, 81 (2006)), the (1+alpha^2) form of the LL equation.
    const double relaxationTime =
        (1.0 + alpha * alpha) / (alpha * constants::gammaMu0 * HkEff * (currentOverIc0 - 1.0));
    return 0.5 * relaxationTime * (constants::eulerGamma + std::log(constants::pi * constants::pi * Delta / 4.0));
}

// --- MTJ transport --------------------------------------------------------------------------------------

double MtjTransport::tmr(double V) const {
    const double x = V / halfTmrVoltage;
    return tmr0 / (1.0 + x * x);
}

double MtjTransport::tmrDerivative(double V) const {
    const double x = V / halfTmrVoltage;
    const double denominator = 1.0 + x * x;
    return -2.0 * tmr0 * (x / halfTmrVoltage) / (denominator * denominator);
}

double MtjTransport::conductance(double cosTheta, double V) const {
    const double gP = 1.0 / resistanceParallel;
    const double gAP = gP / (1.0 + tmr(V));
    return gP * (1.0 + cosTheta) / 2.0 + gAP * (1.0 - cosTheta) / 2.0; // eq. 2.1
}

MtjCurrent mtjCurrent(const MtjTransport& transport, const Vec3& m, const Vec3& pRef, double V) {
    const double cosTheta = m.dot(pRef);
    const double gP = 1.0 / transport.resistanceParallel;
    const double onePlusTmr = 1.0 + transport.tmr(V);
    const double gAP = gP / onePlusTmr;
    const double G = gP * (1.0 + cosTheta) / 2.0 + gAP * (1.0 - cosTheta) / 2.0;
    const double dGAPdV = -gP * transport.tmrDerivative(V) / (onePlusTmr * onePlusTmr); // section 2.5
    MtjCurrent out;
    out.current = G * V;
    out.dIdV = G + V * (1.0 - cosTheta) / 2.0 * dGAPdV;
    out.dIdm = V * (gP - gAP) / 2.0 * pRef;
    return out;
}

// --- integrators ------------------------------------------------------------------------------------------

Vec3 stepImplicitMidpoint(const Macrospin& model, const Vec3& m0, const LlgsInput& input, double h,
                          int* newtonIterations) {
    constexpr int maxIterations = 50;
    constexpr double tolerance = 1e-13; // on |update|_inf; Newton is quadratic, so the error left is ~1e-26
    LlgsDerivatives d;
    Vec3 m1 = m0 + h * model.rhs(m0, input); // explicit Euler predictor
    for (int iteration = 1; iteration <= maxIterations; ++iteration) {
        const Vec3 mid = 0.5 * (m0 + m1);
        const Vec3 residual = m1 - m0 - h * model.rhs(mid, input, d);
        const Mat3 jacobian = Mat3::Identity() - 0.5 * h * d.dm;
        const Vec3 update = jacobian.partialPivLu().solve(residual);
        m1 -= update;
        if (update.lpNorm<Eigen::Infinity>() <= tolerance) {
            if (newtonIterations) *newtonIterations = iteration;
            return m1;
        }
    }
    throw std::runtime_error("macrospin: implicit midpoint Newton did not converge (step " + std::to_string(h) + " s)");
}

Vec3 stepRungeKutta4(const Macrospin& model, const Vec3& m0, const LlgsInput& input, double h) {
    const Vec3 k1 = model.rhs(m0, input);
    const Vec3 k2 = model.rhs(m0 + 0.5 * h * k1, input);
    const Vec3 k3 = model.rhs(m0 + 0.5 * h * k2, input);
    const Vec3 k4 = model.rhs(m0 + h * k3, input);
    return m0 + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
}

IntegrationResult integrate(const Macrospin& model, const Vec3& m0, const LlgsInput& input, double duration, double h,
                            Scheme scheme, const Observer& observer) {
    if (!(h > 0) || !(duration >= 0)) throw std::invalid_argument("macrospin: integrate needs h > 0, duration >= 0");
    const auto steps = static_cast<std::size_t>(std::max(1.0, std::ceil(duration / h * (1.0 - 1e-12))));
    const double step = duration / static_cast<double>(steps);
    IntegrationResult result{m0, 0.0, 0, false};
    if (observer && !observer(0.0, m0)) {
        result.stoppedByObserver = true;
        return result;
    }
    for (std::size_t k = 1; k <= steps && duration > 0; ++k) {
        result.m = scheme == Scheme::ImplicitMidpoint ? stepImplicitMidpoint(model, result.m, input, step)
                                                      : stepRungeKutta4(model, result.m, input, step);
        result.time = k == steps ? duration : static_cast<double>(k) * step;
        result.steps = k;
        if (observer && !observer(result.time, result.m)) {
            result.stoppedByObserver = true;
            break;
        }
    }
    return result;
}

} // namespace spinspice::macrospin
