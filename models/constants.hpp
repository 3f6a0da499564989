// Physical constants (SI) used by the spintronic models. Values as in device-physics.md section 0
// (CODATA 2018 exact/recommended values), with mu0 pinned to the pre-2019 exact value 4 pi 1e-7 H/m
// (CODATA 2018: 1.25663706212e-6, a 5e-10 relative difference that no test can see).
#pragma once

namespace spinspice::constants {

inline constexpr double pi = 3.141592653589793238462643383279502884;

// Vacuum permeability (H/m = T m/A), pinned: mu0 = 4 pi 1e-7.
inline constexpr double mu0 = 4e-7 * pi;

// Electron gyromagnetic ratio |gamma_e| (rad s^-1 T^-1), CODATA 2018 (1.76085963e11 as quoted in section 0;
// the oracle scripts use these same digits). gamma/2pi = 28.02495 GHz/T.
inline constexpr double gamma = 1.76085963023e11;

// gamma0 = gamma mu0 (m A^-1 s^-1): precession rate per A/m of field, 2.21276e5.
inline constexpr double gammaMu0 = gamma * mu0;

// Elementary charge (C), exact.
inline constexpr double elementaryCharge = 1.602176634e-19;

// Reduced Planck constant (J s), exact.
inline constexpr double hbar = 1.054571817e-34;

// Boltzmann constant (J/K), exact.
inline constexpr double boltzmann = 1.380649e-23;

// Bohr magneton (J/T), CODATA 2018. gamma hbar / 2 = muB to 1e-3 (electron g = 2.0023).
inline constexpr double bohrMagneton = 9.2740100783e-24;

// Euler-Mascheroni constant (Sun's mean switching time, eq. 2.4).
inline constexpr double eulerGamma = 0.5772156649015328606;

// 0 degC in kelvin.
inline constexpr double celsiusToKelvin = 273.15;

// ngspice 39's constants (CONSTboltz, CHARGE in const.h), used by the SPICE junction models (diode,
// MOSFET) so that their results match ngspice's to round-off.
namespace spice {
inline constexpr double boltzmann = 1.38064852e-23;               // J/K
inline constexpr double charge = 1.6021766208e-19;                // C
inline constexpr double boltzmannOverCharge = boltzmann / charge; // V/K: vt = (k/q) T
} // namespace spice

} // namespace spinspice::constants
