#include "devices/block_device.hpp"

namespace spinspice {

BlockDevice::BlockDevice(const InstanceContext& context, std::vector<State> states)
    : Device(context.name(), context.loc()), nodeNames_(context.nodes()), states_(std::move(states)) {}

void BlockDevice::setup(SetupContext& ctx) {
    unknowns_.clear();
    for (const auto& n : nodeNames_) unknowns_.push_back(ctx.node(n));
    for (const auto& s : states_) unknowns_.push_back(ctx.state({name_ + "." + s.name, s.abstol, s.initial, s.dc}));
    local_.assign(unknowns_.size(), 0.0);
}

void BlockDevice::declare(PatternBuilder& pb) {
    offsets_.clear();
    for (int r : unknowns_)
        for (int c : unknowns_) offsets_.push_back(pb.entry(r, c));
}

void BlockDevice::bind(const PatternBuilder& pb) {
    for (int& o : offsets_) o = pb.offset(o);
}

void BlockDevice::eval(const EvalContext& ctx, LoadBuffers& out) {
    for (std::size_t k = 0; k < unknowns_.size(); ++k) local_[k] = ctx.x[unknowns_[k]];
    Values in(local_);
    in.ctx_ = &ctx;
    Load load(*this, out);
    evaluate(in, load);
}

void BlockDevice::topology(TopologyBuilder& t) const {
    const int terminals = terminalCount();
    for (int k = 0; k < terminals; ++k) {
        t.terminal(unknowns_[static_cast<std::size_t>(k)], *this);
        if (k > 0) t.dcPath(unknowns_[0], unknowns_[static_cast<std::size_t>(k)]);
    }
}

void BlockDevice::Load::f(int row, double value) {
    addF(out_, d_.unknowns_[static_cast<std::size_t>(row)], value);
}
void BlockDevice::Load::q(int row, double value) {
    addQ(out_, d_.unknowns_[static_cast<std::size_t>(row)], value);
}
void BlockDevice::Load::df(int row, int col, double value) {
    out_.jf[d_.offsets_[static_cast<std::size_t>(row) * d_.unknowns_.size() + static_cast<std::size_t>(col)]] += value;
}
void BlockDevice::Load::dq(int row, int col, double value) {
    out_.jq[d_.offsets_[static_cast<std::size_t>(row) * d_.unknowns_.size() + static_cast<std::size_t>(col)]] += value;
}

void BlockDevice::Load::current(int from, int to, double i, std::initializer_list<double> gradient) {
    f(from, i);
    f(to, -i);
    int col = 0;
    for (double g : gradient) {
        df(from, col, g);
        df(to, col, -g);
        ++col;
    }
}

void BlockDevice::Load::rate(int state, double value, std::initializer_list<double> gradient) {
    q(state, d_.local_[static_cast<std::size_t>(state)]);
    dq(state, state, 1.0);
    f(state, -value);
    int col = 0;
    for (double g : gradient) df(state, col++, -g);
}

} // namespace spinspice
