#include "analysis/latency.hpp"

#include <algorithm>
#include <unordered_map>

namespace spinspice {

LatencyStepper::~LatencyStepper() = default;

std::unique_ptr<LatencyStepper> LatencyStepper::create(const Circuit& circuit, const std::vector<double>& jacobian,
                                                       const EvalContext& at) {
    if (!circuit.linear() || circuit.hasCharge() || !circuit.eventLocatingDevices().empty() ||
        !circuit.projectingDevices().empty())
        return nullptr;
    std::unique_ptr<LatencyStepper> s(new LatencyStepper());
    const auto& devices = circuit.devices();
    std::unordered_map<const Device*, int> indexOf;
    for (std::size_t k = 0; k < devices.size(); ++k) indexOf.emplace(devices[k].get(), static_cast<int>(k));
    s->trackedOfDevice_.assign(devices.size(), -1);
    std::vector<int> rows;
    for (Device* d : circuit.varyingDevices()) {
        rows.clear();
        const Device::Variation v = d->rhsVariation(rows);
        if (v == Device::Variation::Unknown) return nullptr;
        if (v == Device::Variation::Constant) continue;
        const int t = static_cast<int>(s->tracked_.size());
        s->tracked_.push_back(
            {d, static_cast<int>(s->rows_.size()), static_cast<int>(rows.size()), v == Device::Variation::Continuous});
        s->trackedOfDevice_[static_cast<std::size_t>(indexOf.at(d))] = t;
        if (v == Device::Variation::Continuous) s->continuous_.push_back(t);
        s->rows_.insert(s->rows_.end(), rows.begin(), rows.end());
    }
    const auto n = static_cast<std::size_t>(circuit.size());
    const auto nnz = static_cast<std::size_t>(circuit.pattern().nnz());
    s->zero_.assign(n + 1, 0.0);
    s->f_.assign(n + 1, 0.0);
    s->q_.assign(n + 1, 0.0);
    s->fscale_.assign(n + 1, 0.0);
    s->jf_.assign(nnz + 1, 0.0);
    s->jq_.assign(nnz + 1, 0.0);
    s->f0_.assign(s->rows_.size(), 0.0);
    s->columnOf_.assign(s->rows_.size(), nullptr);
    // A point that updates more than a quarter of the matrix's entries costs about what a full solve
    // does: such a circuit is not latent (one large strongly connected block, a source driving all of it).
    s->budget_ = std::max<std::size_t>(256, nnz / 4);
    s->columns_ = std::make_unique<BlockColumns>(circuit.pattern(), jacobian.data(), nullptr, s->budget_);
    // The residual rows at the starting point (x is consistent with them), one device at a time: two
    // sources on one node share its row, and each keeps its own part.
    for (auto& t : s->tracked_) {
        s->load(t, at);
        for (int k = t.firstRow; k < t.firstRow + t.rowCount; ++k) {
            const auto row = static_cast<std::size_t>(s->rows_[static_cast<std::size_t>(k)]);
            s->f0_[static_cast<std::size_t>(k)] = s->f_[row];
            s->f_[row] = 0.0;
        }
    }
    return s;
}

// The device's residual at x = 0 into f_ (its rows; the caller reads and clears them).
void LatencyStepper::load(const Tracked& t, const EvalContext& ctx) {
    EvalContext c = ctx;
    c.x = zero_.data();
    c.jacobianNeeded = false;
    LoadBuffers lb{f_.data(), q_.data(), fscale_.data(), jf_.data(), jq_.data(), 0};
    t.device->eval(c, lb);
}

// The rows of this device whose residual changed since the last point, into pending_.
void LatencyStepper::collect(const Tracked& t, const EvalContext& ctx) {
    load(t, ctx);
    for (int k = t.firstRow; k < t.firstRow + t.rowCount; ++k) {
        const auto row = static_cast<std::size_t>(rows_[static_cast<std::size_t>(k)]);
        const double now = f_[row];
        f_[row] = 0.0;
        if (now != f0_[static_cast<std::size_t>(k)]) pending_.push_back({k, now});
    }
}

bool LatencyStepper::advance(const EvalContext& ctx, std::vector<double>& x) {
    pending_.clear();
    for (int t : continuous_) collect(tracked_[static_cast<std::size_t>(t)], ctx);
    for (int t : dirty_) {
        auto& tr = tracked_[static_cast<std::size_t>(t)];
        tr.dirty = false;
        if (!tr.continuous) collect(tr, ctx);
    }
    dirty_.clear();
    // The columns first: x is left as it was when one of them is not local.
    std::size_t entries = 0;
    for (const auto& [k, now] : pending_) {
        const SparseColumn*& column = columnOf_[static_cast<std::size_t>(k)];
        if (!column) column = columns_->column(rows_[static_cast<std::size_t>(k)]);
        if (!column) return false;
        entries += column->index.size();
        if (entries > budget_) return false;
    }
    // A x + f0 = 0: x moves by -A^{-1} e_row (its change) for each changed row.
    for (const auto& [k, now] : pending_) {
        const double change = now - f0_[static_cast<std::size_t>(k)];
        f0_[static_cast<std::size_t>(k)] = now;
        const SparseColumn& column = *columnOf_[static_cast<std::size_t>(k)];
        const std::size_t m = column.index.size();
        for (std::size_t j = 0; j < m; ++j) x[static_cast<std::size_t>(column.index[j])] -= change * column.value[j];
    }
    return true;
}

} // namespace spinspice
