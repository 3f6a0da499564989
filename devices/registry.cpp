#include "devices/registry.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

namespace spinspice {
namespace {
std::map<std::string, CompactModelType>& compactTypes() { // key: .model type name
    static std::map<std::string, CompactModelType> types;
    return types;
}
} // namespace

double InstanceSpec::param(const char* name) const {
    const ParamSpec* spec = info ? info->findInstanceParam(name) : nullptr;
    if (!spec && info) spec = info->findModelParam(name);
    if (!spec)
        throw std::logic_error(std::string("parameter '") + name + "' is not in the table of " +
                               (info ? info->name : "?"));
    static const std::map<std::string, double> none;
    return paramValue(*spec, instanceParams ? *instanceParams : none, modelParams);
}

bool InstanceSpec::given(const char* name) const {
    return (instanceParams && instanceParams->count(name)) || (modelParams && modelParams->count(name));
}

void registerCompactModel(CompactModelType type) {
    if (!type.factory) throw std::runtime_error("device type '" + type.info.name + "' has no factory");
    for (const auto& m : type.info.modelTypes)
        if (compactTypes().count(m) || findDeviceTypeForModel(m))
            throw std::runtime_error("model type '" + m + "' is registered twice");
    const DeviceTypeInfo* stored = registerDeviceTypeInfo(type.info);
    for (const auto& m : stored->modelTypes) compactTypes().emplace(m, type);
}

const CompactModelType* findCompactModel(std::string_view modelType) {
    auto it = compactTypes().find(toLower(modelType));
    return it == compactTypes().end() ? nullptr : &it->second;
}

std::vector<std::string> compactModelTypeNames() {
    std::vector<std::string> names;
    for (const auto& [name, type] : compactTypes()) names.push_back(name);
    return names;
}

void loadPlugin(const std::string& path, const SourceLoc& loc) {
    static std::set<std::string> loaded;
    std::error_code ec;
    const std::string canonical = std::filesystem::weakly_canonical(path, ec).string();
    if (!std::filesystem::exists(path))
        throw InputError("plugin '" + path + "' does not exist", loc, {}, "give the path of a shared library (.so)");
    if (loaded.count(canonical)) return;
    // RTLD_GLOBAL: the plugin's types live in this process' registry; RTLD_NOW: fail here, not later.
    if (!dlopen(canonical.c_str(), RTLD_NOW | RTLD_GLOBAL)) {
        const char* why = dlerror();
        throw InputError("cannot load plugin '" + path + "'", loc, {}, why ? why : "dlopen failed");
    }
    loaded.insert(canonical);
}

} // namespace spinspice
