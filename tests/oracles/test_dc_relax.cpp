// DC behaviour of device states: held at the initial value (memory, dcrelax=0) or relaxed to the stable
// equilibrium nearest it (dcrelax=1), and `.ac` linearised at that equilibrium. Oracles: the
// Stoner-Wohlfarth equilibrium of a PMA macrospin in a transverse field, sin(theta) = h, and its
// small-signal (Kittel) frequency f = gamma mu0 Hk sqrt(1 - h^2) / (2 pi sqrt(1 + alpha^2)): the curvatures
// of the energy in the tilted state are Hk (1 - h^2) (in the field plane) and Hk (out of it).
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <numbers>

using namespace spinspice;
using spinspice::test::num;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
constexpr double kHk = 159154.943, kGamma = 1.76085963023e11, kMu0 = 4e-7 * std::numbers::pi, kAlpha = 0.01;

std::string pma(double h, const std::string& extra) {
    return ".model pma mtj (ms=1e6 tf=1.5n d=40n alpha=" + num(kAlpha) + " hk=" + num(kHk) + " hx=" + num(h * kHk) +
           " eta=0.5 rp=5k tmr=1.2 " + extra + ")\n";
}

double opValue(const SimulationResult& r, const std::string& name) {
    REQUIRE(r.analyses.at(0).error.empty());
    return signal(r.analyses.at(0), name).at(0);
}
} // namespace

TEST_CASE("dcrelax=1: .op relaxes a PMA macrospin in a transverse field to the Stoner-Wohlfarth equilibrium") {
    // From the default start (the thermal rms angle from +z) the energy -Hk/2 mz^2 - h Hk mx is below the
    // saddle at m = +x (-h Hk) for h = 0.3 and 0.5: only the +z well is reachable. For h = 0.8 the start
    // lies above the saddle, so either well is an equilibrium the damped motion may end in.
    for (double h : {0.3, 0.5, 0.8}) {
        CAPTURE(h);
        const auto r = run("sw\n" + pma(h, "dcrelax=1") + "v1 a 0 0\nn1 a 0 pma\n.op\n.end\n");
        CHECK(opValue(r, "n1.mx") == doctest::Approx(h).epsilon(1e-4).scale(0));
        const double mz = opValue(r, "n1.mz");
        CHECK((h < 0.6 ? mz : std::fabs(mz)) == doctest::Approx(std::sqrt(1 - h * h)).epsilon(1e-4).scale(0));
        CHECK(std::fabs(opValue(r, "n1.my")) < 1e-6);
    }
    // Held (the default, dcrelax=0): m stays at its initial direction, a non-equilibrium point.
    const auto held = run("held\n" + pma(0.5, "") + "v1 a 0 0\nn1 a 0 pma theta0=0.1\n.op\n.end\n");
    CHECK(opValue(held, "n1.mz") == doctest::Approx(std::cos(0.1)).epsilon(1e-12).scale(0));
    // The model's dcrelax may be overridden on the instance, like every model parameter of an N type.
    const auto instance = run("inst\n" + pma(0.5, "") + "v1 a 0 0\nn1 a 0 pma dcrelax=1\n.op\n.end\n");
    CHECK(opValue(instance, "n1.mx") == doctest::Approx(0.5).epsilon(1e-4).scale(0));
}

TEST_CASE("dcrelax=1: a start next to the unstable maximum (m along -x) still ends in a stable well") {
    // m = -x is an equilibrium (m x H_eff = 0) and a maximum of the energy: backward Euler's numerical
    // damping would settle there; the stability test must reject it.
    for (const char* theta : {"1.4", "1.7"}) {
        CAPTURE(theta);
        const auto r = run("max\n" + pma(0.5, "dcrelax=1") + "v1 a 0 0\nn1 a 0 pma theta0=" + theta +
                           " phi0=3.14159265\n.op\n.end\n");
        CHECK(opValue(r, "n1.mx") == doctest::Approx(0.5).epsilon(1e-4).scale(0));
        CHECK(std::fabs(opValue(r, "n1.mz")) == doctest::Approx(std::sqrt(0.75)).epsilon(1e-4).scale(0));
    }
}

TEST_CASE("dcrelax=1: .ac of the relaxed junction shows the FMR resonance at the Kittel frequency") {
    for (double h : {0.3, 0.5}) {
        CAPTURE(h);
        const double kittel =
            kGamma * kMu0 * kHk * std::sqrt(1 - h * h) / (2 * std::numbers::pi * std::sqrt(1 + kAlpha * kAlpha));
        // A small DC bias current makes the resonance visible in v(a) (I dR/dm dm, with dm driven by the STT).
        const auto r = run("fmr\n" + pma(h, "dcrelax=1") + "i1 0 a dc 2u ac 1\nn1 a 0 pma\n.ac lin 4001 " +
                           num(0.8 * kittel) + " " + num(1.2 * kittel) + "\n.end\n");
        const Waveforms& ac = r.analyses.at(0);
        REQUIRE(ac.error.empty());
        const auto& f = signal(ac, "frequency");
        const auto* re = ac.find("v(a)");
        const auto* im = ac.findImag("v(a)");
        REQUIRE(re);
        REQUIRE(im);
        // The resonance: the largest departure of the impedance from its value far below it.
        const std::complex<double> far((*re)[0], (*im)[0]);
        std::size_t peak = 0;
        double largest = 0;
        for (std::size_t k = 0; k < f.size(); ++k) {
            const double d = std::abs(std::complex<double>((*re)[k], (*im)[k]) - far);
            if (d > largest) {
                largest = d;
                peak = k;
            }
        }
        MESSAGE("h = " << h << ": resonance at " << f[peak] << " Hz, Kittel " << kittel << " Hz");
        CHECK(largest > 1.0); // ohms: a resonance, not round-off
        CHECK(f[peak] == doctest::Approx(kittel).epsilon(0.01).scale(0));
    }
}
