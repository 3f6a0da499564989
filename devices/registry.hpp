// Compact-model device types (`N` elements: `Nname node... model [param=value ...]` with
// `.model model TYPE (...)`), built in or registered by plugins. A type is its parameter table
// (DeviceTypeInfo), its node count and a factory; registering it makes the elaborator accept its
// `.model` cards, `--describe` print it and the circuit builder construct it.
//
// A plugin (a shared library loaded with `.plugin "lib.so"` or `--plugin lib.so`) registers its types
// with a static object:
//
//   static spinspice::DeviceRegistration registration{{info, 2, 2, &makeMyDevice}};
#pragma once

#include "devices/device.hpp"
#include "devices/param_table.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spinspice {

// What a factory receives for one instance.
struct InstanceSpec {
    std::string name;                                              // flat instance name ("n1", "x1.n3")
    SourceLoc loc;                                                 // the instance card
    std::vector<std::string> nodes;                                // flat node names
    std::string modelName, modelType;                              // the .model card
    const std::map<std::string, double>* instanceParams = nullptr; // given on the instance line
    const std::map<std::string, double>* modelParams = nullptr;    // given on the .model card
    const DeviceTypeInfo* info = nullptr;
    double temperature = 27.0; // degC (instance temp= or the circuit's)

    // A parameter's value: instance, else model, else the table default. Unknown names are a bug in
    // the device (they are not in its table): std::logic_error.
    double param(const char* name) const;
    bool given(const char* name) const;
};

using DeviceFactory = std::unique_ptr<Device> (*)(const InstanceSpec&);

struct CompactModelType {
    DeviceTypeInfo info; // name (e.g. "mtj"), description, modelTypes (e.g. {"mtj"}), parameter tables
    int minNodes = 2, maxNodes = 2;
    DeviceFactory factory = nullptr;
};

// Register a type (its `.model` type names must not be taken). Throws std::runtime_error on a clash.
void registerCompactModel(CompactModelType type);
// The compact-model type that accepts `.model` type `modelType`, or nullptr.
const CompactModelType* findCompactModel(std::string_view modelType);
std::vector<std::string> compactModelTypeNames();

struct DeviceRegistration {
    explicit DeviceRegistration(CompactModelType type) { registerCompactModel(std::move(type)); }
};

// dlopen a plugin; its static registration objects run. Throws InputError (with `loc`) if it cannot
// be loaded. Loading the same file twice is a no-op.
void loadPlugin(const std::string& path, const SourceLoc& loc = {});

} // namespace spinspice
