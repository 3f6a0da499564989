// Preconditioned conjugate gradients for large DC systems that reduce to a symmetric positive definite
// nodal matrix: resistive and MTJ crossbars, wire meshes. A direct factorisation of such a matrix fills
// in (nested dissection, UMFPACK: seconds and gigabytes at 10^6 unknowns); PCG needs a few vectors.
//
// The reduction (exact, no approximation): rows the DC solve holds (a Held state: the row x_s = x0_s)
// and nodes fixed by a grounded voltage source (its branch row reads x_a = V) are known before the
// solve, so their columns move to the right-hand side; the sources' branch currents come back from the
// KCL rows of their nodes afterwards. What remains (the free unknowns) must be symmetric with a positive
// diagonal, checked on every matrix.
//
// The preconditioner is symmetric block Gauss-Seidel over *lines*: chains of unknowns joined by strong
// couplings (|a_ij| >= 0.1 sqrt(a_ii a_jj), each unknown with its two strongest), found from the
// matrix, not from geometry. In a crossbar they are the word and bit lines (0.5 S wires against 1e-4 S
// cells): each line's tridiagonal block is solved exactly (Thomas), the weak cell couplings are swept
// forward then backward. Lines are coloured so that lines of one colour do not touch (a crossbar:
// 2 colours), and numbered colour by colour, each line contiguous. Saad, "Iterative Methods for Sparse
// Linear Systems", 2nd ed. (2003): PCG Alg. 9.1, SSOR/SGS preconditioning §10.2, block relaxation §4.1.
#pragma once

#include "devices/pattern.hpp"

#include <vector>

namespace spinspice {

struct IterativeStats {
    long prepared = 0;   // matrices accepted (values gathered, line blocks factored)
    long solves = 0;     // systems solved
    long iterations = 0; // PCG iterations over all solves
    long failures = 0;   // matrices refused or solves that did not converge (the caller falls back)
};

class IterativeSolver {
public:
    // What each unknown is (1-based, index 0 unused): nodal (Voltage), branch current, or a state held
    // by the DC solve (identity row).
    enum class Kind : char { Node, Current, Held, Other };

    // Structural pass, once per pattern: classifies the unknowns, checks that the free part is
    // structurally symmetric and builds its pattern. Returns false (and the caller keeps its direct
    // solver) when a branch current is not that of a grounded source, or the free part is not symmetric.
    bool analyze(const PatternBuilder& pattern, const std::vector<Kind>& kinds);
    // Numeric pass on a matrix (CSC values in the pattern's order, as the Newton solver assembles them;
    // solve() reads it again, so it must stay unchanged until the next prepare()).
    // False when the reduced matrix is not symmetric with a positive diagonal or a line block is not
    // positive definite. The first matrix also fixes the lines and the numbering.
    bool prepare(const double* a);
    // Solves A x = b in place (b 1-based, b[0] ignored) with the prepared matrix. False when PCG broke
    // down or did not reach the tolerance; b is then unchanged.
    bool solve(double* b);

    int freeUnknowns() const { return static_cast<int>(freeOld_.size()); }
    int lines() const { return static_cast<int>(lineStart_.size()) - 1; }
    int colours() const { return colours_; }
    // Share of free unknowns in a line whose strongest in-line coupling is >= 10x their strongest
    // coupling to other lines: where lines pay (a crossbar: ~1; an isotropic grid: ~0).
    double lineDominance() const { return lineDominance_; }

    double tolerance = 1e-12; // on ||b - A x|| / ||b|| of the free system
    IterativeStats stats;

private:
    bool buildLines(const std::vector<double>& values);
    struct Chains {
        std::vector<int> order;  // free positions, chain by chain
        std::vector<int> start;  // chain k is order[start[k], start[k+1])
        std::vector<int> lineOf; // the chain of each free position
    };
    Chains findChains(const std::vector<double>& values, const std::vector<double>& diag) const;
    std::vector<int> colourLines(const Chains& chains); // sets colours_
    void permute(const std::vector<int>& newOf);
    void precondition(const double* r, double* z);
    void multiply(const double* x, double* y) const;
    double roundingFloor(const double* x) const;
    bool pcg(const double* rhs, double* x);

    const PatternBuilder* pattern_ = nullptr;
    const double* a_ = nullptr; // the prepared matrix: must stay unchanged until the next prepare()
    int n_ = 0;
    // Grounded sources: branch unknown, its node, the offsets of A[branch, node], A[branch, branch] (-1:
    // none) and A[node, branch], and the other entries of the node's row (offset, column), from which the
    // current is recovered.
    struct Source {
        int branch, node, rowEntry, branchDiagonal, nodeBranchEntry;
        std::vector<std::pair<int, int>> nodeRow;
    };
    std::vector<Source> sources_;
    std::vector<int> heldRows_, heldOffDiagonal_; // held rows, and the entries of those rows off the diagonal
    std::vector<int> knownColumns_;               // held and fixed unknowns: their columns go to the rhs
    std::vector<int> newOf_;                      // free position of each unknown (-1: not free)
    std::vector<int> freeOld_;                    // unknown of each free position
    // The free system in CSR (columns sorted), each entry's offset in the full matrix, and its values.
    std::vector<int> rowPtr_, col_, offset_;
    std::vector<double> val_;
    // Lines: [lineStart_[k], lineStart_[k+1]) of the free positions; per row, where the entries of
    // earlier lines end and those of later lines begin; the line blocks' LDL^T factors.
    bool linesBuilt_ = false;
    std::vector<int> lineStart_, lowerEnd_, upperBegin_;
    std::vector<double> lineL_, lineInvPivot_;
    int colours_ = 0;
    double lineDominance_ = 0;
    std::vector<double> r_, z_, p_, q_, x_, rhs_, known_;
};

} // namespace spinspice
