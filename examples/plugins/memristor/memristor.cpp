// An out-of-tree spinspice device: the HP (Strukov et al., Nature 453, 80 (2008)) linear-drift
// memristor with a Joglekar window. One internal state x = w/D in [0, 1]:
//   R(x) = Ron x + Roff (1 - x),   i = v / R(x),   dx/dt = (muv Ron / D^2) i f(x),   f(x) = 1 - (2x - 1)^(2p)
// Local unknowns of a BlockDevice: terminals 0 (a), 1 (b), then the state 2 (x).
#include "devices/device_api.hpp"

#include <cmath>

namespace {
using namespace spinspice;

struct Params {
    double ron, roff, d, muv, x0, p;
};
const ParamTable<Params> kParams{
    param("ron", &Params::ron, 100, "ohm", "on resistance").positive(),
    param("roff", &Params::roff, 16e3, "ohm", "off resistance").positive(),
    param("d", &Params::d, 10e-9, "m", "film thickness").positive(),
    param("muv", &Params::muv, 1e-14, "m^2/(V s)", "dopant mobility").positive(),
    param("x0", &Params::x0, 0.1, "", "initial state w/D").range(0, 1),
    param("p", &Params::p, 0, "", "Joglekar window exponent (0: none)").nonNegative(),
};

class Memristor : public BlockDevice {
public:
    Memristor(const InstanceContext& c, const Params& p) : BlockDevice(c, {{"x", 1e-6, p.x0}}), p_(p) {}
    DeviceTraits traits() const override {
        return {Linearity::Nonlinear, Chord::Unsafe, Charge::Present, Randomness::Deterministic};
    }
    void evaluate(const Values& in, Load& out) const override {
        const double x = in[2], v = in.voltage(0, 1);
        const double g = 1 / (p_.ron * x + p_.roff * (1 - x)), i = v * g, didx = -v * (p_.ron - p_.roff) * g * g;
        out.current(0, 1, i, {g, -g, didx}); // i from a to b, gradient over (a, b, x)
        // Window f(x) = 1 - (2x - 1)^(2p) keeps x inside [0, 1] (p = 0: no window).
        const double u = 2 * x - 1, f = p_.p > 0 ? 1 - std::pow(u, 2 * p_.p) : 1;
        const double dfdx = p_.p > 0 ? -4 * p_.p * std::pow(u, 2 * p_.p - 1) : 0;
        const double k = p_.muv * p_.ron / (p_.d * p_.d);
        out.rate(2, k * i * f, {k * g * f, -k * g * f, k * (didx * f + i * dfdx)}); // dx/dt, gradient
    }

private:
    Params p_;
};

const DeviceRegistration kRegistration{compactModelType<Memristor>(
    "memristor", "HP linear-drift memristor (plugin example): Nname a b model; state name.x", 2, 2, kParams)};
} // namespace
