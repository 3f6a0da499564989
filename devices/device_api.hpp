// Everything a device plugin needs: the device contract (device.hpp), parameter tables (params.hpp),
// the registry (registry.hpp), the dense-block base class (block_device.hpp) and the stamps of the
// built-in elements (stamps.hpp). See the README, "Writing a device model in C++".
#pragma once

#include "devices/block_device.hpp"
#include "devices/device.hpp"
#include "devices/params.hpp"
#include "devices/registry.hpp"
#include "devices/stamps.hpp"
