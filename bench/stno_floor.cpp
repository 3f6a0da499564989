// The cost floor of the STNO-network benchmark (bench/stno_network.py): a bare fixed-step RK4 loop over
// the same equations as the netlist it generates, with no circuit simulator around them.
//
// N oscillators (devices/stno.cpp's model) on a common load: V_k -> R_s -> n_k -> node c -> R_L -> 0.
// Per oscillator the complex amplitude c_k (lab frame) and the low-passed current y_k (the stno's
// injection force acts on the current's AC part i - y, high-passed at f0/1000); the node voltage of c
// is algebraic: v_c = R_L sum V_k/(R_s + R_k) / (1 + R_L sum 1/(R_s + R_k)), R_k = r0 - dr Re(c_k).
//
// Usage: stno_floor N TSTOP_S STEP_S  -> wall time of the loop, and the final power and phase of
// oscillator 0 (to compare with the simulator's run).
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <vector>

namespace {
using C = std::complex<double>;
constexpr double kTwoPi = 2 * std::numbers::pi;

// The parameters stno_network.py writes into the netlist.
struct Network {
    int n = 100;
    double f0Low = 1.0e9, f0High = 1.1e9, nshift = -2e9, q = 2, gammag = 1e8, ith = 1e-3;
    double r0 = 1000, dr = 100, lambdaf = 1e10, rs = 200, rl = 10, vbias = 4.4, p0 = 1e-4;
    double f0(int k) const { return n > 1 ? f0Low + (f0High - f0Low) * k / (n - 1) : f0Low; }
};

struct State {
    std::vector<C> c;
    std::vector<double> y;
};

// The right-hand side at a state: the currents from the algebraic node, then dc/dt and dy/dt.
void rhs(const Network& net, const State& s, State& d, std::vector<double>& current) {
    double num = 0, den = 1;
    for (int k = 0; k < net.n; ++k) {
        const double r = net.rs + net.r0 - net.dr * s.c[k].real();
        num += net.rl * net.vbias / r;
        den += net.rl / r;
    }
    const double vc = num / den;
    for (int k = 0; k < net.n; ++k) {
        const double i = (net.vbias - vc) / (net.rs + net.r0 - net.dr * s.c[k].real());
        current[k] = i;
        const double p = std::norm(s.c[k]);
        const double w = kTwoPi * (net.f0(k) + net.nshift * p);
        const double g = net.gammag * (1 + net.q * p) - net.gammag / net.ith * i * (1 - p);
        d.c[k] = C(0, -w) * s.c[k] - g * s.c[k] + net.lambdaf * (i - s.y[k]);
        d.y[k] = kTwoPi * net.f0(k) / 1000 * (i - s.y[k]);
    }
}
} // namespace

int main(int argc, char** argv) {
    Network net;
    net.n = argc > 1 ? std::atoi(argv[1]) : 100;
    const double tstop = argc > 2 ? std::atof(argv[2]) : 1e-6;
    const double h = argc > 3 ? std::atof(argv[3]) : 1.0 / (20 * 1.1e9);
    const auto n = static_cast<std::size_t>(net.n);
    State s{std::vector<C>(n, C(std::sqrt(net.p0), 0)), std::vector<double>(n, 0.0)};
    // y starts at the DC current (the simulator's operating point: the high-passed part is 0).
    std::vector<double> current(n);
    State d{std::vector<C>(n), std::vector<double>(n)};
    rhs(net, s, d, current);
    s.y = current;
    State k1 = d, k2 = d, k3 = d, k4 = d, tmp = s;
    const long steps = std::lround(tstop / h);
    auto axpy = [&](const State& base, const State& slope, double a, State& out) {
        for (std::size_t k = 0; k < n; ++k) {
            out.c[k] = base.c[k] + a * slope.c[k];
            out.y[k] = base.y[k] + a * slope.y[k];
        }
    };
    const auto t0 = std::chrono::steady_clock::now();
    for (long step = 0; step < steps; ++step) {
        rhs(net, s, k1, current);
        axpy(s, k1, h / 2, tmp);
        rhs(net, tmp, k2, current);
        axpy(s, k2, h / 2, tmp);
        rhs(net, tmp, k3, current);
        axpy(s, k3, h, tmp);
        rhs(net, tmp, k4, current);
        for (std::size_t k = 0; k < n; ++k) {
            s.c[k] += h / 6 * (k1.c[k] + 2.0 * k2.c[k] + 2.0 * k3.c[k] + k4.c[k]);
            s.y[k] += h / 6 * (k1.y[k] + 2.0 * k2.y[k] + 2.0 * k3.y[k] + k4.y[k]);
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("oscillators %d steps %ld h %.4g s: %.4f s; p0 %.9f phase0 %.9f\n", net.n, steps, h, seconds,
                std::norm(s.c[0]), -std::arg(s.c[0]));
    return 0;
}
