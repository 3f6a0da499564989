// Macrospin LLGS core against analytic oracles. Equation numbers refer to the project's device-physics
// reference (sections 1-2); every expected value is either a closed form evaluated here or a number
// quoted with its source.
#include "models/constants.hpp"
#include "models/macrospin.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

using namespace spinspice::macrospin;
namespace phys = spinspice::constants;

namespace {

constexpr double teslaToAm = 1.0 / phys::mu0; // mu0 H in T -> H in A/m

// |actual - expected| < relative |expected| (doctest::Approx alone adds an absolute 1 * epsilon, which
// would pass any comparison of nanoseconds or microamperes).
doctest::Approx near(double expected, double relative) {
    return doctest::Approx(expected).epsilon(relative).scale(0);
}

// Reference PMA MTJ (section 2.6): d = 40 nm, t_F = 1.5 nm, Ms = 1e6 A/m, mu0 Hk,eff = 0.2 T, alpha = 0.01,
// eta = 0.5. Written as a thin film (N = (0,0,1)) with interfacial anisotropy Ki chosen so that
// Hk,eff = 2 Ki/(mu0 Ms t_F) - Ms = 0.2 T/mu0. p = -z: I > 0 pushes m from +z toward -z.
MacrospinParams referencePmaMtj() {
    MacrospinParams p;
    p.Ms = 1e6;
    p.thickness = 1.5e-9;
    p.volume = phys::pi * 20e-9 * 20e-9 * p.thickness;
    p.alpha = 0.01;
    p.eta = 0.5;
    p.demag = demagThinFilm();
    p.Ki = 0.5 * phys::mu0 * p.Ms * (0.2 * teslaToAm + p.Ms) * p.thickness;
    p.polarization = -Vec3::UnitZ();
    return p;
}

Vec3 polar(double theta, double phi = 0) {
    return {std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta)};
}

// Frequency of free precession from the zero crossings of m.axis (linear interpolation between steps):
// crossings are half a period apart.
double precessionFrequency(const Macrospin& model, const Vec3& m0, const Vec3& axis, double duration, double h) {
    std::vector<double> crossings;
    double previousTime = 0, previousValue = m0.dot(axis);
    integrate(model, m0, {}, duration, h, Scheme::ImplicitMidpoint, [&](double t, const Vec3& m) {
        const double value = m.dot(axis);
        if (t > 0 && (previousValue < 0) != (value < 0))
            crossings.push_back(previousTime + (t - previousTime) * previousValue / (previousValue - value));
        previousTime = t;
        previousValue = value;
        return true;
    });
    REQUIRE(crossings.size() >= 10);
    return 0.5 * static_cast<double>(crossings.size() - 1) / (crossings.back() - crossings.front());
}

// Time at which m_z first crosses 0 (interpolated), or -1 if it does not within tMax.
double timeToCrossEquator(const Macrospin& model, const Vec3& m0, double current, double h, double tMax) {
    LlgsInput input;
    input.current = current;
    double previousTime = 0, previousZ = m0.z(), crossing = -1;
    integrate(model, m0, input, tMax, h, Scheme::ImplicitMidpoint, [&](double t, const Vec3& m) {
        if (t > 0 && previousZ > 0 && m.z() <= 0) {
            crossing = previousTime + (t - previousTime) * previousZ / (previousZ - m.z());
            return false;
        }
        previousTime = t;
        previousZ = m.z();
        return true;
    });
    return crossing;
}

} // namespace

TEST_CASE("macrospin: damped precession in a static field matches the closed form (1.4-1)") {
    // LLG in a pure Zeeman field along z: tan(theta/2) = tan(theta0/2) exp(-alpha gamma mu0 H t/(1+alpha^2)),
    // phi = gamma mu0 H t/(1+alpha^2). alpha = 0.05, mu0 H = 0.1 T, theta0 = 1 rad, t = 2 ns:
    // theta = 0.1880856489 rad, phi = -2.56974266 rad (mod 2 pi) (section 1.4-1).
    MacrospinParams p;
    p.alpha = 0.05;
    p.volume = 1e-24;
    p.Hext = {0, 0, 0.1 * teslaToAm};
    const Macrospin model(p);
    const double t = 2e-9, theta0 = 1.0;
    const double rate = phys::gamma * 0.1 / (1 + p.alpha * p.alpha);
    const double thetaExact = 2 * std::atan(std::tan(theta0 / 2) * std::exp(-p.alpha * rate * t));
    const double phiExact = std::remainder(rate * t, 2 * phys::pi);
    CHECK(thetaExact == near(0.1880856489, 1e-9));
    CHECK(phiExact == near(-2.56974266, 1e-8));
    const auto angles = [](const Vec3& m) { return std::pair{std::acos(m.z() / m.norm()), std::atan2(m.y(), m.x())}; };

    // Implicit midpoint is second order (phase error ~ (omega h)^2/12 per radian): at h = 10 fs theta is within
    // 1e-8 and phi within 2e-7; the error falls by 4 from 20 fs, and the Richardson combination
    // (4 x_{h/2} - x_h)/3 of theta and phi is exact to < 1e-9 rad.
    const auto [theta20, phi20] = angles(integrate(model, polar(theta0), {}, t, 20e-15).m);
    const auto [theta10, phi10] = angles(integrate(model, polar(theta0), {}, t, 10e-15).m);
    CHECK(std::abs(theta10 - thetaExact) < 1e-8);
    CHECK(std::abs(phi10 - phiExact) < 2e-7);
    CHECK((phi20 - phiExact) / (phi10 - phiExact) == near(4.0, 0.01));
    CHECK(std::abs((4 * theta10 - theta20) / 3 - thetaExact) < 1e-9);
    CHECK(std::abs((4 * phi10 - phi20) / 3 - phiExact) < 1e-9);

    // RK4 at h = 0.1 ps (section 1.4-1: matches to 1e-10).
    const auto [thetaRk, phiRk] = angles(integrate(model, polar(theta0), {}, t, 0.1e-12, Scheme::RungeKutta4).m);
    CHECK(std::abs(thetaRk - thetaExact) < 1e-10);
    CHECK(std::abs(phiRk - phiExact) < 1e-10);
}

TEST_CASE("macrospin: alpha = 0 conserves |m| and energy with implicit midpoint, RK4 drifts (1.4-2)") {
    // Oblique Zeeman (50, 0, 20) mT + uniaxial mu0 Hk = 0.2 T along z, theta0 = 0.5 rad: 1e5 steps of 2 ps,
    // ~2000 precession periods (section 1.3 table: midpoint |m|-1 ~ 1e-13, RK4 -7.4e-6).
    MacrospinParams p;
    p.alpha = 0;
    p.volume = 1e-24;
    p.Hext = Vec3{0.05, 0, 0.02} * teslaToAm;
    p.setAnisotropyField(0.2 * teslaToAm);
    const Macrospin model(p);
    // E = -mu0 Ms V (m.H_ext + Hk (m.u)^2/2) (section 1.4-2).
    const auto energy = [&](const Vec3& m) {
        return -phys::mu0 * p.Ms * p.volume * (m.dot(p.Hext) + 0.5 * model.anisotropyField() * m.z() * m.z());
    };
    const Vec3 m0 = polar(0.5);
    CHECK(model.energy(m0) == near(energy(m0), 1e-14));
    const double E0 = energy(m0);
    const Vec3 midpoint = integrate(model, m0, {}, 2e-7, 2e-12).m;
    const Vec3 rk4 = integrate(model, m0, {}, 2e-7, 2e-12, Scheme::RungeKutta4).m;
    const double normDriftMidpoint = std::abs(midpoint.norm() - 1), normDriftRk4 = std::abs(rk4.norm() - 1);
    const double energyDriftMidpoint = std::abs(energy(midpoint) / E0 - 1);
    const double energyDriftRk4 = std::abs(energy(rk4) / E0 - 1);
    INFO("|m|-1: midpoint " << normDriftMidpoint << ", RK4 " << normDriftRk4 << "; dE/E: midpoint "
                            << energyDriftMidpoint << ", RK4 " << energyDriftRk4);
    CHECK(normDriftMidpoint < 1e-12);
    CHECK(energyDriftMidpoint < 1e-12);
    CHECK(normDriftRk4 > 100 * std::max(normDriftMidpoint, 1e-16));
    CHECK(energyDriftRk4 > 100 * std::max(energyDriftMidpoint, 1e-16));
}

TEST_CASE("macrospin: FMR frequency of a small kick matches Kittel (1.4-3)") {
    const double gammaOver2Pi = phys::gamma / (2 * phys::pi); // 28.02495 GHz/T
    SUBCASE("PMA thin film with interfacial anisotropy, H = 0: f = (gamma/2pi) mu0 Hk,eff = 5.6050 GHz") {
        MacrospinParams p = referencePmaMtj();
        p.alpha = 0;
        const Macrospin model(p);
        CHECK(model.effectiveAnisotropyField() * phys::mu0 == near(0.2, 1e-12));
        const double expected = gammaOver2Pi * 0.2;
        CHECK(expected == near(5.6050e9, 1e-5));
        const double f = precessionFrequency(model, polar(0.01), Vec3::UnitX(), 5e-9, 0.5e-12);
        INFO("PMA: " << f << " Hz vs " << expected);
        CHECK(f == near(expected, 2e-4));
    }
    SUBCASE("in-plane films, field along the easy axis x: f = (gamma/2pi) mu0 sqrt((H+Hk)(H+Hk+Meff))") {
        // (mu0 H, mu0 Hk, mu0 Meff) = (0.1, 0, 1) T -> 9.2948 GHz; (0.05, 0.01, 0.8) T -> 6.3660 GHz.
        for (const auto& entry : {std::tuple{0.1, 0.0, 1.0, 9.2948e9}, std::tuple{0.05, 0.01, 0.8, 6.3660e9}}) {
            const double muH = std::get<0>(entry), muHk = std::get<1>(entry), muMeff = std::get<2>(entry),
                         quoted = std::get<3>(entry);
            MacrospinParams p;
            p.alpha = 0;
            p.volume = 1e-24;
            p.Ms = muMeff * teslaToAm;
            p.demag = demagThinFilm();
            p.anisotropyAxis = Vec3::UnitX();
            p.setAnisotropyField(muHk * teslaToAm);
            p.Hext = {muH * teslaToAm, 0, 0};
            const Macrospin model(p);
            const double expected = gammaOver2Pi * std::sqrt((muH + muHk) * (muH + muHk + muMeff));
            CHECK(expected == near(quoted, 1e-5));
            const Vec3 kicked{std::cos(0.01), std::sin(0.01), 0};
            const double f = precessionFrequency(model, kicked, Vec3::UnitY(), 3e-9, 0.25e-12);
            INFO("in-plane: " << f << " Hz vs " << expected);
            CHECK(f == near(expected, 2e-4));
        }
    }
    SUBCASE("perpendicular film, H > Meff: f = (gamma/2pi) mu0 (H - Meff) = 14.0125 GHz at 1.5 T, 1 T") {
        MacrospinParams p;
        p.alpha = 0;
        p.volume = 1e-24;
        p.Ms = 1.0 * teslaToAm;
        p.demag = demagThinFilm();
        p.Hext = {0, 0, 1.5 * teslaToAm};
        const double f = precessionFrequency(Macrospin(p), polar(0.01), Vec3::UnitX(), 2e-9, 0.1e-12);
        CHECK(f == near(14.0125e9, 2e-4));
    }
    SUBCASE("damped in-plane film: free-decay frequency of the linearised LL equation") {
        // Linearised LLG with stiffness fields H1 = H, H2 = H + Meff: (1+alpha^2) s^2 + alpha gamma0 (H1+H2) s
        // + gamma0^2 H1 H2 = 0, so omega_d^2 = gamma0^2 H1 H2/(1+alpha^2) - (alpha gamma0 (H1+H2)/(2(1+alpha^2)))^2.
        // alpha = 0.05 shifts f by -0.53 % from Kittel; the resonance-peak value f/sqrt(1+alpha^2) is off by 0.4 %.
        MacrospinParams p;
        p.alpha = 0.05;
        p.volume = 1e-24;
        p.Ms = 1.0 * teslaToAm;
        p.demag = demagThinFilm();
        p.Hext = {0.1 * teslaToAm, 0, 0};
        const double a2 = 1 + p.alpha * p.alpha, H1 = 0.1, H2 = 1.1; // tesla
        const double omega = phys::gamma * std::sqrt(H1 * H2 / a2 - std::pow(p.alpha * (H1 + H2) / (2 * a2), 2));
        const Vec3 kicked{std::cos(0.01), std::sin(0.01), 0};
        const double f = precessionFrequency(Macrospin(p), kicked, Vec3::UnitY(), 2e-9, 0.1e-12);
        CHECK(f == near(omega / (2 * phys::pi), 1e-4));
    }
}

TEST_CASE("macrospin: Stoner-Wohlfarth switching field from a quasi-static ramp (1.4-4)") {
    // h_sw = (cos^(2/3) psi + sin^(2/3) psi)^(-3/2): 10 deg 0.673805, 30 deg 0.524016, 45 deg 0.5, 60 deg 0.524016.
    // mu0 Hk = 1 T along z, no demag, alpha = 1 (fast relaxation). m starts at +z; the field points at psi
    // from -z. The field is raised in 0.01 Hk steps, each time relaxing from the previous equilibrium, then
    // the last interval is bisected (always restarting from the last unswitched equilibrium).
    MacrospinParams p;
    p.alpha = 1.0;
    p.volume = 1e-24;
    p.setAnisotropyField(1.0 * teslaToAm);
    const Macrospin model(p);
    const double Hk = model.anisotropyField(), rateScale = model.gammaPrime() * Hk;
    // Relax m under field h Hk d: returns true (and leaves m) if it stays in the upper well, false if m_z < 0.
    const auto relaxes = [&](Vec3& m, double h, const Vec3& direction) {
        LlgsInput input;
        input.extraField = h * Hk * direction;
        for (int step = 0; step < 200000; ++step) {
            m = stepImplicitMidpoint(model, m, input, 2e-12);
            if (m.z() < 0) return false;
            if (model.rhs(m, input).norm() < 1e-9 * rateScale) return true; // equilibrium reached
        }
        FAIL("no equilibrium and no switch within 400 ns");
        return false;
    };
    for (const double psiDegrees : {10.0, 30.0, 45.0, 60.0}) {
        const double psi = psiDegrees * phys::pi / 180;
        const double expected = std::pow(std::pow(std::cos(psi), 2.0 / 3) + std::pow(std::sin(psi), 2.0 / 3), -1.5);
        const Vec3 direction{std::sin(psi), 0, -std::cos(psi)};
        Vec3 mLow = Vec3::UnitZ();
        double low = 0, high = 0;
        for (double h = 0.01; h <= 1.0 + 1e-9; h += 0.01) {
            Vec3 m = mLow;
            if (!relaxes(m, h, direction)) {
                high = h;
                break;
            }
            low = h;
            mLow = m;
        }
        REQUIRE(high > 0);
        while (high - low > 1e-4) {
            const double mid = 0.5 * (low + high);
            Vec3 m = mLow;
            if (relaxes(m, mid, direction)) {
                low = mid;
                mLow = m;
            } else {
                high = mid;
            }
        }
        const double hsw = 0.5 * (low + high);
        INFO("psi " << psiDegrees << " deg: h_sw " << hsw << " vs " << expected);
        CHECK(hsw == near(expected, 0.01));
    }
}

TEST_CASE("macrospin: reference PMA MTJ constants and STT threshold (eq. 2.6, section 2.6)") {
    const Macrospin model(referencePmaMtj());
    // Section 2.6: Delta = 45.5089, Ic0 = 22.9100 uA, a_J/I = 6.94696e7 (A/m)/A.
    const double Ic0 = model.criticalCurrent();
    const double Delta = model.thermalStability(300);
    CHECK(Ic0 == near(22.9100e-6, 5e-6));
    CHECK(Delta == near(45.5089, 5e-6));
    CHECK(model.sttAmplitudePerAmpere(-1) == near(6.94696e7, 1e-5));
    // At Ic0 the STT amplitude equals alpha Hk,eff (the damping it has to beat).
    CHECK(model.sttAmplitudePerAmpere(-1) * Ic0 == near(0.01 * model.effectiveAnisotropyField(), 1e-12));
    // Thermal field, alpha = 0.01, 300 K, dt = 1 ps: sigma_H = 1.2572e4 A/m, mu0 sigma_H = 15.80 mT (section 1.2).
    CHECK(model.thermalFieldSigma(300, 1e-12) == near(1.2572e4, 1e-4));

    // Start at the thermal rms angle theta0 = 1/sqrt(2 Delta) = 0.10482 rad (section 1.3).
    const double theta0 = 1 / std::sqrt(2 * Delta);
    CHECK(theta0 == near(0.10482, 1e-4));
    // 0.98 Ic0: the damping wins at theta0 (a_J < alpha Hk,eff cos theta0): over 200 ns (longer than the
    // 1.02 Ic0 switching below) m only moves back toward +z.
    double lowest = 1;
    const Vec3 relaxed =
        integrate(model, polar(theta0), LlgsInput{.current = 0.98 * Ic0}, 200e-9, 1e-12, Scheme::ImplicitMidpoint,
                  [&](double, const Vec3& m) {
                      lowest = std::min(lowest, m.z());
                      return true;
                  })
            .m;
    INFO("0.98 Ic0: theta " << theta0 << " -> " << std::acos(relaxed.z()) << " rad in 200 ns");
    CHECK(lowest >= std::cos(theta0) - 1e-9);
    CHECK(std::acos(relaxed.z()) < 0.8 * theta0);
    // 1.02 Ic0 switches, at the time given by the 1D integral (eq. 2.5): ~110.69 ns.
    const double switching = timeToCrossEquator(model, polar(theta0), 1.02 * Ic0, 1e-12, 200e-9);
    const double expected = collinearSwitchingTime(0.01, model.effectiveAnisotropyField(),
                                                   model.sttAmplitudePerAmpere(-1) * 1.02 * Ic0, theta0);
    CHECK(expected == near(110.69e-9, 1e-4));
    CHECK(switching == near(expected, 1e-3));
}

TEST_CASE("macrospin: in-plane STT threshold (eq. 2.7)") {
    // mu0 H = 10 mT, mu0 Hk = 5 mT along x, mu0 Meff = 0.8 T (thin film), alpha = 0.01, p = -x: at 0.98 Ic0 the
    // precession amplitude (1 - m_x = 2e-4) decays in 20 ns, at 1.02 Ic0 it grows (section 2.3).
    MacrospinParams p;
    p.alpha = 0.01;
    p.volume = 1e-24;
    p.Ms = 0.8 * teslaToAm;
    p.demag = demagThinFilm();
    p.anisotropyAxis = Vec3::UnitX();
    p.setAnisotropyField(0.005 * teslaToAm);
    p.Hext = {0.01 * teslaToAm, 0, 0};
    p.polarization = -Vec3::UnitX();
    const Macrospin model(p);
    const double Ic0 =
        criticalCurrentInPlane(p.alpha, p.eta, p.Ms, p.volume, p.Hext.x(), model.anisotropyField(), p.Ms);
    // At threshold a_J = alpha (H + Hk + Meff/2).
    CHECK(model.sttAmplitudePerAmpere(-1) * Ic0 == near(p.alpha * (0.01 + 0.005 + 0.4) * teslaToAm, 1e-12));
    const Vec3 m0{std::cos(0.02), std::sin(0.02), 0};
    const double start = 1 - m0.x();
    const double below = 1 - integrate(model, m0, LlgsInput{.current = 0.98 * Ic0}, 20e-9, 1e-12).m.x();
    const double above = 1 - integrate(model, m0, LlgsInput{.current = 1.02 * Ic0}, 20e-9, 1e-12).m.x();
    INFO("1 - m_x: start " << start << ", 0.98 Ic0 " << below << ", 1.02 Ic0 " << above);
    CHECK(below < 0.7 * start);
    CHECK(above > 1.4 * start);
}

TEST_CASE("macrospin: 0 K switching time from the 3D LLGS equals the collinear 1D integral (eq. 2.5)") {
    const Macrospin model(referencePmaMtj());
    const double Ic0 = model.criticalCurrent(), HkEff = model.effectiveAnisotropyField();
    const double theta0 = 1 / std::sqrt(2 * model.thermalStability(300));
    const double gammaPrime = model.gammaPrime();
    // Section 2.2(C): 1.5 / 2 / 3 Ic0 -> 12.70257 / 7.066577 / 3.797499 ns.
    for (const auto& entry : {std::pair{1.5, 12.70257e-9}, std::pair{2.0, 7.066577e-9}, std::pair{3.0, 3.797499e-9}}) {
        // (plain locals, not structured bindings: doctest's INFO captures them in a lambda)
        const double ratio = entry.first, quoted = entry.second;
        const double aJ = model.sttAmplitudePerAmpere(-1) * ratio * Ic0;
        const double closedForm = collinearSwitchingTime(0.01, HkEff, aJ, theta0);
        // The integral by composite Simpson in theta (independent of the closed form).
        const int n = 20000;
        const double step = (phys::pi / 2 - theta0) / n;
        double simpson = 0;
        for (int k = 0; k <= n; ++k) {
            const double theta = theta0 + k * step;
            const double weight = (k == 0 || k == n) ? 1 : (k % 2 ? 4 : 2);
            simpson += weight / (gammaPrime * std::sin(theta) * (aJ - 0.01 * HkEff * std::cos(theta)));
        }
        simpson *= step / 3;
        CHECK(closedForm == near(simpson, 1e-10));
        CHECK(closedForm == near(quoted, 1e-6));
        // 3D implicit midpoint: second-order error (5.9e-5 at 0.5 ps); Richardson with 1 ps leaves < 1e-9.
        const double coarse = timeToCrossEquator(model, polar(theta0), ratio * Ic0, 1e-12, 50e-9);
        const double fine = timeToCrossEquator(model, polar(theta0), ratio * Ic0, 0.5e-12, 50e-9);
        INFO(ratio << " Ic0: 3D " << fine << " s (h = 0.5 ps), Richardson " << (4 * fine - coarse) / 3 << " s, 1D "
                   << closedForm << " s");
        CHECK(fine == near(closedForm, 1e-4));
        CHECK((4 * fine - coarse) / 3 == near(closedForm, 1e-7));
    }
}

TEST_CASE("macrospin: Sun's mean switching time (eq. 2.4)") {
    // Reference PMA MTJ, Delta = 45.5089: <tau>(1.5 / 2 / 3 Ic0) = 15.046 / 7.523 / 3.762 ns (section 2.2(B)).
    const Macrospin model(referencePmaMtj());
    const double HkEff = model.effectiveAnisotropyField(), Delta = model.thermalStability(300);
    CHECK(sunMeanSwitchingTime(0.01, HkEff, Delta, 1.5) == near(15.046e-9, 1e-4));
    CHECK(sunMeanSwitchingTime(0.01, HkEff, Delta, 2.0) == near(7.523e-9, 1e-4));
    CHECK(sunMeanSwitchingTime(0.01, HkEff, Delta, 3.0) == near(3.762e-9, 2e-4));
}

TEST_CASE("macrospin: conductance-linear MTJ resistance and bias-dependent TMR (eq. 2.1-2.3)") {
    // R_P = 1 kOhm, TMR = 100 %: R(90) = 1333.333, R(45) = 1079.009, R(135) = 1744.521 Ohm (section 2.1);
    // resistance-linear would give 1500 Ohm at 90 deg.
    const MtjTransport mtj{1e3, 1.0, 0.5};
    const auto degrees = [](double d) { return std::cos(d * phys::pi / 180); };
    CHECK(mtj.resistance(degrees(0), 0) == near(1000.0, 1e-14));
    CHECK(mtj.resistance(degrees(180), 0) == near(2000.0, 1e-14));
    CHECK(mtj.resistance(degrees(90), 0) == near(1333.333, 3e-7));
    CHECK(mtj.resistance(degrees(45), 0) == near(1079.009, 5e-7));
    CHECK(mtj.resistance(degrees(135), 0) == near(1744.521, 3e-7));
    CHECK(mtj.tmr(0.5) == near(0.5, 1e-15)); // TMR(V_h) = TMR0/2
    CHECK(mtj.tmr(-0.5) == near(0.5, 1e-15));
    CHECK(MtjTransport{1e3, 1.0}.tmr(0.5) == 1.0); // no V_h: no bias dependence

    // dI/dV and dI/dm (section 2.5) against central differences.
    const Vec3 pRef = Vec3{0.2, -0.3, 1}.normalized(), m = Vec3{0.6, 0.5, -0.4}.normalized();
    for (const double V : {-0.7, -0.1, 0.0, 0.3}) {
        const MtjCurrent i = mtjCurrent(mtj, m, pRef, V);
        CHECK(i.current == doctest::Approx(mtj.conductance(m.dot(pRef), V) * V).epsilon(1e-14).scale(1e-15));
        const double dV = 1e-6;
        const double dIdV =
            (mtjCurrent(mtj, m, pRef, V + dV).current - mtjCurrent(mtj, m, pRef, V - dV).current) / (2 * dV);
        CHECK(i.dIdV == near(dIdV, 1e-8));
        for (int k = 0; k < 3; ++k) {
            const Vec3 dm = 1e-6 * Vec3::Unit(k);
            const double fd =
                (mtjCurrent(mtj, m + dm, pRef, V).current - mtjCurrent(mtj, m - dm, pRef, V).current) / 2e-6;
            CHECK(i.dIdm[k] == doctest::Approx(fd).epsilon(1e-8).scale(1e-9));
        }
    }
}

TEST_CASE("macrospin: Jacobians dg/dm, dg/dI, dg/da_J, dg/db_J, dg/dV equal central differences (section 2.5)") {
    // Every term on: oblique field and easy axis, full demag tensor, Slonczewski eta(theta) with P = 0.6,
    // field-like STT, a direct (SOT-like) torque, an extra (thermal) field and VCMA.
    MacrospinParams p = referencePmaMtj();
    p.alpha = 0.05;
    p.Hext = Vec3{0.02, -0.03, 0.05} * teslaToAm;
    p.anisotropyAxis = Vec3{0.1, 0.2, 1.0};
    p.demag = {0.1, 0.2, 0.7};
    p.etaLaw = SttEfficiencyLaw::SlonczewskiMtj;
    p.spinPolarization = 0.6;
    p.fieldLikeRatio = 0.2;
    p.polarization = Vec3{0.3, -0.1, -1.0};
    p.vcmaCoefficient = 60e-15;
    p.oxideThickness = 1.2e-9;
    const Macrospin model(p);
    LlgsInput input;
    input.current = 60e-6;
    input.directAJ = 2e4;
    input.directBJ = -5e3;
    input.directPolarization = Vec3{0.6, 0.8, 0};
    input.extraField = Vec3{1e3, -2e3, 5e2};
    input.biasVoltage = 0.4;

    std::mt19937 rng(12345);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    const auto worst = [](const auto& error, const auto& reference) {
        return error.cwiseAbs().maxCoeff() / reference.cwiseAbs().maxCoeff();
    };
    for (int trial = 0; trial < 20; ++trial) {
        // Unit and off-unit m (Newton iterates are not unit vectors).
        Vec3 m =
            Vec3{uniform(rng), uniform(rng), uniform(rng)}.normalized() * (trial % 2 ? 1.0 : 1.0 + 0.1 * uniform(rng));
        LlgsDerivatives d;
        const Vec3 g = model.rhs(m, input, d);
        CHECK((g - model.rhs(m, input)).norm() <= 1e-15 * g.norm());
        Mat3 numeric;
        for (int k = 0; k < 3; ++k) {
            const double h = 1e-6;
            numeric.col(k) =
                (model.rhs(m + h * Vec3::Unit(k), input) - model.rhs(m - h * Vec3::Unit(k), input)) / (2 * h);
        }
        CHECK(worst(d.dm - numeric, numeric) < 1e-8);
        // The scalar inputs, each by a central difference.
        const auto derivative = [&](auto member, double h) {
            LlgsInput up = input, down = input;
            up.*member += h;
            down.*member -= h;
            return Vec3((model.rhs(m, up) - model.rhs(m, down)) / (2 * h));
        };
        const Vec3 dI = derivative(&LlgsInput::current, 1e-9), dA = derivative(&LlgsInput::directAJ, 1.0);
        const Vec3 dB = derivative(&LlgsInput::directBJ, 1.0), dV = derivative(&LlgsInput::biasVoltage, 1e-5);
        CHECK(worst(d.dCurrent - dI, dI) < 1e-7);
        CHECK(worst(d.dDirectAJ - dA, dA) < 1e-7);
        CHECK(worst(d.dDirectBJ - dB, dB) < 1e-7);
        CHECK(worst(d.dBiasVoltage - dV, dV) < 1e-7);
    }
}

TEST_CASE("macrospin: demagnetising factors, anisotropy helpers and SOT amplitude") {
    const Vec3 sphere = demagEllipsoid(3, 3, 3);
    CHECK(sphere.x() == near(1.0 / 3, 1e-14));
    CHECK(sphere.z() == near(1.0 / 3, 1e-14));
    // Oblate (a = b = 1, c = 0.1) and prolate (a = b = 1, c = 5) spheroids, Osborn's closed forms with
    // r = c/a: N_c = (1/(1-r^2)) (1 - r acos(r)/sqrt(1-r^2)) and N_c = (1/(r^2-1)) (r acosh(r)/sqrt(r^2-1) - 1).
    for (const double r : {0.1, 5.0}) {
        const double s = std::sqrt(std::abs(1 - r * r));
        const double Nc = r < 1 ? (1 - r * std::acos(r) / s) / (1 - r * r) : (r * std::acosh(r) / s - 1) / (r * r - 1);
        const Vec3 N = demagEllipsoid(1, 1, r);
        CHECK(N.z() == near(Nc, 1e-12));
        CHECK(N.x() == near((1 - Nc) / 2, 1e-12));
    }
    const Vec3 general = demagEllipticalFilm(100e-9, 50e-9, 2e-9);
    CHECK(general.sum() == near(1.0, 1e-13));
    CHECK((general.x() < general.y() && general.y() < general.z()));

    // Ki -> Ku = Ki/t_F; Hk,eff = Hk - (Nz - Nx) Ms (section 1.1).
    MacrospinParams p;
    p.Ms = 1.2e6;
    p.thickness = 1.1e-9;
    p.volume = 1e-24;
    p.Ki = 1e-3;
    p.demag = {0.029, 0.029, 0.942};
    const Macrospin model(p);
    CHECK(model.anisotropyField() == near(2 * 1e-3 / 1.1e-9 / (phys::mu0 * 1.2e6), 1e-14));
    CHECK(model.effectiveAnisotropyField() == near(model.anisotropyField() - (0.942 - 0.029) * 1.2e6, 1e-14));
    // VCMA (section 1.1, Arm/Zhang form): Hk(V) = Hk(0) - 2 xi_VCMA V/(mu0 Ms t_F t_ox), 61 fJ/(V m), t_ox = 1.5 nm.
    p.vcmaCoefficient = 61e-15;
    p.oxideThickness = 1.5e-9;
    const Macrospin vcma(p);
    CHECK(vcma.anisotropyField(0.5) - vcma.anisotropyField(0) ==
          near(-2 * 61e-15 * 0.5 / (phys::mu0 * 1.2e6 * 1.1e-9 * 1.5e-9), 1e-12));

    // SOT (eq. 1.3) with the Lee et al. PMA threshold: J_c = (2e/hbar)(mu0 Ms t_F/theta_SH)(Hk,eff/2 - H_x/sqrt 2)
    // = 7.883e12 A/m^2 for Ms = 1.1e6, t_F = 1 nm, theta_SH = 0.1, mu0 Hk,eff = 0.5 T, mu0 H_x = 20 mT
    // (section 2.3), i.e. H_DL(J_c) = Hk,eff/2 - H_x/sqrt 2.
    CHECK(sotDampingLikeField(0.1, 7.883e12, 1.1e6, 1e-9) * phys::mu0 == near(0.25 - 0.02 / std::sqrt(2.0), 1e-4));
}
