// Sparsity pattern built once per topology. Devices ask for (row, col) entries and get a handle;
// after build() the handle maps to an offset into the CSC value array. Unknown indices are 1-based
// (0 is ground); entries in the ground row or column go to a trash slot at offset nnz, so devices
// stamp without branches.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace spinspice {

class PatternBuilder {
public:
    static constexpr int kTrash = -1;

    // Request entry (row, col); returns a handle (kTrash if row or col is ground).
    int entry(int row, int col);
    // Build the CSC pattern for n unknowns; every diagonal entry is present.
    void build(int n);
    // CSC offset of a handle (nnz for kTrash). Valid after build(), until releaseHandles().
    int offset(int handle) const;
    // Forgets the handles (once every device has bound its offsets: a large circuit has millions).
    void releaseHandles();
    // CSC offset of (row, col) (1-based unknowns); -1 if absent. Valid after build(). Not for inner loops.
    int find(int row, int col) const;
    int diagonalOffset(int unknown) const { return diag_[static_cast<std::size_t>(unknown)]; }

    int size() const { return n_; }
    int nnz() const { return static_cast<int>(rowIdx_.size()); }
    const std::vector<int>& colPtr() const { return colPtr_; } // size n+1, 0-based rows
    const std::vector<int>& rowIdx() const { return rowIdx_; }

private:
    std::vector<std::pair<int, int>> requests_; // (row, col), 1-based
    std::vector<int> handleOffset_;
    std::vector<int> colPtr_, rowIdx_;
    std::vector<int> diag_; // offset of (i, i), index 1..n
    int n_ = 0;
};

// y += A x for a CSC matrix with values `a` (0-based rows), x and y 1-based (index 0 = ground).
void cscMultiplyAdd(const PatternBuilder& p, const double* a, const double* x, double* y);

} // namespace spinspice
