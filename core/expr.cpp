// SPICE number parsing and the Boost.Spirit X3 expression grammar (text -> expr::Node tree).
// Evaluation lives in expr_eval.cpp.
#include "core/expr.hpp"

#include "core/ascii_classes.hpp"

#include <boost/spirit/home/x3.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace spinspice {

// ---- SPICE numbers -------------------------------------------------------------------------------
namespace {
bool isDigit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}
bool isAlpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

double convertMantissa(std::string_view digits) {
    double value = 0.0;
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (result.ec == std::errc::result_out_of_range) {
        // strtod returns +-HUGE_VAL (inf) on overflow and 0 on underflow, which is what we want.
        const std::string copy(digits);
        value = std::strtod(copy.c_str(), nullptr);
    }
    return value;
}

double scaleOfSuffix(std::string_view letters) {
    const std::string lower = toLower(letters);
    if (lower.rfind("meg", 0) == 0) return 1e6;
    if (lower.rfind("mil", 0) == 0) return 25.4e-6;
    if (lower.empty()) return 1.0;
    switch (lower[0]) {
    case 't': return 1e12;
    case 'g': return 1e9;
    case 'k': return 1e3;
    case 'm': return 1e-3;
    case 'u': return 1e-6;
    case 'n': return 1e-9;
    case 'p': return 1e-12;
    case 'f': return 1e-15;
    default: return 1.0; // a unit such as V, A, Ohm, s, Hz
    }
}
} // namespace

std::optional<double> parseSpiceNumberPrefix(std::string_view text, std::size_t* consumed) {
    const std::size_t n = text.size();
    std::size_t i = 0;
    std::size_t digitCount = 0;
    while (i < n && isDigit(text[i])) ++i, ++digitCount;
    if (i < n && text[i] == '.') {
        std::size_t j = i + 1;
        while (j < n && isDigit(text[j])) ++j, ++digitCount;
        if (digitCount > 0) i = j;
    }
    if (digitCount == 0) return std::nullopt;
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < n && (text[j] == '+' || text[j] == '-')) ++j;
        if (j < n && isDigit(text[j])) {
            while (j < n && isDigit(text[j])) ++j;
            i = j;
        } // otherwise the 'e' is a unit letter ("1eV")
    }
    const double mantissa = convertMantissa(text.substr(0, i));
    std::size_t end = i;
    while (end < n && isAlpha(text[end])) ++end;
    if (consumed) *consumed = end;
    return mantissa * scaleOfSuffix(text.substr(i, end - i));
}

std::optional<double> parseSpiceNumber(std::string_view text) {
    double sign = 1.0;
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        sign = text[0] == '-' ? -1.0 : 1.0;
        text.remove_prefix(1);
    }
    std::size_t consumed = 0;
    auto value = parseSpiceNumberPrefix(text, &consumed);
    if (!value || consumed != text.size()) return std::nullopt;
    return sign * *value;
}

// ---- Expression tree helpers ---------------------------------------------------------------------
namespace expr {

const char* operatorText(UnaryOp op) {
    switch (op) {
    case UnaryOp::Negate: return "-";
    case UnaryOp::Plus: return "+";
    case UnaryOp::Not: return "!";
    }
    return "?";
}

const char* operatorText(BinaryOp op) {
    switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Pow: return "^";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::And: return "&&";
    case BinaryOp::Or: return "||";
    }
    return "?";
}

} // namespace expr

std::pair<SourceLoc, std::string> ExprOrigin::at(std::size_t offset) const {
    if (locate) return locate(offset);
    SourceLoc where = loc;
    if (where.col > 0) where.col += static_cast<int>(offset);
    return {where, lineText};
}

InputError Expression::errorAt(std::size_t offset, std::string message, std::string hint) const {
    auto [where, line] = origin_ ? origin_->at(offset) : std::pair<SourceLoc, std::string>{};
    return InputError(std::move(message), where, line, std::move(hint));
}

// ---- Grammar -------------------------------------------------------------------------------------
namespace {
namespace x3 = boost::spirit::x3;
using Iterator = const char*;
using Range = boost::iterator_range<Iterator>;
using expr::NodePtr;

const auto& asciiSpace = ascii::space;
const auto& asciiAlpha = ascii::alpha;
const auto& asciiAlnum = ascii::alnum;

// Limits that keep the recursive parser and the tree walks far away from stack exhaustion.
constexpr int kMaxTreeHeight = 1000;
constexpr int kMaxParenDepth = 100;
constexpr int kMaxRightRecursion = 100; // '?' and power operators (parsed right-recursively)

// Thrown from a semantic action when the tree grows too tall; converted to InputError by parse().
struct TooDeep {
    std::size_t offset;
};

struct TextBeginTag; // x3::with<> context entry: the first character of the expression text

template <typename Context> std::size_t offsetOf(const Context& ctx, Iterator it) {
    return static_cast<std::size_t>(it - x3::get<TextBeginTag>(ctx));
}

int heightOf(const expr::Node& node) {
    auto h = [](const NodePtr& p) { return p ? p->height : 0; };
    return 1 + std::visit(
                   [&](const auto& n) -> int {
                       using T = std::decay_t<decltype(n)>;
                       if constexpr (std::is_same_v<T, expr::Unary>)
                           return h(n.operand);
                       else if constexpr (std::is_same_v<T, expr::Binary>)
                           return std::max(h(n.lhs), h(n.rhs));
                       else if constexpr (std::is_same_v<T, expr::Ternary>)
                           return std::max({h(n.condition), h(n.ifTrue), h(n.ifFalse)});
                       else if constexpr (std::is_same_v<T, expr::Call>) {
                           int m = 0;
                           for (const auto& a : n.args) m = std::max(m, h(a));
                           return m;
                       } else
                           return 0;
                   },
                   node.data);
}

template <typename Data> NodePtr makeNode(Data data, std::size_t offset) {
    auto node = std::make_shared<expr::Node>();
    node->data = std::move(data);
    node->offset = offset;
    node->height = heightOf(*node);
    if (node->height > kMaxTreeHeight) throw TooDeep{offset};
    return node;
}

expr::BinaryOp binaryOpFromText(const Range& r) {
    const std::string op(r.begin(), r.end());
    using B = expr::BinaryOp;
    if (op == "+") return B::Add;
    if (op == "-") return B::Sub;
    if (op == "*") return B::Mul;
    if (op == "/") return B::Div;
    if (op == "^" || op == "**") return B::Pow;
    if (op == "==") return B::Eq;
    if (op == "!=") return B::Ne;
    if (op == "<") return B::Lt;
    if (op == "<=") return B::Le;
    if (op == ">") return B::Gt;
    if (op == ">=") return B::Ge;
    if (op == "&&") return B::And;
    return B::Or;
}

// Consumes the characters of a SPICE number (value recomputed from the raw[] range).
struct NumberChars : x3::parser<NumberChars> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename It, typename Context, typename RContext, typename Attribute>
    bool parse(It& first, const It& last, const Context& ctx, RContext&, Attribute&) const {
        x3::skip_over(first, last, ctx);
        std::size_t consumed = 0;
        if (!parseSpiceNumberPrefix(std::string_view(first, static_cast<std::size_t>(last - first)), &consumed))
            return false;
        first += consumed;
        return true;
    }
};
const NumberChars numberChars{};

// ---- semantic actions ----
const auto setValue = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };

const auto makeNumber = [](auto& ctx) {
    const Range& r = x3::_attr(ctx);
    const auto value = parseSpiceNumberPrefix(std::string_view(r.begin(), r.size()), nullptr);
    x3::_val(ctx) = makeNode(expr::Number{value.value_or(0.0)}, offsetOf(ctx, r.begin()));
};

const auto foldBinary = [](auto& ctx) {
    auto& attr = x3::_attr(ctx);
    const Range& op = boost::fusion::at_c<0>(attr);
    x3::_val(ctx) = makeNode(expr::Binary{binaryOpFromText(op), x3::_val(ctx), boost::fusion::at_c<1>(attr)},
                             offsetOf(ctx, op.begin()));
};

// A sum or difference chain: folded to the left (a - b + c = (a - b) + c) like every binary level; a
// long chain (a generated synapse sum with thousands of terms) is built as a balanced tree of additions
// of the (negated) terms instead, so its height grows with log2 of the length (the tree walks recurse).
const auto foldAdditive = [](auto& ctx) {
    auto& attr = x3::_attr(ctx);
    NodePtr node = boost::fusion::at_c<0>(attr);
    const auto& rest = boost::fusion::at_c<1>(attr);
    constexpr std::size_t kBalanceFrom = 64;
    if (rest.size() < kBalanceFrom) {
        for (const auto& item : rest) {
            const Range& op = boost::fusion::at_c<0>(item);
            node = makeNode(expr::Binary{binaryOpFromText(op), node, boost::fusion::at_c<1>(item)},
                            offsetOf(ctx, op.begin()));
        }
        x3::_val(ctx) = node;
        return;
    }
    std::vector<std::pair<NodePtr, std::size_t>> terms{{node, node->offset}};
    for (const auto& item : rest) {
        const Range& op = boost::fusion::at_c<0>(item);
        const std::size_t at = offsetOf(ctx, op.begin());
        NodePtr term = boost::fusion::at_c<1>(item);
        if (*op.begin() == '-') term = makeNode(expr::Unary{expr::UnaryOp::Negate, term}, at);
        terms.emplace_back(term, at);
    }
    while (terms.size() > 1) {
        std::vector<std::pair<NodePtr, std::size_t>> next;
        for (std::size_t k = 0; k + 1 < terms.size(); k += 2)
            next.emplace_back(
                makeNode(expr::Binary{expr::BinaryOp::Add, terms[k].first, terms[k + 1].first}, terms[k + 1].second),
                terms[k].second);
        if (terms.size() % 2) next.push_back(terms.back());
        terms.swap(next);
    }
    x3::_val(ctx) = terms.front().first;
};

const auto foldUnary = [](auto& ctx) {
    auto& attr = x3::_attr(ctx);
    const std::vector<Range>& ops = boost::fusion::at_c<0>(attr);
    NodePtr node = boost::fusion::at_c<1>(attr);
    for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
        const char c = *it->begin();
        const auto op = c == '-' ? expr::UnaryOp::Negate : c == '+' ? expr::UnaryOp::Plus : expr::UnaryOp::Not;
        node = makeNode(expr::Unary{op, node}, offsetOf(ctx, it->begin()));
    }
    x3::_val(ctx) = node;
};

const auto makeTernary = [](auto& ctx) {
    auto& attr = x3::_attr(ctx);
    const Range& question = boost::fusion::at_c<0>(attr);
    x3::_val(ctx) = makeNode(expr::Ternary{x3::_val(ctx), boost::fusion::at_c<1>(attr), boost::fusion::at_c<2>(attr)},
                             offsetOf(ctx, question.begin()));
};

const auto makeCallOrIdentifier = [](auto& ctx) {
    auto& attr = x3::_attr(ctx);
    const Range& name = boost::fusion::at_c<0>(attr);
    auto& args = boost::fusion::at_c<1>(attr);
    const std::string lowerName = toLower(std::string_view(name.begin(), name.size()));
    const std::size_t offset = offsetOf(ctx, name.begin());
    if (args)
        x3::_val(ctx) = makeNode(expr::Call{lowerName, std::move(*args)}, offset);
    else
        x3::_val(ctx) = makeNode(expr::Identifier{lowerName}, offset);
};

// ---- rules ----
// raw[] with a concrete iterator_range attribute (a bare raw[] inside a sequence synthesizes a
// placeholder type that semantic actions cannot use).
const auto asRange = [](auto subject) { return x3::rule<class RangeRule, Range>{"token"} = x3::raw[subject]; };

const x3::rule<class ExpressionRule, NodePtr> expression = "expression";
const x3::rule<class OrRule, NodePtr> logicalOr = "operand";
const x3::rule<class AndRule, NodePtr> logicalAnd = "operand";
const x3::rule<class EqualityRule, NodePtr> equality = "operand";
const x3::rule<class RelationalRule, NodePtr> relational = "operand";
const x3::rule<class AdditiveRule, NodePtr> additive = "operand";
const x3::rule<class MultiplicativeRule, NodePtr> multiplicative = "operand";
const x3::rule<class UnaryRule, NodePtr> unary = "operand";
const x3::rule<class PowerRule, NodePtr> power = "operand";
const x3::rule<class PrimaryRule, NodePtr> primary = "operand";
const x3::rule<class CallRule, NodePtr> callOrIdentifier = "name";
const x3::rule<class ArgumentsRule, std::vector<NodePtr>> arguments = "arguments";

// Names may be hierarchical (x1.out, n1.mz: a dot followed by a letter or '_').
const auto identifierChars =
    x3::lexeme[(asciiAlpha | x3::char_('_')) >>
               *(asciiAlnum | x3::char_('_') | (x3::char_('.') >> &(asciiAlpha | x3::char_('_'))))];
const auto orOp = x3::lit("||");
const auto andOp = x3::lit("&&");
const auto equalityOp = x3::lit("==") | x3::lit("!=");
const auto relationalOp = x3::lit("<=") | x3::lit(">=") | x3::lit('<') | x3::lit('>');
const auto additiveOp = x3::lit('+') | x3::lit('-');
const auto multiplicativeOp = (x3::lit('*') >> !x3::lit('*')) | x3::lit('/');
const auto powerOp = x3::lit("**") | x3::lit('^');
const auto unaryOp = x3::lit('-') | x3::lit('+') | (x3::lit('!') >> !x3::lit('='));

const auto expression_def = logicalOr[setValue] >>
                            -((asRange(x3::lit('?')) > expression > x3::lit(':') > expression)[makeTernary]);
const auto logicalOr_def = logicalAnd[setValue] >> *((asRange(orOp) > logicalAnd)[foldBinary]);
const auto logicalAnd_def = equality[setValue] >> *((asRange(andOp) > equality)[foldBinary]);
const auto equality_def = relational[setValue] >> *((asRange(equalityOp) > relational)[foldBinary]);
const auto relational_def = additive[setValue] >> *((asRange(relationalOp) > additive)[foldBinary]);
const auto additive_def = (multiplicative >> *(asRange(additiveOp) > multiplicative))[foldAdditive];
const auto multiplicative_def = unary[setValue] >> *((asRange(multiplicativeOp) > unary)[foldBinary]);
const auto unary_def = (*asRange(unaryOp) >> power)[foldUnary];
// Right-associative: 2^3^2 = 2^(3^2); the exponent may carry a sign (2^-1).
const auto power_def = primary[setValue] >> -((asRange(powerOp) > unary)[foldBinary]);
const auto primary_def = asRange(numberChars)[makeNumber] | callOrIdentifier[setValue] |
                         (x3::lit('(') > expression > x3::lit(')'))[setValue];
const auto callOrIdentifier_def = (asRange(identifierChars) >> -arguments)[makeCallOrIdentifier];
const auto arguments_def = x3::lit('(') > -(expression >> *(x3::lit(',') > expression)) > x3::lit(')');

BOOST_SPIRIT_DEFINE(expression, logicalOr, logicalAnd, equality, relational, additive, multiplicative, unary, power,
                    primary, callOrIdentifier, arguments)

// Rejects inputs whose nesting would make the recursive-descent parser recurse too deeply.
std::optional<std::size_t> findExcessiveNesting(std::string_view text) {
    int depth = 0, rightRecursion = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '(' && ++depth > kMaxParenDepth) return i;
        if (c == ')') --depth;
        if ((c == '?' || c == '^' || (c == '*' && i + 1 < text.size() && text[i + 1] == '*')) &&
            ++rightRecursion > kMaxRightRecursion)
            return i;
    }
    return std::nullopt;
}

std::size_t skipSpaces(std::string_view text, std::size_t offset) {
    while (offset < text.size() && std::isspace(static_cast<unsigned char>(text[offset]))) ++offset;
    return offset;
}

std::string describeAt(std::string_view text, std::size_t offset) {
    if (offset >= text.size()) return "end of expression";
    return "'" + std::string(1, text[offset]) + "'";
}
} // namespace

Expression Expression::parse(std::string text, ExprOrigin origin) {
    Expression result;
    result.text_ = std::move(text);
    result.origin_ = std::make_shared<const ExprOrigin>(std::move(origin));
    const std::string_view view = result.text_;

    if (auto at = findExcessiveNesting(view))
        throw result.errorAt(*at, "expression is nested too deeply", "simplify the expression");

    const Iterator begin = view.data();
    Iterator first = begin;
    const Iterator last = begin + view.size();
    NodePtr root;
    try {
        const auto parser = x3::with<TextBeginTag>(begin)[expression];
        const bool ok = x3::phrase_parse(first, last, parser, asciiSpace, root);
        const std::size_t stop = skipSpaces(view, static_cast<std::size_t>(first - begin));
        if (!ok || !root) {
            if (stop >= view.size()) throw result.errorAt(stop, "empty expression", "expected: an expression");
            throw result.errorAt(stop, "unexpected " + describeAt(view, stop) + " in expression",
                                 "expected: a number, a parameter name, a function call or '('");
        }
        if (stop < view.size())
            throw result.errorAt(stop, "unexpected " + describeAt(view, stop) + " in expression",
                                 "expected: an operator or the end of the expression");
    } catch (const x3::expectation_failure<Iterator>& failure) {
        const std::size_t at = skipSpaces(view, static_cast<std::size_t>(failure.where() - begin));
        throw result.errorAt(at,
                             "syntax error in expression: expected " + failure.which() + " at " + describeAt(view, at),
                             "expected: " + failure.which());
    } catch (const TooDeep& tooDeep) {
        throw result.errorAt(tooDeep.offset, "expression is nested too deeply", "simplify the expression");
    }
    result.root_ = std::move(root);
    return result;
}

} // namespace spinspice
