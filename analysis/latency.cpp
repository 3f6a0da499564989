#include "analysis/latency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace spinspice {
namespace {
// The nodes a device touches (Device::topology).
struct TerminalCollector : TopologyBuilder {
    std::vector<int> nodes;
    void terminal(int node, const Device&) override { nodes.push_back(node); }
    void dcPath(int, int) override {}
    void voltageBranch(int, int, const Device&, bool) override {}
};
} // namespace

LatencyStepper::~LatencyStepper() = default;

std::unique_ptr<LatencyStepper> LatencyStepper::create(const Circuit& circuit, const std::vector<double>& jacobian,
                                                       const EvalContext& at) {
    if (!circuit.linear() || circuit.hasCharge() || !circuit.projectingDevices().empty()) return nullptr;
    std::unique_ptr<LatencyStepper> s(new LatencyStepper());
    const auto& devices = circuit.devices();
    std::unordered_map<const Device*, int> indexOf;
    for (std::size_t k = 0; k < devices.size(); ++k) indexOf.emplace(devices[k].get(), static_cast<int>(k));
    s->trackedOfDevice_.assign(devices.size(), -1);
    for (Device* d : circuit.varyingDevices())
        if (!s->addTracked(d, indexOf.at(d), circuit.pattern())) return nullptr;
    s->indexWatched(circuit, indexOf);
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
    // Entry k is kept entry k of BlockColumns; entries at one offset (devices in parallel) are chained
    // from the first, which names the offset there.
    std::vector<int> keep;
    std::unordered_map<int, int> lastAt;
    s->nextAtOffset_.assign(s->entries_.size(), -1);
    for (const Entry& e : s->entries_) {
        const int k = static_cast<int>(keep.size());
        auto [it, first] = lastAt.emplace(e.offset, k);
        s->firstOfOffset_.push_back(first ? k : s->firstOfOffset_[static_cast<std::size_t>(it->second)]);
        if (!first) s->nextAtOffset_[static_cast<std::size_t>(it->second)] = k;
        it->second = k;
        keep.push_back(e.offset);
    }
    s->columns_ = std::make_unique<BlockColumns>(circuit.pattern(), jacobian.data(), nullptr, s->budget_, keep);
    // The residual rows and event entries at the starting point (x is consistent with them), one device
    // at a time: two sources on one node share its row, and each keeps its own part.
    for (const auto& t : s->tracked_) {
        s->collect(t, at);
        for (const auto& [k, now] : s->pending_) s->f0_[static_cast<std::size_t>(k)] = now;
        for (const auto& [k, now] : s->entryChanges_) s->entries_[static_cast<std::size_t>(k)].value = now;
        s->pending_.clear();
        s->entryChanges_.clear();
    }
    // What the other devices put at each event entry: an entry's value is always rebuilt from it and
    // the devices' parts (no rounding accumulates over flips).
    s->keptBase_.assign(keep.size(), 0.0);
    for (std::size_t k = 0; k < keep.size(); ++k) {
        if (s->firstOfOffset_[k] != static_cast<int>(k)) continue;
        double base = s->columns_->entry(static_cast<int>(k));
        for (int e = static_cast<int>(k); e >= 0; e = s->nextAtOffset_[static_cast<std::size_t>(e)])
            base -= s->entries_[static_cast<std::size_t>(e)].value;
        s->keptBase_[k] = base;
    }
    s->changedTo_.assign(keep.size(), std::numeric_limits<double>::quiet_NaN());
    s->keptDelta_.assign(keep.size(), 0.0);
    s->sinceRebuild_.assign(keep.size(), 0);
    s->rebuildAfter_.assign(keep.size(), kKeptRebuild);
    for (std::size_t k = 0; k < keep.size(); ++k) // (2 changes per part sharing the offset, plus 4)
        s->rebuildAfter_[static_cast<std::size_t>(s->firstOfOffset_[k])] += 2;
    s->keptStamp_.assign(keep.size(), 0u);
    s->logWrites_ = !s->watched_.empty();
    return s;
}

// A changing device: the rows of f and the Jacobian entries it names. false: it names no rows.
bool LatencyStepper::addTracked(Device* d, int deviceIndex, const PatternBuilder& pattern) {
    std::vector<int> rows, offsets;
    const Device::Variation rowVariation = d->rhsVariation(rows);
    if (rowVariation == Device::Variation::Unknown) return false;
    if (d->traits().linear() && d->jacobianVariation(offsets) != Device::Variation::AtEvents) offsets.clear();
    offsets.erase(std::remove_if(offsets.begin(), offsets.end(), [&](int o) { return o >= pattern.nnz(); }),
                  offsets.end()); // (the ground entries' trash slot)
    if (rowVariation == Device::Variation::Constant) rows.clear();
    if (rows.empty() && offsets.empty()) return true;
    const int t = static_cast<int>(tracked_.size());
    tracked_.push_back({d, static_cast<int>(rows_.size()), static_cast<int>(rows.size()),
                        static_cast<int>(entries_.size()), static_cast<int>(offsets.size()), -1,
                        rowVariation == Device::Variation::Continuous});
    trackedOfDevice_[static_cast<std::size_t>(deviceIndex)] = t;
    if (rowVariation == Device::Variation::Continuous) continuous_.push_back(t);
    for (int row : rows) {
        rows_.push_back(row);
        rowOwner_.push_back(t);
    }
    const auto& colPtr = pattern.colPtr();
    for (int o : offsets) { // (colPtr[c - 1] <= o < colPtr[c]: column c, 1-based)
        const int column = static_cast<int>(std::upper_bound(colPtr.begin(), colPtr.end(), o) - colPtr.begin());
        entries_.push_back({o, pattern.rowIdx()[static_cast<std::size_t>(o)] + 1, column, 0.0, t});
    }
    return true;
}

// The devices that locate events or accept lazily, and for each unknown those with a terminal there.
void LatencyStepper::indexWatched(const Circuit& circuit, const std::unordered_map<const Device*, int>& indexOf) {
    const auto n1 = static_cast<std::size_t>(circuit.size()) + 1;
    watchedOfDevice_.assign(circuit.devices().size(), -1);
    auto watch = [&](Device* d, bool locating) {
        const int index = indexOf.at(d);
        int& w = watchedOfDevice_[static_cast<std::size_t>(index)];
        if (w < 0) {
            w = static_cast<int>(watched_.size());
            watched_.push_back({d, index, false});
        }
        watched_[static_cast<std::size_t>(w)].locating |= locating;
    };
    for (Device* d : circuit.eventLocatingDevices()) watch(d, true);
    for (Device* d : circuit.acceptingDevices())
        if (d->acceptsLazily()) watch(d, false);
    std::vector<std::pair<int, int>> touches; // (unknown, watched index)
    for (std::size_t w = 0; w < watched_.size(); ++w) {
        const int t = trackedOfDevice_[static_cast<std::size_t>(watched_[w].deviceIndex)];
        if (t >= 0) tracked_[static_cast<std::size_t>(t)].watched = static_cast<int>(w);
        TerminalCollector terminals;
        watched_[w].device->topology(terminals);
        for (int node : terminals.nodes)
            if (node > 0) touches.emplace_back(node, static_cast<int>(w));
    }
    std::sort(touches.begin(), touches.end());
    touches.erase(std::unique(touches.begin(), touches.end()), touches.end());
    watcherStart_.assign(n1 + 1, 0);
    for (const auto& [node, w] : touches) ++watcherStart_[static_cast<std::size_t>(node) + 1];
    for (std::size_t i = 0; i < n1; ++i) watcherStart_[i + 1] += watcherStart_[i];
    for (const auto& [node, w] : touches) watchers_.push_back(w);
    watchedStamp_.assign(watched_.size(), 0u);
}

// The device's residual at x = 0 into f_ and its Jacobian into jf_ (the caller reads and clears its rows
// and entries; they are cleared first too: another device may have written there).
void LatencyStepper::load(const Tracked& t, const EvalContext& ctx) {
    for (int k = t.firstRow; k < t.firstRow + t.rowCount; ++k)
        f_[static_cast<std::size_t>(rows_[static_cast<std::size_t>(k)])] = 0.0;
    for (int k = t.firstEntry; k < t.firstEntry + t.entryCount; ++k)
        jf_[static_cast<std::size_t>(entries_[static_cast<std::size_t>(k)].offset)] = 0.0;
    EvalContext c = ctx;
    c.x = zero_.data();
    c.jacobianNeeded = t.entryCount > 0;
    LoadBuffers lb{f_.data(), q_.data(), fscale_.data(), jf_.data(), jq_.data(), 0};
    t.device->eval(c, lb);
}

// The rows and entries of this device that changed since the last point, into pending_ and entryChanges_.
void LatencyStepper::collect(const Tracked& t, const EvalContext& ctx) {
    load(t, ctx);
    for (int k = t.firstRow; k < t.firstRow + t.rowCount; ++k) {
        const auto row = static_cast<std::size_t>(rows_[static_cast<std::size_t>(k)]);
        const double now = f_[row];
        f_[row] = 0.0;
        if (now != f0_[static_cast<std::size_t>(k)]) pending_.push_back({k, now});
    }
    for (int k = t.firstEntry; k < t.firstEntry + t.entryCount; ++k) {
        Entry& e = entries_[static_cast<std::size_t>(k)];
        const double now = jf_[static_cast<std::size_t>(e.offset)];
        jf_[static_cast<std::size_t>(e.offset)] = 0.0;
        if (now != e.value) entryChanges_.push_back({k, now});
    }
}

bool LatencyStepper::advance(const EvalContext& ctx, std::vector<double>& x) {
    pending_.clear();
    entryChanges_.clear();
    undoX_.clear();
    undoA_.clear();
    for (int t : continuous_) collect(tracked_[static_cast<std::size_t>(t)], ctx);
    for (int t : dirty_)
        if (!tracked_[static_cast<std::size_t>(t)].continuous) collect(tracked_[static_cast<std::size_t>(t)], ctx);
    const bool ok = entryChanges_.empty() ? applyColumns(x) : solveResidual(x);
    if (!ok) {
        rollback(x);
        return false;
    }
    findMoved();
    return true;
}

void LatencyStepper::markMoved(int w) {
    if (w < 0 || watchedStamp_[static_cast<std::size_t>(w)] == stamp_) return;
    watchedStamp_[static_cast<std::size_t>(w)] = stamp_;
    moved_.push_back(w);
    movedDevices_.push_back(watched_[static_cast<std::size_t>(w)].deviceIndex);
}

// The watched devices the update moved: a terminal written, their own rows or entries changed, or named
// by recheck().
void LatencyStepper::findMoved() {
    moved_.clear();
    movedDevices_.clear();
    if (watched_.empty()) return;
    if (++stamp_ == 0) {
        std::fill(watchedStamp_.begin(), watchedStamp_.end(), 0u);
        stamp_ = 1;
    }
    for (const auto& [i, old] : undoX_)
        for (int k = watcherStart_[static_cast<std::size_t>(i)]; k < watcherStart_[static_cast<std::size_t>(i) + 1];
             ++k)
            markMoved(watchers_[static_cast<std::size_t>(k)]);
    for (const auto& [k, now] : pending_)
        markMoved(tracked_[static_cast<std::size_t>(rowOwner_[static_cast<std::size_t>(k)])].watched);
    for (const auto& [k, now] : entryChanges_)
        markMoved(tracked_[static_cast<std::size_t>(entries_[static_cast<std::size_t>(k)].owner)].watched);
    for (int w : recheck_) markMoved(w);
}

void LatencyStepper::write(std::vector<double>& x, int i, double change) {
    if (logWrites_) undoX_.emplace_back(i, x[static_cast<std::size_t>(i)]);
    x[static_cast<std::size_t>(i)] += change;
}

// Only the right-hand side changed: A x + f0 = 0, x moves by -A^{-1} e_row (its change) for each changed
// row, from the kept columns. The columns first: x is left as it was when one of them is not local.
bool LatencyStepper::applyColumns(std::vector<double>& x) {
    std::size_t entries = 0;
    for (const auto& [k, now] : pending_) {
        const SparseColumn*& column = columnOf_[static_cast<std::size_t>(k)];
        if (!column) {
            column = columns_->column(rows_[static_cast<std::size_t>(k)]);
            if (!column) return false;
            columnsHeld_.push_back(k);
        }
        entries += column->index.size();
        if (entries > budget_) return false;
    }
    for (const auto& [k, now] : pending_) {
        const double change = now - f0_[static_cast<std::size_t>(k)];
        const SparseColumn& column = *columnOf_[static_cast<std::size_t>(k)];
        for (std::size_t j = 0; j < column.index.size(); ++j) write(x, column.index[j], -change * column.value[j]);
    }
    return true;
}

// Entries of A changed too: with the residual of x_old in the new system, r = ΔA x_old + Δf0 (sparse:
// the changed entries' rows and the changed rows), x_new = x_old - A_new^{-1} r.
bool LatencyStepper::solveResidual(std::vector<double>& x) {
    residual_.clear();
    newEntries_.clear();
    for (const auto& [k, now] : entryChanges_) {
        const Entry& e = entries_[static_cast<std::size_t>(k)];
        residual_.emplace_back(e.row, (now - e.value) * x[static_cast<std::size_t>(e.column)]);
        changedTo_[static_cast<std::size_t>(k)] = now;
    }
    if (++keptStampNow_ == 0) {
        std::fill(keptStamp_.begin(), keptStamp_.end(), 0u);
        keptStampNow_ = 1;
    }
    for (const auto& [k, now] : entryChanges_) // each changed offset's change, summed at its first entry
        keptDelta_[static_cast<std::size_t>(firstOfOffset_[static_cast<std::size_t>(k)])] +=
            now - entries_[static_cast<std::size_t>(k)].value;
    for (const auto& [k, now] : entryChanges_) {
        const auto kept = static_cast<std::size_t>(firstOfOffset_[static_cast<std::size_t>(k)]);
        if (keptStamp_[kept] == keptStampNow_) continue; // (its offset is done)
        keptStamp_[kept] = keptStampNow_;
        // The value plus the change; now and then it is summed again from its base and all its
        // devices' parts, so rounding does not accumulate over flips. A diagonal shared by a whole
        // crossbar line has one part per cell: the period grows with them (O(1) per flip on average).
        double total = columns_->entry(static_cast<int>(kept)) + keptDelta_[kept];
        if (++sinceRebuild_[kept] >= rebuildAfter_[kept]) {
            sinceRebuild_[kept] = 0;
            total = keptBase_[kept];
            for (int j = static_cast<int>(kept); j >= 0; j = nextAtOffset_[static_cast<std::size_t>(j)]) {
                const double changed = changedTo_[static_cast<std::size_t>(j)];
                total += std::isnan(changed) ? entries_[static_cast<std::size_t>(j)].value : changed;
            }
        }
        keptDelta_[kept] = 0.0;
        undoA_.emplace_back(static_cast<int>(kept), columns_->entry(static_cast<int>(kept)));
        newEntries_.emplace_back(static_cast<int>(kept), total);
    }
    for (const auto& [k, now] : entryChanges_)
        changedTo_[static_cast<std::size_t>(k)] = std::numeric_limits<double>::quiet_NaN();
    for (const auto& [k, now] : pending_)
        residual_.emplace_back(rows_[static_cast<std::size_t>(k)], now - f0_[static_cast<std::size_t>(k)]);
    columns_->setEntries(newEntries_);
    forgetColumns();
    if (!columns_->solve(residual_, solution_)) return false;
    for (std::size_t j = 0; j < solution_.index.size(); ++j) write(x, solution_.index[j], -solution_.value[j]);
    return true;
}

// The kept columns belong to the matrix before setEntries.
void LatencyStepper::forgetColumns() {
    for (int k : columnsHeld_) columnOf_[static_cast<std::size_t>(k)] = nullptr;
    columnsHeld_.clear();
}

double LatencyStepper::eventInside(const EvalContext& ctx, double previousTime) {
    double earliest = std::numeric_limits<double>::infinity();
    for (int w : moved_)
        if (watched_[static_cast<std::size_t>(w)].locating)
            earliest = std::min(earliest, watched_[static_cast<std::size_t>(w)].device->eventTime(ctx, previousTime));
    return earliest;
}

void LatencyStepper::commit() {
    for (const auto& [k, now] : pending_) f0_[static_cast<std::size_t>(k)] = now;
    for (const auto& [k, now] : entryChanges_) entries_[static_cast<std::size_t>(k)].value = now;
    for (int t : dirty_) tracked_[static_cast<std::size_t>(t)].dirty = false;
    dirty_.clear();
    recheck_.clear();
    pending_.clear();
    entryChanges_.clear();
    undoX_.clear();
    undoA_.clear();
}

void LatencyStepper::rollback(std::vector<double>& x) {
    for (auto it = undoX_.rbegin(); it != undoX_.rend(); ++it) x[static_cast<std::size_t>(it->first)] = it->second;
    undoX_.clear();
    if (!undoA_.empty()) {
        columns_->setEntries(undoA_);
        forgetColumns();
        undoA_.clear();
    }
    pending_.clear();
    entryChanges_.clear();
}

} // namespace spinspice
