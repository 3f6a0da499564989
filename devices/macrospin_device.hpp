// What the macrospin devices share (mtj: devices/mtj.cpp, its behavioural mode mtj_behavioral.cpp,
// sotmtj.cpp): the free-layer, transport, initial-state and thermal parameter rows; the model card ->
// physics conversion; the thermal field of the stochastic LLGS; and MacrospinState, the magnetisation
// m = (mx, my, mz) as three state unknowns whose equation is the LL form of the LLGS (q = m, f = -g).
#pragma once

#include "core/random.hpp"
#include "devices/registry.hpp"
#include "models/macrospin.hpp"

#include <array>
#include <cmath>
#include <vector>

namespace spinspice::macrospindevice {

// The parameter values of a macrospin free layer with its MTJ read path (names as in the tables).
struct FreeLayerParams {
    double ms = 1e6, tf = 1.5e-9, d = 40e-9;
    OptionalValue area;
    double alpha = 0.01, hk = 159154.9;
    OptionalValue ku, ki;
    double ux = 0, uy = 0, uz = 1, nx = 0, ny = 0, nz = 0, hx = 0, hy = 0, hz = 0, px = 0, py = 0, pz = 1;
    double eta = 0.5, pol = 0, xi = 0, vcma = 0, tox = 1e-9;
    double rp = 1e3;
    OptionalValue ra;
    double tmr = 1.0, vh = 0.5;
    OptionalValue theta0; // default: the thermal rms angle 1/sqrt(2 Delta)
    double phi0 = 0;
    OptionalValue temp; // default: the circuit temperature
    bool thermal = false;
    double tnoise = 0;
    bool dcrelax = false;
};

// Rows of the shared table, bound to FreeLayerParams members of a params struct P derived from it.
template <class P> std::vector<ParamRow<P>> freeLayerRows(double defaultThickness);
template <class P> std::vector<ParamRow<P>> transportRows();
template <class P> std::vector<ParamRow<P>> initialStateRows(); // theta0 phi0 temp dcrelax
template <class P> std::vector<ParamRow<P>> thermalRows();      // thermal tnoise

// Model card -> physics. InputError (at the instance) on parameters the model refuses.
macrospin::Macrospin macrospinModel(const FreeLayerParams& p, const InstanceContext& c);
macrospin::MtjTransport transport(const FreeLayerParams& p);
double temperatureKelvin(const FreeLayerParams& p, const InstanceContext& c);
// m at t = 0: theta0 from the easy axis (default: the thermal rms angle 1/sqrt(2 Delta)), azimuth phi0.
macrospin::Vec3 initialDirection(const FreeLayerParams& p, const macrospin::Macrospin& model, double kelvin);
// At most 1/20 of the precession period of the largest static field (+inf without one).
double precessionMaxStep(const macrospin::Macrospin& model);

// Thermal field of the stochastic LLGS (eq. 1.5) for `thermal=1`: independent Gaussian vectors N_k
// (stream index k) on a fixed grid t_k = k tnoise, joined linearly. The grid variance
// sigma^2 = 2 D/tnoise with D = alpha kB T/(gamma mu0^2 Ms V) gives the white-noise spectral density 2 D at
// frequencies well below 1/tnoise (any interpolation whose weights sum to one does). Being a fixed,
// continuous function of time, the field is the same whatever steps the transient takes, rejects or
// subdivides, and the trapezoidal rule integrates it as a smooth forcing: by Wong-Zakai the limit is
// the Stratonovich SDE (section 1.2), which the (1+alpha^2)-free variance turns into the Boltzmann
// distribution. The states it drives are exempt from the truncation-error test; the step is bounded by
// tnoise instead.
class ThermalField {
public:
    // Narrows maxStep to the noise grid when active.
    void configure(const FreeLayerParams& p, const macrospin::Macrospin& model, double kelvin, double& maxStep);
    void setStream(std::uint64_t seed, const std::string& instance) {
        grid_ = rng::NoiseGrid<3>(rng::Stream(seed, instance), interval_);
    }
    bool active() const { return sigma_ > 0; }
    bool finite() const { return std::isfinite(sigma_) && std::isfinite(interval_) && (!active() || interval_ > 0); }
    macrospin::Vec3 at(double t) const {
        const auto n = grid_.at(t);
        return sigma_ * macrospin::Vec3(n[0], n[1], n[2]);
    }

private:
    double interval_ = 0, sigma_ = 0;
    rng::NoiseGrid<3> grid_;
};

// The magnetisation unknowns and their rows. The device owns the physics (g and its derivatives); this
// class owns the unknowns, the pattern entries and the stamping:
//   rows m_k: q = m_k, f = -g_k; df/dm = -dg/dm; df/d(input column j) = -dg/d(input j)
//   current rows (the device terminals the read current flows between): dI/dm
class MacrospinState {
public:
    // From the parameters: the initial direction, the DC behaviour (dcrelax), the step bound (1/20 of the
    // precession period, or the thermal-noise grid) and the thermal field.
    void configure(const FreeLayerParams& p, const macrospin::Macrospin& model, const InstanceContext& c);
    Randomness randomness() const { return thermal_.active() ? Randomness::Stochastic : Randomness::Deterministic; }
    double maxStep() const { return maxStep_; }
    // The thermal field at the evaluation's time: zero unless thermal=1 and the noise is on (transients).
    macrospin::Vec3 thermalField(const EvalContext& ctx) const {
        return thermal_.active() && ctx.noise ? thermal_.at(ctx.time) : macrospin::Vec3::Zero();
    }

    // The three state unknowns "<instance>.mx" ... (noise-driven ones exempt from truncation control).
    void setup(SetupContext& ctx, const std::string& instance);
    // inputColumns: unknowns g depends on besides m (terminal voltages); currentRows: the two terminals the
    // read current I(m, V) flows from and to.
    void declare(PatternBuilder& pb, const std::vector<int>& inputColumns, std::array<int, 2> currentRows);
    void bind(const PatternBuilder& pb);

    macrospin::Vec3 m(const double* x) const { return {x[m_[0]], x[m_[1]], x[m_[2]]}; }
    // The state rows without their Jacobian (a chord iteration) ...
    void loadRates(LoadBuffers& out, const macrospin::Vec3& m, const macrospin::Vec3& g) const;
    // ... and with it: dgdInput[j] is dg/d(inputColumns[j]) (one per input column); dIdm couples the current
    // rows to m.
    void loadJacobian(LoadBuffers& out, const macrospin::Mat3& dgdm, const macrospin::Vec3* dgdInput,
                      const macrospin::Vec3& dIdm) const;
    // |m| back to 1 after an accepted step when it drifted by more than 1e-10 (far below the abstol);
    // with `charges`, also q = m on those rows (Exact).
    Device::Projection project(double* x, double* charges) const;

private:
    macrospin::Vec3 m0_ = macrospin::Vec3::UnitZ();
    DcBehaviour dc_ = DcBehaviour::Held;
    double maxStep_ = 0;
    ThermalField thermal_;
    std::array<int, 3> m_{};
    std::vector<int> inputs_;
    std::array<int, 2> currentRows_{};
    std::array<std::array<int, 3>, 3> mm_{};
    std::vector<std::array<int, 3>> inputOff_; // [input][k]: (m_k, input)
    std::array<std::array<int, 3>, 2> currentOff_{};
};

// In the header so the devices' eval() inlines them (the inner loop of macrospin arrays).
inline void MacrospinState::loadRates(LoadBuffers& out, const macrospin::Vec3& m, const macrospin::Vec3& g) const {
    for (std::size_t k = 0; k < 3; ++k) {
        addQ(out, m_[k], m[static_cast<int>(k)]);
        out.jq[mm_[k][k]] += 1.0;
        addF(out, m_[k], -g[static_cast<int>(k)]);
    }
}

inline void MacrospinState::loadJacobian(LoadBuffers& out, const macrospin::Mat3& dgdm, const macrospin::Vec3* dgdInput,
                                         const macrospin::Vec3& dIdm) const {
    for (std::size_t k = 0; k < 3; ++k) {
        const int ki = static_cast<int>(k);
        out.jf[currentOff_[0][k]] += dIdm[ki];
        out.jf[currentOff_[1][k]] -= dIdm[ki];
        for (std::size_t j = 0; j < 3; ++j) out.jf[mm_[k][j]] -= dgdm(ki, static_cast<int>(j));
        for (std::size_t i = 0; i < inputs_.size(); ++i) out.jf[inputOff_[i][k]] -= dgdInput[i][ki];
    }
}

// ---- the shared rows ---------------------------------------------------------------------------------
template <class P> std::vector<ParamRow<P>> freeLayerRows(double defaultThickness) {
    using F = FreeLayerParams;
    return {
        param<P>("ms", &F::ms, 1e6, "A/m", "free-layer saturation magnetisation").positive(),
        param<P>("tf", &F::tf, defaultThickness, "m", "free-layer thickness").positive(),
        param<P>("d", &F::d, 40e-9, "m", "diameter of the circular pillar (area = pi d^2/4)").positive(),
        param<P>("area", &F::area, 0, "m^2", "pillar area (overrides d)").positive(),
        param<P>("alpha", &F::alpha, 0.01, "", "Gilbert damping").nonNegative(),
        param<P>("hk", &F::hk, 159154.9, "A/m",
                 "uniaxial anisotropy field (effective when no demag tensor is given; 0.2 T/mu0)"),
        param<P>("ku", &F::ku, 0, "J/m^3", "bulk uniaxial anisotropy (instead of hk)"),
        param<P>("ki", &F::ki, 0, "J/m^2", "interfacial anisotropy, Ku = ki/tf (instead of hk)"),
        param<P>("ux", &F::ux, 0, "", "easy axis x"),
        param<P>("uy", &F::uy, 0, "", "easy axis y"),
        param<P>("uz", &F::uz, 1, "", "easy axis z"),
        param<P>("nx", &F::nx, 0, "", "demagnetising factor Nxx"),
        param<P>("ny", &F::ny, 0, "", "demagnetising factor Nyy"),
        param<P>("nz", &F::nz, 0, "", "demagnetising factor Nzz (thin film: nz=1)"),
        param<P>("hx", &F::hx, 0, "A/m", "external field x"),
        param<P>("hy", &F::hy, 0, "A/m", "external field y"),
        param<P>("hz", &F::hz, 0, "A/m", "external field z"),
        param<P>("px", &F::px, 0, "", "reference-layer direction x"),
        param<P>("py", &F::py, 0, "", "reference-layer direction y"),
        param<P>("pz", &F::pz, 1, "", "reference-layer direction z"),
        param<P>("eta", &F::eta, 0.5, "", "spin-transfer efficiency (constant law)").nonNegative(),
        param<P>("pol", &F::pol, 0, "", "spin polarisation P: eta = P/(1 + P^2 cos) (Slonczewski MTJ law) when > 0")
            .range(0, 1),
        param<P>("xi", &F::xi, 0, "", "field-like to damping-like torque ratio"),
        param<P>("vcma", &F::vcma, 0, "J/(V m)", "VCMA coefficient xi_VCMA (0: none)"),
        param<P>("tox", &F::tox, 1e-9, "m", "barrier thickness (for VCMA)").positive(),
    };
}

template <class P> std::vector<ParamRow<P>> transportRows() {
    using F = FreeLayerParams;
    return {
        param<P>("rp", &F::rp, 1e3, "ohm", "parallel-state resistance").positive(),
        param<P>("ra", &F::ra, 0, "ohm m^2", "resistance-area product (instead of rp)").positive(),
        param<P>("tmr", &F::tmr, 1.0, "", "zero-bias TMR (R_AP - R_P)/R_P").nonNegative(),
        param<P>("vh", &F::vh, 0.5, "V", "bias at which the TMR halves").positive(),
    };
}

template <class P> std::vector<ParamRow<P>> initialStateRows() {
    using F = FreeLayerParams;
    return {
        param<P>("theta0", &F::theta0, 0, "rad",
                 "initial angle of m from the easy axis (default: thermal rms 1/sqrt(2 Delta))")
            .range(0, 3.1416),
        param<P>("phi0", &F::phi0, 0, "rad", "initial azimuth of m around the easy axis"),
        param<P>("temp", &F::temp, 27, "degC", "device temperature (default theta0, thermal field)").instance(),
        flagParam<P>("dcrelax", &F::dcrelax, false,
                     "DC analyses: 0 hold m at its initial direction (memory); 1 relax it to the stable "
                     "equilibrium nearest to it (.op, and .ac linearises there)"),
    };
}

template <class P> std::vector<ParamRow<P>> thermalRows() {
    using F = FreeLayerParams;
    return {
        flagParam<P>("thermal", &F::thermal, false,
                     "1: thermal field (stochastic LLGS, eq. 1.5) at the device temperature in .tran"),
        param<P>("tnoise", &F::tnoise, 0, "s",
                 "thermal-field sample interval (0: the precession step bound, else 1 ps)")
            .nonNegative(),
    };
}

} // namespace spinspice::macrospindevice
