// The `mtj` type's parameter values (shared by the macrospin model, devices/mtj.cpp, and the
// behavioural one, devices/mtj_behavioral.cpp).
#pragma once

#include "devices/macrospin_device.hpp"

#include <memory>

namespace spinspice {

struct MtjParams : macrospindevice::FreeLayerParams {
    int dynamics = 0; // 0: macrospin LLGS, 1: behavioural
    double tau0 = 1e-9;
};

std::unique_ptr<Device> makeBehavioralMtj(const InstanceContext& c, const MtjParams& p);

} // namespace spinspice
