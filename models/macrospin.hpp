// Macrospin LLGS model of a free layer (independent of circuits), after device-physics.md sections 1-2.
//
// State: m, the unit magnetisation (Cartesian, 3 doubles). Fields H in A/m (mu0 H in tesla), Ms in A/m,
// energies in J, currents in A, time in s. The equation of motion is the Landau-Lifshitz (explicit) form
// of the LLGS equation (eq. 1.4):
//
//   dm/dt = g(m) = -gamma' [ m x H_prec + m x (m x H_damp) ],      gamma' = gamma mu0 / (1 + alpha^2)
//   H_prec = H_eff + H_extra + sum_k (b_k - alpha a_k) p_k
//   H_damp = alpha (H_eff + H_extra) + sum_k (a_k + alpha b_k) p_k
//
// where each spin torque k has a damping-like amplitude a_k and a field-like amplitude b_k (both A/m) and a
// polarisation p_k (unit). Two torques are supported at once: STT from the current I through the stack,
// a_J = hbar eta(theta) I / (2 e mu0 Ms V), b_J = xi a_J (eq. 1.2), along MacrospinParams::polarization,
// and a "direct" torque whose amplitudes are given as they are (SOT, eq. 1.3, or anything else).
//
// Sign convention of the current: I > 0 pushes m toward p (the damping-like torque
// -gamma mu0 a_J m x (m x p) = gamma mu0 a_J (p - (m.p) m) for |m| = 1); with p = reference-layer
// magnetisation, I > 0 favours the parallel state. Which terminal current that is, is the device's choice.
//
// g and its Jacobians are allocation-free (Eigen fixed-size 3-vectors and 3x3 matrices).
#pragma once

#include "models/constants.hpp"

#include <Eigen/Core>
#include <Eigen/Geometry> // cross products

#include <cstddef>
#include <functional>
#include <limits>

namespace spinspice::macrospin {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

// Angular dependence of the STT efficiency eta(theta), theta = angle(m, p), cos theta = m.p (m as given:
// the law is evaluated with c = m.p without normalising m, so the Jacobians are exact for any m).
enum class SttEfficiencyLaw {
    Constant, // eta = MacrospinParams::eta
    // eta = P / (1 + P^2 cos theta), P = MacrospinParams::spinPolarization (Slonczewski, PRB 71, 024411 (2005)).
    SlonczewskiMtj,
};

struct MacrospinParams {
    double Ms = 1e6;                     // saturation magnetisation (A/m)
    double volume = 0;                   // free-layer volume V (m^3); needed for STT, energies, Delta, thermal field
    double thickness = 0;                // free-layer thickness t_F (m); needed for Ki and VCMA
    double alpha = 0.01;                 // Gilbert damping
    Vec3 anisotropyAxis = Vec3::UnitZ(); // uniaxial easy axis u (normalised by the model)
    double Ku = 0;                       // bulk uniaxial anisotropy (J/m^3)
    double Ki = 0;                       // interfacial anisotropy (J/m^2): adds Ki / t_F to Ku (section 1.1)
    Vec3 demag = Vec3::Zero();           // diagonal of the demagnetising tensor N (trace 1 for a real body; 0 = none)
    Vec3 Hext = Vec3::Zero();            // external field (A/m)
    Vec3 polarization = Vec3::UnitZ();   // STT spin polarisation p (reference-layer direction; normalised)
    double eta = 0.5;                    // STT efficiency for SttEfficiencyLaw::Constant
    SttEfficiencyLaw etaLaw = SttEfficiencyLaw::Constant;
    double spinPolarization = 0.5; // P for SttEfficiencyLaw::SlonczewskiMtj
    double fieldLikeRatio = 0;     // xi: b_J = xi a_J for the STT
    double vcmaCoefficient = 0;    // xi_VCMA (J/(V m)); 0 = no VCMA
    double oxideThickness = 0;     // t_ox (m), needed with VCMA

    // Sets Ku so that the total uniaxial field 2 (Ku + Ki/t_F)/(mu0 Ms) equals Hk (A/m), Ki kept.
    void setAnisotropyField(double Hk);
};

// Demagnetising factors (Nx, Ny, Nz), trace 1.
Vec3 demagThinFilm(); // infinite film with normal z: (0, 0, 1)
// General ellipsoid with semi-axes a, b, c along x, y, z (Osborn, Phys. Rev. 67, 351 (1945)), exact:
// N_x = (abc/3) R_D(b^2, c^2, a^2) with Carlson's symmetric elliptic integral R_D (and cyclically).
Vec3 demagEllipsoid(double a, double b, double c);
// Elliptical (or circular) film lengthX x lengthY x thickness, approximated by the inscribed ellipsoid
// with the same three axes (e.g. a 40 nm x 1.5 nm disk: N = (0.0281, 0.0281, 0.9438)).
Vec3 demagEllipticalFilm(double lengthX, double lengthY, double thickness);

// Per-evaluation inputs of g (everything that is not a material parameter).
struct LlgsInput {
    double current = 0;  // STT current I (A) (sign: see the header comment)
    double directAJ = 0; // damping-like amplitude of the direct torque (A/m), e.g. SOT H_DL (eq. 1.3)
    double directBJ = 0; // field-like amplitude of the direct torque (A/m)
    Vec3 directPolarization = Vec3::UnitZ(); // its polarisation (unit), e.g. sigma = z x j_c for SOT
    bool directDerivatives = true;           // false: skip dDirectAJ/dDirectBJ (a device without direct torque)
    Vec3 extraField = Vec3::Zero();          // added to H_eff in both terms: thermal field (eq. 1.5), Oersted...
    double biasVoltage = 0;                  // voltage across the barrier (V); only VCMA uses it
};

// Exact derivatives of g at (m, input).
struct LlgsDerivatives {
    Mat3 dm;           // dg/dm (1/s)
    Vec3 dCurrent;     // dg/dI (1/(s A))
    Vec3 dDirectAJ;    // dg/d(directAJ) (1/(s A/m))
    Vec3 dDirectBJ;    // dg/d(directBJ)
    Vec3 dBiasVoltage; // dg/dV (VCMA) (1/(s V))
};

class Macrospin {
public:
    explicit Macrospin(const MacrospinParams& params); // throws std::invalid_argument on bad parameters
    const MacrospinParams& params() const { return params_; }

    double gammaPrime() const { return gammaPrime_; } // gamma mu0 / (1 + alpha^2) (m A^-1 s^-1)
    const Vec3& anisotropyAxis() const { return axis_; }
    const Vec3& polarization() const { return polarization_; }

    // Uniaxial field Hk(V) = 2 (Ku + Ki/t_F)/(mu0 Ms) - 2 xi_VCMA V/(mu0 Ms t_F t_ox) (A/m) (section 1.1, VCMA
    // in the Arm/Zhang form: positive V lowers the PMA when xi_VCMA > 0).
    double anisotropyField(double biasVoltage = 0) const { return anisotropyField_ + vcmaFieldPerVolt_ * biasVoltage; }
    double vcmaFieldPerVolt() const { return vcmaFieldPerVolt_; }
    // Hk,eff = Hk + Ms (N_t - N_u): barrier field along u, N_u the demag factor of the principal axis
    // nearest u, N_t the smaller of the other two (section 1.1: H_k,eff = H_k - (N_z - N_x) Ms).
    double effectiveAnisotropyField(double biasVoltage = 0) const;

    double sttEfficiency(double cosTheta) const;           // eta(theta)
    double sttEfficiencyDerivative(double cosTheta) const; // d eta / d cos theta
    // da_J/dI = hbar eta(theta) / (2 e mu0 Ms V) ((A/m)/A), eq. 1.2.
    double sttAmplitudePerAmpere(double cosTheta) const { return sttPrefactor_ * sttEfficiency(cosTheta); }

    // H_eff = Hext + Hk(V) (m.u) u - Ms N m (A/m) and its constant Jacobian dH_eff/dm = Hk u u^T - Ms N.
    Vec3 effectiveField(const Vec3& m, double biasVoltage = 0) const;
    Mat3 effectiveFieldJacobian(double biasVoltage = 0) const;
    // e(m) = -mu0 Ms m.Hext - (mu0 Ms Hk(V)/2) (m.u)^2 + (mu0 Ms^2/2) m.N m (J/m^3), H_eff = -de/dm/(mu0 Ms).
    double energyDensity(const Vec3& m, double biasVoltage = 0) const;
    double energy(const Vec3& m, double biasVoltage = 0) const {
        return energyDensity(m, biasVoltage) * params_.volume;
    }

    // dm/dt (eq. 1.4) and, in the second form, all its exact derivatives (section 2.5).
    Vec3 rhs(const Vec3& m, const LlgsInput& input) const;
    Vec3 rhs(const Vec3& m, const LlgsInput& input, LlgsDerivatives& derivatives) const;
    Vec3 rhs(const Vec3& m, double current) const;

    // Thermal stability Delta = mu0 Ms Hk,eff V / (2 kB T) at H = 0 (section 2.3).
    double thermalStability(double temperature) const;
    // PMA threshold (eq. 2.6) for leaving m = -p toward p (I > 0): eta(theta = pi), Hk,eff and the field
    // component along the destabilised state, -Hext.p.
    double criticalCurrent() const;
    // Thermal field standard deviation per component for a step dt (eq. 1.5).
    double thermalFieldSigma(double temperature, double dt) const;

private:
    MacrospinParams params_;
    Vec3 axis_, polarization_;
    double gammaPrime_ = 0, anisotropyField_ = 0, vcmaFieldPerVolt_ = 0, sttPrefactor_ = 0;
    Mat3 fieldJacobian0_ = Mat3::Zero(); // dH_eff/dm without VCMA (constant)
};

// --- closed forms (the oracles), all SI -------------------------------------------------------------

// hbar eta / (2 e mu0 Ms V): STT amplitude a_J per ampere (eq. 1.2).
double sttAmplitudePerAmpere(double eta, double Ms, double volume);
// H_DL = hbar theta_SH J_c / (2 e mu0 Ms t_F) (A/m), SOT damping-like amplitude for a charge current
// density J_c (A/m^2) (eq. 1.3).
double sotDampingLikeField(double spinHallAngle, double chargeCurrentDensity, double Ms, double thickness);
// Sun's PMA threshold Ic0 = (2e/hbar)(alpha/eta) mu0 Ms V (Hk,eff + H), H the field component along the
// magnetisation being destabilised (positive stabilises) (eq. 2.6).
double criticalCurrentPma(double alpha, double eta, double Ms, double volume, double HkEff, double Hparallel = 0);
// In-plane threshold Ic0 = (2e/hbar)(alpha/eta) mu0 Ms V (H + Hk + Meff/2) (eq. 2.7).
double criticalCurrentInPlane(double alpha, double eta, double Ms, double volume, double H, double Hk, double Meff);
// Delta = mu0 Ms Hk,eff V / (2 kB T).
double thermalStability(double Ms, double HkEff, double volume, double temperature);
// sigma_H = sqrt(2 alpha kB T / (gamma mu0^2 Ms V dt)) (A/m) (eq. 1.5, Brown; no (1+alpha^2) factor).
double thermalFieldSigma(double alpha, double Ms, double volume, double temperature, double dt);
// 0 K collinear PMA switching time (eq. 2.5): time for theta (angle from the initial easy direction, p
// opposite) to go from theta0 to thetaEnd under dtheta/dt = gamma' sin theta (aJ - alpha HkEff cos theta),
// gamma' = gamma mu0/(1+alpha^2). Closed form by partial fractions in c = cos theta. Returns +inf when
// the rate vanishes somewhere on [theta0, thetaEnd] (below threshold).
double collinearSwitchingTime(double alpha, double HkEff, double aJ, double theta0,
                              double thetaEnd = constants::pi / 2);
// Sun's mean precessional switching time averaged over the Boltzmann initial angle (eq. 2.4):
// <tau> = (tau_r/2) (C_E + ln(pi^2 Delta/4)), 1/tau_r = alpha gamma mu0 HkEff (I/Ic0 - 1)/(1+alpha^2).
double sunMeanSwitchingTime(double alpha, double HkEff, double Delta, double currentOverIc0);

// --- MTJ transport (eq. 2.1-2.3, derivatives of section 2.5) ----------------------------------------

struct MtjTransport {
    double resistanceParallel = 1e3;                                 // R_P (Ohm)
    double tmr0 = 1.0;                                               // (R_AP - R_P)/R_P at zero bias
    double halfTmrVoltage = std::numeric_limits<double>::infinity(); // V_h: TMR(V_h) = TMR0/2

    double tmr(double V) const;           // TMR0 / (1 + V^2/V_h^2) (eq. 2.3)
    double tmrDerivative(double V) const; // dTMR/dV = -2 TMR0 V / (V_h^2 (1 + V^2/V_h^2)^2)
    // G = G_P (1 + c)/2 + G_AP(V) (1 - c)/2, c = cos theta = m.p_ref, G_AP = G_P/(1 + TMR(V)) (eq. 2.1).
    double conductance(double cosTheta, double V) const;
    double resistance(double cosTheta, double V) const { return 1.0 / conductance(cosTheta, V); }
};

struct MtjCurrent {
    double current = 0;       // I = G(m, V) V (A)
    double dIdV = 0;          // G + V dG/dV (S)
    Vec3 dIdm = Vec3::Zero(); // V (G_P - G_AP(V))/2 p_ref (A)
};
MtjCurrent mtjCurrent(const MtjTransport& transport, const Vec3& m, const Vec3& pRef, double V);

// --- reference integrators ----------------------------------------------------------------------------

// Implicit midpoint m1 = m0 + h g((m0 + m1)/2), solved by Newton with the exact Jacobian (input held
// fixed through the step, i.e. Stratonovich-consistent with a thermal field in input.extraField).
// Preserves |m| and quadratic energies for alpha = 0 exactly (section 1.3). Throws std::runtime_error
// when Newton does not converge.
Vec3 stepImplicitMidpoint(const Macrospin& model, const Vec3& m0, const LlgsInput& input, double h,
                          int* newtonIterations = nullptr);
Vec3 stepRungeKutta4(const Macrospin& model, const Vec3& m0, const LlgsInput& input, double h); // no renormalisation

enum class Scheme { ImplicitMidpoint, RungeKutta4 };
// Called at t = 0 and after every step; returning false stops the integration.
using Observer = std::function<bool(double time, const Vec3& m)>;
struct IntegrationResult {
    Vec3 m;          // final state
    double time = 0; // time reached
    std::size_t steps = 0;
    bool stoppedByObserver = false;
};
// Integrates for `duration` with ceil(duration/h) equal steps (so the end is hit exactly).
IntegrationResult integrate(const Macrospin& model, const Vec3& m0, const LlgsInput& input, double duration, double h,
                            Scheme scheme = Scheme::ImplicitMidpoint, const Observer& observer = {});

} // namespace spinspice::macrospin
