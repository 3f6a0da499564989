#include "solver/block_columns.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <btf.h>

namespace spinspice {
namespace {
// Diagonal blocks up to this size are factored densely (once, when first reached); a larger one sends
// the column to the full solve: reaching it costs O(its size^3) densely, more than a sparse LU.
constexpr int kMaxDenseBlock = 64;
} // namespace

struct BlockColumns::DenseBlock {
    Eigen::PartialPivLU<Eigen::MatrixXd> lu;
    bool singular = false;
};

BlockColumns::BlockColumns(const PatternBuilder& pattern, const double* values, std::function<void(double*)> fullSolve,
                           std::size_t maxEntries, const std::vector<int>& keep)
    : n_(pattern.size()), fullSolve_(std::move(fullSolve)), maxEntries_(maxEntries) {
    const auto n = static_cast<std::size_t>(n_);
    // Only the entries that are not zero: the pattern holds every diagonal entry and whatever any load
    // might write, and a structural zero would join blocks that do not depend on each other. Kept
    // entries stay whatever their value: one that becomes non-zero later must not join blocks.
    std::vector<std::pair<int, int>> keptSorted; // (offset, k)
    for (std::size_t k = 0; k < keep.size(); ++k) keptSorted.emplace_back(keep[k], static_cast<int>(k));
    std::sort(keptSorted.begin(), keptSorted.end());
    kept_.assign(keep.size(), KeptEntry{-1, -1});
    auto nextKept = keptSorted.begin();
    colPtr_.assign(n + 1, 0);
    for (std::size_t c = 0; c < n; ++c) {
        for (int k = pattern.colPtr()[c]; k < pattern.colPtr()[c + 1]; ++k) {
            const bool kept = nextKept != keptSorted.end() && nextKept->first == k;
            if (values[k] == 0.0 && !kept) continue;
            for (; nextKept != keptSorted.end() && nextKept->first == k; ++nextKept)
                kept_[static_cast<std::size_t>(nextKept->second)] = {static_cast<int>(rowIdx_.size()),
                                                                     static_cast<int>(c)};
            rowIdx_.push_back(pattern.rowIdx()[static_cast<std::size_t>(k)]);
            values_.push_back(values[k]);
        }
        colPtr_[c + 1] = static_cast<int>(rowIdx_.size());
    }
    std::vector<int> rowAt(n), colAt(n), start(n + 1), workspace(5 * n);
    double work = 0;
    int matched = 0;
    blocks_ = btf_order(n_, colPtr_.data(), rowIdx_.data(), 0.0, &work, rowAt.data(), colAt.data(), start.data(),
                        &matched, workspace.data());
    rowPosition_.assign(n, 0);
    colAt_.assign(n, 0);
    colPosition_.assign(n, 0);
    blockOf_.assign(n, 0);
    for (std::size_t k = 0; k < n; ++k) {
        rowPosition_[static_cast<std::size_t>(rowAt[k])] = static_cast<int>(k);
        colAt_[k] = BTF_UNFLIP(colAt[k]);
        colPosition_[static_cast<std::size_t>(colAt_[k])] = static_cast<int>(k);
    }
    blockStart_.assign(start.begin(), start.begin() + blocks_ + 1);
    diagonal_.assign(static_cast<std::size_t>(blocks_), 0.0);
    for (int b = 0; b < blocks_; ++b) {
        const int size = blockStart_[static_cast<std::size_t>(b) + 1] - blockStart_[static_cast<std::size_t>(b)];
        largestBlock_ = std::max(largestBlock_, size);
        for (int p = blockStart_[static_cast<std::size_t>(b)]; p < blockStart_[static_cast<std::size_t>(b) + 1]; ++p)
            blockOf_[static_cast<std::size_t>(p)] = b;
        if (size == 1) factorOneByOne(b);
    }
    work_.assign(n, 0.0);
    queuedStamp_.assign(static_cast<std::size_t>(blocks_), 0u);
}

BlockColumns::~BlockColumns() = default;

// A 1 x 1 block's entry: the values at its position's row in its column.
void BlockColumns::factorOneByOne(int block) {
    const int p = blockStart_[static_cast<std::size_t>(block)], c = colAt_[static_cast<std::size_t>(p)];
    double d = 0.0;
    for (int k = colPtr_[static_cast<std::size_t>(c)]; k < colPtr_[static_cast<std::size_t>(c) + 1]; ++k)
        if (rowPosition_[static_cast<std::size_t>(rowIdx_[static_cast<std::size_t>(k)])] == p)
            d += values_[static_cast<std::size_t>(k)];
    diagonal_[static_cast<std::size_t>(block)] = d;
}

void BlockColumns::setEntries(const std::vector<std::pair<int, double>>& keptValues) {
    for (const auto& [k, value] : keptValues) {
        const KeptEntry& e = kept_.at(static_cast<std::size_t>(k));
        values_[static_cast<std::size_t>(e.index)] = value;
        const int rowBlock = blockOf_[static_cast<std::size_t>(
            rowPosition_[static_cast<std::size_t>(rowIdx_[static_cast<std::size_t>(e.index)])])];
        const int columnBlock = blockOf_[static_cast<std::size_t>(colPosition_[static_cast<std::size_t>(e.column)])];
        if (rowBlock != columnBlock) continue; // a coupling between blocks: no factor changes
        if (blockStart_[static_cast<std::size_t>(rowBlock) + 1] - blockStart_[static_cast<std::size_t>(rowBlock)] == 1)
            factorOneByOne(rowBlock);
        else
            dense_.erase(rowBlock);
    }
    cache_.clear();
    notLocal_.clear();
}

bool BlockColumns::solve(const std::vector<std::pair<int, double>>& b, SparseColumn& out) {
    out.index.clear();
    out.value.clear();
    return reachSolve(b.data(), b.size(), out);
}

const SparseColumn* BlockColumns::column(int row) {
    if (auto it = cache_.find(row); it != cache_.end()) return &it->second;
    if (notLocal_.count(row)) return nullptr;
    SparseColumn out;
    const std::pair<int, double> unit{row, 1.0};
    if (!reachSolve(&unit, 1, out)) {
        if (!fullSolve_) {
            notLocal_.emplace(row, true);
            return nullptr;
        }
        fullSolveColumn(row, out);
    }
    return &cache_.emplace(row, std::move(out)).first->second;
}

void BlockColumns::fullSolveColumn(int row, SparseColumn& out) {
    ++fullSolves_;
    out.index.clear();
    out.value.clear();
    std::vector<double> b(static_cast<std::size_t>(n_) + 1, 0.0);
    b[static_cast<std::size_t>(row)] = 1.0;
    fullSolve_(b.data());
    for (int i = 1; i <= n_; ++i)
        if (b[static_cast<std::size_t>(i)] != 0.0) {
            out.index.push_back(i);
            out.value.push_back(b[static_cast<std::size_t>(i)]);
        }
}

const BlockColumns::DenseBlock* BlockColumns::denseBlock(int block) {
    if (auto it = dense_.find(block); it != dense_.end()) return it->second.get();
    const int s = blockStart_[static_cast<std::size_t>(block)], e = blockStart_[static_cast<std::size_t>(block) + 1];
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(e - s, e - s);
    for (int j = s; j < e; ++j) {
        const int c = colAt_[static_cast<std::size_t>(j)];
        for (int k = colPtr_[static_cast<std::size_t>(c)]; k < colPtr_[static_cast<std::size_t>(c) + 1]; ++k) {
            const int p = rowPosition_[static_cast<std::size_t>(rowIdx_[static_cast<std::size_t>(k)])];
            if (p >= s && p < e) m(p - s, j - s) += values_[static_cast<std::size_t>(k)];
        }
    }
    auto d = std::make_unique<DenseBlock>();
    d->lu.compute(m);
    // PartialPivLU does not report singularity: a zero or tiny pivot relative to the block's scale.
    const double scale = m.cwiseAbs().maxCoeff();
    d->singular = !(d->lu.matrixLU().diagonal().cwiseAbs().minCoeff() > 1e-13 * scale);
    return dense_.emplace(block, std::move(d)).first->second.get();
}

void BlockColumns::pushBlock(int block) {
    if (queuedStamp_[static_cast<std::size_t>(block)] == stamp_) return;
    queuedStamp_[static_cast<std::size_t>(block)] = stamp_;
    heap_.push_back(block);
    std::push_heap(heap_.begin(), heap_.end());
}

// Back substitution over the reached blocks only, last block first (upper block triangular: a block's
// x feeds the right-hand sides of earlier blocks through the off-diagonal entries of its columns).
bool BlockColumns::reachSolve(const std::pair<int, double>* b, std::size_t count, SparseColumn& out) {
    if (++stamp_ == 0) { // the stamp wrapped: no block is queued by stamp 0 any more
        std::fill(queuedStamp_.begin(), queuedStamp_.end(), 0u);
        stamp_ = 1;
    }
    heap_.clear();
    for (std::size_t k = 0; k < count; ++k) {
        const int start = rowPosition_[static_cast<std::size_t>(b[k].first) - 1];
        work_[static_cast<std::size_t>(start)] += b[k].second;
        pushBlock(blockOf_[static_cast<std::size_t>(start)]);
    }
    std::vector<double>& y = blockWork_;
    bool ok = true;
    while (!heap_.empty()) {
        std::pop_heap(heap_.begin(), heap_.end());
        const int b = heap_.back();
        heap_.pop_back();
        const int s = blockStart_[static_cast<std::size_t>(b)], e = blockStart_[static_cast<std::size_t>(b) + 1];
        y.assign(work_.begin() + s, work_.begin() + e);
        std::fill(work_.begin() + s, work_.begin() + e, 0.0);
        if (!ok) continue; // drain the queue, leaving the work space clean
        if (e - s == 1) {
            const double d = diagonal_[static_cast<std::size_t>(b)];
            if (d == 0.0) {
                ok = false;
                continue;
            }
            y[0] /= d;
        } else {
            const DenseBlock* dense = e - s <= kMaxDenseBlock ? denseBlock(b) : nullptr;
            if (!dense || dense->singular) {
                ok = false;
                continue;
            }
            Eigen::Map<Eigen::VectorXd> v(y.data(), e - s);
            v = dense->lu.solve(Eigen::VectorXd(v));
        }
        for (int j = s; j < e; ++j) {
            const double yj = y[static_cast<std::size_t>(j - s)];
            if (yj == 0.0) continue;
            const int c = colAt_[static_cast<std::size_t>(j)];
            out.index.push_back(c + 1);
            out.value.push_back(yj);
            if (out.index.size() > maxEntries_) ok = false; // (then drained below)
            for (int k = colPtr_[static_cast<std::size_t>(c)]; k < colPtr_[static_cast<std::size_t>(c) + 1]; ++k) {
                const int p = rowPosition_[static_cast<std::size_t>(rowIdx_[static_cast<std::size_t>(k)])];
                const int pb = blockOf_[static_cast<std::size_t>(p)];
                if (pb >= b) continue; // its own block (upper triangular: no later one)
                work_[static_cast<std::size_t>(p)] -= values_[static_cast<std::size_t>(k)] * yj;
                pushBlock(pb);
            }
        }
    }
    return ok;
}

} // namespace spinspice
