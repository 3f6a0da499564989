// Evaluation of expr::Node trees: built-in functions, user functions (.func) and parameter scopes.
#include "core/expr.hpp"
#include "core/random.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace spinspice {
namespace {

using expr::Node;

constexpr int kMaxCallDepth = 64; // nested user-function calls (catches .func recursion)

struct Builtin {
    const char* name;
    std::size_t minArgs;
    std::size_t maxArgs; // SIZE_MAX: variadic
    double (*apply)(const std::vector<double>& a);
};

constexpr std::size_t kVariadic = static_cast<std::size_t>(-1);

double sgn(double x) {
    return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

const std::vector<Builtin>& builtins() {
    static const std::vector<Builtin> table = {
        {"sqrt", 1, 1, [](const std::vector<double>& a) { return std::sqrt(a[0]); }},
        {"exp", 1, 1, [](const std::vector<double>& a) { return std::exp(a[0]); }},
        {"log", 1, 1, [](const std::vector<double>& a) { return std::log(a[0]); }},
        {"ln", 1, 1, [](const std::vector<double>& a) { return std::log(a[0]); }},
        {"log10", 1, 1, [](const std::vector<double>& a) { return std::log10(a[0]); }},
        {"pow", 2, 2, [](const std::vector<double>& a) { return std::pow(a[0], a[1]); }},
        {"abs", 1, 1, [](const std::vector<double>& a) { return std::fabs(a[0]); }},
        {"min", 1, kVariadic, [](const std::vector<double>& a) { return *std::min_element(a.begin(), a.end()); }},
        {"max", 1, kVariadic, [](const std::vector<double>& a) { return *std::max_element(a.begin(), a.end()); }},
        {"sin", 1, 1, [](const std::vector<double>& a) { return std::sin(a[0]); }},
        {"cos", 1, 1, [](const std::vector<double>& a) { return std::cos(a[0]); }},
        {"tan", 1, 1, [](const std::vector<double>& a) { return std::tan(a[0]); }},
        {"asin", 1, 1, [](const std::vector<double>& a) { return std::asin(a[0]); }},
        {"acos", 1, 1, [](const std::vector<double>& a) { return std::acos(a[0]); }},
        {"atan", 1, 1, [](const std::vector<double>& a) { return std::atan(a[0]); }},
        {"atan2", 2, 2, [](const std::vector<double>& a) { return std::atan2(a[0], a[1]); }},
        {"sinh", 1, 1, [](const std::vector<double>& a) { return std::sinh(a[0]); }},
        {"cosh", 1, 1, [](const std::vector<double>& a) { return std::cosh(a[0]); }},
        {"tanh", 1, 1, [](const std::vector<double>& a) { return std::tanh(a[0]); }},
        {"floor", 1, 1, [](const std::vector<double>& a) { return std::floor(a[0]); }},
        {"ceil", 1, 1, [](const std::vector<double>& a) { return std::ceil(a[0]); }},
        {"int", 1, 1, [](const std::vector<double>& a) { return std::trunc(a[0]); }},
        {"sgn", 1, 1, [](const std::vector<double>& a) { return sgn(a[0]); }},
    };
    return table;
}

// The statistical functions (HSPICE's Monte-Carlo idiom; ngspice's gauss/agauss/unif/aunif/limit):
//   agauss(nom, avar, sigma)  nom + (avar/sigma) N(0,1)     gauss(nom, rvar, sigma)  nom (1 + (rvar/sigma) N(0,1))
//   aunif(nom, avar)          nom + avar U(-1,1)            unif(nom, rvar)          nom (1 + rvar U(-1,1))
//   limit(nom, avar)          nom + avar or nom - avar, each with probability 1/2
// sigma defaults to 1.
struct Statistical {
    const char* name;
    std::size_t minArgs, maxArgs;
};
constexpr Statistical kStatistical[] = {
    {"agauss", 2, 3}, {"gauss", 2, 3}, {"aunif", 2, 2}, {"unif", 2, 2}, {"limit", 2, 2}};

const Statistical* findStatistical(std::string_view name) {
    for (const auto& s : kStatistical)
        if (name == s.name) return &s;
    return nullptr;
}

// One draw: (a standard normal, a uniform in (-1, 1)) for the sample and the call's site.
std::pair<double, double> statisticalDraw(const StatisticalSample& sample, const std::string& site) {
    const rng::Stream stream(sample.seed, rng::hashName("monte:" + site));
    const double normal = stream.normals(sample.index)[0];
    const double uniform = 2.0 * stream.uniform(sample.index, 1) - 1.0;
    return {normal, uniform};
}

const Builtin* findBuiltin(std::string_view name) {
    for (const auto& b : builtins())
        if (name == b.name) return &b;
    return nullptr;
}

std::string formatNumber(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

std::string argumentCountText(std::size_t minArgs, std::size_t maxArgs) {
    auto plural = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); };
    if (maxArgs == kVariadic) return "at least " + plural(minArgs);
    if (minArgs == maxArgs) return plural(minArgs);
    return std::to_string(minArgs) + " to " + plural(maxArgs);
}

// Walks one expression's tree. Errors are located in that expression's text.
class Evaluator {
public:
    Evaluator(const Expression& expression, int callDepth) : expression_(expression), callDepth_(callDepth) {}

    double eval(const Node& node, const Scope& scope) const {
        return std::visit([&](const auto& n) { return evalNode(n, node, scope); }, node.data);
    }

private:
    double evalNode(const expr::Number& n, const Node&, const Scope&) const { return n.value; }

    double evalNode(const expr::Identifier& n, const Node& node, const Scope& scope) const {
        if (auto v = scope.lookupValue(n.name)) return *v;
        if (auto c = expr::builtinConstant(n.name)) return *c;
        auto names = scope.visibleNames();
        names.push_back("pi");
        if (scope.lookupFunction(n.name).function || expr::isBuiltinFunction(n.name))
            throw expression_.errorAt(node.offset, "'" + n.name + "' is a function, not a parameter",
                                      "call it with arguments: " + n.name + "(...)");
        throw expression_.errorAt(node.offset, "unknown parameter '" + n.name + "'", suggestionHint(n.name, names));
    }

    double evalNode(const expr::Unary& n, const Node&, const Scope& scope) const {
        const double x = eval(*n.operand, scope);
        switch (n.op) {
        case expr::UnaryOp::Negate: return -x;
        case expr::UnaryOp::Plus: return x;
        case expr::UnaryOp::Not: return x == 0.0 ? 1.0 : 0.0;
        }
        return x;
    }

    double evalNode(const expr::Binary& n, const Node& node, const Scope& scope) const {
        using B = expr::BinaryOp;
        const double a = eval(*n.lhs, scope);
        // && and || short-circuit
        if (n.op == B::And) return a != 0.0 ? (eval(*n.rhs, scope) != 0.0 ? 1.0 : 0.0) : 0.0;
        if (n.op == B::Or) return a != 0.0 ? 1.0 : (eval(*n.rhs, scope) != 0.0 ? 1.0 : 0.0);
        const double b = eval(*n.rhs, scope);
        double r = 0.0;
        switch (n.op) {
        case B::Add: r = a + b; break;
        case B::Sub: r = a - b; break;
        case B::Mul: r = a * b; break;
        case B::Div:
            if (b == 0.0) throw expression_.errorAt(node.offset, "division by zero", "the divisor evaluates to 0");
            r = a / b;
            break;
        case B::Pow: r = std::pow(a, b); break;
        case B::Eq: r = a == b; break;
        case B::Ne: r = a != b; break;
        case B::Lt: r = a < b; break;
        case B::Le: r = a <= b; break;
        case B::Gt: r = a > b; break;
        case B::Ge: r = a >= b; break;
        case B::And:
        case B::Or: break; // handled above
        }
        if (!std::isfinite(r))
            throw expression_.errorAt(node.offset, "result of " + formatNumber(a) + " " + expr::operatorText(n.op) +
                                                       " " + formatNumber(b) + " is not a finite number");
        return r;
    }

    double evalNode(const expr::Ternary& n, const Node&, const Scope& scope) const {
        return eval(*n.condition, scope) != 0.0 ? eval(*n.ifTrue, scope) : eval(*n.ifFalse, scope);
    }

    double evalNode(const expr::Call& n, const Node& node, const Scope& scope) const {
        if (auto ref = scope.lookupFunction(n.name); ref.function) return callUser(n, node, scope, ref);
        if (n.name == "if") {
            checkArgumentCount(n, node, 3, 3);
            return eval(*n.args[0], scope) != 0.0 ? eval(*n.args[1], scope) : eval(*n.args[2], scope);
        }
        if (const Statistical* statistical = findStatistical(n.name))
            return evalStatistical(n, node, scope, *statistical);
        const Builtin* builtin = findBuiltin(n.name);
        if (!builtin) {
            auto names = expr::builtinFunctionNames();
            for (auto& f : scope.visibleFunctionNames()) names.push_back(f);
            throw expression_.errorAt(node.offset, "unknown function '" + n.name + "'", suggestionHint(n.name, names));
        }
        checkArgumentCount(n, node, builtin->minArgs, builtin->maxArgs);
        std::vector<double> args;
        args.reserve(n.args.size());
        for (const auto& a : n.args) args.push_back(eval(*a, scope));
        const double r = builtin->apply(args);
        if (!std::isfinite(r)) {
            std::string call = n.name + "(";
            for (std::size_t i = 0; i < args.size(); ++i) call += (i ? ", " : "") + formatNumber(args[i]);
            throw expression_.errorAt(node.offset, call + ") is not a finite number",
                                      "check the argument range of '" + n.name + "'");
        }
        return r;
    }

    double evalStatistical(const expr::Call& n, const Node& node, const Scope& scope, const Statistical& f) const {
        checkArgumentCount(n, node, f.minArgs, f.maxArgs);
        const double nominal = eval(*n.args[0], scope), variation = eval(*n.args[1], scope);
        const double sigma = n.args.size() > 2 ? eval(*n.args[2], scope) : 1.0;
        if (sigma <= 0.0)
            throw expression_.errorAt(node.offset, n.name + ": sigma must be > 0",
                                      "agauss(nominal, variation, sigma): variation is sigma standard deviations");
        const StatisticalSample* sample = scope.statisticalSample();
        if (!sample) return nominal; // not a Monte-Carlo sample: the nominal value
        // The site: where the call is written and the subcircuit instance evaluating it.
        const SourceLoc& loc = expression_.origin().loc;
        const std::string site = scope.site() + "@" + loc.file + ":" + std::to_string(loc.line) + ":" +
                                 std::to_string(loc.col) + "+" + std::to_string(node.offset);
        const auto [normal, uniform] = statisticalDraw(*sample, site);
        const std::string_view name = f.name;
        if (name == "agauss") return nominal + variation / sigma * normal;
        if (name == "gauss") return nominal * (1.0 + variation / sigma * normal);
        if (name == "aunif") return nominal + variation * uniform;
        if (name == "unif") return nominal * (1.0 + variation * uniform);
        return nominal + (uniform >= 0.0 ? variation : -variation); // limit
    }

    double callUser(const expr::Call& n, const Node& node, const Scope& scope, const Scope::FunctionRef& ref) const {
        const UserFunction& fn = *ref.function;
        checkArgumentCount(n, node, fn.params.size(), fn.params.size());
        if (callDepth_ >= kMaxCallDepth)
            throw expression_.errorAt(node.offset,
                                      "function calls nested too deeply (recursive .func '" + n.name + "'?)");
        ParamScope local(ref.definedIn);
        for (std::size_t i = 0; i < fn.params.size(); ++i) local.set(fn.params[i], eval(*n.args[i], scope));
        return Evaluator(fn.body, callDepth_ + 1).eval(fn.body.root(), local);
    }

    void checkArgumentCount(const expr::Call& n, const Node& node, std::size_t minArgs, std::size_t maxArgs) const {
        if (n.args.size() >= minArgs && n.args.size() <= maxArgs) return;
        throw expression_.errorAt(node.offset, "function '" + n.name + "' takes " +
                                                   argumentCountText(minArgs, maxArgs) + ", " +
                                                   std::to_string(n.args.size()) + " given");
    }

    const Expression& expression_;
    int callDepth_;
};

} // namespace

namespace expr {

std::vector<std::string> builtinFunctionNames() {
    std::vector<std::string> names;
    for (const auto& b : builtins()) names.emplace_back(b.name);
    for (const auto& s : kStatistical) names.emplace_back(s.name);
    names.emplace_back("if");
    return names;
}

bool isBuiltinFunction(std::string_view name) {
    return name == "if" || findBuiltin(name) != nullptr || findStatistical(name) != nullptr;
}

std::optional<double> builtinConstant(std::string_view name) {
    if (name == "pi") return M_PI;
    return std::nullopt;
}

} // namespace expr

double Expression::evaluate(const Scope& scope) const {
    return Evaluator(*this, 0).eval(*root_, scope);
}

double evaluateExpression(std::string text, const Scope& scope, ExprOrigin origin) {
    return Expression::parse(std::move(text), std::move(origin)).evaluate(scope);
}

// ---- ParamScope ----------------------------------------------------------------------------------
void ParamScope::defineFunction(UserFunction function) {
    function.name = toLower(function.name);
    for (auto& param : function.params) param = toLower(param);
    std::string name = function.name;
    functions_.insert_or_assign(std::move(name), std::move(function));
}

std::optional<double> ParamScope::lookupValue(std::string_view name) const {
    if (auto it = values_.find(name); it != values_.end()) return it->second;
    return parent_ ? parent_->lookupValue(name) : std::nullopt;
}

Scope::FunctionRef ParamScope::lookupFunction(std::string_view name) const {
    if (auto it = functions_.find(name); it != functions_.end()) return {&it->second, this};
    return parent_ ? parent_->lookupFunction(name) : FunctionRef{};
}

std::vector<std::string> ParamScope::visibleNames() const {
    std::set<std::string> names;
    for (const auto& [name, value] : values_) names.insert(name);
    if (parent_)
        for (auto& n : parent_->visibleNames()) names.insert(n);
    return {names.begin(), names.end()};
}

std::vector<std::string> ParamScope::visibleFunctionNames() const {
    std::set<std::string> names;
    for (const auto& [name, fn] : functions_) names.insert(name);
    if (parent_)
        for (auto& n : parent_->visibleFunctionNames()) names.insert(n);
    return {names.begin(), names.end()};
}

} // namespace spinspice
