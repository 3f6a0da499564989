#include "solver/multifrontal.hpp"

#include <umfpack.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace spinspice {

MultifrontalLu::MultifrontalLu(int n, const std::vector<int>& colPtr, const std::vector<int>& rowIdx,
                               std::vector<int> order)
    : n_(n), colPtr_(colPtr), rowIdx_(rowIdx), order_(std::move(order)), control_(UMFPACK_CONTROL), info_(UMFPACK_INFO),
      x_(static_cast<std::size_t>(n)), rhs_(static_cast<std::size_t>(n)), work_(static_cast<std::size_t>(n)),
      workIndex_(static_cast<std::size_t>(n)) {
    umfpack_di_defaults(control_.data());
    // The given order, with the symmetric strategy (diagonal pivots preferred: the order was made for
    // A + A^T; the unsymmetric strategy would re-order the columns and fill ten times more).
    control_[UMFPACK_ORDERING] = UMFPACK_ORDERING_GIVEN;
    control_[UMFPACK_STRATEGY] = UMFPACK_STRATEGY_SYMMETRIC;
    // No row scaling and no iterative refinement, as KluSolver's KLU: the pivot test is on unscaled
    // values, and Newton's next iteration refines anyway.
    control_[UMFPACK_SCALE] = UMFPACK_SCALE_NONE;
    control_[UMFPACK_IRSTEP] = 0;
}

MultifrontalLu::~MultifrontalLu() {
    if (numeric_) umfpack_di_free_numeric(&numeric_);
    if (symbolic_) umfpack_di_free_symbolic(&symbolic_);
}

bool MultifrontalLu::factor(const double* a, double pivotTolerance) {
    singularColumn_ = -1;
    if (!symbolic_) {
        const int status = umfpack_di_qsymbolic(n_, n_, colPtr_.data(), rowIdx_.data(), a, order_.data(), &symbolic_,
                                                control_.data(), info_.data());
        if (status != UMFPACK_OK) {
            symbolic_ = nullptr;
            throw std::runtime_error("UMFPACK symbolic analysis failed (status " + std::to_string(status) + ")");
        }
    }
    if (numeric_) umfpack_di_free_numeric(&numeric_);
    const int status =
        umfpack_di_numeric(colPtr_.data(), rowIdx_.data(), a, symbolic_, &numeric_, control_.data(), info_.data());
    if (status == UMFPACK_ERROR_out_of_memory) throw std::bad_alloc();
    if (status != UMFPACK_OK && status != UMFPACK_WARNING_singular_matrix) {
        if (numeric_) umfpack_di_free_numeric(&numeric_);
        numeric_ = nullptr;
        return false;
    }
    if (pivotsAbove(pivotTolerance)) return true;
    umfpack_di_free_numeric(&numeric_);
    numeric_ = nullptr;
    return false;
}

// The diagonal of U (unscaled: no row scaling) against the tolerance; the column of the smallest.
bool MultifrontalLu::pivotsAbove(double pivotTolerance) {
    std::vector<double> diagonal(static_cast<std::size_t>(n_));
    std::vector<int> columnOrder(static_cast<std::size_t>(n_));
    int doRecip = 0;
    if (umfpack_di_get_numeric(nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, columnOrder.data(),
                               diagonal.data(), &doRecip, nullptr, numeric_) != UMFPACK_OK)
        return false;
    double smallest = std::numeric_limits<double>::infinity();
    int smallestAt = -1;
    for (int k = 0; k < n_; ++k) {
        const double v = std::fabs(diagonal[static_cast<std::size_t>(k)]);
        if (!(v >= smallest)) { // also catches NaN
            smallest = v;
            smallestAt = k;
        }
    }
    if (std::isfinite(smallest) && smallest > pivotTolerance) return true;
    singularColumn_ = smallestAt >= 0 ? columnOrder[static_cast<std::size_t>(smallestAt)] : -1;
    return false;
}

void MultifrontalLu::solve(double* b) {
    for (int i = 0; i < n_; ++i) rhs_[static_cast<std::size_t>(i)] = b[i + 1];
    umfpack_di_wsolve(UMFPACK_A, colPtr_.data(), rowIdx_.data(), nullptr, x_.data(), rhs_.data(), numeric_,
                      control_.data(), info_.data(), workIndex_.data(), work_.data());
    for (int i = 0; i < n_; ++i) b[i + 1] = x_[static_cast<std::size_t>(i)];
}

} // namespace spinspice
