#include "solver/ac_system.hpp"

#include <bit>
#include <cstdint>

namespace spinspice {
namespace {

// Whether an entry of `a` at `offsets` is nonzero (either part; -0.0 is zero, NaN is not), without a
// branch per entry (a scan per factorisation).
bool anyNonzero(const std::vector<std::complex<double>>& a, const std::vector<int>& offsets) {
    std::uint64_t bits = 0;
    for (int k : offsets) {
        const std::complex<double> v = a[static_cast<std::size_t>(k)];
        bits |= (std::bit_cast<std::uint64_t>(v.real()) | std::bit_cast<std::uint64_t>(v.imag())) << 1;
    }
    return bits != 0;
}

} // namespace

void AcSystem::rebuild(const std::vector<std::complex<double>>& a) {
    const int n = full_.size();
    const std::vector<int>& colPtr = full_.colPtr();
    const std::vector<int>& rowIdx = full_.rowIdx();
    // Entries kept before stay kept (an entry that comes and goes would otherwise rebuild every time).
    std::vector<char> wasKept(rowIdx.size(), 0);
    wasKept.swap(isKept_);
    if (wasKept.size() != rowIdx.size()) wasKept.assign(rowIdx.size(), 0);
    dropped_.clear();
    // Off-diagonal entries per row and column decide which unknowns are decoupled.
    std::vector<int> offDiagonal(static_cast<std::size_t>(n) + 1, 0);
    for (int col = 0; col < n; ++col)
        for (int k = colPtr[static_cast<std::size_t>(col)]; k < colPtr[static_cast<std::size_t>(col) + 1]; ++k) {
            const auto offset = static_cast<std::size_t>(k);
            const int row = rowIdx[offset];
            if (row != col && a[offset] == std::complex<double>(0.0, 0.0) && !wasKept[offset]) {
                dropped_.push_back(k);
                continue;
            }
            isKept_[offset] = 1;
            if (row != col) {
                offDiagonal[static_cast<std::size_t>(row)]++;
                offDiagonal[static_cast<std::size_t>(col)]++;
            }
        }
    // Compact numbering of the coupled unknowns (0-based in KLU's system).
    std::vector<int> compact(static_cast<std::size_t>(n), -1);
    coupled_.clear();
    decoupled_.clear();
    decoupledDiagonal_.clear();
    for (int u = 0; u < n; ++u) {
        if (offDiagonal[static_cast<std::size_t>(u)] > 0) {
            compact[static_cast<std::size_t>(u)] = static_cast<int>(coupled_.size());
            coupled_.push_back(u + 1);
        } else {
            decoupled_.push_back(u + 1);
        }
    }
    std::vector<int> reducedColPtr(coupled_.size() + 1, 0), reducedRowIdx;
    kept_.clear();
    decoupledDiagonal_.assign(decoupled_.size(), -1);
    std::size_t nextDecoupled = 0;
    for (int col = 0; col < n; ++col) {
        const bool isCoupled = compact[static_cast<std::size_t>(col)] >= 0;
        for (int k = colPtr[static_cast<std::size_t>(col)]; k < colPtr[static_cast<std::size_t>(col) + 1]; ++k) {
            const auto offset = static_cast<std::size_t>(k);
            if (!isKept_[offset]) continue;
            if (!isCoupled) { // only its diagonal is kept
                decoupledDiagonal_[nextDecoupled] = k;
                continue;
            }
            kept_.push_back(k);
            reducedRowIdx.push_back(compact[static_cast<std::size_t>(rowIdx[offset])]);
        }
        if (isCoupled)
            reducedColPtr[static_cast<std::size_t>(compact[static_cast<std::size_t>(col)]) + 1] =
                static_cast<int>(kept_.size());
        else
            ++nextDecoupled;
    }
    klu_.analyze(static_cast<int>(coupled_.size()), reducedColPtr, reducedRowIdx);
    values_.assign(kept_.size(), {0.0, 0.0});
    inverseDiagonal_.assign(decoupled_.size(), {0.0, 0.0});
    work_.assign(coupled_.size() + 1, {0.0, 0.0});
    built_ = true;
}

bool AcSystem::factor(const std::vector<std::complex<double>>& a) {
    if (!built_ || anyNonzero(a, dropped_)) rebuild(a);
    singularColumn_ = -1;
    for (std::size_t k = 0; k < decoupled_.size(); ++k) {
        // an entry of the pattern without a diagonal: structurally singular
        const int offset = decoupledDiagonal_[k];
        const std::complex<double> d = offset >= 0 ? a[static_cast<std::size_t>(offset)] : 0.0;
        if (d == std::complex<double>(0.0, 0.0)) {
            singularColumn_ = decoupled_[k];
            return false;
        }
        inverseDiagonal_[k] = std::conj(d) / std::norm(d); // not 1.0 / d: libgcc's __divdc3 is 10x slower
    }
    for (std::size_t k = 0; k < kept_.size(); ++k) values_[k] = a[static_cast<std::size_t>(kept_[k])];
    const FactorStats before = klu_.stats;
    const bool ok = klu_.factorComplex(reinterpret_cast<const double*>(values_.data()));
    report_.factorizations += klu_.stats.factorizations - before.factorizations;
    report_.refactorizations += klu_.stats.refactorizations - before.refactorizations;
    if (!ok) {
        const int column = klu_.singularColumn();
        singularColumn_ = column > 0 ? coupled_[static_cast<std::size_t>(column) - 1] : -1;
    }
    return ok;
}

void AcSystem::solve(std::complex<double>* b) {
    for (std::size_t k = 0; k < decoupled_.size(); ++k) b[decoupled_[k]] *= inverseDiagonal_[k];
    for (std::size_t j = 0; j < coupled_.size(); ++j) work_[j + 1] = b[coupled_[j]];
    klu_.solveComplex(work_.data());
    for (std::size_t j = 0; j < coupled_.size(); ++j) b[coupled_[j]] = work_[j + 1];
    report_.solves++;
}

} // namespace spinspice
