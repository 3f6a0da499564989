// SuiteSparse UMFPACK (multifrontal LU) for the systems KLU factors slowly: large mesh-like matrices
// (crossbars, grids) whose nested-dissection factors have millions of entries. KLU's left-looking
// columns then stream the whole factor per column block, while UMFPACK works on dense frontal matrices
// through BLAS (a 512 x 512 crossbar: 5.6e9 flops, KLU 10.0 s to factor and 5.6 s to refactor, UMFPACK
// 4.0 s, on the same loaded machine). KluSolver chooses it (see KluSolver::chooseMultifrontal) and
// keeps KLU for the complex (AC) systems.
#pragma once

#include <vector>

namespace spinspice {

class MultifrontalLu {
public:
    // The pattern (CSC, 0-based rows; kept by reference: it must outlive this object) and the column
    // order to use (a fill-reducing permutation of 0..n-1, e.g. KLU's nested-dissection one).
    MultifrontalLu(int n, const std::vector<int>& colPtr, const std::vector<int>& rowIdx, std::vector<int> order);
    ~MultifrontalLu();
    MultifrontalLu(const MultifrontalLu&) = delete;
    MultifrontalLu& operator=(const MultifrontalLu&) = delete;

    // Numeric factorisation of the values `a` (the symbolic analysis on the first call). False when
    // singular: no pivot above `pivotTolerance` in magnitude (unscaled, as KluSolver's); singularColumn()
    // then names the 0-based column of the smallest pivot (-1 if unknown).
    bool factor(const double* a, double pivotTolerance);
    bool factored() const { return numeric_ != nullptr; }
    int singularColumn() const { return singularColumn_; }
    // Solve in place; b is 1-based (b[0] ignored), size n+1.
    void solve(double* b);

private:
    bool pivotsAbove(double pivotTolerance);
    int n_;
    const std::vector<int>& colPtr_;
    const std::vector<int>& rowIdx_;
    std::vector<int> order_;
    void* symbolic_ = nullptr;
    void* numeric_ = nullptr;
    std::vector<double> control_, info_, x_, rhs_, work_;
    std::vector<int> workIndex_;
    int singularColumn_ = -1;
};

} // namespace spinspice
