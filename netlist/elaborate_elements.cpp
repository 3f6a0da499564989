// Element cards: R C L K V I E F G H D M -> FlatElement.
#include "netlist/elaborator.hpp"

#include <algorithm>

namespace spinspice::netlist::detail {
namespace {

const char* const kSupportedLetters = "supported element letters: R C L K V I E F G H B S W D M N X";

std::string describeLetter(char letter) {
    switch (letter) {
    case 'r': return "resistor";
    case 'c': return "capacitor";
    case 'l': return "inductor";
    case 'k': return "coupling";
    case 'v': return "voltage source";
    case 'i': return "current source";
    case 'e': return "VCVS";
    case 'f': return "CCCS";
    case 'g': return "VCCS";
    case 'h': return "CCVS";
    case 'd': return "diode";
    case 'm': return "MOSFET";
    case 's':
    case 'w': return "switch";
    default: return "element";
    }
}

// The instance parameter a positional value sets ("r", "gain"), from the type's registration.
std::string mainParamName(char letter) {
    const DeviceType* type = findElementType(letter);
    return type ? type->valueParam : std::string();
}

std::string expected(char letter) {
    return "expected: " + elementSyntax(letter);
}

bool isSourceKeyword(const std::string& word) {
    return word == "dc" || word == "ac" || word == "pulse" || word == "sin" || word == "exp" || word == "pwl";
}

bool isUnsupportedSourceFunction(const std::string& word) {
    return word == "sffm" || word == "am" || word == "trnoise" || word == "trrandom" || word == "pat";
}

struct WaveformShape {
    Waveform::Kind kind;
    const char* name;
    std::size_t minArgs, maxArgs;
    const char* syntax;
};

const WaveformShape* findWaveform(const std::string& word) {
    static const WaveformShape shapes[] = {
        {Waveform::Kind::Pulse, "PULSE", 2, 7, "PULSE(v1 v2 [td tr tf pw per])"},
        {Waveform::Kind::Sin, "SIN", 2, 6, "SIN(vo va [freq td theta phase])"},
        {Waveform::Kind::Exp, "EXP", 2, 6, "EXP(v1 v2 [td1 tau1 td2 tau2])"},
        {Waveform::Kind::Pwl, "PWL", 2, static_cast<std::size_t>(-1), "PWL(t1 v1 t2 v2 ...)"},
    };
    for (const auto& s : shapes)
        if (toLower(s.name) == word) return &s;
    return nullptr;
}

} // namespace

void Elaborator::addElement(const Card& card, ElabScope& scope) {
    const Token& nameToken = card.tokens.front();
    const char letter = nameToken.lower()[0];
    FlatElement e;
    e.name = scope.prefix + nameToken.lower();
    e.letter = letter;
    e.loc = card.loc();
    e.lineText = card.firstLineText();
    switch (letter) {
    case 'r':
    case 'c':
    case 'l': addTwoTerminal(card, scope, e); break;
    case 'k': addCoupling(card, scope, e); break;
    case 'v':
    case 'i': addSource(card, scope, e); break;
    case 'e':
    case 'f':
    case 'g':
    case 'h': addControlled(card, scope, e); break;
    case 'd': addModelDevice(card, scope, e, 2); break;
    case 'm': addModelDevice(card, scope, e, 4); break;
    case 'b': addBehavioral(card, scope, e); break;
    case 's':
    case 'w': addSwitch(card, scope, e); break;
    case 'n': addCompactDevice(card, scope, e); break;
    default:
        fail(card, nameToken,
             "unknown element type '" + std::string(1, nameToken.text[0]) + "' in '" + nameToken.text + "'",
             kSupportedLetters);
    }
    commitElement(card, std::move(e));
}

void Elaborator::commitElement(const Card& card, FlatElement element) {
    // One hash lookup: at 10^5-10^6 elements each is a cache miss or two.
    const int index = static_cast<int>(out_.elements.size());
    if (const int filed = elementIndex_.insert(element.name, index, [this](int i) { return elementName(i); });
        filed != index)
        fail(card, card.tokens.front(), "duplicate element name '" + element.name + "'",
             "first defined at " + out_.elements[static_cast<std::size_t>(filed)].loc.str());
    out_.elements.push_back(std::move(element));
}

void Elaborator::applyInstanceParams(const Card& card, const CardArgs& args, const ElabScope& scope, FlatElement& e,
                                     bool& valueGiven) const {
    const DeviceType* info = findElementType(e.letter);
    const std::string mainParam = mainParamName(e.letter);
    for (const auto& a : args.assignments) {
        const std::string key = a.key->lower();
        const ParamSpec* spec = info ? info->findInstanceParam(key) : nullptr;
        if (!spec) {
            std::vector<std::string> names;
            if (info) names = info->instanceParamNames();
            std::string hint = suggestionHint(key, names);
            if (names.empty()) hint = "a " + describeLetter(e.letter) + " takes no key=value parameters";
            fail(card, *a.key, "unknown parameter '" + key + "' for " + describeLetter(e.letter) + " '" + e.name + "'",
                 hint);
        }
        const double value = evalValue(card, *a.value, scope);
        checkRange(card, *a.value, *spec, value);
        e.params[key] = value;
        if (key == mainParam) valueGiven = true;
    }
}

// R, C, L: name n+ n- value [key=value ...]
void Elaborator::addTwoTerminal(const Card& card, const ElabScope& scope, FlatElement& e) {
    const CardArgs args = splitArgs(card, 1, elementSyntax(e.letter));
    const auto& pos = args.positional;
    if (pos.size() < 2)
        failAtEnd(card, describeLetter(e.letter) + " '" + e.name + "' needs two nodes and a value", expected(e.letter));
    if (pos.size() > 3) fail(card, *pos[3], "unexpected '" + pos[3]->text + "'", expected(e.letter));
    e.nodes = {nodeName(card, *pos[0], scope), nodeName(card, *pos[1], scope)};
    bool valueGiven = false;
    if (pos.size() == 3) {
        const double value = evalValue(card, *pos[2], scope);
        if (const ParamSpec* spec = findElementType(e.letter)->findInstanceParam(mainParamName(e.letter)))
            checkRange(card, *pos[2], *spec, value);
        e.params[mainParamName(e.letter)] = value;
        valueGiven = true;
    }
    applyInstanceParams(card, args, scope, e, valueGiven);
    if (!valueGiven)
        failAtEnd(card, "missing value of " + describeLetter(e.letter) + " '" + e.name + "'", expected(e.letter));
}

// K: name L1 L2 k
void Elaborator::addCoupling(const Card& card, const ElabScope& scope, FlatElement& e) {
    const CardArgs args = splitArgs(card, 1, elementSyntax('k'));
    const auto& pos = args.positional;
    if (pos.size() < 2) failAtEnd(card, "coupling '" + e.name + "' needs two inductor names and k", expected('k'));
    if (pos.size() > 3) fail(card, *pos[3], "unexpected '" + pos[3]->text + "'", expected('k'));
    bool valueGiven = false;
    if (pos.size() == 3) {
        const double value = evalValue(card, *pos[2], scope);
        checkRange(card, *pos[2], *findElementType('k')->findInstanceParam("k"), value);
        e.params["k"] = value;
        valueGiven = true;
    }
    applyInstanceParams(card, args, scope, e, valueGiven);
    if (!valueGiven) failAtEnd(card, "missing coupling coefficient of '" + e.name + "'", expected('k'));
    for (int i = 0; i < 2; ++i) {
        if (!pos[i]->isWord()) fail(card, *pos[i], "expected an inductor name", expected('k'));
        e.refs.push_back(scope.prefix + pos[i]->lower());
        references_.push_back({&card, pos[i], e.refs.back(), 'l'});
    }
}

// V, I: name n+ n- [[DC] value] [AC [mag [phase]]] [PULSE|SIN|EXP|PWL (args)], in any order.
void Elaborator::addSource(const Card& card, const ElabScope& scope, FlatElement& e) {
    const auto& t = card.tokens;
    const std::string syntax = expected(e.letter);
    if (t.size() < 3) failAtEnd(card, describeLetter(e.letter) + " '" + e.name + "' needs two nodes", syntax);
    e.nodes = {nodeName(card, t[1], scope), nodeName(card, t[2], scope)};
    SourceSpec& src = e.source;
    auto isPlainValue = [&](std::size_t i) {
        return i < t.size() && t[i].isValue() && !(t[i].isWord() && isSourceKeyword(t[i].lower())) &&
               !(i + 1 < t.size() && t[i + 1].kind == TokenKind::Equals);
    };
    bool acGiven = false;
    std::size_t i = 3;
    while (i < t.size()) {
        const Token& tok = t[i];
        const std::string word = tok.isWord() ? tok.lower() : std::string();
        if (word == "dc") {
            if (src.dcGiven) fail(card, tok, "DC value given twice", syntax);
            if (!isPlainValue(i + 1)) failAtEnd(card, "missing DC value", syntax);
            src.dc = evalValue(card, t[i + 1], scope);
            src.dcGiven = true;
            i += 2;
        } else if (word == "ac") {
            if (acGiven) fail(card, tok, "AC given twice", syntax);
            acGiven = true;
            src.acMag = 1.0;
            ++i;
            if (isPlainValue(i)) src.acMag = evalValue(card, t[i++], scope);
            if (isPlainValue(i)) src.acPhaseDeg = evalValue(card, t[i++], scope);
        } else if (const WaveformShape* shape = findWaveform(word)) {
            if (src.tran.kind != Waveform::Kind::None) fail(card, tok, "more than one transient function", syntax);
            src.tran.kind = shape->kind;
            std::vector<const Token*> argTokens;
            ++i;
            if (i < t.size() && t[i].kind == TokenKind::LParen) {
                for (++i; i < t.size() && t[i].kind != TokenKind::RParen; ++i) {
                    if (i + 1 < t.size() && t[i + 1].kind == TokenKind::Equals)
                        fail(card, t[i], std::string(shape->name) + " options (" + t[i].text + "=) are not supported",
                             std::string("expected: ") + shape->syntax);
                    if (!t[i].isValue()) fail(card, t[i], "unexpected '" + t[i].text + "'", shape->syntax);
                    argTokens.push_back(&t[i]);
                }
                if (i >= t.size()) failAtEnd(card, "missing ')'", std::string("expected: ") + shape->syntax);
                ++i; // ')'
            } else {
                while (isPlainValue(i)) argTokens.push_back(&t[i++]);
            }
            if (argTokens.size() < shape->minArgs)
                fail(card, tok,
                     std::string(shape->name) + " needs at least " + std::to_string(shape->minArgs) + " arguments, " +
                         std::to_string(argTokens.size()) + " given",
                     std::string("expected: ") + shape->syntax);
            if (argTokens.size() > shape->maxArgs)
                fail(card, *argTokens[shape->maxArgs],
                     std::string(shape->name) + " takes at most " + std::to_string(shape->maxArgs) + " arguments",
                     std::string("expected: ") + shape->syntax);
            if (shape->kind == Waveform::Kind::Pwl && argTokens.size() % 2 != 0)
                fail(card, *argTokens.back(), "PWL needs time/value pairs, but an odd number of values is given",
                     std::string("expected: ") + shape->syntax);
            for (const Token* a : argTokens) src.tran.args.push_back(evalValue(card, *a, scope));
            if (shape->kind == Waveform::Kind::Pwl)
                for (std::size_t k = 2; k < src.tran.args.size(); k += 2)
                    if (src.tran.args[k] < src.tran.args[k - 2])
                        fail(card, *argTokens[k], "PWL time points must not decrease",
                             "each time must be >= the previous one");
        } else if (isUnsupportedSourceFunction(word)) {
            fail(card, tok, "the " + tok.text + " source function is not supported", syntax);
        } else if (isPlainValue(i)) {
            if (src.dcGiven) fail(card, tok, "unexpected value '" + tok.text + "' (DC value already given)", syntax);
            src.dc = evalValue(card, tok, scope);
            src.dcGiven = true;
            ++i;
        } else if (i + 1 < t.size() && t[i + 1].kind == TokenKind::Equals) {
            fail(card, tok,
                 "unknown parameter '" + tok.lower() + "' for " + describeLetter(e.letter) + " '" + e.name + "'",
                 syntax);
        } else {
            fail(card, tok, "unexpected '" + tok.text + "'", syntax);
        }
    }
}

// E, G: name n+ n- nc+ nc- gain;  F, H: name n+ n- vcontrol gain
void Elaborator::addControlled(const Card& card, const ElabScope& scope, FlatElement& e) {
    const auto& t = card.tokens;
    const bool voltageControlled = e.letter == 'e' || e.letter == 'g';
    if (t.size() > 3 && t[3].isWord()) {
        const std::string form = t[3].lower();
        const bool special = form == "poly" || form == "value" || form == "table" || form == "laplace" ||
                             ((form == "vol" || form == "cur") && t.size() > 4 && t[4].kind == TokenKind::Equals);
        if (special)
            fail(card, t[3],
                 "the " + toLower(t[0].text.substr(0, 1)) + "-source " + form + " form is not supported yet",
                 expected(e.letter));
    }
    const CardArgs args = splitArgs(card, 1, elementSyntax(e.letter));
    const auto& pos = args.positional;
    const std::size_t controlCount = voltageControlled ? 2 : 1;
    if (pos.size() < 2 + controlCount)
        failAtEnd(card,
                  describeLetter(e.letter) + " '" + e.name + "' needs two nodes, " +
                      (voltageControlled ? "two controlling nodes" : "a controlling voltage source") + " and a gain",
                  expected(e.letter));
    if (pos.size() > 3 + controlCount)
        fail(card, *pos[3 + controlCount], "unexpected '" + pos[3 + controlCount]->text + "'", expected(e.letter));
    e.nodes = {nodeName(card, *pos[0], scope), nodeName(card, *pos[1], scope)};
    if (voltageControlled) {
        e.nodes.push_back(nodeName(card, *pos[2], scope));
        e.nodes.push_back(nodeName(card, *pos[3], scope));
    } else {
        if (!pos[2]->isWord()) fail(card, *pos[2], "expected a voltage source name", expected(e.letter));
        e.refs.push_back(scope.prefix + pos[2]->lower());
        references_.push_back({&card, pos[2], e.refs.back(), 'v'});
    }
    bool valueGiven = false;
    if (pos.size() == 3 + controlCount) {
        e.params["gain"] = evalValue(card, *pos[2 + controlCount], scope);
        valueGiven = true;
    }
    applyInstanceParams(card, args, scope, e, valueGiven);
    if (!valueGiven)
        failAtEnd(card, "missing gain of " + describeLetter(e.letter) + " '" + e.name + "'", expected(e.letter));
}

// Elements with a model: D (name anode cathode model [area] [off] [key=value ...]) and
// M (name drain gate source bulk model [off] [key=value ...]).
void Elaborator::addModelDevice(const Card& card, const ElabScope& scope, FlatElement& e, std::size_t nodeCount) {
    const char letter = e.letter;
    const CardArgs args = splitArgs(card, 1, elementSyntax(letter));
    const auto& pos = args.positional;
    if (pos.size() < nodeCount + 1)
        failAtEnd(card,
                  describeLetter(letter) + " '" + e.name + "' needs " + std::to_string(nodeCount) +
                      " nodes and a model name",
                  expected(letter));
    for (std::size_t i = 0; i < nodeCount; ++i) e.nodes.push_back(nodeName(card, *pos[i], scope));
    e.model = resolveModel(card, *pos[nodeCount], scope);
    const DeviceType* info = findElementType(letter);
    const ModelCard& model = out_.models.at(e.model);
    if (std::find(info->modelTypes.begin(), info->modelTypes.end(), model.type) == info->modelTypes.end()) {
        std::string types;
        for (const auto& t : info->modelTypes) types += (types.empty() ? "" : " or ") + t;
        fail(card, *pos[nodeCount],
             "model '" + e.model + "' has type '" + model.type + "', not a " + describeLetter(letter) + " model",
             "a " + describeLetter(letter) + " needs a .model of type " + types);
    }
    const bool hasArea = letter == 'd';
    bool areaGiven = false;
    for (std::size_t i = nodeCount + 1; i < pos.size(); ++i) {
        if (pos[i]->isWord("off")) {
            e.params["off"] = 1.0;
        } else if (hasArea && !areaGiven) {
            const double area = evalValue(card, *pos[i], scope);
            checkRange(card, *pos[i], *info->findInstanceParam("area"), area);
            e.params["area"] = area;
            areaGiven = true;
        } else {
            fail(card, *pos[i], "unexpected '" + pos[i]->text + "'", expected(letter));
        }
    }
    bool unused = false;
    applyInstanceParams(card, args, scope, e, unused);
}

void Elaborator::checkReferences() const {
    for (const auto& ref : references_) {
        const int it = findElement(ref.target);
        if (it >= 0 && out_.elements[static_cast<std::size_t>(it)].letter == ref.letter) continue;
        const std::string what = ref.letter == 'v' ? "voltage source" : "inductor";
        const std::string article = ref.letter == 'v' ? "a " : "an ";
        std::vector<std::string> candidates;
        for (const auto& el : out_.elements)
            if (el.letter == ref.letter) candidates.push_back(el.name);
        std::string hint = suggestionHint(ref.target, candidates);
        if (candidates.empty()) hint = std::string("the circuit has no ") + what + "s";
        if (it >= 0) fail(*ref.card, *ref.token, "'" + ref.target + "' is not " + article + what, hint);
        fail(*ref.card, *ref.token, "unknown " + what + " '" + ref.target + "'", hint);
    }
}

} // namespace spinspice::netlist::detail
