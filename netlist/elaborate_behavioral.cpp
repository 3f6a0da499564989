// B element cards: Bname n+ n- V={expr} | I={expr}. The expression is kept as a tree for the device
// (which differentiates it), after resolving everything the netlist knows: parameters become numbers,
// user functions are inlined, v(node) / v(a, b) / i(vsrc) get flat (hierarchical) names, and
// hierarchical names that are not parameters (n1.mz) become state(flat name), resolved by the device.
#include "netlist/elaborator.hpp"

#include <functional>
#include <map>

namespace spinspice::netlist::detail {
namespace {

using expr::Node;
using expr::NodePtr;

NodePtr makeNode(decltype(Node::data) data, std::size_t offset, int height) {
    auto n = std::make_shared<Node>();
    n->data = std::move(data);
    n->offset = offset;
    n->height = height;
    return n;
}

// Names a behavioural expression may use besides parameters and functions.
bool isCircuitVariable(const std::string& name) {
    return name == "time" || name == "temper";
}

class BehavioralResolver {
public:
    BehavioralResolver(const Elaborator& elaborator, const Expression& expression, const ElabScope& scope,
                       std::function<std::string(const std::string&)> nodeName)
        : expression_(expression), scope_(scope), nodeName_(std::move(nodeName)) {
        (void)elaborator;
    }

    // `bindings`: arguments of the user function being inlined; `lookup`: the scope its body sees.
    NodePtr resolve(const Node& node, const std::map<std::string, NodePtr>& bindings, const Scope& lookup,
                    bool inFunctionBody, int depth) {
        if (depth > 64) throw expression_.errorAt(node.offset, "user functions nest more than 64 deep");
        const std::size_t at = node.offset;
        return std::visit(
            [&](const auto& n) -> NodePtr {
                using T = std::decay_t<decltype(n)>;
                if constexpr (std::is_same_v<T, expr::Number>) {
                    return makeNode(n, at, 1);
                } else if constexpr (std::is_same_v<T, expr::Identifier>) {
                    if (auto it = bindings.find(n.name); it != bindings.end()) return it->second;
                    if (isCircuitVariable(n.name)) return makeNode(n, at, 1);
                    if (auto c = expr::builtinConstant(n.name)) return makeNode(expr::Number{*c}, at, 1);
                    if (auto v = lookup.lookupValue(n.name)) return makeNode(expr::Number{*v}, at, 1);
                    // A hierarchical name is a device state (n1.mz, x1.n2.cr), checked when the circuit is built.
                    if (n.name.find('.') != std::string::npos) {
                        if (inFunctionBody)
                            throw expression_.errorAt(at, "device states are not allowed inside .func bodies yet",
                                                      "pass the state as a function argument: f(n1.mz)");
                        NodePtr flat = makeNode(expr::Identifier{scope_.prefix + n.name}, at, 1);
                        return makeNode(expr::Call{"state", {flat}}, at, 2);
                    }
                    std::vector<std::string> names = lookup.visibleNames();
                    names.push_back("time");
                    names.push_back("temper");
                    throw expression_.errorAt(at, "unknown parameter '" + n.name + "'", suggestionHint(n.name, names));
                } else if constexpr (std::is_same_v<T, expr::Unary>) {
                    NodePtr operand = resolve(*n.operand, bindings, lookup, inFunctionBody, depth);
                    return makeNode(expr::Unary{n.op, operand}, at, operand->height + 1);
                } else if constexpr (std::is_same_v<T, expr::Binary>) {
                    NodePtr lhs = resolve(*n.lhs, bindings, lookup, inFunctionBody, depth);
                    NodePtr rhs = resolve(*n.rhs, bindings, lookup, inFunctionBody, depth);
                    return makeNode(expr::Binary{n.op, lhs, rhs}, at, std::max(lhs->height, rhs->height) + 1);
                } else if constexpr (std::is_same_v<T, expr::Ternary>) {
                    NodePtr c = resolve(*n.condition, bindings, lookup, inFunctionBody, depth);
                    NodePtr a = resolve(*n.ifTrue, bindings, lookup, inFunctionBody, depth);
                    NodePtr b = resolve(*n.ifFalse, bindings, lookup, inFunctionBody, depth);
                    return makeNode(expr::Ternary{c, a, b}, at, std::max({c->height, a->height, b->height}) + 1);
                } else {
                    return resolveCall(n, at, bindings, lookup, inFunctionBody, depth);
                }
            },
            node.data);
    }

private:
    NodePtr resolveCall(const expr::Call& call, std::size_t at, const std::map<std::string, NodePtr>& bindings,
                        const Scope& lookup, bool inFunctionBody, int depth) {
        if (call.name == "v" || call.name == "i") return resolveProbe(call, at, inFunctionBody);
        std::vector<NodePtr> args;
        int height = 1;
        for (const auto& a : call.args) {
            args.push_back(resolve(*a, bindings, lookup, inFunctionBody, depth));
            height = std::max(height, args.back()->height + 1);
        }
        if (auto ref = lookup.lookupFunction(call.name); ref.function) {
            const UserFunction& fn = *ref.function;
            if (fn.params.size() != args.size())
                throw expression_.errorAt(at, "function '" + fn.name + "' takes " + std::to_string(fn.params.size()) +
                                                  " argument(s), " + std::to_string(args.size()) + " given");
            std::map<std::string, NodePtr> inner;
            for (std::size_t k = 0; k < args.size(); ++k) inner[fn.params[k]] = args[k];
            // The body was parsed from its own text: its offsets point there, errors use this call's.
            BehavioralResolver bodyResolver(*this, fn.body);
            return bodyResolver.resolve(fn.body.root(), inner, *ref.definedIn, true, depth + 1);
        }
        if (call.name == "u" || call.name == "uramp" || call.name == "limit" || expr::isBuiltinFunction(call.name))
            return makeNode(expr::Call{call.name, std::move(args)}, at, height);
        std::vector<std::string> names = lookup.visibleFunctionNames();
        for (const auto& b : expr::builtinFunctionNames()) names.push_back(b);
        names.insert(names.end(), {"v", "i", "u", "uramp", "limit"});
        throw expression_.errorAt(at, "unknown function '" + call.name + "'", suggestionHint(call.name, names));
    }

    // v(node), v(a, b), i(vsource): names mapped to the flat circuit.
    NodePtr resolveProbe(const expr::Call& call, std::size_t at, bool inFunctionBody) {
        const bool voltage = call.name == "v";
        const std::size_t maxArgs = voltage ? 2 : 1;
        if (call.args.empty() || call.args.size() > maxArgs)
            throw expression_.errorAt(at, voltage ? "v() takes one node or two nodes" : "i() takes one voltage source");
        std::vector<NodePtr> args;
        for (const auto& a : call.args) {
            std::string name;
            if (const auto* id = std::get_if<expr::Identifier>(&a->data))
                name = id->name;
            else if (const auto* num = std::get_if<expr::Number>(&a->data); num && voltage && num->value == 0.0)
                name = "0";
            else
                throw expression_.errorAt(a->offset,
                                          voltage ? "expected a node name" : "expected a voltage source name");
            if (inFunctionBody)
                throw expression_.errorAt(at, "v() and i() are not allowed inside .func bodies yet",
                                          "pass the voltage as a function argument: f(v(a))");
            const std::string flat = voltage ? nodeName_(name) : scope_.prefix + name;
            args.push_back(makeNode(expr::Identifier{flat}, a->offset, 1));
        }
        return makeNode(expr::Call{call.name, std::move(args)}, at, 2);
    }

    BehavioralResolver(const BehavioralResolver& outer, const Expression& body)
        : expression_(body), scope_(outer.scope_), nodeName_(outer.nodeName_) {}

    const Expression& expression_;
    const ElabScope& scope_;
    std::function<std::string(const std::string&)> nodeName_;
};

} // namespace

// Bname n+ n- V=expr | I=expr: as in ngspice, everything after '=' is the expression ({braces} and
// 'quotes' optional).
void Elaborator::addBehavioral(const Card& card, const ElabScope& scope, FlatElement& e) {
    const auto& t = card.tokens;
    const std::string expected = "expected: " + elementSyntax('b');
    if (t.size() < 3) failAtEnd(card, "behavioural source '" + e.name + "' needs two nodes", expected);
    e.nodes = {nodeName(card, t[1], scope), nodeName(card, t[2], scope)};
    if (t.size() < 4) failAtEnd(card, "behavioural source '" + e.name + "' needs V=expr or I=expr", expected);
    const std::string key = t[3].lower();
    std::size_t first = 5;
    if ((key == "v" || key == "i") && t.size() > 4 && t[4].kind == TokenKind::Equals) {
        first = 5;
    } else if ((key == "v=" || key == "i=")) {
        first = 4;
    } else {
        fail(card, t[3], "expected V= or I= after the nodes of behavioural source '" + e.name + "'", expected);
    }
    if (first >= t.size()) failAtEnd(card, "missing expression after " + key.substr(0, 1) + "=", expected);
    e.behaviorKind = key[0];
    const bool single = first + 1 == t.size() && t[first].kind == TokenKind::Expression;
    const std::size_t begin = single ? t[first].begin + 1 : t[first].begin;
    const std::string text = single ? t[first].text : card.text.substr(begin, t.back().end - begin);
    const Expression parsed = Expression::parse(text, originAt(card, begin));
    BehavioralResolver resolver(*this, parsed, scope, [&](const std::string& n) { return flatNodeName(n, scope); });
    e.behavior = resolver.resolve(parsed.root(), {}, scope.params, false, 0);
    e.behaviorText = text;
}

// Sname n+ n- nc+ nc- model [on|off];  Wname n+ n- vcontrol model [on|off]
void Elaborator::addSwitch(const Card& card, const ElabScope& scope, FlatElement& e) {
    const char letter = e.letter;
    const std::string expected = "expected: " + elementSyntax(letter);
    const CardArgs args = splitArgs(card, 1, elementSyntax(letter));
    const auto& pos = args.positional;
    const std::size_t before = letter == 's' ? 4 : 3; // tokens before the model name
    if (pos.size() < before + 1)
        failAtEnd(card, "switch '" + e.name + "' needs its nodes, control and model", expected);
    e.nodes = {nodeName(card, *pos[0], scope), nodeName(card, *pos[1], scope)};
    if (letter == 's') {
        e.nodes.push_back(nodeName(card, *pos[2], scope));
        e.nodes.push_back(nodeName(card, *pos[3], scope));
    } else {
        if (!pos[2]->isWord()) fail(card, *pos[2], "expected a voltage source name", expected);
        e.refs.push_back(scope.prefix + pos[2]->lower());
        references_.push_back({&card, pos[2], e.refs.back(), 'v'});
    }
    e.model = resolveModel(card, *pos[before], scope);
    const std::string wanted = letter == 's' ? "sw" : "csw";
    if (out_.models.at(e.model).type != wanted)
        fail(card, *pos[before], "model '" + e.model + "' has type '" + out_.models.at(e.model).type + "'",
             "a " + std::string(letter == 's' ? "voltage" : "current") + "-controlled switch needs a .model of type " +
                 wanted);
    for (std::size_t i = before + 1; i < pos.size(); ++i) {
        if (pos[i]->isWord("on"))
            e.params["on"] = 1.0;
        else if (pos[i]->isWord("off"))
            e.params["on"] = 0.0;
        else
            fail(card, *pos[i], "unexpected '" + pos[i]->text + "'", expected);
    }
    bool unused = false;
    applyInstanceParams(card, args, scope, e, unused);
}

} // namespace spinspice::netlist::detail
