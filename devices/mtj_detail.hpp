// Shared by the two `mtj` implementations (devices/mtj.cpp: macrospin LLGS; devices/mtj_behavioral.cpp:
// binary state with switching times): the model card -> physics and transport parameters.
#pragma once

#include "devices/registry.hpp"
#include "models/macrospin.hpp"

#include <memory>

namespace spinspice::mtjdetail {

double pillarArea(const InstanceSpec& s);
macrospin::MacrospinParams macrospinParams(const InstanceSpec& s);
macrospin::Macrospin macrospinModel(const InstanceSpec& s); // InputError on bad parameters
macrospin::MtjTransport transport(const InstanceSpec& s);
std::unique_ptr<Device> makeBehavioralMtj(const InstanceSpec& s);

} // namespace spinspice::mtjdetail
