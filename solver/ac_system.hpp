// The small-signal (complex) system of analyses that solve at many frequencies (.ac, .tones), factored
// on the entries that are structurally nonzero there rather than on the circuit's whole pattern.
//
// The circuit's pattern holds every entry any analysis stamps. In the small-signal matrix many are
// zero: a device state that is inert there (an sdiode's resonator states are identity rows in .ac and
// .tones, but coupled to the device current in the transient) keeps only its diagonal. Factored on the
// full pattern, KLU sees one large block; on the reduced one its block-triangular form splits such
// states off as 1 x 1 blocks (an RF network of sdiode chains: 3 943 unknowns in one block before). The
// reduced pattern is taken from the first matrix's nonzero entries (and every diagonal); each later
// matrix is checked for an entry outside it, which rebuilds it (the answer never depends on the guess).
//
// Unknowns decoupled in the reduced pattern (a row and a column holding only the diagonal: such inert
// states, 2 560 of 3 951 unknowns in the digits network) are left out of KLU's system altogether and
// solved by one division, so KLU factors and solves only the coupled part (1 391 unknowns there): its
// per-unknown and per-block work in the refactorisation and the solve is what such a system costs.
#pragma once

#include "devices/pattern.hpp"
#include "solver/klu_solver.hpp"

#include <complex>
#include <vector>

namespace spinspice {

class AcSystem {
public:
    // Counts its factorisations and solves into `report` too (the analysis' statistics). `ordering`: the
    // fill-reducing order the circuit's real solver chose (KluSolver::ordering()).
    AcSystem(const PatternBuilder& pattern, FactorStats& report, int ordering) : full_(pattern), report_(report) {
        klu_.fixOrdering(ordering);
    }

    // Factor the matrix `a` (values on the full pattern, size nnz + 1 with the trash slot last).
    bool factor(const std::vector<std::complex<double>>& a);
    // Solve in place: b is 1-based (b[0] ignored), size n + 1.
    void solve(std::complex<double>* b);
    // The 1-based unknown of a singular matrix (after factor() returned false), -1 if unknown.
    int singularColumn() const { return singularColumn_; }
    // Entries of the reduced pattern (the coupled part's and the decoupled unknowns' diagonals).
    int reducedEntries() const { return static_cast<int>(kept_.size() + decoupledDiagonal_.size()); }
    int decoupledUnknowns() const { return static_cast<int>(decoupled_.size()); }

private:
    void rebuild(const std::vector<std::complex<double>>& a);

    const PatternBuilder& full_;
    FactorStats& report_;
    KluSolver klu_;
    std::vector<int> kept_;    // full-pattern offsets of the coupled part's entries, in its CSC order
    std::vector<char> isKept_; // per full-pattern offset: in the reduced pattern
    std::vector<int> dropped_; // full-pattern offsets not in the reduced pattern (checked for nonzeros)
    std::vector<int> coupled_; // the coupled part's unknowns (1-based), in its order
    std::vector<int> decoupled_, decoupledDiagonal_; // decoupled unknowns (1-based) and their diagonals' offsets
    std::vector<std::complex<double>> values_, inverseDiagonal_, work_;
    int singularColumn_ = -1;
    bool built_ = false;
};

} // namespace spinspice
