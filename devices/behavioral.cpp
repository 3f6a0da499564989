#include "devices/behavioral.hpp"

#include "devices/pattern.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace spinspice {
namespace {
using Op = ExpressionTape::Op;

// Half-width of the smooth transition of u() and sgn(): exact outside |x| < kStepWidth, a C1 cubic
// inside, so Newton sees a finite slope instead of a flat step (it cannot stall on a discontinuity).
constexpr double kStepWidth = 1e-6;

double smoothStep(double x, double& slope) {
    if (x <= -kStepWidth) {
        slope = 0;
        return 0;
    }
    if (x >= kStepWidth) {
        slope = 0;
        return 1;
    }
    const double s = (x + kStepWidth) / (2 * kStepWidth);
    slope = 6 * s * (1 - s) / (2 * kStepWidth);
    return s * s * (3 - 2 * s);
}

const std::map<std::string, Op>& unaryFunctions() {
    static const std::map<std::string, Op> table = {
        {"sqrt", Op::Sqrt},   {"exp", Op::Exp},   {"log", Op::Log},   {"ln", Op::Log},    {"log10", Op::Log10},
        {"sin", Op::Sin},     {"cos", Op::Cos},   {"tan", Op::Tan},   {"asin", Op::Asin}, {"acos", Op::Acos},
        {"atan", Op::Atan},   {"sinh", Op::Sinh}, {"cosh", Op::Cosh}, {"tanh", Op::Tanh}, {"abs", Op::Abs},
        {"floor", Op::Floor}, {"ceil", Op::Ceil}, {"int", Op::Floor}, {"sgn", Op::Sgn},   {"u", Op::Step},
        {"uramp", Op::Ramp}};
    return table;
}
} // namespace

int ExpressionTape::emit(Instruction i) {
    code_.push_back(i);
    return static_cast<int>(code_.size()) - 1;
}

ExpressionTape ExpressionTape::compile(const expr::Node& root, const VariableIndex& variable) {
    ExpressionTape tape;
    int maxVariable = -1;
    auto counting = [&](const std::string& name, Probe probe) {
        const int v = variable(name, probe);
        maxVariable = std::max(maxVariable, v);
        return v;
    };
    tape.compileNode(root, counting);
    tape.variables_ = static_cast<std::size_t>(maxVariable + 1);
    tape.value_.assign(tape.code_.size(), 0.0);
    tape.grad_.assign(tape.code_.size() * std::max<std::size_t>(tape.variables_, 1), 0.0);
    return tape;
}

int ExpressionTape::compileNode(const expr::Node& node, const VariableIndex& variable) {
    return std::visit(
        [&](const auto& n) -> int {
            using T = std::decay_t<decltype(n)>;
            if constexpr (std::is_same_v<T, expr::Number>) {
                return emit({Op::Const, -1, -1, -1, n.value});
            } else if constexpr (std::is_same_v<T, expr::Identifier>) {
                if (n.name == "time") return emit({Op::Time});
                if (n.name == "temper") return emit({Op::Temper});
                throw std::logic_error("unresolved identifier '" + n.name + "' in a behavioural expression");
            } else if constexpr (std::is_same_v<T, expr::Unary>) {
                const int a = compileNode(*n.operand, variable);
                if (n.op == expr::UnaryOp::Plus) return a;
                return emit({n.op == expr::UnaryOp::Negate ? Op::Neg : Op::Not, a});
            } else if constexpr (std::is_same_v<T, expr::Binary>) {
                static const std::map<expr::BinaryOp, Op> ops = {
                    {expr::BinaryOp::Add, Op::Add}, {expr::BinaryOp::Sub, Op::Sub}, {expr::BinaryOp::Mul, Op::Mul},
                    {expr::BinaryOp::Div, Op::Div}, {expr::BinaryOp::Pow, Op::Pow}, {expr::BinaryOp::Eq, Op::Eq},
                    {expr::BinaryOp::Ne, Op::Ne},   {expr::BinaryOp::Lt, Op::Lt},   {expr::BinaryOp::Le, Op::Le},
                    {expr::BinaryOp::Gt, Op::Gt},   {expr::BinaryOp::Ge, Op::Ge},   {expr::BinaryOp::And, Op::And},
                    {expr::BinaryOp::Or, Op::Or}};
                const int a = compileNode(*n.lhs, variable);
                const int b = compileNode(*n.rhs, variable);
                return emit({ops.at(n.op), a, b});
            } else if constexpr (std::is_same_v<T, expr::Ternary>) {
                const int c = compileNode(*n.condition, variable);
                const int a = compileNode(*n.ifTrue, variable);
                const int b = compileNode(*n.ifFalse, variable);
                return emit({Op::Select, c, a, b});
            } else {
                std::vector<int> args;
                if (n.name == "v" || n.name == "i" || n.name == "state") {
                    const Probe probe = n.name == "v" ? Probe::Voltage : n.name == "i" ? Probe::Current : Probe::State;
                    for (const auto& a : n.args) {
                        const int v = variable(std::get<expr::Identifier>(a->data).name, probe);
                        args.push_back(v < 0 ? emit({Op::Const, -1, -1, -1, 0.0}) : emit({Op::Unknown, v}));
                    }
                    return args.size() == 2 ? emit({Op::Sub, args[0], args[1]}) : args[0];
                }
                for (const auto& a : n.args) args.push_back(compileNode(*a, variable));
                auto arity = [&](std::size_t k) {
                    if (args.size() != k)
                        throw std::invalid_argument(n.name + "() takes " + std::to_string(k) + " argument(s)");
                };
                if (auto it = unaryFunctions().find(n.name); it != unaryFunctions().end()) {
                    arity(1);
                    return emit({it->second, args[0], -1, -1, n.name == "int" ? 1.0 : 0.0});
                }
                if (n.name == "pow") {
                    arity(2);
                    return emit({Op::Pow, args[0], args[1]});
                }
                if (n.name == "atan2") {
                    arity(2);
                    return emit({Op::Atan2, args[0], args[1]});
                }
                if (n.name == "if") {
                    arity(3);
                    return emit({Op::Select, args[0], args[1], args[2]});
                }
                if (n.name == "limit") {
                    arity(3);
                    return emit({Op::Limit, args[0], args[1], args[2]});
                }
                if (n.name == "min" || n.name == "max") {
                    if (args.empty()) throw std::invalid_argument(n.name + "() needs an argument");
                    int acc = args[0];
                    for (std::size_t k = 1; k < args.size(); ++k)
                        acc = emit({n.name == "min" ? Op::Min : Op::Max, acc, args[k]});
                    return acc;
                }
                throw std::invalid_argument("function '" + n.name + "' is not available in behavioural sources");
            }
        },
        node.data);
}

namespace {
// One operation's value at its operands (a, b) and its partial derivatives fa = d/da, fb = d/db;
// `flat` for piecewise-constant results (comparisons, logic, floor), whose gradient is zero.
struct Local {
    double value = 0, fa = 0, fb = 0;
    bool flat = false;
};

Local flat(double value) {
    return {value, 0, 0, true};
}

// Comparisons and logic: 0 or 1, no gradient.
Local logical(Op op, double a, double b) {
    switch (op) {
    case Op::Not: return flat(a == 0.0 ? 1.0 : 0.0);
    case Op::Eq: return flat(a == b);
    case Op::Ne: return flat(a != b);
    case Op::Lt: return flat(a < b);
    case Op::Le: return flat(a <= b);
    case Op::Gt: return flat(a > b);
    case Op::Ge: return flat(a >= b);
    case Op::And: return flat(a != 0.0 && b != 0.0);
    default: return flat(a != 0.0 || b != 0.0); // Or
    }
}

// Arithmetic and the two-argument functions. bVaries: b depends on an unknown (the ln(a) a^b term).
Local arithmetic(Op op, double a, double b, bool bVaries) {
    switch (op) {
    case Op::Neg: return {-a, -1, 0};
    case Op::Add: return {a + b, 1, 1};
    case Op::Sub: return {a - b, 1, -1};
    case Op::Mul: return {a * b, b, a};
    case Op::Div: return {a / b, 1 / b, -a / (b * b)};
    case Op::Pow: {
        // d(a^b) = b a^(b-1) da + ln(a) a^b db; the second term only where it exists (a > 0).
        const double r = std::pow(a, b);
        return {r, (a == 0.0 && b < 1.0) ? 0.0 : b * std::pow(a, b - 1.0), (bVaries && a > 0) ? std::log(a) * r : 0.0};
    }
    case Op::Min: return {a <= b ? a : b, a <= b ? 1.0 : 0.0, a <= b ? 0.0 : 1.0};
    case Op::Max: return {a >= b ? a : b, a >= b ? 1.0 : 0.0, a >= b ? 0.0 : 1.0};
    default: { // Atan2
        const double d = a * a + b * b;
        return {std::atan2(a, b), d > 0 ? b / d : 0.0, d > 0 ? -a / d : 0.0};
    }
    }
}

// The elementary functions of one argument and their derivatives. truncate: int() rather than floor().
Local elementary(Op op, double a, bool truncate) {
    switch (op) {
    case Op::Sqrt: {
        const double r = std::sqrt(a);
        return {r, r > 0 ? 0.5 / r : 0.0};
    }
    case Op::Exp: {
        const double r = std::exp(a);
        return {r, r};
    }
    case Op::Log: return {std::log(a), 1 / a};
    case Op::Log10: return {std::log10(a), 1 / (a * std::log(10.0))};
    case Op::Sin: return {std::sin(a), std::cos(a)};
    case Op::Cos: return {std::cos(a), -std::sin(a)};
    case Op::Tan: {
        const double r = std::tan(a);
        return {r, 1 + r * r};
    }
    case Op::Asin: return {std::asin(a), 1 / std::sqrt(1 - a * a)};
    case Op::Acos: return {std::acos(a), -1 / std::sqrt(1 - a * a)};
    case Op::Atan: return {std::atan(a), 1 / (1 + a * a)};
    case Op::Sinh: return {std::sinh(a), std::cosh(a)};
    case Op::Cosh: return {std::cosh(a), std::sinh(a)};
    case Op::Tanh: {
        const double r = std::tanh(a);
        return {r, 1 - r * r};
    }
    case Op::Abs: return {std::fabs(a), a < 0 ? -1.0 : 1.0};
    case Op::Floor: return flat(truncate ? std::trunc(a) : std::floor(a));
    case Op::Ceil: return flat(std::ceil(a));
    case Op::Sgn: {
        double slope;
        const double r = 2.0 * smoothStep(a, slope) - 1.0;
        return {r, 2.0 * slope};
    }
    case Op::Step: {
        double slope;
        const double r = smoothStep(a, slope);
        return {r, slope};
    }
    default: return {a > 0 ? a : 0.0, a > 0 ? 1.0 : 0.0}; // Ramp
    }
}

Local combine(Op op, double a, double b, bool bVaries, double constant) {
    switch (op) {
    case Op::Not:
    case Op::Eq:
    case Op::Ne:
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::And:
    case Op::Or: return logical(op, a, b);
    case Op::Neg:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Pow:
    case Op::Min:
    case Op::Max:
    case Op::Atan2: return arithmetic(op, a, b, bVaries);
    default: return elementary(op, a, constant != 0.0);
    }
}
} // namespace

// Forward-mode automatic differentiation over the tape: each slot's value and its gradient with
// respect to the variables (slot-major in grad_).
double ExpressionTape::evaluate(const double* variables, double time, double temper, double* gradient) const {
    const std::size_t k = variables_;
    double* v = value_.data();
    double* g = grad_.data();
    for (std::size_t i = 0; i < code_.size(); ++i) {
        const Instruction& in = code_[i];
        double* gi = g + i * k;
        const double* ga = in.a >= 0 ? g + static_cast<std::size_t>(in.a) * k : nullptr;
        const double* gb = in.b >= 0 ? g + static_cast<std::size_t>(in.b) * k : nullptr;
        std::fill(gi, gi + k, 0.0);
        switch (in.op) {
        case Op::Const: v[i] = in.constant; continue;
        case Op::Time: v[i] = time; continue;
        case Op::Temper: v[i] = temper; continue;
        case Op::Unknown:
            v[i] = variables[in.a];
            gi[in.a] = 1.0;
            continue;
        case Op::Select: { // a ? b : c
            const int pick = v[in.a] != 0.0 ? in.b : in.c;
            v[i] = v[pick];
            std::copy(g + static_cast<std::size_t>(pick) * k, g + static_cast<std::size_t>(pick) * k + k, gi);
            continue;
        }
        case Op::Limit: { // limit(x, lo, hi)
            const double x = v[in.a], lo = v[in.b], hi = v[in.c];
            v[i] = std::clamp(x, std::min(lo, hi), std::max(lo, hi));
            if (v[i] == x) std::copy(ga, ga + k, gi);
            continue;
        }
        default: break;
        }
        const double a = in.a >= 0 ? v[in.a] : 0.0, b = in.b >= 0 ? v[in.b] : 0.0;
        const bool bVaries = in.op == Op::Pow && gb && std::any_of(gb, gb + k, [](double d) { return d != 0.0; });
        const Local r = combine(in.op, a, b, bVaries, in.constant);
        v[i] = r.value;
        if (r.flat) continue;
        // Chain rule: d(result) = fa da + fb db.
        for (std::size_t j = 0; j < k; ++j) gi[j] = (ga ? r.fa * ga[j] : 0.0) + (gb ? r.fb * gb[j] : 0.0);
    }
    const std::size_t last = code_.size() - 1;
    std::copy(g + last * k, g + last * k + k, gradient);
    return v[last];
}

// Per slot: 0 independent of the variables, 1 affine in them, 2 piecewise affine (min, max, abs, limit
// or ramp of affine pieces: the gradient is constant between kinks), 3 anything else.
int ExpressionTape::degree() const {
    std::vector<int> degree(code_.size(), 0);
    auto of = [&](int slot) { return slot < 0 ? 0 : degree[static_cast<std::size_t>(slot)]; };
    for (std::size_t i = 0; i < code_.size(); ++i) {
        const Instruction& in = code_[i];
        if (in.op == Op::Const || in.op == Op::Time || in.op == Op::Temper) continue; // degree 0
        if (in.op == Op::Unknown) { // (its operand is the variable's index, not a slot)
            degree[i] = 1;
            continue;
        }
        const int a = of(in.a), b = of(in.b), c = of(in.c), top = std::max({a, b, c});
        switch (in.op) {
        case Op::Neg:
        case Op::Add:
        case Op::Sub: degree[i] = top; break;
        case Op::Mul: degree[i] = a == 0 || b == 0 ? top : 3; break;
        case Op::Div: degree[i] = b == 0 ? a : 3; break;
        case Op::Min:
        case Op::Max:
        case Op::Abs:
        case Op::Limit:
        case Op::Ramp: degree[i] = top == 0 ? 0 : std::max(top, 2); break;
        default: degree[i] = top == 0 ? 0 : 3; break; // functions, comparisons, selects
        }
    }
    return code_.empty() ? 0 : degree.back();
}

bool ExpressionTape::affine() const {
    return degree() <= 1;
}
bool ExpressionTape::piecewiseAffine() const {
    return degree() <= 2;
}

BehavioralSource::BehavioralSource(const InstanceContext& c, const Params&)
    : Device(c.name(), c.loc()), nodeNames_{c.nodes()[0], c.nodes()[1]}, kind_(c.element.behaviorKind),
      expression_(c.element.behavior), text_(c.element.behaviorText), temperature_(c.env.temp) {
    if (!expression_) c.fail("missing expression");
}

// A source whose value depends on no unknown (only on time) is affine in x. One affine in the unknowns
// with time-dependent coefficients (a gate v(a)*g(time)) is not linear for the solver (its matrix
// entries change with time) but chord-safe: its Jacobian is exact at every iteration of a time point.
// A piecewise-affine one (a clamp min(max(g*v(a), lo), hi)) is chord-safe too: its Jacobian is exact
// unless an iterate crosses a kink, and a chord iteration that then fails to converge is followed by a
// full one.
DeviceTraits BehavioralSource::traits() const {
    return {variableUnknowns_.empty() ? Linearity::Linear : Linearity::Nonlinear,
            tape_.piecewiseAffine() ? Chord::Safe : Chord::Unsafe, Charge::None, Randomness::Deterministic};
}

void BehavioralSource::setup(SetupContext& ctx) {
    p_ = ctx.node(nodeNames_[0]);
    n_ = ctx.node(nodeNames_[1]);
    if (kind_ == 'v') br_ = ctx.branch(name_);
    // Variables in order of first use; node voltages are resolved now, currents in resolve().
    try {
        using Probe = ExpressionTape::Probe;
        tape_ = ExpressionTape::compile(*expression_, [&](const std::string& name, Probe probe) {
            for (std::size_t k = 0; k < variableNames_.size(); ++k)
                if (variableNames_[k] == name && variableProbes_[k] == probe) return static_cast<int>(k);
            if (probe == Probe::Voltage && (name == "0" || name == "gnd")) return -1;
            variableNames_.push_back(name);
            variableProbes_.push_back(probe);
            variableUnknowns_.push_back(probe == Probe::Voltage ? ctx.node(name) : -1);
            return static_cast<int>(variableNames_.size()) - 1;
        });
    } catch (const std::invalid_argument& e) {
        throw InputError(name_ + ": " + e.what(), loc_, {}, "expression: " + text_);
    }
    values_.assign(variableNames_.size(), 0.0);
    gradient_.assign(variableNames_.size(), 0.0);
}

void BehavioralSource::resolve(const DeviceLookup& lookup) {
    for (std::size_t k = 0; k < variableNames_.size(); ++k) {
        if (variableProbes_[k] == ExpressionTape::Probe::State) {
            variableUnknowns_[k] = lookup.state(variableNames_[k]);
            if (variableUnknowns_[k] < 0)
                throw InputError(name_ + ": '" + variableNames_[k] + "' is not a device state", loc_, {},
                                 suggestionHint(variableNames_[k], lookup.stateNames()));
            continue;
        }
        if (variableProbes_[k] != ExpressionTape::Probe::Current) continue;
        const Device* d = lookup.find(variableNames_[k]);
        if (!d || d->branchUnknown() < 0) {
            const std::vector<std::string> candidates = branchDeviceNames(lookup);
            throw InputError(name_ + ": i(" + variableNames_[k] +
                                 ") needs a voltage source, inductor or E/H/B-V source",
                             loc_, {}, suggestionHint(variableNames_[k], candidates));
        }
        variableUnknowns_[k] = d->branchUnknown();
    }
}

void BehavioralSource::declare(PatternBuilder& pb) {
    controlOff_.clear();
    if (kind_ == 'v') {
        branch_.declare(pb, p_, n_, br_);
        for (int u : variableUnknowns_) controlOff_.push_back(pb.entry(br_, u));
    } else {
        for (int u : variableUnknowns_) {
            controlOff_.push_back(pb.entry(p_, u));
            controlOff_.push_back(pb.entry(n_, u));
        }
    }
}

void BehavioralSource::bind(const PatternBuilder& pb) {
    branch_.bind(pb);
    for (int& o : controlOff_) o = pb.offset(o);
}

void BehavioralSource::eval(const EvalContext& ctx, LoadBuffers& out) {
    for (std::size_t k = 0; k < variableUnknowns_.size(); ++k) values_[k] = ctx.x[variableUnknowns_[k]];
    const double value = tape_.evaluate(values_.data(), ctx.time, temperature_, gradient_.data());
    const std::size_t k = variableUnknowns_.size();
    if (kind_ == 'v') { // branch: v(p) - v(n) - E(x) = 0
        branch_.load(out, ctx.x, p_, n_, br_);
        addF(out, br_, -value);
        for (std::size_t j = 0; j < k; ++j) out.jf[controlOff_[j]] -= gradient_[j];
    } else { // current E(x) from p through the source to n
        addF(out, p_, value);
        addF(out, n_, -value);
        for (std::size_t j = 0; j < k; ++j) {
            out.jf[controlOff_[2 * j]] += gradient_[j];
            out.jf[controlOff_[2 * j + 1]] -= gradient_[j];
        }
    }
}

void BehavioralSource::topology(TopologyBuilder& t) const {
    t.terminal(p_, *this);
    t.terminal(n_, *this);
    if (kind_ == 'v') t.voltageBranch(p_, n_, *this);
    // An I source whose current depends on its own terminal voltage conducts at DC.
    else
        for (int u : variableUnknowns_)
            if (u == p_ || u == n_) t.dcPath(p_, n_);
}

namespace {
const ParamTable<BehavioralSource::Params> kNoParams;
const DeviceRegistration kRegistration{elementType<BehavioralSource>(
    'b',
    "Behavioural source: Bname n+ n- V={expr} | I={expr}; expr over v(node), v(a,b), i(vsrc), device states "
    "(n1.mz), time, temper and parameters",
    kNoParams)};
} // namespace

} // namespace spinspice
