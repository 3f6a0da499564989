// `stno` through netlists against the universal auto-oscillator's closed forms (device-physics.md
// section 4): the stationary power p0 = (zeta - 1)/(zeta + q) and frequency f0 + nshift p0 (the f(I)
// table of section 4.2), decay below threshold, the power relaxation rate 2 gammag (zeta - 1), Adler
// injection locking with the section 4.2 numbers (locking half-width, beat frequency outside), mutual
// locking of two oscillators through a shared resistor, and the small-signal impedance below
// threshold against a transient.
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

using namespace spinspice;
using spinspice::test::num;
using spinspice::test::run;
using spinspice::test::signal;

namespace {
constexpr double kPi = std::numbers::pi;

// The f(I) oracle's oscillator (section 4.2): f0 = 5 GHz, N/2pi = -4 GHz, Q = 2, I_th = 1 mA.
const char* kTableModel = ".model osc stno (f0=5g nshift=-4g q=2 ith=1m gammag=5e8 r0=1k dr=100)\n";

struct Trace {
    std::vector<double> t, cr, ci;
    double power(std::size_t k) const { return cr[k] * cr[k] + ci[k] * ci[k]; }
    // phi with c = sqrt(p) exp(-i phi), unwrapped.
    std::vector<double> phase() const {
        std::vector<double> out(t.size());
        double offset = 0;
        for (std::size_t k = 0; k < t.size(); ++k) {
            const double raw = -std::atan2(ci[k], cr[k]);
            if (k > 0) {
                const double d = raw + offset - out[k - 1];
                offset -= 2 * kPi * std::round(d / (2 * kPi));
            }
            out[k] = raw + offset;
        }
        return out;
    }
};

Trace transient(const std::string& netlist, const std::string& name = "n1") {
    const auto r = run(netlist);
    const Waveforms& w = r.analyses.at(0);
    REQUIRE_MESSAGE(w.error.empty(), w.error);
    return {signal(w, "time"), signal(w, name + ".cr"), signal(w, name + ".ci")};
}

// Mean frequency (Hz) from the phase's slope over t >= from.
double frequency(const Trace& tr, double from) {
    const auto phi = tr.phase();
    const auto k0 = static_cast<std::size_t>(std::lower_bound(tr.t.begin(), tr.t.end(), from) - tr.t.begin());
    return (phi.back() - phi[k0]) / (tr.t.back() - tr.t[k0]) / (2 * kPi);
}

// Mean slip rate (rad/s) of psi = phi - w_e t over whole 2 pi slips after t >= from; 0 if it slips less
// than twice (locked).
double beat(const std::vector<double>& t, const std::vector<double>& psi, double from) {
    double first = 0, last = 0;
    long kFirst = 0, kLast = 0, slips = 0;
    for (std::size_t k = 1; k < t.size(); ++k) {
        if (t[k] < from) continue;
        const long a = static_cast<long>(std::floor(psi[k - 1] / (2 * kPi)));
        const long b = static_cast<long>(std::floor(psi[k] / (2 * kPi)));
        if (a == b) continue;
        if (slips++ == 0) {
            first = t[k];
            kFirst = b;
        }
        last = t[k];
        kLast = b;
    }
    return slips < 3 ? 0.0 : 2 * kPi * static_cast<double>(kLast - kFirst) / (last - first);
}

// |slip rate| (rad/s) of the oscillator's phase against a drive at omegaE, after t >= from (0: locked).
double slipRate(const Trace& tr, double omegaE, double from) {
    auto psi = tr.phase();
    for (std::size_t k = 0; k < psi.size(); ++k) psi[k] -= omegaE * tr.t[k];
    return std::fabs(beat(tr.t, psi, from));
}
} // namespace

TEST_CASE("stno: free-running power and frequency follow the f(I) table of section 4.2") {
    struct Row {
        double current, power, frequency;
    };
    for (const Row& row : {Row{1.5e-3, 0.142857, 4.428571e9}, Row{2e-3, 0.25, 4.0e9}, Row{3e-3, 0.4, 3.4e9},
                           Row{5e-3, 0.571429, 2.714286e9}}) {
        CAPTURE(row.current);
        const Trace tr = transient(std::string("fi\n") + kTableModel + "i1 0 a dc " + num(row.current) +
                                   "\nn1 a 0 osc\n.tran 10p 60n\n.end\n");
        CHECK(tr.power(tr.t.size() - 1) == doctest::Approx(row.power).epsilon(5e-3).scale(0));
        CHECK(frequency(tr, 40e-9) == doctest::Approx(row.frequency).epsilon(2e-3).scale(0));
    }
    // Below threshold the initial power (p0 = 1e-4) decays at 2 gammag (1 - zeta): no oscillation.
    const Trace below =
        transient(std::string("below\n") + kTableModel + "i1 0 a dc 0.8m\nn1 a 0 osc\n.tran 10p 60n\n.end\n");
    const double expected = 1e-4 * std::exp(-2 * 5e8 * 0.2 * 60e-9);
    CHECK(below.power(below.t.size() - 1) == doctest::Approx(expected).epsilon(0.02).scale(0));
}

TEST_CASE("stno: dcrelax=1 gives the stationary power in .op and .dc (0 below threshold); dcrelax=0 holds p0") {
    const std::string model = std::string(kTableModel) + ".model oscr stno (f0=5g nshift=-4g q=2 ith=1m gammag=5e8 "
                                                         "r0=1k dr=100 dcrelax=1)\n";
    const auto r = run("op\n" + model +
                       "i1 0 a dc 3m\nn1 a 0 oscr phi0=0.5\ni2 0 b dc 3m\nn2 b 0 osc p0=0.01 phi0=0.5\n.op\n"
                       ".dc i1 0.5m 5m 0.5m\n.end\n");
    const Waveforms& op = r.analyses.at(0);
    REQUIRE(op.error.empty());
    const double cr = signal(op, "n1.cr").at(0), ci = signal(op, "n1.ci").at(0);
    CHECK(cr * cr + ci * ci == doctest::Approx(0.4).epsilon(1e-6).scale(0));
    CHECK(-std::atan2(ci, cr) == doctest::Approx(0.5).epsilon(1e-6).scale(0));
    CHECK(signal(op, "v(a)").at(0) == doctest::Approx(3e-3 * (1000 - 100 * cr)).epsilon(1e-9).scale(0));
    CHECK(signal(op, "n2.cr").at(0) == doctest::Approx(0.1 * std::cos(0.5)).epsilon(1e-9).scale(0));
    const Waveforms& dc = r.analyses.at(1);
    REQUIRE(dc.error.empty());
    const auto& sweep = signal(dc, dc.sweep);
    for (std::size_t k = 0; k < sweep.size(); ++k) {
        const double zeta = sweep[k] / 1e-3;
        const double p =
            signal(dc, "n1.cr")[k] * signal(dc, "n1.cr")[k] + signal(dc, "n1.ci")[k] * signal(dc, "n1.ci")[k];
        CAPTURE(zeta);
        // Relative 1e-6, and 1e-10 absolute at and below threshold (p = 0).
        CHECK(p == doctest::Approx(zeta > 1 ? (zeta - 1) / (zeta + 2) : 0.0).epsilon(1e-6).scale(1e-4));
    }
}

TEST_CASE("stno: after a small current step the power relaxes at 2 gammag (zeta - 1)") {
    // Start on the limit cycle at zeta = 2 (dcrelax=1), step to zeta = 2.04 at 5 ns.
    const Trace tr = transient("step\n.model osc stno (f0=5g nshift=-4g q=2 ith=1m gammag=5e8 dcrelax=1)\n"
                               "i1 0 a pwl(0 2m 5n 2m 5.001n 2.04m)\nn1 a 0 osc\n.tran 10p 25n\n.end\n");
    const double pFinal = 1.04 / 4.04, rate = 2 * 5e8 * 1.04;
    // ln|p - pFinal| between 2 and 5 time constants after the step: its slope is -rate.
    std::vector<double> tt, lg;
    for (std::size_t k = 0; k < tr.t.size(); ++k)
        if (tr.t[k] > 5e-9 + 2 / rate && tr.t[k] < 5e-9 + 5 / rate) {
            tt.push_back(tr.t[k]);
            lg.push_back(std::log(std::fabs(tr.power(k) - pFinal)));
        }
    REQUIRE(tt.size() > 20);
    double mt = 0, ml = 0;
    for (std::size_t k = 0; k < tt.size(); ++k) {
        mt += tt[k] / tt.size();
        ml += lg[k] / tt.size();
    }
    double sxy = 0, sxx = 0;
    for (std::size_t k = 0; k < tt.size(); ++k) {
        sxy += (tt[k] - mt) * (lg[k] - ml);
        sxx += (tt[k] - mt) * (tt[k] - mt);
    }
    CHECK(-sxy / sxx == doctest::Approx(rate).epsilon(0.02).scale(0));
}

TEST_CASE("stno: Adler injection locking with the section 4.2 numbers") {
    // f0 = 1 GHz, N/2pi = -2 GHz, gammag = 1e8, Q = 2, zeta = 2, F = 2e5 1/s: p0 = 0.25, f_g = 0.5 GHz,
    // nu = -31.416, half-width Delta_lock = (F/sqrt(p0)) sqrt(1 + nu^2) = 1.2573e7 rad/s. F = lambdaf i_rf/2.
    const double p0 = 0.25, omegaG = 2 * kPi * 0.5e9, nu = 2 * kPi * -2e9 * p0 / 1e8, force = 2e5, irf = 1e-4;
    const double half = force / std::sqrt(p0) * std::sqrt(1 + nu * nu);
    CHECK(half == doctest::Approx(1.2573e7).epsilon(1e-4).scale(0));
    auto slip = [&](double fraction) {
        const double omegaE = omegaG + fraction * half, tstop = 30e-6;
        const Trace tr =
            transient("adler\n.model osc stno (f0=1g nshift=-2g q=2 ith=1m gammag=1e8 lambdaf=" + num(2 * force / irf) +
                      ")\ni1 0 a dc 2m\ni2 0 a sin(0 " + num(irf) + " " + num(omegaE / (2 * kPi)) +
                      ")\nn1 a 0 osc p0=0.25\n.tran 1n " + num(tstop) + "\n.save n1.cr n1.ci\n.end\n");
        return slipRate(tr, omegaE, tstop / 3);
    };
    for (double sign : {1.0, -1.0}) {
        CAPTURE(sign);
        CHECK(slip(0.97 * sign) == 0.0);
        CHECK(slip(1.03 * sign) > 0.1 * half);
        // Outside: the beat sqrt(Delta^2 - Delta_lock^2), 5.76e6 and 1.406e7 rad/s.
        CHECK(slip(1.1 * sign) == doctest::Approx(half * std::sqrt(1.1 * 1.1 - 1)).epsilon(0.02).scale(0));
        CHECK(slip(1.5 * sign) == doctest::Approx(half * std::sqrt(1.5 * 1.5 - 1)).epsilon(0.02).scale(0));
    }
}

TEST_CASE("stno: two oscillators coupled through a resistor lock mutually inside the predicted range only") {
    // I into a and b, n1 a-0, n2 b-0, rc a-b. Each oscillator is an RF source -I dr Re(c) behind r0: the
    // RF current through n2 is (e1 - e2)/(2 r0 + rc), a real coupling kappa = -I dr/(2 r0 + rc) from the
    // other's Re(c) (and the same on itself, which shifts both alike). Force lambdaf kappa Re(c1) has the
    // resonant part (lambdaf kappa/2) c1: Omega = lambdaf |kappa|/2, coupling phase beta = pi. The phase
    // difference obeys dpsi/dt = dw - 2 Omega sqrt(1 + nu^2) cos(beta - psi0) sin psi with tan psi0 = nu:
    // for a real coupling the nonlinear enhancement cancels, the range is |dw| <= 2 Omega, not
    // 2 Omega sqrt(1 + nu^2) (3.3 times wider here: nu = -3.14).
    const double current = 2e-3, dr = 100, r0 = 1000, rc = 1000, lambda = 6e10;
    const double omega = lambda * current * dr / (2 * r0 + rc) / 2; // 2e6 rad/s
    auto locked = [&](double fraction) {
        const double df = fraction * 2 * omega / (2 * kPi), tstop = 24e-6;
        const std::string common = " nshift=-0.2g q=2 ith=1m gammag=1e8 r0=1k dr=100 lambdaf=" + num(lambda) + ")\n";
        const auto r = run("mutual\n.model o1 stno (f0=" + num(1e9 + df / 2) + common +
                           ".model o2 stno (f0=" + num(1e9 - df / 2) + common +
                           "i1 0 a dc 2m\ni2 0 b dc 2m\nn1 a 0 o1 p0=0.25\nn2 b 0 o2 p0=0.25 phi0=1\nrc a b 1k\n"
                           ".tran 1n " +
                           num(tstop) + "\n.save n1.cr n1.ci n2.cr n2.ci\n.end\n");
        const Waveforms& w = r.analyses.at(0);
        REQUIRE(w.error.empty());
        const Trace t1{signal(w, "time"), signal(w, "n1.cr"), signal(w, "n1.ci")};
        const Trace t2{signal(w, "time"), signal(w, "n2.cr"), signal(w, "n2.ci")};
        auto psi = t1.phase();
        const auto phi2 = t2.phase();
        for (std::size_t k = 0; k < psi.size(); ++k) psi[k] -= phi2[k];
        return beat(t1.t, psi, tstop / 3) == 0.0;
    };
    CHECK(locked(0.9));
    CHECK(locked(-0.9));
    CHECK_FALSE(locked(1.15));
    CHECK_FALSE(locked(-1.15));
}

TEST_CASE("stno: .ac below threshold (dcrelax=1, c = 0) against a small RF current in a transient") {
    // Below threshold the oscillator is a damped resonator driven by lambdaf i: the device impedance
    // r0 - i0 dr lambdaf (jw + G)/((jw + G)^2 + w0^2) resonates at f0 with half-width G = gammag (1 - zeta).
    const std::string model = ".model osc stno (f0=1g nshift=-2g q=2 ith=1m gammag=1e8 lambdaf=1e11 dcrelax=1)\n";
    const auto ac = run("ac\n" + model + "i1 0 a dc 0.5m ac 1\nn1 a 0 osc\n.ac lin 3 0.99g 1.01g\n.end\n");
    const Waveforms& w = ac.analyses.at(0);
    REQUIRE(w.error.empty());
    const auto& f = signal(w, "frequency");
    for (std::size_t k = 0; k < f.size(); ++k) {
        CAPTURE(f[k]);
        const std::complex<double> z(signal(w, "v(a)")[k], (*w.findImag("v(a)"))[k]);
        // The same device in a transient with a 1 uA tone: amplitude and phase of v(a) at f.
        const double irf = 1e-6, tstop = 200e-9;
        const auto tr = run("tr\n" + model + "i1 0 a dc 0.5m\ni2 0 a sin(0 " + num(irf) + " " + num(f[k]) +
                            ")\nn1 a 0 osc\n.tran 10p " + num(tstop) + "\n.end\n");
        const Waveforms& tw = tr.analyses.at(0);
        REQUIRE(tw.error.empty());
        const auto& t = signal(tw, "time");
        const auto& v = signal(tw, "v(a)");
        // Lock-in over the last 100 ns (100 periods): v = v0 + Re(Z irf e^{jwt}) with a sin drive.
        std::complex<double> sum = 0;
        double span = 0;
        // (trapezoidal rule on the samples of v e^{-jwt}: exact for a sinusoid over whole periods)
        for (std::size_t j = 1; j < t.size(); ++j) {
            if (t[j - 1] < tstop - 100e-9 - 1e-15) continue;
            auto term = [&](std::size_t n) {
                return (v[n] - v.front()) * std::exp(std::complex<double>(0, -2 * kPi * f[k] * t[n]));
            };
            sum += 0.5 * (term(j) + term(j - 1)) * (t[j] - t[j - 1]);
            span += t[j] - t[j - 1];
        }
        const std::complex<double> measured =
            2.0 * sum / span / (irf * std::complex<double>(0, -1)); // sin = Re(-j e^jwt)
        CHECK(std::abs(measured - z) < 0.01 * std::abs(z));
    }
}

TEST_CASE("stno: ftune, a vortex-like nearly isochronous oscillator tuned by its current") {
    // f = f0 + nshift p0 + ftune i with p0 = (zeta - 1)/(zeta + q): -7 MHz/mA (the Oersted tuning of vortex
    // oscillators, device-physics 4.3) dominates the 10 MHz nonlinear shift.
    const std::string model =
        ".model vortex stno (f0=300meg nshift=10meg q=1 gammag=2e7 ith=1m ftune=-7e9 r0=100 dr=5 ppp=10 "
        "lambdaf=2.5e10)\n";
    auto expectedFrequency = [](double current) {
        const double zeta = current / 1e-3, p0 = (zeta - 1) / (zeta + 1);
        return 300e6 + 10e6 * p0 - 7e9 * current;
    };
    for (double current : {2e-3, 3e-3, 5e-3}) {
        CAPTURE(current);
        const Trace tr =
            transient("ftune\n" + model + "i1 0 a dc " + num(current) + "\nn1 a 0 vortex\n.tran 1n 600n\n.end\n");
        CHECK(frequency(tr, 400e-9) == doctest::Approx(expectedFrequency(current)).epsilon(1e-4).scale(0));
    }
    // .tones emits the same frequency.
    const Waveforms tones = run("ftune tones\n" + model + "i1 0 a dc 3m\nn1 a 0 vortex\n.tones\n.end\n").analyses.at(0);
    REQUIRE(tones.error.empty());
    REQUIRE(signal(tones, "frequency").size() == 2);
    CHECK(signal(tones, "frequency")[1] == doctest::Approx(expectedFrequency(3e-3)).epsilon(1e-6).scale(0));
    // Adler locking around the current-tuned frequency (zeta = 2: p0 = 1/3, Gamma_p = gammag, nu = 1.047;
    // F = lambdaf i_rf/2 = 1.25e6 1/s, Delta_lock = 3.1e6 rad/s): the RF current also modulates the frequency
    // through ftune, by 0.7 MHz at 0.1 mA, which must not move the locking edge.
    const double p0 = 1.0 / 3, nu = 2 * kPi * 10e6 * p0 / 2e7, irf = 1e-4, force = 2.5e10 * irf / 2;
    const double half = force / std::sqrt(p0) * std::sqrt(1 + nu * nu), omegaG = 2 * kPi * expectedFrequency(2e-3);
    auto slip = [&](double fraction) {
        const double omegaE = omegaG + fraction * half, tstop = 20e-6;
        const Trace tr = transient("adler ftune\n" + model + "i1 0 a dc 2m\ni2 0 a sin(0 " + num(irf) + " " +
                                   num(omegaE / (2 * kPi)) + ")\nn1 a 0 vortex p0=" + num(p0) + "\n.tran 1n " +
                                   num(tstop) + "\n.save n1.cr n1.ci\n.end\n");
        return slipRate(tr, omegaE, tstop / 4);
    };
    for (double sign : {1.0, -1.0}) {
        CAPTURE(sign);
        CHECK(slip(0.9 * sign) == 0.0);
        CHECK(slip(1.5 * sign) == doctest::Approx(half * std::sqrt(1.5 * 1.5 - 1)).epsilon(0.03).scale(0));
    }
}
