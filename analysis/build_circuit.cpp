// FlatCircuit -> Circuit: one device per flat element, built by its registered type.
#include "analysis/build_circuit.hpp"

#include "devices/registry.hpp"

namespace spinspice {
namespace {

const ModelCard* findModel(const FlatElement& e, const FlatCircuit& flat) {
    if (e.model.empty()) return nullptr;
    auto it = flat.models.find(e.model);
    if (it == flat.models.end()) {
        std::vector<std::string> names;
        for (const auto& [n, m] : flat.models) names.push_back(n);
        throw InputError(e.name + ": unknown model '" + e.model + "'", e.loc, e.lineText,
                         suggestionHint(e.model, names));
    }
    return &it->second;
}

// The element's type: by its letter, or for N elements by its model's type.
const DeviceType& typeOf(const FlatElement& e, const ModelCard* model) {
    if (e.letter == 'n') {
        if (!model) throw InputError(e.name + ": missing model", e.loc, e.lineText, "expected: Nname node... model");
        const DeviceType* t = findDeviceTypeForModel(model->type);
        if (!t || !t->compactModel())
            throw InputError(e.name + ": model type '" + model->type + "' is not an N-element type", e.loc, e.lineText,
                             suggestionHint(model->type, compactModelTypeNames()));
        return *t;
    }
    const DeviceType* t = findElementType(e.letter);
    if (!t)
        throw InputError(e.name + ": element type '" + std::string(1, e.letter) + "' is not supported", e.loc,
                         e.lineText);
    return *t;
}

void checkNodes(const FlatElement& e, const DeviceType& type) {
    const int count = static_cast<int>(e.nodes.size());
    if (type.compactModel() ? (count < type.minNodes || count > type.maxNodes) : count < type.minNodes)
        throw InputError(e.name + ": " + std::to_string(count) + " nodes given", e.loc, e.lineText,
                         "expected: " + type.description);
}
} // namespace

std::unique_ptr<Device> makeDevice(const FlatElement& e, const FlatCircuit& flat, const SimOptions& options,
                                   std::vector<std::string>* warnings) {
    const ModelCard* model = findModel(e, flat);
    const DeviceType& type = typeOf(e, model);
    checkNodes(e, type);
    InstanceContext context{e, model, type, options.environment(), warnings};
    return type.factory(context);
}

namespace {
// `release`: flat.elements itself, emptied element by element as the devices are built, or null.
std::unique_ptr<Circuit> build(const FlatCircuit& flat, const SimOptions& options, std::vector<FlatElement>* release) {
    auto circuit = std::make_unique<Circuit>(options);
    circuit->reserve(flat.elements.size());
    for (std::size_t k = 0; k < flat.elements.size(); ++k) {
        circuit->add(makeDevice(flat.elements[k], flat, options, &circuit->warnings));
        circuit->setUpAdded();
        if (release) (*release)[k] = FlatElement{}; // its memory goes to the next devices
    }
    if (release) std::vector<FlatElement>().swap(*release);
    circuit->finalize();
    return circuit;
}
} // namespace

std::unique_ptr<Circuit> buildCircuit(const FlatCircuit& flat, const SimOptions& options) {
    return build(flat, options, nullptr);
}

std::unique_ptr<Circuit> buildCircuitReleasing(FlatCircuit& flat, const SimOptions& options) {
    return build(flat, options, &flat.elements);
}

} // namespace spinspice
