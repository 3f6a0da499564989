#include "solver/ac_system.hpp"

namespace spinspice {

void AcSystem::rebuild(const std::vector<std::complex<double>>& a) {
    const int n = full_.size();
    const std::vector<int>& colPtr = full_.colPtr();
    const std::vector<int>& rowIdx = full_.rowIdx();
    std::vector<int> reducedColPtr(static_cast<std::size_t>(n) + 1, 0), reducedRowIdx;
    // Entries kept before stay kept (an entry that comes and goes would otherwise rebuild every time).
    std::vector<char> wasKept(rowIdx.size(), 0);
    wasKept.swap(isKept_);
    if (wasKept.size() != rowIdx.size()) wasKept.assign(rowIdx.size(), 0);
    kept_.clear();
    for (int col = 0; col < n; ++col) {
        for (int k = colPtr[static_cast<std::size_t>(col)]; k < colPtr[static_cast<std::size_t>(col) + 1]; ++k) {
            const auto offset = static_cast<std::size_t>(k);
            if (a[offset] == std::complex<double>(0.0, 0.0) && rowIdx[offset] != col && !wasKept[offset]) continue;
            isKept_[offset] = 1;
            kept_.push_back(k);
            reducedRowIdx.push_back(rowIdx[offset]);
        }
        reducedColPtr[static_cast<std::size_t>(col) + 1] = static_cast<int>(kept_.size());
    }
    klu_.analyze(n, reducedColPtr, reducedRowIdx);
    values_.assign(kept_.size(), {0.0, 0.0});
    built_ = true;
}

bool AcSystem::factor(const std::vector<std::complex<double>>& a) {
    bool outside = !built_;
    for (std::size_t k = 0; k < isKept_.size() && !outside; ++k)
        outside = !isKept_[k] && a[k] != std::complex<double>(0.0, 0.0);
    if (outside) rebuild(a);
    for (std::size_t k = 0; k < kept_.size(); ++k) values_[k] = a[static_cast<std::size_t>(kept_[k])];
    const FactorStats before = klu_.stats;
    const bool ok = klu_.factorComplex(reinterpret_cast<const double*>(values_.data()));
    report_.factorizations += klu_.stats.factorizations - before.factorizations;
    report_.refactorizations += klu_.stats.refactorizations - before.refactorizations;
    return ok;
}

} // namespace spinspice
