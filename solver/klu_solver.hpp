// SuiteSparse KLU behind a small interface: analyze once per pattern, refactor per Newton iteration
// (reusing the pivot order), full factor as the fallback when the refactored pivots are poor.
#pragma once

#include "devices/pattern.hpp"
#include "solver/multifrontal.hpp"

#include <atomic>
#include <complex>
#include <memory>
#include <mutex>
#include <vector>

namespace spinspice {

struct FactorStats {
    long factorizations = 0;   // full factorisations (with pivot search)
    long refactorizations = 0; // numeric refactorisations reusing the pivot order
    long solves = 0;
};

// The symbolic analysis and the fill-reducing order chosen for one sparsity pattern, handed from one
// solver to the next solver of a circuit with the same pattern (a Session's re-runs with changed
// parameters or states, the points of .step): that solver skips klu_analyze and the ordering trial of
// its first factorisation. The analysis is stored after a first factorisation (which completes it: KLU
// writes the fill estimates of COLAMD blocks into it then); from then on KLU only reads it, so solvers on
// several threads may share one. Holds the last pattern stored; the first circuit of a pattern sets it.
class SymbolicCache {
public:
    long hits() const { return hits_.load(); }

private:
    friend class KluSolver;
    std::mutex mutex_;
    int n_ = -1;
    std::vector<int> colPtr_, rowIdx_;
    int ordering_ = 0;
    std::shared_ptr<void> symbolic_; // klu_symbolic
    std::atomic<long> hits_{0};
};

class KluSolver {
public:
    KluSolver();
    ~KluSolver();
    KluSolver(const KluSolver&) = delete;
    KluSolver& operator=(const KluSolver&) = delete;

    // Symbolic analysis of the pattern (once per topology). With a cache, taken from it when the cache
    // holds the same pattern, and stored in it once the first factorisation has chosen the order.
    void analyze(const PatternBuilder& pattern);
    void useCache(std::shared_ptr<SymbolicCache> cache) { cache_ = std::move(cache); }
    // The same for a CSC pattern given directly (n columns, 0-based rows); drops any factorisation.
    void analyze(int n, const std::vector<int>& colPtr, const std::vector<int>& rowIdx);

    // Numeric factorisation of values `a` (CSC order). Refactors when a factorisation exists and
    // `allowRefactor`; falls back to a full factor when the pivots of the refactorisation are too small.
    // Returns false if the matrix is singular; singularColumn() then names the 1-based unknown.
    bool factor(const double* a, bool allowRefactor = true);
    // Kept factorisations (a linear circuit's transient: one matrix G + a0 C per step size, and the
    // step sizes come back after every breakpoint). switchTo(key) files the current factorisation
    // under its key and makes the one kept under `key` current: true when there is one (no factor()
    // needed), false when the next factor() must compute it: refactoring the current one in place when
    // that has no key or a key asked for only once (those are not filed), else anew. unkey(): the current factorisation
    // no longer stands for a key (the next factor() overwrites it). At most kKeptFactorisations are kept (least
    // recently used dropped), and none beyond kKeptBytes of factors. forgetKept() drops them all;
    // keepSeen: the keys asked for so far still count as seen (the matrix changed, not the step sizes).
    bool switchTo(double key);
    void unkey() { keyed_ = false; }
    void forgetKept(bool keepSeen = false);
    static constexpr std::size_t kKeptFactorisations = 16;
    static constexpr double kKeptBytes = 512e6;
    // Solve in place: b is 1-based (b[0] ignored), size n+1.
    void solve(double* b);
    bool factored() const { return numeric_ != nullptr || (multifrontal_ && multifrontal_->factored()); }
    int singularColumn() const { return singularColumn_; }

    // Complex (AC) factorisation with the same symbolic analysis; a is interleaved re/im, size 2*nnz.
    bool factorComplex(const double* a);
    void solveComplex(std::complex<double>* b); // 1-based, b[0] ignored

    // The fill-reducing order (0 AMD, 1 COLAMD, 3 METIS): chosen at the first factorisation (firstFactor), or
    // fixed beforehand for the next analyze() (a system with the same structure's choice).
    int ordering() const;
    void fixOrdering(int ordering) { fixedOrdering_ = ordering; }

    FactorStats stats;
    double pivotTolerance = 1e-13;
    // Which LU factors the real systems: Auto chooses UMFPACK when the factor would be large (see
    // chooseMultifrontal), Klu and Multifrontal force one (.options linsolver=). Set before analyze().
    enum class Backend { Auto, Klu, Multifrontal } backend = Backend::Auto;
    // The values will be refactored many times (a nonlinear circuit's Newton iterations): Auto keeps
    // KLU, whose refactorisation reuses the pivot order (see chooseMultifrontal).
    bool manyRefactors = false;
    bool multifrontal() const { return multifrontal_ != nullptr; }

private:
    bool checkPivots(const double* a);
    struct Impl;
    std::unique_ptr<Impl> impl_;
    void* numeric_ = nullptr;
    bool orderingChosen_ = false;
    int fixedOrdering_ = -1;
    void* firstFactor(const double* a); // a klu_numeric*: see klu_solver.cpp
    void preferNestedDissection();
    void chooseMultifrontal();
    std::unique_ptr<MultifrontalLu> multifrontal_; // the real systems' LU when chosen, else KLU's
    void* numericComplex_ = nullptr;
    int n_ = 0;
    int singularColumn_ = -1;
    std::shared_ptr<SymbolicCache> cache_;
    bool fromCache_ = false;
    void storeInCache();
    struct Kept {
        double key;
        void* numeric; // klu_numeric*
        long lastUse;
    };
    std::vector<Kept> kept_;
    std::vector<std::pair<double, int>> seen_; // keys asked for, and how often (the last 64)
    bool keyed_ = false;                       // numeric_ is the factorisation of key_
    double key_ = 0;
    long uses_ = 0;
    void freeNumeric(void*& numeric);
};

} // namespace spinspice
