// FlatCircuit -> Circuit: one device per flat element, parameters through the type tables.
#include "analysis/build_circuit.hpp"

#include "devices/behavioral.hpp"
#include "devices/diode.hpp"
#include "devices/elements.hpp"
#include "devices/mosfet.hpp"
#include "devices/param_table.hpp"
#include "devices/registry.hpp"
#include "devices/switch.hpp"

#include <cmath>
#include <sstream>

namespace spinspice {
namespace {

std::string formatValue(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// Range check of every given parameter against the type's table.
void checkRanges(const std::vector<ParamSpec>& specs, const std::map<std::string, double>& given, const SourceLoc& loc,
                 const std::string& owner, const std::string& lineText) {
    for (const auto& [name, value] : given) {
        const ParamSpec* spec = nullptr;
        for (const auto& s : specs)
            if (name == s.name) spec = &s;
        if (!spec) continue; // names were validated by the elaborator
        const bool low = spec->minExclusive ? !(value > spec->min) : !(value >= spec->min);
        if (low || !(value <= spec->max))
            throw InputError(owner + ": parameter " + name + " = " + formatValue(value) + " is out of range", loc,
                             lineText,
                             std::string("allowed: ") + (spec->minExclusive ? "(" : "[") + formatValue(spec->min) +
                                 ", " + formatValue(spec->max) + "] " + spec->unit);
    }
}

double instanceParam(const FlatElement& e, const char* name) {
    const DeviceTypeInfo* info = findDeviceType(std::string(1, e.letter));
    const ParamSpec* spec = info ? info->findInstanceParam(name) : nullptr;
    if (!spec) return 0.0;
    return paramValue(*spec, e.params);
}

bool given(const FlatElement& e, const char* name) {
    return e.params.count(name) > 0;
}

const ModelCard& findModel(const FlatElement& e, const FlatCircuit& flat) {
    auto it = flat.models.find(e.model);
    if (it == flat.models.end()) {
        std::vector<std::string> names;
        for (const auto& [n, m] : flat.models) names.push_back(n);
        throw InputError(e.name + ": unknown model '" + e.model + "'", e.loc, e.lineText,
                         suggestionHint(e.model, names));
    }
    return it->second;
}

std::unique_ptr<Device> makeDevice(const FlatElement& e, const FlatCircuit& flat, const SimOptions& opt) {
    auto node = [&](std::size_t i) -> const std::string& {
        if (i >= e.nodes.size())
            throw InputError(e.name + ": missing node " + std::to_string(i + 1), e.loc, e.lineText);
        return e.nodes[i];
    };
    const double temp = given(e, "temp") ? e.params.at("temp") : opt.temp;
    switch (e.letter) {
    case 'r':
        return std::make_unique<Resistor>(e.name, e.loc, node(0), node(1), e.value, instanceParam(e, "tc1"),
                                          instanceParam(e, "tc2"), instanceParam(e, "m"), temp,
                                          given(e, "tnom") ? e.params.at("tnom") : opt.tnom);
    case 'c':
        if (e.value < 0) throw InputError(e.name + ": negative capacitance", e.loc, e.lineText);
        return std::make_unique<Capacitor>(e.name, e.loc, node(0), node(1), e.value, instanceParam(e, "m"),
                                           given(e, "ic"), instanceParam(e, "ic"));
    case 'l':
        if (!(e.value > 0)) throw InputError(e.name + ": inductance must be > 0", e.loc, e.lineText);
        return std::make_unique<Inductor>(e.name, e.loc, node(0), node(1), e.value, instanceParam(e, "m"),
                                          given(e, "ic"), instanceParam(e, "ic"));
    case 'k':
        if (e.refs.size() != 2)
            throw InputError(e.name + ": needs two inductors", e.loc, e.lineText, "expected: Kname Lname1 Lname2 k");
        if (!(std::fabs(e.value) <= 1.0))
            throw InputError(e.name + ": coupling coefficient must be within [-1, 1]", e.loc, e.lineText);
        return std::make_unique<MutualInductance>(e.name, e.loc, e.refs[0], e.refs[1], e.value);
    case 'v': return std::make_unique<VoltageSource>(e.name, e.loc, node(0), node(1), e.source);
    case 'i': return std::make_unique<CurrentSource>(e.name, e.loc, node(0), node(1), e.source);
    case 'e':
        return std::make_unique<ControlledSource>(e.name, e.loc, ControlledSource::Kind::Vcvs,
                                                  std::vector<std::string>{node(0), node(1), node(2), node(3)}, "",
                                                  e.value);
    case 'g':
        return std::make_unique<ControlledSource>(e.name, e.loc, ControlledSource::Kind::Vccs,
                                                  std::vector<std::string>{node(0), node(1), node(2), node(3)}, "",
                                                  e.value * (given(e, "m") ? e.params.at("m") : 1.0));
    case 'f':
    case 'h': {
        if (e.refs.empty()) throw InputError(e.name + ": missing controlling voltage source", e.loc, e.lineText);
        const auto kind = e.letter == 'f' ? ControlledSource::Kind::Cccs : ControlledSource::Kind::Ccvs;
        const double m = (e.letter == 'f' && given(e, "m")) ? e.params.at("m") : 1.0;
        return std::make_unique<ControlledSource>(e.name, e.loc, kind, std::vector<std::string>{node(0), node(1)},
                                                  e.refs[0], e.value * m);
    }
    case 'd': {
        const ModelCard& card = findModel(e, flat);
        checkRanges(findDeviceType("d")->modelParams, card.params, card.loc, "model " + card.name, {});
        return std::make_unique<Diode>(e.name, e.loc, node(0), node(1), DiodeModel::fromParams(card.params),
                                       instanceParam(e, "area"), instanceParam(e, "m"), instanceParam(e, "off") != 0,
                                       given(e, "ic"), instanceParam(e, "ic"), temp);
    }
    case 'n': { // compact models (built in or from plugins)
        const ModelCard& card = findModel(e, flat);
        const CompactModelType* type = findCompactModel(card.type);
        if (!type)
            throw InputError(e.name + ": model type '" + card.type + "' is not an N-element type", e.loc, e.lineText);
        checkRanges(type->info.modelParams, card.params, card.loc, "model " + card.name, {});
        InstanceSpec spec;
        spec.name = e.name;
        spec.loc = e.loc;
        spec.nodes = e.nodes;
        spec.modelName = card.name;
        spec.modelType = card.type;
        spec.instanceParams = &e.params;
        spec.modelParams = &card.params;
        spec.info = &type->info;
        spec.temperature = temp;
        return type->factory(spec);
    }
    case 'b':
        if (!e.behavior) throw InputError(e.name + ": missing expression", e.loc, e.lineText);
        return std::make_unique<BehavioralSource>(e.name, e.loc, node(0), node(1), e.behaviorKind, e.behavior,
                                                  e.behaviorText, temp);
    case 's':
    case 'w': {
        const ModelCard& card = findModel(e, flat);
        const bool current = e.letter == 'w';
        checkRanges(findDeviceType(std::string(1, e.letter))->modelParams, card.params, card.loc, "model " + card.name,
                    {});
        return std::make_unique<Switch>(e.name, e.loc, std::array<std::string, 2>{node(0), node(1)},
                                        current ? std::array<std::string, 2>{}
                                                : std::array<std::string, 2>{node(2), node(3)},
                                        current ? e.refs.at(0) : std::string(),
                                        SwitchModel::fromParams(current, card.params), instanceParam(e, "on") != 0);
    }
    case 'm': {
        const ModelCard& card = findModel(e, flat);
        checkRanges(findDeviceType("m")->modelParams, card.params, card.loc, "model " + card.name, {});
        MosGeometry geo;
        geo.l = instanceParam(e, "l");
        geo.w = instanceParam(e, "w");
        geo.ad = instanceParam(e, "ad");
        geo.as = instanceParam(e, "as");
        geo.pd = instanceParam(e, "pd");
        geo.ps = instanceParam(e, "ps");
        geo.nrd = instanceParam(e, "nrd");
        geo.nrs = instanceParam(e, "nrs");
        geo.m = instanceParam(e, "m");
        geo.off = instanceParam(e, "off") != 0;
        return std::make_unique<Mosfet>(e.name, e.loc, std::array<std::string, 4>{node(0), node(1), node(2), node(3)},
                                        MosModel::fromParams(card.type, card.params), geo, temp);
    }
    default: break;
    }
    throw InputError(e.name + ": element type '" + std::string(1, e.letter) + "' is not supported", e.loc, e.lineText);
}
} // namespace

std::unique_ptr<Circuit> buildCircuit(const FlatCircuit& flat, const SimOptions& options) {
    auto circuit = std::make_unique<Circuit>(options);
    for (const auto& e : flat.elements) {
        if (const DeviceTypeInfo* info = findDeviceType(std::string(1, e.letter)))
            checkRanges(info->instanceParams, e.params, e.loc, e.name, e.lineText);
        circuit->add(makeDevice(e, flat, options));
    }
    circuit->finalize();
    return circuit;
}

} // namespace spinspice
