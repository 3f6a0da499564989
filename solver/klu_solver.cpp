#include "solver/klu_solver.hpp"

#include "solver/metis_order.hpp"

#include <klu.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace spinspice {

struct KluSolver::Impl {
    klu_common common{};
    klu_symbolic* symbolic = nullptr; // owned by `owner`, which a SymbolicCache may share
    std::shared_ptr<klu_symbolic> owner;
    void setSymbolic(klu_symbolic* s) {
        symbolic = s;
        owner = s ? std::shared_ptr<klu_symbolic>(s,
                                                  [](klu_symbolic* p) {
                                                      klu_common c;
                                                      klu_defaults(&c);
                                                      klu_free_symbolic(&p, &c);
                                                  })
                  : nullptr;
    }
    std::vector<int> colPtr, rowIdx;
    std::vector<double> work; // 0-based rhs buffer
};

KluSolver::KluSolver() : impl_(std::make_unique<Impl>()) {
    klu_defaults(&impl_->common);
    impl_->common.btf = 1;
    // No row scaling (as SPICE's Sparse): KLU would otherwise rescan the whole matrix at every refactor;
    // partial pivoting with threshold tol = 0.001 works on the unscaled MNA rows.
    impl_->common.scale = -1;              // -1: not even the scan that checks the (fixed, valid) pattern
    impl_->common.user_order = metisOrder; // ordering 3, when the first factorisation chose it
}

void KluSolver::freeNumeric(void*& numeric) {
    if (!numeric) return;
    auto* num = static_cast<klu_numeric*>(numeric);
    klu_free_numeric(&num, &impl_->common);
    numeric = nullptr;
}

void KluSolver::forgetKept(bool keepSeen) {
    for (auto& k : kept_) freeNumeric(k.numeric);
    kept_.clear();
    if (!keepSeen) seen_.clear();
    keyed_ = false;
}

// Keys within 1e-9 (relative) match: a step size that comes back after a breakpoint is t_break - t,
// whose rounding grows with t (1e-12 of a 5 ps step at 20 ns), and solving with G + a0' C instead of
// G + a0 C, a0' within 1e-9 of a0, changes a linear step's Newton update by ~1e-9 of itself.
bool KluSolver::switchTo(double key) {
    ++uses_;
    auto same = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::fabs(b); };
    if (factored() && keyed_ && same(key_, key)) return true;
    if (multifrontal_) { // one factorisation, refactored for each new key (these are the large systems)
        keyed_ = true;
        key_ = key;
        return false;
    }
    // A key seen once so far is not worth a new factorisation: the current one is refactored for it
    // (a transient's first steps grow through sizes never seen again); from its second time it is kept.
    auto seen = std::find_if(seen_.begin(), seen_.end(), [&](const auto& k) { return same(k.first, key); });
    if (seen == seen_.end()) {
        if (seen_.size() >= 64) seen_.erase(seen_.begin());
        seen_.emplace_back(key, 0);
        seen = seen_.end() - 1;
    }
    ++seen->second;
    const bool currentRecurs = std::any_of(
        seen_.begin(), seen_.end(), [&](const auto& k) { return keyed_ && same(k.first, key_) && k.second > 1; });
    if (numeric_ && keyed_ && currentRecurs) { // file the current one
        kept_.push_back({key_, numeric_, uses_});
        numeric_ = nullptr;
        // Within the bounds: drop the least recently used ones.
        auto bytes = [&] {
            double total = 0;
            for (const auto& k : kept_) {
                const auto* num = static_cast<const klu_numeric*>(k.numeric);
                total += 12.0 * static_cast<double>(num->lnz + num->unz + num->nzoff) + 24.0 * n_;
            }
            return total;
        };
        while (!kept_.empty() && (kept_.size() > kKeptFactorisations || bytes() > kKeptBytes)) {
            auto oldest = std::min_element(kept_.begin(), kept_.end(),
                                           [](const Kept& a, const Kept& b) { return a.lastUse < b.lastUse; });
            freeNumeric(oldest->numeric);
            kept_.erase(oldest);
        }
    }
    keyed_ = true;
    key_ = key;
    const auto found = std::find_if(kept_.begin(), kept_.end(), [&](const Kept& k) { return same(k.key, key); });
    if (found == kept_.end()) return false; // factor() computes it (refactoring an unkeyed numeric_)
    freeNumeric(numeric_);
    numeric_ = found->numeric;
    key_ = found->key;
    kept_.erase(found);
    return true;
}

KluSolver::~KluSolver() {
    forgetKept();
    if (numeric_) {
        auto* num = static_cast<klu_numeric*>(numeric_);
        klu_free_numeric(&num, &impl_->common);
    }
    if (numericComplex_) {
        auto* num = static_cast<klu_numeric*>(numericComplex_);
        klu_z_free_numeric(&num, &impl_->common);
    }
}

void KluSolver::analyze(const PatternBuilder& pattern) {
    analyze(pattern.size(), pattern.colPtr(), pattern.rowIdx());
}

void KluSolver::analyze(int n, const std::vector<int>& colPtr, const std::vector<int>& rowIdx) {
    n_ = n;
    impl_->colPtr = colPtr;
    impl_->rowIdx = rowIdx;
    forgetKept();
    multifrontal_.reset();
    if (numeric_) {
        auto* num = static_cast<klu_numeric*>(numeric_);
        klu_free_numeric(&num, &impl_->common);
        numeric_ = nullptr;
    }
    if (numericComplex_) {
        auto* num = static_cast<klu_numeric*>(numericComplex_);
        klu_z_free_numeric(&num, &impl_->common);
        numericComplex_ = nullptr;
    }
    impl_->work.assign(static_cast<std::size_t>(2 * n_ + 2), 0.0);
    impl_->setSymbolic(nullptr);
    fromCache_ = false;
    if (cache_ && n_ > 0) {
        std::lock_guard<std::mutex> lock(cache_->mutex_);
        if (cache_->symbolic_ && cache_->n_ == n_ && cache_->colPtr_ == colPtr && cache_->rowIdx_ == rowIdx) {
            impl_->owner = std::static_pointer_cast<klu_symbolic>(cache_->symbolic_);
            impl_->symbolic = impl_->owner.get();
            impl_->common.ordering = cache_->ordering_;
            orderingChosen_ = true;
            fromCache_ = true;
            cache_->hits_++;
            chooseMultifrontal();
            return;
        }
    }
    // AMD until the first factorisation compares (firstFactor), unless fixed
    impl_->common.ordering = fixedOrdering_ >= 0 ? fixedOrdering_ : 0;
    orderingChosen_ = fixedOrdering_ >= 0;
    if (n_ == 0) return;
    impl_->setSymbolic(klu_analyze(n_, impl_->colPtr.data(), impl_->rowIdx.data(), &impl_->common));
    if (!impl_->symbolic) throw std::runtime_error("KLU symbolic analysis failed");
    if (!orderingChosen_) preferNestedDissection();
    chooseMultifrontal();
}

// UMFPACK instead of KLU for the real systems when KLU's factor would hold kMultifrontalEntries or more
// entries in L (the symbolic estimate: the Cholesky factor of A + A^T in the chosen order), in that
// order. Measured on one loaded machine: a 256 x 256 crossbar (2.8 M entries in L) factors in 0.92 s
// with KLU, 0.75 s with UMFPACK, but KLU refactors in 0.30 s against UMFPACK's 0.61 s: KLU stays. At
// 512 x 512 (13.6 M) KLU takes 10.0 s to factor and 5.6 s to refactor, UMFPACK 4.9 s (0.9 s of it
// the symbolic analysis, once). Auto does not choose UMFPACK for a matrix refactored many times (a
// nonlinear circuit): each of its factorisations costs what the first does, while KLU's refactorisation
// is half its factorisation (a 512 x 512 MTJ crossbar .op, three Newton iterations: KLU 24.5 s, UMFPACK
// 25.6 s; at 1000 x 1000, 4 M unknowns, UMFPACK's first factorisation had not finished in 10 minutes).
void KluSolver::chooseMultifrontal() {
    constexpr double kMultifrontalEntries = 6e6;
    multifrontal_.reset();
    if (n_ == 0 || backend == Backend::Klu) return;
    if (backend == Backend::Auto && (manyRefactors || impl_->symbolic->lnz < kMultifrontalEntries)) return;
    multifrontal_ = std::make_unique<MultifrontalLu>(n_, impl_->colPtr, impl_->rowIdx,
                                                     std::vector<int>(impl_->symbolic->Q, impl_->symbolic->Q + n_));
    orderingChosen_ = true; // no trial factorisations: this order is the one
    storeInCache();         // complete without a factorisation (no COLAMD block)
}

// Large mesh-like systems (RC grids, crossbars): METIS's nested dissection often fills less than AMD.
// Both symbolic analyses count the Cholesky factor of A + A^T exactly (AMD's, and metisOrder's own
// count), so the comparison costs no factorisation; nested dissection replaces AMD as the candidate
// firstFactor() weighs against COLAMD when it is at least 5 % smaller.
void KluSolver::preferNestedDissection() {
    constexpr int kMinSize = 1000;
    constexpr double kMinFill = 3.0, kGain = 0.95;
    if (!metisAvailable() || n_ < kMinSize) return;
    const double amd = impl_->symbolic->lnz;
    if (2 * amd + n_ < kMinFill * static_cast<double>(impl_->colPtr.back())) return;
    klu_common trial = impl_->common;
    trial.ordering = 3;
    klu_symbolic* nested = klu_analyze(n_, impl_->colPtr.data(), impl_->rowIdx.data(), &trial);
    if (!nested) return;
    if (nested->lnz < kGain * amd) {
        impl_->setSymbolic(nested);
        impl_->common.ordering = 3;
        return;
    }
    klu_free_symbolic(&nested, &trial);
}

// After a factorisation: KLU only reports exactly-zero pivots, so also reject one whose unscaled
// magnitude |U_kk| * Rs(row) is below pivtol (absolute, as SPICE's PIVTOL); KLU's own row scaling would
// make a relative test call well-posed but badly scaled rows singular. Remember the column of the
// smallest pivot so the caller can name the unknown.
bool KluSolver::checkPivots(const double* /*a*/) {
    auto* num = static_cast<klu_numeric*>(numeric_);
    auto* sym = impl_->symbolic;
    const double* ud = static_cast<const double*>(num->Udiag);
    double smallest = INFINITY;
    int smallestCol = -1;
    for (int k = 0; k < n_; ++k) {
        const double scale = num->Rs ? num->Rs[num->Pnum[k]] : 1.0;
        const double v = std::fabs(ud[k]) * scale;
        if (!(v >= smallest)) { // also catches NaN
            smallest = v;
            smallestCol = sym->Q[k];
        }
    }
    if (std::isfinite(smallest) && smallest > pivotTolerance) return true;
    singularColumn_ = smallestCol >= 0 ? smallestCol + 1 : -1;
    return false;
}

bool KluSolver::factor(const double* a, bool allowRefactor) {
    singularColumn_ = -1;
    if (n_ == 0) return true;
    auto* sym = impl_->symbolic;
    auto& common = impl_->common;
    if (numeric_ && allowRefactor) {
        auto* num = static_cast<klu_numeric*>(numeric_);
        if (klu_refactor(impl_->colPtr.data(), impl_->rowIdx.data(), const_cast<double*>(a), sym, num, &common) &&
            common.status == KLU_OK && checkPivots(a)) {
            stats.refactorizations++;
            return true;
        }
    }
    if (numeric_) {
        auto* num = static_cast<klu_numeric*>(numeric_);
        klu_free_numeric(&num, &common);
        numeric_ = nullptr;
    }
    stats.factorizations++;
    if (multifrontal_) {
        if (multifrontal_->factor(a, pivotTolerance)) return true;
        singularColumn_ = multifrontal_->singularColumn() >= 0 ? multifrontal_->singularColumn() + 1 : -1;
        return false;
    }
    const bool choosing = !orderingChosen_;
    klu_numeric* num =
        orderingChosen_ ? klu_factor(impl_->colPtr.data(), impl_->rowIdx.data(), const_cast<double*>(a), sym, &common)
                        : static_cast<klu_numeric*>(firstFactor(a));
    if (!num || common.status != KLU_OK) {
        if (num) klu_free_numeric(&num, &common);
        singularColumn_ =
            common.singular_col >= 0 && common.singular_col < n_ ? static_cast<int>(common.singular_col) + 1 : -1;
        return false;
    }
    numeric_ = num;
    if (!checkPivots(a)) {
        klu_free_numeric(&num, &common);
        numeric_ = nullptr;
        return false;
    }
    if (choosing) storeInCache();
    return true;
}

// Called after the first successful factorisation, which has filled every block's Lnz in the symbolic
// analysis (klu_factor writes it there for COLAMD orders, once): from then on KLU only reads it. The first
// circuit of a pattern sets the order; later ones with that pattern keep it.
void KluSolver::storeInCache() {
    if (!cache_ || fromCache_) return;
    std::lock_guard<std::mutex> lock(cache_->mutex_);
    if (cache_->symbolic_ && cache_->n_ == n_ && cache_->colPtr_ == impl_->colPtr && cache_->rowIdx_ == impl_->rowIdx)
        return;
    cache_->n_ = n_;
    cache_->colPtr_ = impl_->colPtr;
    cache_->rowIdx_ = impl_->rowIdx;
    cache_->ordering_ = impl_->common.ordering;
    cache_->symbolic_ = impl_->owner;
}

// AMD orders A + A^T for diagonal pivots; an MNA matrix's voltage-source rows have none, and the row
// pivoting they force can fill far beyond AMD's estimate (a 4 000-unknown RF network: 80 660 entries in
// L + U against AMD's estimate of 23 440). COLAMD orders the columns for any row pivoting. The first
// (real) factorisation therefore chooses, and the order is kept for the whole run (and passed on to
// the small-signal systems, AcSystem): COLAMD is factored first and kept outright when its L + U is
// within AMD's estimate (pivoting only adds to that estimate's diagonal-pivot fill in practice, so AMD
// cannot do much better); otherwise AMD is factored too and the smaller L + U wins.
// COLAMD orders A^T A, which a few long rows make dense: on a dense coupling block it fills far worse
// than AMD (a 64-neuron Hopfield crossbar: 9.9 million entries and 30 s, against AMD's 85 700 and
// 6 ms). When sum over rows of (entries)^2, a bound on nnz(A^T A), exceeds kDenseAtA times AMD's
// estimate, AMD goes first and COLAMD is tried only if AMD's L + U ends beyond kAmdBlowUp times its
// estimate. Returns the numeric factorisation (null on failure, status in common).
void* KluSolver::firstFactor(const double* a) {
    constexpr double kDenseAtA = 20.0, kAmdBlowUp = 2.0;
    orderingChosen_ = true;
    auto& common = impl_->common;
    auto* colPtr = impl_->colPtr.data();
    auto* rowIdx = impl_->rowIdx.data();
    auto* values = const_cast<double*>(a);
    auto factorWith = [&](klu_symbolic* sym, klu_common* c) {
        klu_numeric* num = klu_factor(colPtr, rowIdx, values, sym, c);
        if (num && c->status != KLU_OK) klu_free_numeric(&num, c);
        return num;
    };
    const double amdEstimate = impl_->symbolic->lnz + impl_->symbolic->unz;
    std::vector<double> rowCount(static_cast<std::size_t>(n_), 0.0);
    for (const int r : impl_->rowIdx) rowCount[static_cast<std::size_t>(r)] += 1.0;
    double ataBound = 0.0;
    for (const double c : rowCount) ataBound += c * c;
    klu_numeric* amd = nullptr;
    // Large systems: the (AMD or nested-dissection) order first as well. Mesh-like ones keep it, and
    // a factorisation of a 100 000-unknown crossbar costs seconds; COLAMD is tried if it blew up.
    constexpr int kLargeSystem = 20000;
    const bool amdFirst = ataBound > kDenseAtA * amdEstimate || n_ >= kLargeSystem;
    if (amdFirst) {
        amd = factorWith(impl_->symbolic, &common);
        if (amd && amd->lnz + amd->unz <= kAmdBlowUp * amdEstimate) return amd;
    }
    klu_common trial = common;
    trial.ordering = 1; // COLAMD
    klu_symbolic* sym = klu_analyze(n_, colPtr, rowIdx, &trial);
    klu_numeric* colamd = sym ? factorWith(sym, &trial) : nullptr;
    if (!amdFirst && (!colamd || colamd->lnz + colamd->unz > amdEstimate)) amd = factorWith(impl_->symbolic, &common);
    if (amd && (!colamd || amd->lnz + amd->unz <= colamd->lnz + colamd->unz)) {
        if (colamd) klu_free_numeric(&colamd, &trial);
        if (sym) klu_free_symbolic(&sym, &trial);
        return amd;
    }
    if (amd) klu_free_numeric(&amd, &common);
    if (!colamd) { // neither factored: report AMD's failure as before
        if (sym) klu_free_symbolic(&sym, &trial);
        return klu_factor(colPtr, rowIdx, values, impl_->symbolic, &common);
    }
    impl_->setSymbolic(sym);
    common.ordering = 1;
    common.status = KLU_OK;
    return colamd;
}

int KluSolver::ordering() const {
    return impl_->common.ordering;
}

void KluSolver::solve(double* b) {
    if (n_ == 0) return;
    stats.solves++;
    if (multifrontal_) return multifrontal_->solve(b);
    klu_solve(impl_->symbolic, static_cast<klu_numeric*>(numeric_), n_, 1, b + 1, &impl_->common);
}

bool KluSolver::factorComplex(const double* a) {
    singularColumn_ = -1;
    if (n_ == 0) return true;
    auto& common = impl_->common;
    if (numericComplex_) {
        auto* num = static_cast<klu_numeric*>(numericComplex_);
        if (klu_z_refactor(impl_->colPtr.data(), impl_->rowIdx.data(), const_cast<double*>(a), impl_->symbolic, num,
                           &common) &&
            common.status == KLU_OK && klu_z_rcond(impl_->symbolic, num, &common) && common.rcond > 1e-15) {
            stats.refactorizations++;
            return true;
        }
        klu_z_free_numeric(&num, &common);
        numericComplex_ = nullptr;
    }
    klu_numeric* num =
        klu_z_factor(impl_->colPtr.data(), impl_->rowIdx.data(), const_cast<double*>(a), impl_->symbolic, &common);
    stats.factorizations++;
    if (!num || common.status != KLU_OK) {
        if (num) klu_z_free_numeric(&num, &common);
        singularColumn_ =
            common.singular_col >= 0 && common.singular_col < n_ ? static_cast<int>(common.singular_col) + 1 : -1;
        return false;
    }
    numericComplex_ = num;
    return true;
}

void KluSolver::solveComplex(std::complex<double>* b) {
    if (n_ == 0) return;
    stats.solves++;
    klu_z_solve(impl_->symbolic, static_cast<klu_numeric*>(numericComplex_), n_, 1, reinterpret_cast<double*>(b + 1),
                &impl_->common);
}

} // namespace spinspice
