#include "devices/registry.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace spinspice {
namespace {

// A deque: registering a type never moves the others (callers keep DeviceType pointers).
struct Registry {
    std::shared_mutex mutex;
    std::deque<DeviceType> types;
    std::vector<std::string> errors;               // failed registrations, reported by loadPlugin
    std::array<const DeviceType*, 128> byLetter{}; // the SPICE letters' types (the netlist reader's hot path)
};
Registry& registry() {
    static Registry r;
    return r;
}

const DeviceType* findLocked(const std::function<bool(const DeviceType&)>& match) {
    Registry& r = registry();
    std::shared_lock lock(r.mutex);
    for (const auto& t : r.types)
        if (match(t)) return &t;
    return nullptr;
}

std::string scopeText(const ParamSpec& s, bool compactModel) {
    switch (s.scope) {
    case ParamWhere::Instance: return "instance";
    case ParamWhere::Both: return "both";
    case ParamWhere::Model: return compactModel ? "both" : "model";
    }
    return {};
}
} // namespace

GivenParams InstanceContext::given() const {
    GivenParams g;
    g.instance = &element.params;
    g.model = model ? &model->params : nullptr;
    g.instanceLoc = element.loc;
    g.modelLoc = model ? model->loc : SourceLoc{};
    g.owner = element.name;
    g.compactModel = type.compactModel();
    return g;
}

double InstanceContext::param(std::string_view name) const {
    const ParamSpec* spec = type.findParam(name);
    if (!spec) throw std::logic_error("parameter '" + std::string(name) + "' is not in the table of " + type.name);
    return resolveParam(*spec, given());
}

bool InstanceContext::isGiven(std::string_view name) const {
    const ParamSpec* spec = type.findParam(name);
    if (!spec) return false;
    bool was = false;
    resolveParam(*spec, given(), &was);
    return was;
}

void InstanceContext::fail(const std::string& message, const std::string& hint) const {
    throw InputError(element.name + ": " + message, element.loc, element.lineText, hint);
}

const ParamSpec* DeviceType::findInstanceParam(std::string_view n) const {
    const std::string lname = toLower(n);
    for (const auto& p : params)
        if (p.name == lname && p.onInstance(compactModel())) return &p;
    return nullptr;
}

const ParamSpec* DeviceType::findModelParam(std::string_view n) const {
    const std::string lname = toLower(n);
    for (const auto& p : params)
        if (p.name == lname && p.onModel()) return &p;
    return nullptr;
}

void InstanceContext::warn(const std::string& message) const {
    if (!warnings) return;
    const std::string where = element.loc.str();
    warnings->push_back((where.empty() ? "" : where + ": ") + element.name + ": " + message +
                        (element.lineText.empty() ? "" : " (" + element.lineText + ")"));
}

std::vector<std::string> DeviceType::instanceParamNames() const {
    std::vector<std::string> out;
    for (const auto& p : params)
        if (p.onInstance(compactModel())) out.push_back(p.name);
    return out;
}

std::vector<std::string> DeviceType::modelParamNames() const {
    std::vector<std::string> out;
    for (const auto& p : params)
        if (p.onModel()) out.push_back(p.name);
    return out;
}

void registerDeviceType(DeviceType type) {
    if (!type.factory) throw std::runtime_error("device type '" + type.name + "' has no factory");
    for (auto& p : type.params) p.name = toLower(p.name);
    Registry& r = registry();
    std::unique_lock lock(r.mutex);
    for (const auto& t : r.types) {
        if (t.name == type.name) throw std::runtime_error("device type '" + type.name + "' is registered twice");
        for (const auto& m : type.modelTypes)
            if (std::find(t.modelTypes.begin(), t.modelTypes.end(), m) != t.modelTypes.end())
                throw std::runtime_error("model type '" + m + "' is registered twice");
    }
    r.types.push_back(std::move(type));
    const DeviceType& stored = r.types.back();
    if (!stored.compactModel() && stored.name.size() == 1 && static_cast<unsigned char>(stored.letter) < 128)
        r.byLetter[static_cast<unsigned char>(stored.letter)] = &stored;
}

DeviceRegistration::DeviceRegistration(DeviceType type) {
    try {
        registerDeviceType(std::move(type));
    } catch (const std::exception& e) {
        Registry& r = registry();
        std::unique_lock lock(r.mutex);
        r.errors.push_back(e.what());
    }
}

std::vector<std::string> takeRegistrationErrors() {
    Registry& r = registry();
    std::unique_lock lock(r.mutex);
    return std::exchange(r.errors, {});
}

const DeviceType* findDeviceType(std::string_view name) {
    const std::string lname = toLower(name);
    return findLocked([&](const DeviceType& t) { return t.name == lname; });
}

const DeviceType* findDeviceTypeForModel(std::string_view modelType) {
    const std::string lname = toLower(modelType);
    return findLocked([&](const DeviceType& t) {
        return std::find(t.modelTypes.begin(), t.modelTypes.end(), lname) != t.modelTypes.end();
    });
}

const DeviceType* findElementType(char letter) {
    const auto index = static_cast<unsigned char>(letter);
    if (letter == 'n' || index >= 128) return nullptr; // N elements are typed by their model
    Registry& r = registry();
    std::shared_lock lock(r.mutex);
    return r.byLetter[index];
}

std::vector<std::string> knownModelTypes() {
    Registry& r = registry();
    std::shared_lock lock(r.mutex);
    std::vector<std::string> out;
    for (const auto& t : r.types) out.insert(out.end(), t.modelTypes.begin(), t.modelTypes.end());
    return out;
}

std::vector<std::string> knownDeviceTypes() {
    Registry& r = registry();
    std::shared_lock lock(r.mutex);
    std::vector<const DeviceType*> sorted;
    for (const auto& t : r.types) sorted.push_back(&t);
    // SPICE letters first, in a fixed order, then compact models by name: independent of load order.
    const std::string letters = "rclkvieghfbdmswx";
    auto rank = [&](const DeviceType* t) {
        const auto at = t->compactModel() ? std::string::npos : letters.find(t->letter);
        return at == std::string::npos ? letters.size() : at;
    };
    std::stable_sort(sorted.begin(), sorted.end(), [&](const DeviceType* a, const DeviceType* b) {
        return rank(a) != rank(b) ? rank(a) < rank(b) : a->name < b->name;
    });
    std::vector<std::string> out;
    for (const DeviceType* t : sorted) out.push_back(t->name);
    return out;
}

std::vector<std::string> compactModelTypeNames() {
    Registry& r = registry();
    std::shared_lock lock(r.mutex);
    std::vector<std::string> out;
    for (const auto& t : r.types)
        if (t.compactModel()) out.insert(out.end(), t.modelTypes.begin(), t.modelTypes.end());
    std::sort(out.begin(), out.end());
    return out;
}

std::string describeDeviceType(const DeviceType& type) {
    std::ostringstream out;
    out << "### `" << type.name << "`: " << type.description << "\n";
    if (!type.modelTypes.empty()) {
        out << "\n`.model` types:";
        for (const auto& m : type.modelTypes) out << " `" << m << "`";
        out << "\n";
    }
    if (type.params.empty()) return out.str();
    out << "\n| name | default | unit | range | where | description |\n|---|---|---|---|---|---|\n";
    for (const auto& s : type.params) {
        const std::string range = formatParamRange(s);
        out << "| " << s.name << " | " << formatParamNumber(s.defaultValue) << " | " << s.unit << " | " << range
            << " | " << scopeText(s, type.compactModel()) << " | " << s.description << " |\n";
    }
    return out.str();
}

void loadPlugin(const std::string& path, const SourceLoc& loc) {
    static std::mutex loading;
    static std::set<std::string> loaded;
    std::lock_guard lock(loading);
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
    if (const auto errors = takeRegistrationErrors(); !errors.empty())
        throw InputError("plugin '" + path + "' could not register its devices: " + errors.front(), loc, {},
                         "rename the device type or its .model type");
}

} // namespace spinspice
