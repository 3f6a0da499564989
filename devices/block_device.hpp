// BlockDevice: the shortest way to write a compact model. Its unknowns are its terminals (the instance's
// nodes, in card order: local indices 0 .. T-1) and its internal states (T .. T+S-1); its Jacobian is
// the dense block over them, declared and bound here. A subclass declares traits() and writes
// evaluate(): currents between terminals and the rates of its states, each with its gradient over the
// local unknowns. Every terminal conducts at DC (for the floating-node check).
#pragma once

#include "devices/registry.hpp"

#include <initializer_list>
#include <string>
#include <vector>

namespace spinspice {

class BlockDevice : public Device {
public:
    struct State {
        std::string name; // the signal is "<instance>.<name>"
        double abstol;    // absolute tolerance (> 0)
        double initial = 0;
        DcBehaviour dc = DcBehaviour::Held;
    };
    BlockDevice(const InstanceContext& context, std::vector<State> states);

    // The values of the local unknowns at this evaluation.
    class Values {
    public:
        double operator[](int local) const { return x_[static_cast<std::size_t>(local)]; }
        double voltage(int a, int b) const { return (*this)[a] - (*this)[b]; } // v(terminal a) - v(terminal b)
        double time() const { return ctx_->time; }
        const EvalContext& context() const { return *ctx_; }

    private:
        friend class BlockDevice;
        const std::vector<double>& x_;
        const EvalContext* ctx_;
        explicit Values(const std::vector<double>& x) : x_(x) {}
    };

    // Where evaluate() writes. Gradients list d/d(local unknown) in local order; trailing zeros may be
    // left out.
    class Load {
    public:
        // A current `i` flowing from terminal `from` through the device to terminal `to`.
        void current(int from, int to, double i, std::initializer_list<double> gradient);
        // d state/dt = rate (the state's row: q = state, f = -rate).
        void rate(int state, double value, std::initializer_list<double> gradient);
        // Low level: f, q and their Jacobian entries of a local row.
        void f(int row, double value);
        void q(int row, double value);
        void df(int row, int col, double value);
        void dq(int row, int col, double value);

    private:
        friend class BlockDevice;
        Load(const BlockDevice& d, LoadBuffers& out) : d_(d), out_(out) {}
        const BlockDevice& d_;
        LoadBuffers& out_;
    };

    void setup(SetupContext& ctx) override;
    void declare(PatternBuilder& pb) override;
    void bind(const PatternBuilder& pb) override;
    void eval(const EvalContext& ctx, LoadBuffers& out) final;
    void topology(TopologyBuilder& t) const override;

protected:
    virtual void evaluate(const Values& in, Load& out) const = 0;
    int terminalCount() const { return static_cast<int>(nodeNames_.size()); }

private:
    std::vector<std::string> nodeNames_;
    std::vector<State> states_;
    std::vector<int> unknowns_; // global index of each local unknown
    std::vector<int> offsets_;  // CSC offset of (local row, local col), row-major
    mutable std::vector<double> local_;
};

} // namespace spinspice
