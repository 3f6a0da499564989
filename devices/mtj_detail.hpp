// Shared by the two `mtj` implementations (devices/mtj.cpp: macrospin LLGS; devices/mtj_behavioral.cpp:
// binary state with switching times): the model card -> physics and transport parameters.
#pragma once

#include "core/random.hpp"
#include "devices/registry.hpp"
#include "models/macrospin.hpp"

#include <array>
#include <memory>
#include <vector>

namespace spinspice::mtjdetail {

double pillarArea(const InstanceSpec& s);
macrospin::MacrospinParams macrospinParams(const InstanceSpec& s);
macrospin::Macrospin macrospinModel(const InstanceSpec& s); // InputError on bad parameters
macrospin::MtjTransport transport(const InstanceSpec& s);
std::unique_ptr<Device> makeBehavioralMtj(const InstanceSpec& s);

// m at t = 0: theta0 from the easy axis (default: the thermal rms angle 1/sqrt(2 Delta)), azimuth phi0.
macrospin::Vec3 initialDirection(const InstanceSpec& s, const macrospin::Macrospin& model);
// At most 1/20 of the precession period of the largest static field (+inf without one).
double precessionMaxStep(const macrospin::Macrospin& model);

// Parameter-table rows shared by the macrospin devices (mtj, sotmtj).
std::vector<ParamSpec> freeLayerParams(double defaultThickness); // ms tf d area alpha hk ... vcma tox
std::vector<ParamSpec> transportParams();                        // rp ra tmr vh
std::vector<ParamSpec> initialStateParams();                     // theta0 phi0 (model rows)
std::vector<ParamSpec> initialStateInstanceParams();             // theta0 phi0 temp (instance rows)

// Thermal field of the stochastic LLGS (eq. 1.5) for the macrospin devices (`thermal=1`): independent
// Gaussian vectors N_k (stream index k) on a fixed grid t_k = k tnoise, joined linearly. The grid
// variance sigma^2 = 2 D/tnoise with D = alpha kB T/(gamma mu0^2 Ms V) gives the white-noise spectral
// density 2 D at frequencies well below 1/tnoise (any interpolation whose weights sum to one does).
// Being a fixed, continuous function of time, the field is the same whatever steps the transient takes,
// rejects or subdivides, and the trapezoidal rule integrates it as a smooth forcing: by Wong-Zakai the
// limit is the Stratonovich SDE (section 1.2), which the (1+alpha^2)-free variance turns into the
// Boltzmann distribution. The states it drives are exempt from the truncation-error test; the step is
// bounded by tnoise instead.
class ThermalField {
public:
    // Reads `thermal` and `tnoise`; narrows maxStep to the noise grid when active.
    void configure(const InstanceSpec& s, const macrospin::Macrospin& model, double& maxStep);
    void setup(SetupContext& ctx, const std::string& instance, const std::array<int, 3>& stateUnknowns);
    bool active() const { return sigma_ > 0; }
    macrospin::Vec3 at(double t) const;

private:
    macrospin::Vec3 gridSample(std::uint64_t k) const;
    double interval_ = 0, sigma_ = 0;
    rng::Stream stream_;
    mutable std::uint64_t cachedIndex_ = ~0ull;
    mutable macrospin::Vec3 cachedLeft_ = macrospin::Vec3::Zero(), cachedRight_ = macrospin::Vec3::Zero();
};
std::vector<ParamSpec> thermalParams(); // thermal tnoise (model rows)

// Projects the magnetisation unknowns m (indices into x) back to |m| = 1 after an accepted step, when
// |m| drifted by more than 1e-10 (far below their abstol). With `charges` (the new point's q, indexed
// like x) it also sets q = m on those rows, the macrospin devices' charge, and reports Exact.
Device::Projection projectUnitMagnetisation(double* x, const std::array<int, 3>& m, double* charges = nullptr);

template <class... Tables> std::vector<ParamSpec> joinParams(const Tables&... tables) {
    std::vector<ParamSpec> out;
    (out.insert(out.end(), tables.begin(), tables.end()), ...);
    return out;
}

} // namespace spinspice::mtjdetail
