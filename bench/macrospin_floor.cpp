// The cost floor of the MTJ-array benchmark: a bare fixed-step RK4 loop over the same macrospin
// equations (models/macrospin rhs, same devices, same currents) with no circuit around them.
// Usage: macrospin_floor N STEP_S TSTOP_S   -> prints device-steps per second.
#include "models/macrospin.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
    using namespace spinspice::macrospin;
    const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
    const double h = argc > 2 ? std::atof(argv[2]) : 1e-12;
    const double tstop = argc > 3 ? std::atof(argv[3]) : 10e-9;
    MacrospinParams p;
    p.Ms = 1e6;
    p.thickness = 1.5e-9;
    p.volume = M_PI * 40e-9 * 40e-9 / 4 * p.thickness;
    p.alpha = 0.01;
    p.setAnisotropyField(159154.943);
    p.eta = 0.5;
    const Macrospin model(p);
    std::vector<Vec3> m(static_cast<std::size_t>(n));
    std::vector<LlgsInput> input(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
        const double theta = 0.05 + 0.1 * ((k * 7919) % n) / n;
        m[static_cast<std::size_t>(k)] = Vec3(std::sin(theta), 0, std::cos(theta));
        input[static_cast<std::size_t>(k)].current = -(0.5 + 2.5 * k / std::max(n - 1, 1)) * 22.91e-6;
    }
    const long steps = std::lround(tstop / h);
    const auto t0 = std::chrono::steady_clock::now();
    for (long s = 0; s < steps; ++s)
        for (int k = 0; k < n; ++k) {
            Vec3& mk = m[static_cast<std::size_t>(k)];
            mk = stepRungeKutta4(model, mk, input[static_cast<std::size_t>(k)], h);
            mk.normalize();
        }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double checksum = 0;
    for (const auto& v : m) checksum += v.z();
    std::printf("devices %d steps %ld h %.3g s: %.3f s, %.3e device-steps/s (checksum %.6f)\n", n, steps, h, seconds,
                n * static_cast<double>(steps) / seconds, checksum);
    return 0;
}
