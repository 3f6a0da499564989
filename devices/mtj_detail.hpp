// Shared by the two `mtj` implementations (devices/mtj.cpp: macrospin LLGS; devices/mtj_behavioral.cpp:
// binary state with switching times): the model card -> physics and transport parameters.
#pragma once

#include "devices/registry.hpp"
#include "models/macrospin.hpp"

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

template <class... Tables> std::vector<ParamSpec> joinParams(const Tables&... tables) {
    std::vector<ParamSpec> out;
    (out.insert(out.end(), tables.begin(), tables.end()), ...);
    return out;
}

} // namespace spinspice::mtjdetail
