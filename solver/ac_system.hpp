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
    void solve(std::complex<double>* b) {
        klu_.solveComplex(b);
        report_.solves++;
    }
    // The 1-based unknown of a singular matrix (after factor() returned false), -1 if unknown.
    int singularColumn() const { return klu_.singularColumn(); }
    int reducedEntries() const { return static_cast<int>(kept_.size()); }

private:
    void rebuild(const std::vector<std::complex<double>>& a);

    const PatternBuilder& full_;
    FactorStats& report_;
    KluSolver klu_;
    std::vector<int> kept_;    // full-pattern offsets of the reduced pattern's entries, in its CSC order
    std::vector<char> isKept_; // per full-pattern offset
    std::vector<std::complex<double>> values_;
    bool built_ = false;
};

} // namespace spinspice
