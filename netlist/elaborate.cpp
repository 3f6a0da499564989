// Elaboration driver: passes over the deck, scopes, .param/.func/.model/.subckt definitions, subcircuit
// instantiation (X cards), value evaluation and node naming.
#include "netlist/elaborate.hpp"

#include "netlist/elaborator.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

namespace spinspice::netlist {
namespace detail {
namespace {

constexpr std::size_t kMaxInstanceDepth = 100;

const char* const kSubcktSyntax = ".subckt name node1 node2 ... [params:] [p1=v1 ...]";
const char* const kInstanceSyntax = "Xname n1 n2 ... subname [params:] [p=v ...]";

enum class CardRole { Definition, Global, Command, Unknown };

const std::vector<std::string>& knownDotCards() {
    static const std::vector<std::string> cards = {
        ".ac",      ".control", ".dc",    ".end",  ".endc",   ".endl",     ".ends",  ".func",    ".global",
        ".ic",      ".include", ".inc",   ".lib",  ".model",  ".nodeset",  ".op",    ".options", ".option",
        ".opt",     ".param",   ".probe", ".save", ".subckt", ".temp",     ".title", ".tran",    ".meas",
        ".measure", ".print",   ".plot",  ".step", ".plugin", ".spectrum", ".four",  ".fourier", ".tones"};
    return cards;
}

CardRole roleOf(const std::string& keyword) {
    if (keyword == ".param" || keyword == ".func" || keyword == ".model") return CardRole::Definition;
    if (keyword == ".global" || keyword == ".plugin") return CardRole::Global; // handled in pre-passes
    static const std::vector<std::string> commands = {".op",       ".dc",   ".ac",      ".tran",  ".options", ".option",
                                                      ".opt",      ".ic",   ".nodeset", ".temp",  ".save",    ".probe",
                                                      ".title",    ".meas", ".measure", ".print", ".plot",    ".step",
                                                      ".spectrum", ".four", ".fourier", ".tones"};
    if (std::find(commands.begin(), commands.end(), keyword) != commands.end()) return CardRole::Command;
    return CardRole::Unknown;
}

bool isIdentifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool isAssignmentAt(const Card& card, std::size_t i) {
    return i + 1 < card.tokens.size() && card.tokens[i].isWord() && card.tokens[i + 1].kind == TokenKind::Equals;
}

void unknownDotCard(const Card& card) {
    const Token& t = card.tokens.front();
    std::string hint = suggestionHint(t.lower(), knownDotCards());
    if (hint.empty()) {
        hint = "known cards are:";
        for (const auto& c : knownDotCards()) hint += " " + c;
    }
    fail(card, t, "unknown control card '" + t.lower() + "'", hint);
}

} // namespace

// Where an expression starting at `offset` in the card text is, for expression error messages.
ExprOrigin originAt(const Card& card, std::size_t offset) {
    auto [loc, lineText] = card.locate(offset);
    ExprOrigin origin{loc, lineText, {}};
    if (card.lines.size() > 1) origin.locate = [&card, offset](std::size_t o) { return card.locate(offset + o); };
    return origin;
}

// ---- errors ----------------------------------------------------------------------------------------
void fail(const Card& card, const Token& token, std::string message, std::string hint) {
    throw InputError(std::move(message), card.locOf(token), card.lineTextOf(token), std::move(hint));
}

void failAtEnd(const Card& card, std::string message, std::string hint) {
    const std::size_t end = card.tokens.empty() ? 0 : card.tokens.back().end;
    auto [loc, lineText] = card.locate(end);
    throw InputError(std::move(message), loc, lineText, std::move(hint));
}

std::string elementSyntax(char letter) {
    if (letter == 'x') return kInstanceSyntax;
    const DeviceType* info = findElementType(letter);
    if (!info) return {};
    const auto colon = info->description.find(": ");
    return colon == std::string::npos ? info->description : info->description.substr(colon + 2);
}

// ---- driver ---------------------------------------------------------------------------------------
FlatCircuit Elaborator::run() {
    out_.title = deck_.title;
    loadPlugins(deck_.statements); // before any .model card: plugins add model types
    collectGlobals(deck_.statements);
    ElabScope top(nullptr);
    top.params.setStatisticalSample(sample_);
    // A flat netlist has about one element per top-level card (subcircuits add theirs as they grow).
    out_.elements.reserve(deck_.statements.size());
    elementIndex_.reserve(deck_.statements.size());
    elaborateBlock(deck_.statements, top);
    checkReferences();
    for (const auto& [name, value] : top.params.localValues()) out_.params[name] = value;
    for (const auto& [name, value] : overrides_) {
        if (out_.params.count(name)) continue;
        std::vector<std::string> names;
        for (const auto& [known, v] : out_.params) names.push_back(known);
        throw InputError("parameter override '" + name + "': the netlist has no top-level .param " + name, {}, {},
                         names.empty() ? "the netlist defines no top-level parameters" : suggestionHint(name, names));
    }
    for (const auto& statement : deck_.statements)
        if (const Card* card = statement.card(); card && roleOf(card->keyword()) == CardRole::Command)
            runCommand(*card, top);
    if (saveAll_) out_.saves.clear();
    saveOutputsOfMeasures();
    return std::move(out_);
}

void Elaborator::collectGlobals(const std::vector<Statement>& block) {
    for (const auto& statement : block) {
        if (const SubcktDef* def = statement.subckt()) {
            collectGlobals(def->body);
            continue;
        }
        const Card& card = *statement.card();
        if (card.keyword() != ".global") continue;
        if (card.tokens.size() < 2) failAtEnd(card, "missing node names", "expected: .global node1 node2 ...");
        for (std::size_t i = 1; i < card.tokens.size(); ++i) {
            const Token& t = card.tokens[i];
            if (!t.isWord()) fail(card, t, "expected a node name", "expected: .global node1 node2 ...");
            if (t.lower() != "0" && t.lower() != "gnd") globalNodes_.insert(t.lower());
        }
    }
}

// Definitions first (subcircuits, parameters and functions in deck order, then models), then elements
// and instances in deck order. Analysis and output cards are handled by run() once all elements exist.
void Elaborator::elaborateBlock(const std::vector<Statement>& block, ElabScope& scope) {
    for (const auto& statement : block) {
        if (const SubcktDef* def = statement.subckt()) {
            defineSubckt(*def, scope);
        } else if (const std::string keyword = statement.card()->keyword(); keyword == ".param") {
            defineParams(*statement.card(), scope);
        } else if (keyword == ".func") {
            defineFunction(*statement.card(), scope);
        }
    }
    for (const auto& statement : block)
        if (const Card* card = statement.card(); card && card->keyword() == ".model") defineModel(*card, scope);

    const bool consume = consumable_ && &block == &consumable_->statements;
    for (std::size_t k = 0; k < block.size(); ++k) {
        const Card* card = block[k].card();
        if (!card) continue;
        const Token& first = card->tokens.front();
        if (!first.isWord())
            fail(*card, first, "expected an element name or a control card",
                 "element cards start with a name such as R1, control cards with a dot (.tran)");
        const std::string keyword = first.lower();
        if (keyword[0] == '.') {
            switch (roleOf(keyword)) {
            case CardRole::Definition:
            case CardRole::Global: break;
            case CardRole::Command:
                if (!scope.isTopLevel())
                    fail(*card, first, "'" + keyword + "' is not allowed inside a subcircuit definition",
                         "move it to the top level of the netlist");
                break;
            case CardRole::Unknown: unknownDotCard(*card);
            }
        } else if (keyword[0] == 'x') {
            instantiate(*card, scope);
        } else {
            const std::size_t pending = references_.size();
            addElement(*card, scope);
            // Its element holds what it needs (name, nodes, values, location, line text); a card an
            // F, H or K reference points to stays for checkReferences. An empty card is no command.
            if (consume && references_.size() == pending) consumable_->statements[k] = Statement{};
        }
    }
}

// ---- definitions ----------------------------------------------------------------------------------
void Elaborator::defineSubckt(const SubcktDef& def, ElabScope& scope) {
    const Card& header = def.header;
    SubcktEntry entry;
    entry.def = &def;
    entry.name = header.tokens[1].lower(); // presence checked by the parser
    std::size_t i = 2;
    for (; i < header.tokens.size(); ++i) {
        const Token& t = header.tokens[i];
        if (isAssignmentAt(header, i)) break;
        if (t.isWord("params:")) {
            ++i;
            break;
        }
        if (!t.isWord()) fail(header, t, "expected a port node name", std::string("expected: ") + kSubcktSyntax);
        for (const Token* port : entry.ports)
            if (port->lower() == t.lower()) fail(header, t, "duplicate port '" + t.lower() + "'");
        entry.ports.push_back(&t);
    }
    const CardArgs args = splitArgs(header, i, kSubcktSyntax);
    if (!args.positional.empty())
        fail(header, *args.positional.front(), "expected a parameter default (name=value)",
             std::string("expected: ") + kSubcktSyntax);
    for (const auto& a : args.assignments) {
        if (!isIdentifier(a.key->lower())) fail(header, *a.key, "invalid parameter name '" + a.key->text + "'");
        entry.params.push_back({a.key, a.value});
    }
    if (auto it = scope.subckts.find(entry.name); it != scope.subckts.end())
        fail(header, header.tokens[1], "subcircuit '" + entry.name + "' is already defined",
             "first defined at " + it->second.def->header.loc().str());
    scope.subckts.emplace(entry.name, std::move(entry));
}

void Elaborator::defineParams(const Card& card, ElabScope& scope) {
    const char* syntax = "expected: .param name=value [name2=value2 ...]";
    const std::size_t n = card.tokens.size();
    if (n < 2) failAtEnd(card, "missing parameter definition", syntax);
    std::size_t i = 1;
    while (i < n) {
        const Token& key = card.tokens[i];
        if (!isAssignmentAt(card, i)) fail(card, key, "expected name=value", syntax);
        if (!isIdentifier(key.lower()))
            fail(card, key, "invalid parameter name '" + key.text + "'",
                 "parameter names start with a letter or '_' and contain letters, digits and '_'");
        const std::size_t valueBegin = i + 2;
        if (valueBegin >= n) failAtEnd(card, "missing value for parameter '" + key.lower() + "'", syntax);
        std::size_t valueEnd = valueBegin + 1;
        while (valueEnd < n && !isAssignmentAt(card, valueEnd)) ++valueEnd;
        auto overridden = overrides_.find(key.lower());
        if (scope.isTopLevel() && overridden != overrides_.end())
            scope.params.set(key.lower(), overridden->second); // .step / .dc param value
        else
            scope.params.set(key.lower(), evalTokens(card, valueBegin, valueEnd, scope));
        i = valueEnd;
    }
}

void Elaborator::defineFunction(const Card& card, ElabScope& scope) {
    const char* syntax = "expected: .func name(arg1, arg2, ...) = {expression}";
    const auto& t = card.tokens;
    if (t.size() < 2 || !t[1].isWord() || !isIdentifier(t[1].lower()))
        t.size() < 2 ? failAtEnd(card, "missing function name", syntax)
                     : fail(card, t[1], "expected a function name", syntax);
    if (t.size() < 3 || t[2].kind != TokenKind::LParen)
        t.size() < 3 ? failAtEnd(card, "missing argument list", syntax) : fail(card, t[2], "expected '('", syntax);
    UserFunction fn{t[1].lower(), {}, Expression::parse("0")};
    std::size_t i = 3;
    for (; i < t.size() && t[i].kind != TokenKind::RParen; ++i) {
        if (!t[i].isWord() || !isIdentifier(t[i].lower())) fail(card, t[i], "expected an argument name", syntax);
        if (std::find(fn.params.begin(), fn.params.end(), t[i].lower()) != fn.params.end())
            fail(card, t[i], "duplicate argument '" + t[i].lower() + "'");
        fn.params.push_back(t[i].lower());
    }
    if (i >= t.size()) failAtEnd(card, "missing ')' after the argument list", syntax);
    ++i; // ')'
    if (i < t.size() && t[i].kind == TokenKind::Equals) ++i;
    if (i >= t.size()) failAtEnd(card, "missing function body", syntax);
    if (i + 1 == t.size() && t[i].kind == TokenKind::Expression) {
        fn.body = Expression::parse(t[i].text, originAt(card, t[i].begin + 1));
    } else {
        const std::size_t begin = t[i].begin;
        fn.body = Expression::parse(card.text.substr(begin, t.back().end - begin), originAt(card, begin));
    }
    scope.params.defineFunction(std::move(fn));
}

void Elaborator::defineModel(const Card& card, ElabScope& scope) {
    const char* syntax = "expected: .model name type (param=value ...)";
    const auto& t = card.tokens;
    if (t.size() < 2) failAtEnd(card, "missing model name", syntax);
    if (!t[1].isWord()) fail(card, t[1], "expected a model name", syntax);
    if (t.size() < 3) failAtEnd(card, "missing model type", syntax);
    if (!t[2].isWord()) fail(card, t[2], "expected a model type", syntax);
    const std::string type = t[2].lower();
    const DeviceType* info = findDeviceTypeForModel(type);
    if (!info) fail(card, t[2], "unknown model type '" + type + "'", suggestionHint(type, knownModelTypes()));

    ModelCard model;
    model.name = scope.prefix + t[1].lower();
    model.type = type;
    model.loc = card.loc();
    for (std::size_t i = 3; i < t.size(); ++i) {
        if (t[i].kind == TokenKind::LParen || t[i].kind == TokenKind::RParen) continue;
        if (!isAssignmentAt(card, i)) fail(card, t[i], "expected param=value", syntax);
        const std::string key = t[i].lower();
        const ParamSpec* spec = info->findModelParam(key);
        if (!spec)
            fail(card, t[i], "unknown parameter '" + key + "' for model type '" + type + "'",
                 suggestionHint(key, info->modelParamNames()));
        if (i + 2 >= t.size() || !t[i + 2].isValue())
            i + 2 >= t.size() ? failAtEnd(card, "missing value for '" + key + "'", syntax)
                              : fail(card, t[i + 2], "expected a value for '" + key + "'", syntax);
        const double value = evalValue(card, t[i + 2], scope);
        checkRange(card, t[i + 2], *spec, value);
        model.params[key] = value;
        i += 2;
    }
    const std::string localName = t[1].lower();
    if (scope.models.count(localName) || out_.models.count(model.name))
        fail(card, t[1], "model '" + model.name + "' is already defined",
             "first defined at " + modelLocs_[model.name].str());
    scope.models[localName] = model.name;
    modelLocs_[model.name] = model.loc;
    out_.models[model.name] = std::move(model);
}

// ---- subcircuit instances ---------------------------------------------------------------------------
const SubcktEntry* Elaborator::findSubckt(const std::string& name, const ElabScope& scope,
                                          const ElabScope** foundIn) const {
    for (const ElabScope* s = &scope; s; s = s->parent) {
        if (auto it = s->subckts.find(name); it != s->subckts.end()) {
            *foundIn = s;
            return &it->second;
        }
    }
    return nullptr;
}

void Elaborator::instantiate(const Card& card, ElabScope& scope) {
    const auto& t = card.tokens;
    std::vector<const Token*> positional;
    std::size_t i = 1;
    for (; i < t.size() && !isAssignmentAt(card, i); ++i) {
        if (t[i].isWord("params:")) {
            ++i;
            break;
        }
        if (!t[i].isWord())
            fail(card, t[i], "expected a node or subcircuit name", std::string("expected: ") + kInstanceSyntax);
        positional.push_back(&t[i]);
    }
    const CardArgs args = splitArgs(card, i, kInstanceSyntax);
    if (!args.positional.empty())
        fail(card, *args.positional.front(), "expected a parameter override (name=value)",
             std::string("expected: ") + kInstanceSyntax);
    if (positional.empty()) failAtEnd(card, "missing subcircuit name", std::string("expected: ") + kInstanceSyntax);

    const Token& subToken = *positional.back();
    positional.pop_back();
    const std::string instanceName = scope.prefix + t[0].lower();
    const ElabScope* definedIn = nullptr;
    const SubcktEntry* entry = findSubckt(subToken.lower(), scope, &definedIn);
    if (!entry) {
        std::vector<std::string> names;
        for (const ElabScope* s = &scope; s; s = s->parent)
            for (const auto& [name, e] : s->subckts) names.push_back(name);
        std::string hint = suggestionHint(subToken.lower(), names);
        if (names.empty()) hint = "no subcircuits are defined (.subckt name ... .ends)";
        fail(card, subToken, "unknown subcircuit '" + subToken.lower() + "'", hint);
    }
    if (positional.size() != entry->ports.size()) {
        std::string expected = t[0].lower();
        for (const Token* port : entry->ports) expected += " " + port->lower();
        fail(card, subToken,
             "subcircuit '" + entry->name + "' has " + std::to_string(entry->ports.size()) + " port(s), but " +
                 std::to_string(positional.size()) + " node(s) are given",
             "expected: " + expected + " " + entry->name);
    }
    if (std::find(activeInstances_.begin(), activeInstances_.end(), entry->def) != activeInstances_.end()) {
        std::string chain;
        for (const SubcktDef* d : activeInstances_) chain += d->header.tokens[1].lower() + " -> ";
        fail(card, subToken, "recursive instantiation of subcircuit '" + entry->name + "'",
             "instantiation chain: " + chain + entry->name);
    }
    if (activeInstances_.size() >= kMaxInstanceDepth)
        fail(card, subToken, "subcircuit instances nested too deeply (more than 100 levels)");
    if (auto it = instanceLocs_.find(instanceName); it != instanceLocs_.end())
        fail(card, t[0], "duplicate instance name '" + instanceName + "'", "first defined at " + it->second.str());
    instanceLocs_[instanceName] = card.loc();

    // Overrides are evaluated in the caller's scope.
    std::map<std::string, double> overrides;
    for (const auto& a : args.assignments) {
        const std::string key = a.key->lower();
        const bool declared = std::any_of(entry->params.begin(), entry->params.end(),
                                          [&](const SubcktEntry::Param& p) { return p.name->lower() == key; });
        if (!declared) {
            std::vector<std::string> names;
            for (const auto& p : entry->params) names.push_back(p.name->lower());
            std::string hint = suggestionHint(key, names);
            if (names.empty()) hint = "subcircuit '" + entry->name + "' has no parameters";
            fail(card, *a.key, "unknown parameter '" + key + "' for subcircuit '" + entry->name + "'", hint);
        }
        overrides[key] = evalValue(card, *a.value, scope);
    }

    ElabScope instance(definedIn);
    instance.prefix = instanceName + ".";
    instance.params.setSite(instance.prefix); // statistical functions draw per instance
    for (std::size_t p = 0; p < positional.size(); ++p)
        instance.portMap[entry->ports[p]->lower()] = nodeName(card, *positional[p], scope);
    // Defaults are evaluated in the instance scope, in order, so later ones may use earlier ones.
    for (const auto& p : entry->params) {
        const std::string key = p.name->lower();
        auto it = overrides.find(key);
        instance.params.set(key, it != overrides.end() ? it->second
                                                       : evalValue(entry->def->header, *p.defaultValue, instance));
    }
    activeInstances_.push_back(entry->def);
    elaborateBlock(entry->def->body, instance);
    activeInstances_.pop_back();
}

std::string Elaborator::resolveModel(const Card& card, const Token& name, const ElabScope& scope) const {
    if (!name.isWord()) fail(card, name, "expected a model name");
    const std::string lower = name.lower();
    std::vector<std::string> visible;
    for (const ElabScope* s = &scope; s; s = s->parent) {
        if (auto it = s->models.find(lower); it != s->models.end()) return it->second;
        for (const auto& [local, flat] : s->models) visible.push_back(local);
    }
    std::string hint = suggestionHint(lower, visible);
    if (visible.empty()) hint = "no models are defined (.model name type (...))";
    fail(card, name, "unknown model '" + lower + "'", hint);
}

// ---- values and names -------------------------------------------------------------------------------
double Elaborator::evalValue(const Card& card, const Token& token, const ElabScope& scope) const {
    if (token.kind == TokenKind::Word) {
        if (auto number = parseSpiceNumber(token.text)) {
            if (!std::isfinite(*number)) fail(card, token, "number '" + token.text + "' is out of range");
            return *number;
        }
        return Expression::parse(token.text, originAt(card, token.begin)).evaluate(scope.params);
    }
    if (token.kind == TokenKind::Expression)
        return Expression::parse(token.text, originAt(card, token.begin + 1)).evaluate(scope.params);
    fail(card, token, "expected a value, found '" + token.text + "'",
         "a value is a number (1k, 2.5e-3), a parameter name or an expression in {braces}");
}

double Elaborator::evalTokens(const Card& card, std::size_t first, std::size_t last, const ElabScope& scope) const {
    if (last - first == 1) return evalValue(card, card.tokens[first], scope);
    const std::size_t begin = card.tokens[first].begin;
    const std::string text = card.text.substr(begin, card.tokens[last - 1].end - begin);
    return Expression::parse(text, originAt(card, begin)).evaluate(scope.params);
}

std::string Elaborator::nodeName(const Card& card, const Token& token, const ElabScope& scope) const {
    if (!token.isWord()) fail(card, token, "expected a node name, found '" + token.text + "'");
    return flatNodeName(token.lower(), scope);
}

std::string Elaborator::flatNodeName(const std::string& name, const ElabScope& scope) const {
    if (name == "0" || name == "gnd") return "0";
    if (globalNodes_.count(name)) return name;
    if (auto it = scope.portMap.find(name); it != scope.portMap.end()) return it->second;
    return scope.prefix + name;
}

CardArgs Elaborator::splitArgs(const Card& card, std::size_t from, const std::string& syntax) const {
    CardArgs args;
    const auto& t = card.tokens;
    for (std::size_t i = from; i < t.size(); ++i) {
        if (isAssignmentAt(card, i)) {
            if (i + 2 >= t.size()) failAtEnd(card, "missing value after '='", "expected: " + syntax);
            if (!t[i + 2].isValue()) fail(card, t[i + 2], "expected a value after '='", "expected: " + syntax);
            args.assignments.push_back({&t[i], &t[i + 2]});
            i += 2;
            continue;
        }
        if (!t[i].isValue()) fail(card, t[i], "unexpected '" + t[i].text + "'", "expected: " + syntax);
        args.positional.push_back(&t[i]);
    }
    return args;
}

// The one range check (devices/params.hpp), reported at the value's token.
void Elaborator::checkRange(const Card& card, const Token& token, const ParamSpec& spec, double value) const {
    if (auto problem = paramProblem(spec, value)) fail(card, token, problem->message, problem->hint);
}

} // namespace detail

FlatCircuit elaborate(const Deck& deck, const std::map<std::string, double>& overrides,
                      const StatisticalSample* sample) {
    return detail::Elaborator(deck, overrides, sample).run();
}

FlatCircuit elaborateConsuming(Deck& deck, const std::map<std::string, double>& overrides) {
    return detail::Elaborator(deck, overrides, true).run();
}

} // namespace spinspice::netlist
