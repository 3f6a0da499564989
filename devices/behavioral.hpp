// B source: a voltage or current source whose value is an expression of node voltages, branch
// currents, time and temperature. The expression tree (from the netlist) is compiled once into a tape;
// each evaluation computes the value and its exact partial derivatives with respect to every unknown
// it reads (forward-mode automatic differentiation), which are stamped into the Jacobian.
#pragma once

#include "core/expr.hpp"
#include "devices/registry.hpp"
#include "devices/stamps.hpp"

#include <array>
#include <string>
#include <vector>

namespace spinspice {

// A compiled expression: straight-line code over slots. Each slot holds a value and the gradient
// with respect to the referenced unknowns.
class ExpressionTape {
public:
    enum class Op : std::uint8_t {
        Const,
        Unknown,
        Time,
        Temper,
        Neg,
        Not,
        Add,
        Sub,
        Mul,
        Div,
        Pow,
        Eq,
        Ne,
        Lt,
        Le,
        Gt,
        Ge,
        And,
        Or,
        Select,
        Sqrt,
        Exp,
        Log,
        Log10,
        Sin,
        Cos,
        Tan,
        Asin,
        Acos,
        Atan,
        Sinh,
        Cosh,
        Tanh,
        Abs,
        Floor,
        Ceil,
        Sgn,
        Step,
        Ramp,
        Min,
        Max,
        Atan2,
        Limit
    };
    struct Instruction {
        Op op;
        int a = -1, b = -1, c = -1; // operand slots (or the variable index for Unknown)
        double constant = 0;
    };

    // What a variable of the expression reads: v(node), i(source) or a device state (n1.mz).
    enum class Probe { Voltage, Current, State };
    using VariableIndex = std::function<int(const std::string&, Probe)>;
    // Compile; `variable(name, probe)` returns the index of a referenced v(node) / i(source) / state in
    // the variable list (the caller maps those to unknowns). Differences v(a, b) compile to a subtraction.
    static ExpressionTape compile(const expr::Node& root, const VariableIndex& variable);

    // Evaluate with the variables' values; gradient (size = variable count) receives d value / d var.
    double evaluate(const double* variables, double time, double temper, double* gradient) const;
    std::size_t variableCount() const { return variables_; }
    // Affine in the variables (every gradient entry independent of them, though it may depend on time,
    // as v(a)*cos(time)): its Jacobian does not change between Newton iterations at one time point.
    bool affine() const;
    // Affine between kinks of min, max, abs, limit or ramp (a clamp of an affine expression).
    bool piecewiseAffine() const;

private:
    int degree() const; // 0 constant, 1 affine, 2 piecewise affine, 3 other

    std::vector<Instruction> code_;
    std::size_t variables_ = 0;
    mutable std::vector<double> value_, grad_; // slot values and gradients (slot-major)
    int emit(Instruction i);
    int compileNode(const expr::Node& n, const VariableIndex& variable);
};

class BehavioralSource : public Device {
public:
    struct Params {};
    BehavioralSource(const InstanceContext& c, const Params&);
    DeviceTraits traits() const override;
    void setup(SetupContext& ctx) override;
    void resolve(const DeviceLookup& lookup) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) override;
    void topology(TopologyBuilder& t) const override;
    int branchUnknown() const override { return kind_ == 'v' ? br_ : -1; }

private:
    std::array<std::string, 2> nodeNames_;
    char kind_;
    expr::NodePtr expression_;
    std::string text_;
    double temperature_;
    ExpressionTape tape_;
    std::vector<std::string> variableNames_;
    std::vector<ExpressionTape::Probe> variableProbes_;
    std::vector<int> variableUnknowns_;
    int p_ = 0, n_ = 0, br_ = 0;
    BranchStamp branch_;          // V only
    std::vector<int> controlOff_; // V: (br, var); I: (p, var), (n, var) interleaved
    std::vector<double> values_, gradient_;
};

} // namespace spinspice
