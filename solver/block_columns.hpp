// Single columns of A^{-1} for a constant sparse matrix, each computed over the part of the system that
// its row reaches. A is permuted once to block upper triangular form (SuiteSparse BTF: a maximum
// matching, then the strongly connected components; Duff & Reid 1978, as KLU does): x of a block depends
// only on the right-hand side of that block and on x of later blocks. A^{-1} e_r is therefore non-zero
// only on the blocks reachable backwards from r's block through the off-diagonal entries, and costs
// the size of that reach, not of the system. In a p-bit network (each p-bit's output source and each
// synapse are their own 1x1 blocks) that reach is the p-bit and its neighbours.
#pragma once

#include "devices/pattern.hpp"

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace spinspice {

// A^{-1} e_r: its non-zero entries (1-based unknowns).
struct SparseColumn {
    std::vector<int> index;
    std::vector<double> value;
};

class BlockColumns {
public:
    // A = (pattern, values), n x n; the values are copied. A column whose reach passes a diagonal block
    // too large to be solved densely (or singular at its pivots), or holds more than maxEntries
    // entries, is not local: `fullSolve`, if given, solves A y = b in place for it (b 1-based, size
    // n + 1); without one, column() returns nullptr for it.
    // `keep`: offsets (into the pattern's CSC values) held in the structure even while zero, whose
    // values setEntries() may change later (the entries devices change at their events).
    BlockColumns(const PatternBuilder& pattern, const double* values, std::function<void(double*)> fullSolve = {},
                 std::size_t maxEntries = static_cast<std::size_t>(-1), const std::vector<int>& keep = {});
    ~BlockColumns();

    // The value of kept entry k (keep[k]).
    double entry(int k) const { return values_[static_cast<std::size_t>(kept_[static_cast<std::size_t>(k)].index)]; }
    // New values of kept entries (k, value). A diagonal block they touch is refactored when next
    // reached; every kept column is dropped (pointers from column() no longer stand). The block
    // structure stays.
    void setEntries(const std::vector<std::pair<int, double>>& keptValues);
    // y = A^{-1} b for a sparse b ((1-based row, value); a row may repeat), over the blocks b reaches,
    // into `out`; false when that reach is not local (see the constructor).
    bool solve(const std::vector<std::pair<int, double>>& b, SparseColumn& out);

    // A^{-1} e_row (row 1-based), computed at the first request and kept; nullptr when it is not local
    // and there is no full solve.
    const SparseColumn* column(int row);

    int blocks() const { return blocks_; }
    int largestBlock() const { return largestBlock_; }
    long fullSolves() const { return fullSolves_; } // columns that needed the fallback

private:
    struct DenseBlock; // the LU of a diagonal block larger than 1 x 1
    bool reachSolve(const std::pair<int, double>* b, std::size_t count, SparseColumn& out);
    void factorOneByOne(int block);
    void fullSolveColumn(int row, SparseColumn& out);
    const DenseBlock* denseBlock(int block);
    void pushBlock(int block);

    int n_ = 0, blocks_ = 0, largestBlock_ = 0;
    std::vector<int> colPtr_, rowIdx_; // A without its zero entries (CSC, 0-based)
    std::vector<double> values_;
    std::vector<int> rowPosition_; // row i (0-based) -> its position in the permuted order
    std::vector<int> colAt_;       // permuted position -> column (0-based)
    std::vector<int> colPosition_; // column (0-based) -> permuted position
    struct KeptEntry {
        int index, column; // into rowIdx_/values_; its column (0-based)
    };
    std::vector<KeptEntry> kept_;  // keep[k] -> where it is
    std::vector<int> blockStart_;  // block b: permuted positions blockStart_[b] .. blockStart_[b+1]-1
    std::vector<int> blockOf_;     // permuted position -> block
    std::vector<double> diagonal_; // a 1 x 1 block's entry (0: none, a singular block)
    std::unordered_map<int, std::unique_ptr<DenseBlock>> dense_;
    std::unordered_map<int, SparseColumn> cache_;
    std::unordered_map<int, bool> notLocal_;
    std::function<void(double*)> fullSolve_;
    std::size_t maxEntries_;
    long fullSolves_ = 0;
    // Work space of one reach solve: the right-hand side by permuted position, the queued blocks.
    std::vector<double> work_, blockWork_; // (blockWork_: one block's values)
    std::vector<int> heap_;                // a max-heap of the blocks to solve (later blocks first)
    std::vector<unsigned> queuedStamp_;    // block -> the solve that queued it
    unsigned stamp_ = 0;
};

} // namespace spinspice
