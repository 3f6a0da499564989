// N element cards (compact models registered in devices/registry.hpp, built in or from plugins):
//   Nname node... model [param=value ...]      with   .model model TYPE (param=value ...)
// and `.plugin "lib.so"` cards, loaded before any .model card is read.
#include "devices/registry.hpp"
#include "netlist/elaborator.hpp"

#include <filesystem>

namespace spinspice::netlist::detail {

void Elaborator::loadPlugins(const std::vector<Statement>& block) {
    for (const auto& statement : block) {
        const Card* card = statement.card();
        if (!card || card->keyword() != ".plugin") continue;
        if (card->tokens.size() != 2 || !(card->tokens[1].isWord() || card->tokens[1].kind == TokenKind::String))
            failAtEnd(*card, "expected one shared-library path", "expected: .plugin \"path/to/libdevice.so\"");
        std::filesystem::path path(card->tokens[1].text);
        if (path.is_relative() && !card->fileName().empty())
            path = std::filesystem::path(card->fileName()).parent_path() / path; // relative to the netlist
        loadPlugin(path.string(), card->locOf(card->tokens[1]));
    }
}

void Elaborator::addCompactDevice(const Card& card, const ElabScope& scope, FlatElement& e) {
    const std::string syntax = "Nname node... model [param=value ...]";
    const CardArgs args = splitArgs(card, 1, syntax);
    const auto& pos = args.positional;
    if (pos.size() < 2) failAtEnd(card, "device '" + e.name + "' needs nodes and a model name", "expected: " + syntax);
    const Token& modelToken = *pos.back();
    e.model = resolveModel(card, modelToken, scope);
    const ModelCard& model = out_.models.at(e.model);
    const DeviceType* type = findDeviceTypeForModel(model.type);
    if (!type || !type->compactModel())
        fail(card, modelToken, "model '" + e.model + "' has type '" + model.type + "', which is not an N-element type",
             suggestionHint(model.type, compactModelTypeNames()));
    const int nodes = static_cast<int>(pos.size()) - 1;
    if (nodes < type->minNodes || nodes > type->maxNodes)
        fail(card, modelToken,
             "a '" + type->name + "' device has " +
                 (type->minNodes == type->maxNodes
                      ? std::to_string(type->minNodes)
                      : std::to_string(type->minNodes) + " to " + std::to_string(type->maxNodes)) +
                 " nodes, " + std::to_string(nodes) + " given",
             type->description);
    for (int i = 0; i < nodes; ++i) e.nodes.push_back(nodeName(card, *pos[static_cast<std::size_t>(i)], scope));
    for (const auto& a : args.assignments) {
        const std::string key = a.key->lower();
        const ParamSpec* spec = type->findInstanceParam(key);
        if (!spec)
            fail(card, *a.key, "unknown parameter '" + key + "' of a '" + type->name + "' device",
                 suggestionHint(key, type->instanceParamNames()));
        const double value = evalValue(card, *a.value, scope);
        checkRange(card, *a.value, *spec, value);
        e.params[key] = value;
    }
}

} // namespace spinspice::netlist::detail
