#include "devices/pattern.hpp"

#include <algorithm>
#include <stdexcept>

namespace spinspice {

int PatternBuilder::entry(int row, int col) {
    if (row <= 0 || col <= 0) return kTrash;
    requests_.emplace_back(row, col);
    return static_cast<int>(requests_.size()) - 1;
}

void PatternBuilder::build(int n) {
    n_ = n;
    // Column-major unique list of entries, diagonals always present (gmin stepping, pivoting): the rows
    // bucketed by column (counting sort), then sorted and made unique within each column.
    const auto columns = static_cast<std::size_t>(n) + 1;
    std::vector<int> start(columns + 1, 0);
    for (const auto& [r, c] : requests_) start[static_cast<std::size_t>(c)]++;
    for (int i = 1; i <= n; ++i) start[static_cast<std::size_t>(i)]++;
    for (std::size_t c = 1; c <= columns; ++c) start[c] += start[c - 1]; // start[c]: end of column c
    std::vector<int> rows(static_cast<std::size_t>(start[columns]));
    for (int i = n; i >= 1; --i) rows[static_cast<std::size_t>(--start[static_cast<std::size_t>(i)])] = i;
    for (auto it = requests_.rbegin(); it != requests_.rend(); ++it)
        rows[static_cast<std::size_t>(--start[static_cast<std::size_t>(it->second)])] = it->first;
    colPtr_.assign(columns, 0);
    rowIdx_.clear();
    rowIdx_.reserve(rows.size());
    for (int c = 1; c <= n; ++c) {
        const auto begin = rows.begin() + start[static_cast<std::size_t>(c)];
        const auto end = rows.begin() + start[static_cast<std::size_t>(c) + 1];
        std::sort(begin, end);
        for (auto it = begin; it != end; it = std::upper_bound(it, end, *it)) rowIdx_.push_back(*it - 1);
        colPtr_[static_cast<std::size_t>(c)] = static_cast<int>(rowIdx_.size());
    }
    rowIdx_.shrink_to_fit();

    handleOffset_.resize(requests_.size());
    for (std::size_t h = 0; h < requests_.size(); ++h) handleOffset_[h] = find(requests_[h].first, requests_[h].second);
    diag_.assign(static_cast<std::size_t>(n) + 1, nnz());
    for (int i = 1; i <= n; ++i) diag_[static_cast<std::size_t>(i)] = find(i, i);
    requests_.clear();
    requests_.shrink_to_fit();
}

void PatternBuilder::releaseHandles() {
    handleOffset_.clear();
    handleOffset_.shrink_to_fit();
}

int PatternBuilder::offset(int handle) const {
    if (handle == kTrash) return nnz();
    return handleOffset_.at(static_cast<std::size_t>(handle));
}

int PatternBuilder::find(int row, int col) const {
    if (row <= 0 || col <= 0 || col > n_ || row > n_) return -1;
    const auto begin = rowIdx_.begin() + colPtr_[static_cast<std::size_t>(col) - 1];
    const auto end = rowIdx_.begin() + colPtr_[static_cast<std::size_t>(col)];
    const auto it = std::lower_bound(begin, end, row - 1);
    if (it == end || *it != row - 1) return -1;
    return static_cast<int>(it - rowIdx_.begin());
}

void cscMultiplyAdd(const PatternBuilder& p, const double* a, const double* x, double* y) {
    const auto& cp = p.colPtr();
    const auto& ri = p.rowIdx();
    for (int c = 0; c < p.size(); ++c) {
        const double xc = x[c + 1];
        if (xc == 0.0) continue;
        for (int k = cp[static_cast<std::size_t>(c)]; k < cp[static_cast<std::size_t>(c) + 1]; ++k)
            y[ri[static_cast<std::size_t>(k)] + 1] += a[k] * xc;
    }
}

} // namespace spinspice
