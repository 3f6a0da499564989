// Expression engine: SPICE numbers, parameter expressions ({2*a+1}, 'a+b'), user functions (.func).
//
// An expression is parsed once (Boost.Spirit X3) into an immutable tree of expr::Node and can then be
// evaluated any number of times against a Scope that resolves parameter names and user functions.
// The tree is public (std::variant nodes) so other layers can walk it: behavioural sources will add
// their own leaves (v(node), i(vsrc), time) by interpreting Call/Identifier nodes in their own visitor,
// and automatic differentiation can be written as another tree walk.
#pragma once

#include "core/diagnostics.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace spinspice {

// ---- SPICE numbers -------------------------------------------------------------------------------
// A SPICE number: mantissa (1, 1.5, .5), optional exponent (e-3), optional scale suffix
// (T G MEG K M=milli U N P F MIL, case-insensitive), then any letters, which are ignored units
// ("10kOhm" = 1e4, "1uF" = 1e-6, "5V" = 5).

// Parses an unsigned SPICE number at the start of `text`. On success returns the value and stores the
// number of characters used (digits, suffix and unit letters) in *consumed; otherwise nullopt.
std::optional<double> parseSpiceNumberPrefix(std::string_view text, std::size_t* consumed);

// The whole of `text` (an optional leading sign allowed) must be a SPICE number.
std::optional<double> parseSpiceNumber(std::string_view text);

// ---- Expression tree -----------------------------------------------------------------------------
namespace expr {

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Number {
    double value = 0.0;
};
struct Identifier {
    std::string name; // lower-case
};
enum class UnaryOp { Negate, Plus, Not };
struct Unary {
    UnaryOp op;
    NodePtr operand;
};
enum class BinaryOp { Add, Sub, Mul, Div, Pow, Eq, Ne, Lt, Le, Gt, Ge, And, Or };
struct Binary {
    BinaryOp op;
    NodePtr lhs, rhs;
};
struct Ternary {
    NodePtr condition, ifTrue, ifFalse;
};
struct Call {
    std::string name; // lower-case
    std::vector<NodePtr> args;
};

struct Node {
    std::variant<Number, Identifier, Unary, Binary, Ternary, Call> data;
    // 0-based character offset in the expression text: the operator for unary/binary nodes, the '?'
    // for ternaries, the first character for numbers, identifiers and calls.
    std::size_t offset = 0;
    int height = 1; // height of this subtree (1 for leaves)
};

const char* operatorText(UnaryOp op);  // "-", "+", "!"
const char* operatorText(BinaryOp op); // "+", "==", "&&", ...

// The built-in functions (sqrt, exp, ..., if) and constants (pi).
std::vector<std::string> builtinFunctionNames();
bool isBuiltinFunction(std::string_view name);
std::optional<double> builtinConstant(std::string_view name);

} // namespace expr

// Where an expression's text came from, to turn a character offset into an error location.
struct ExprOrigin {
    SourceLoc loc;        // location of the expression's first character
    std::string lineText; // the physical source line containing it
    // Optional: maps an offset to (location, physical line) when the text spans several lines
    // (continuation cards). When empty, offset o is reported at loc.col + o on lineText.
    std::function<std::pair<SourceLoc, std::string>(std::size_t offset)> locate;

    std::pair<SourceLoc, std::string> at(std::size_t offset) const;
};

class Scope;

// A parsed expression: the text, its origin and the tree. Cheap to copy (the tree is shared).
class Expression {
public:
    // Throws InputError ("expected ...") pointing at the offending column.
    static Expression parse(std::string text, ExprOrigin origin = {});

    // Evaluates against `scope`. Throws InputError for unknown names (with suggestions), wrong argument
    // counts, division by zero and non-finite results, pointing at the node concerned.
    double evaluate(const Scope& scope) const;

    const expr::Node& root() const { return *root_; }
    const expr::NodePtr& rootPtr() const { return root_; }
    const std::string& text() const { return text_; }
    const ExprOrigin& origin() const { return *origin_; }

    // An InputError located at `offset` inside this expression (for tree walkers).
    InputError errorAt(std::size_t offset, std::string message, std::string hint = {}) const;

private:
    Expression() = default;
    std::string text_;
    std::shared_ptr<const ExprOrigin> origin_;
    expr::NodePtr root_;
};

// A user function from `.func name(x, y) = {body}`.
struct UserFunction {
    std::string name;                // lower-case
    std::vector<std::string> params; // lower-case
    Expression body;
};

// One Monte-Carlo sample (`monte=N` on an analysis card): the statistical functions agauss, gauss,
// aunif, unif and limit draw from the counter-based stream of (seed, sample index, site), the site being
// where the call is written (file:line:col and offset) and in which subcircuit instance it is
// evaluated. Without a sample they return their nominal value.
struct StatisticalSample {
    std::uint64_t seed = 0;
    std::uint64_t index = 0;
};

// Resolves identifiers and user functions during evaluation. Names are looked up in lower case (the
// parser lower-cases every identifier).
class Scope {
public:
    virtual ~Scope() = default;

    // The Monte-Carlo sample being elaborated (null: nominal) and the instance path ("x1.x2.") the
    // expression is evaluated in.
    virtual const StatisticalSample* statisticalSample() const { return nullptr; }
    virtual std::string site() const { return {}; }

    // The value of a parameter visible from here, or nullopt.
    virtual std::optional<double> lookupValue(std::string_view name) const = 0;

    // A user function visible from here and the scope it was defined in (its body is evaluated there,
    // with the arguments bound on top), or {nullptr, nullptr}.
    struct FunctionRef {
        const UserFunction* function = nullptr;
        const Scope* definedIn = nullptr;
    };
    virtual FunctionRef lookupFunction(std::string_view name) const = 0;

    // Names for "did you mean" hints.
    virtual std::vector<std::string> visibleNames() const = 0;
    virtual std::vector<std::string> visibleFunctionNames() const = 0;
};

// A scope holding parameters and functions, chained to an optional parent (looked up after this one).
// set() and defineFunction() lower-case the names they store. The parent must outlive this scope.
class ParamScope : public Scope {
public:
    explicit ParamScope(const Scope* parent = nullptr) : parent_(parent) {}

    void set(const std::string& name, double value) { values_[toLower(name)] = value; }
    void defineFunction(UserFunction function);
    bool hasLocal(std::string_view name) const { return values_.count(std::string(name)) != 0; }
    const std::map<std::string, double, std::less<>>& localValues() const { return values_; }
    const Scope* parent() const { return parent_; }
    void setStatisticalSample(const StatisticalSample* sample) { sample_ = sample; }
    void setSite(std::string site) { site_ = std::move(site); }
    const StatisticalSample* statisticalSample() const override {
        return sample_ ? sample_ : parent_ ? parent_->statisticalSample() : nullptr;
    }
    std::string site() const override { return !site_.empty() ? site_ : parent_ ? parent_->site() : std::string(); }

    std::optional<double> lookupValue(std::string_view name) const override;
    FunctionRef lookupFunction(std::string_view name) const override;
    std::vector<std::string> visibleNames() const override;
    std::vector<std::string> visibleFunctionNames() const override;

private:
    const Scope* parent_;
    const StatisticalSample* sample_ = nullptr;
    std::string site_;
    std::map<std::string, double, std::less<>> values_;
    std::map<std::string, UserFunction, std::less<>> functions_;
};

// Convenience: parse and evaluate in one go.
double evaluateExpression(std::string text, const Scope& scope, ExprOrigin origin = {});

} // namespace spinspice
