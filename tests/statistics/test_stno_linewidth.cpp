// Thermal linewidth of an `stno` against Kim, Tiberkevich and Slavin (PRL 100, 017207 (2008);
// device-physics.md section 4.1): far above threshold the line is Lorentzian with FWHM
//   dw = G+(p0) (kB T/E(p0)) (1 + nu^2)  (rad/s),   E(p0) = e0 p0,
// i.e. the phase diffuses as Var[phi(t + tau) - phi(t)] -> dw tau. At finite lag the amplitude
// fluctuations (relaxing at 2 Gamma_p) have not yet decorrelated; linearising the power and phase
// equations (D = G+(p0) kB T/e0 per noise component, power noise 4 p0 D, dp' = -2 Gamma_p dp):
//   Var(tau) = (D/p0) [(1 + nu^2) tau - nu^2 (1 - exp(-2 Gamma_p tau))/(2 Gamma_p)],
// from which the measured variance at tau = 4/Gamma_p gives dw. Each seed's estimate has a standard
// error of about 3 % (1 ms of data, 2500 windows of 0.4 us): each must be within 10 % (3.5 sigma) and
// their mean within 5 %.
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

using namespace spinspice;
using spinspice::test::num;

TEST_CASE("stno: thermal linewidth against Kim-Tiberkevich-Slavin (3 seeds)") {
    constexpr double kPi = std::numbers::pi, kB = 1.380649e-23, kelvin = 300.15;
    const double gammag = 1e7, q = 2, zeta = 2, p0 = (zeta - 1) / (zeta + q), gammaP = gammag * (zeta - 1);
    const double nu = -1.0, nshift = nu * gammaP / (2 * kPi * p0);
    const double e0 = kB * kelvin / (0.01 * p0);                                           // kB T / E(p0) = 0.01
    const double fwhm = gammag * (1 + q * p0) * (kB * kelvin / (e0 * p0)) * (1 + nu * nu); // 3e5 rad/s
    const double lag = 4 / gammaP, dt = 2e-9;
    const double shape = (1 + nu * nu) * lag - nu * nu * (1 - std::exp(-2 * gammaP * lag)) / (2 * gammaP);
    double mean = 0;
    for (int seed : {1, 2, 3}) {
        CAPTURE(seed);
        const auto r = test::run("linewidth\n.model osc stno (f0=100meg nshift=" + num(nshift) +
                                 " q=2 ith=1m gammag=1e7 thermal=1 e0=" + num(e0) +
                                 " ppp=8 dcrelax=1)\n.options seed=" + std::to_string(seed) +
                                 "\ni1 0 a dc 2m\nn1 a 0 osc temp=27\n.tran 1n 1m\n.save n1.cr n1.ci\n.end\n");
        const Waveforms& w = r.analyses.at(0);
        REQUIRE(w.error.empty());
        const auto& t = test::signal(w, "time");
        const auto& cr = test::signal(w, "n1.cr");
        const auto& ci = test::signal(w, "n1.ci");
        // The phase on a uniform grid (linear interpolation of c), unwrapped.
        std::vector<double> phi;
        std::size_t j = 1;
        double offset = 0;
        for (double s = 0; s <= t.back(); s += dt) {
            while (j + 1 < t.size() && t[j] < s) ++j;
            const double u = (s - t[j - 1]) / (t[j] - t[j - 1]);
            const double re = cr[j - 1] + u * (cr[j] - cr[j - 1]), im = ci[j - 1] + u * (ci[j] - ci[j - 1]);
            const double raw = -std::atan2(im, re);
            if (!phi.empty()) offset -= 2 * kPi * std::round((raw + offset - phi.back()) / (2 * kPi));
            phi.push_back(raw + offset);
        }
        const auto steps = static_cast<std::size_t>(std::lround(lag / dt));
        double sum = 0, sumSq = 0;
        const std::size_t n = phi.size() - steps;
        for (std::size_t k = 0; k < n; ++k) {
            const double d = phi[k + steps] - phi[k];
            sum += d;
            sumSq += d * d;
        }
        const double variance = sumSq / n - (sum / n) * (sum / n);
        const double estimate = variance / shape * (1 + nu * nu);
        CHECK(estimate == doctest::Approx(fwhm).epsilon(0.10).scale(0));
        mean += estimate / 3;
    }
    CHECK(mean == doctest::Approx(fwhm).epsilon(0.05).scale(0));
}
