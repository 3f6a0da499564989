// Parameter tables: every device type declares its parameters once (name, default, unit, description,
// allowed range, model-or-instance). The elaborator validates `.model` cards and instance parameters
// against these tables, `spinspice --describe TYPE` prints them, docs/devices.md is generated from them.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace spinspice {

struct ParamSpec {
    const char* name; // lower-case
    double defaultValue;
    const char* unit; // "" for dimensionless
    const char* description;
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool minExclusive = false; // true: value must be > min (not >=)
};

// The netlist-facing description of one device type: `letter` types ("r", "c", ..., "d") and, for
// types with models, the `.model` type names they accept.
struct DeviceTypeInfo {
    std::string name; // element letter ("d") or compact-model type ("mtj")
    std::string description;
    std::vector<std::string> modelTypes;   // `.model` type names this device accepts (lower-case)
    std::vector<ParamSpec> instanceParams; // key=value parameters allowed on the instance line
    std::vector<ParamSpec> modelParams;    // parameters allowed on the `.model` card

    const ParamSpec* findInstanceParam(std::string_view name) const;
    const ParamSpec* findModelParam(std::string_view name) const;
};

// Look-ups used by the elaborator and the CLI. Names are case-insensitive.
const DeviceTypeInfo* findDeviceType(std::string_view name);              // by letter or type name
const DeviceTypeInfo* findDeviceTypeForModel(std::string_view modelType); // by `.model` type ("d")
std::vector<std::string> knownModelTypes();
std::vector<std::string> knownDeviceTypes();
// Add a type to the tables (used by registerCompactModel); the pointer stays valid.
const DeviceTypeInfo* registerDeviceTypeInfo(DeviceTypeInfo info);

// Resolve a parameter: instance value if given, else model value if given, else the table default.
double paramValue(const ParamSpec& spec, const std::map<std::string, double>& instance,
                  const std::map<std::string, double>* model = nullptr);

// A Markdown table of one type's parameters (for --describe and docs/devices.md).
std::string describeDeviceType(const DeviceTypeInfo& info);

} // namespace spinspice
