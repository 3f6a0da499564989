// The device registry: every element type, built in or from a plugin, registers here the same way. A
// type is its parameter table, its node count and a factory; registering it makes the elaborator accept
// its cards and `.model` types, `--describe` print it and the circuit builder construct it.
//
//   SPICE letters register under their letter ('r', 'd', ...); compact models are `N` elements
//   (`Nname node... model [param=value ...]` with `.model model TYPE (...)`) and register under their
//   `.model` type names.
//
// A plugin (a shared library loaded with `.plugin "lib.so"` or `--plugin lib.so`) registers its types
// with a static object; see devices/device_api.hpp and the README's "Writing a device model in C++".
//
// The registry is filled at load time (static registrations, then plugins, under a lock) and only read
// during simulations.
#pragma once

#include "devices/device.hpp"
#include "devices/element_spec.hpp"
#include "devices/params.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace spinspice {

struct DeviceType;

// What a factory receives for one instance.
struct InstanceContext {
    const FlatElement& element;
    const ModelCard* model = nullptr; // the `.model` card, for types that take one
    const DeviceType& type;
    DeviceEnvironment env;                        // the circuit's conditions
    std::vector<std::string>* warnings = nullptr; // where warn() writes (the circuit's warnings)

    const std::string& name() const { return element.name; }
    const SourceLoc& loc() const { return element.loc; }
    const std::vector<std::string>& nodes() const { return element.nodes; }
    GivenParams given() const;
    // A parameter of the type's table, resolved (instance, model, default) and range-checked.
    double param(std::string_view name) const;
    bool isGiven(std::string_view name) const;
    // An InputError at the instance with its line.
    [[noreturn]] void fail(const std::string& message, const std::string& hint = {}) const;
    // A warning naming the instance, its location and its line.
    void warn(const std::string& message) const;
};

using DeviceFactory = std::function<std::unique_ptr<Device>(const InstanceContext&)>;

struct DeviceType {
    std::string name;                    // "r", "d", ... (the letter) or "mtj" (the compact-model type)
    char letter = 'n';                   // the element letter that instantiates it
    std::string description;             // "Resistor: Rname n+ n- value [tc1=] [tc2=] [m=]"
    std::vector<std::string> modelTypes; // `.model` type names it accepts (lower-case)
    std::vector<ParamSpec> params;       // the one table (instance, model or both per row)
    int minNodes = 2, maxNodes = 2;      // N types: node count on the card
    std::string valueParam;              // the parameter a positional value sets ("r", "gain"), if any
    DeviceFactory factory;

    bool compactModel() const { return letter == 'n'; }
    const ParamSpec* findParam(std::string_view name) const { return spinspice::findParam(params, name); }
    // The row of `name` that may be written on the instance line / the `.model` card (a name may have
    // one of each: the diode's instance `m` is the multiplier, its model `m` the grading coefficient).
    const ParamSpec* findInstanceParam(std::string_view name) const;
    const ParamSpec* findModelParam(std::string_view name) const;
    std::vector<std::string> instanceParamNames() const;
    std::vector<std::string> modelParamNames() const;
};

// Register a type. Throws std::runtime_error on a clash (letter or `.model` type already taken).
void registerDeviceType(DeviceType type);

// Look-ups (names case-insensitive). The pointers stay valid for the process.
const DeviceType* findDeviceType(std::string_view name);              // by letter or type name
const DeviceType* findDeviceTypeForModel(std::string_view modelType); // by `.model` type ("d", "mtj")
const DeviceType* findElementType(char letter);                       // a SPICE letter's type
std::vector<std::string> knownModelTypes();
std::vector<std::string> knownDeviceTypes();      // every type, SPICE letters first
std::vector<std::string> compactModelTypeNames(); // `.model` types of N elements

// A Markdown section describing one type's parameters (for --describe and docs/devices.md).
std::string describeDeviceType(const DeviceType& type);

// A static registration object. A failed registration (a name already taken) is kept and reported by
// loadPlugin() as an input error instead of terminating the process during dlopen.
struct DeviceRegistration {
    explicit DeviceRegistration(DeviceType type);
};
// Registration failures since the last call (and clears them).
std::vector<std::string> takeRegistrationErrors();

// A type whose device class D is built as D(const InstanceContext&, const P&) from its parameter table
// (which must outlive the registration: a namespace-scope object defined before it).
template <class D, class P>
DeviceType deviceType(char letter, std::string name, std::string description, const ParamTable<P>& table) {
    DeviceType t;
    t.name = std::move(name);
    t.letter = letter;
    t.description = std::move(description);
    t.params = table.specs();
    t.factory = [&table](const InstanceContext& c) -> std::unique_ptr<Device> {
        return std::make_unique<D>(c, table.bind(c.given()));
    };
    return t;
}

// A SPICE element letter ('r', 'd', ...); `valueParam` is set by a positional value, `modelTypes` are
// the `.model` types its model card may have.
template <class D, class P>
DeviceType elementType(char letter, std::string description, const ParamTable<P>& table, std::string valueParam = {},
                       std::vector<std::string> modelTypes = {}, int nodeCount = 2) {
    DeviceType t = deviceType<D>(letter, std::string(1, letter), std::move(description), table);
    t.valueParam = std::move(valueParam);
    t.modelTypes = std::move(modelTypes);
    t.minNodes = t.maxNodes = nodeCount;
    return t;
}

// A compact-model (`N`) type: `.model name <type> (...)`, `minNodes`..`maxNodes` nodes on the card.
template <class D, class P>
DeviceType compactModelType(const std::string& name, std::string description, int minNodes, int maxNodes,
                            const ParamTable<P>& table) {
    DeviceType t = deviceType<D>('n', name, std::move(description), table);
    t.modelTypes = {name};
    t.minNodes = minNodes;
    t.maxNodes = maxNodes;
    return t;
}

// dlopen a plugin; its static registration objects run. Throws InputError (with `loc`) if it cannot
// be loaded. Loading the same file twice is a no-op. Serialised with every other registration.
void loadPlugin(const std::string& path, const SourceLoc& loc = {});

} // namespace spinspice
