#include "solver/metis_order.hpp"

#include <algorithm>
#include <vector>

#ifdef SPINSPICE_HAVE_METIS
#include <metis.h>
#endif

namespace spinspice {

#ifdef SPINSPICE_HAVE_METIS
bool metisAvailable() {
    return true;
}

int metisOrder(int n, int* Ap, int* Ai, int* Perm, klu_common_struct*) {
    if (n <= 0) return 0;
    if (n < 3) { // METIS needs a graph; the identity is as good as any here
        for (int i = 0; i < n; ++i) Perm[i] = i;
        return n;
    }
    // The graph of A + A^T without the diagonal, in CSR adjacency form.
    std::vector<std::vector<idx_t>> adjacent(static_cast<std::size_t>(n));
    long entries = 0;
    for (int j = 0; j < n; ++j)
        for (int k = Ap[j]; k < Ap[j + 1]; ++k) {
            const int i = Ai[k];
            if (i == j) continue;
            adjacent[static_cast<std::size_t>(i)].push_back(j);
            adjacent[static_cast<std::size_t>(j)].push_back(i);
            ++entries;
        }
    std::vector<idx_t> xadj(static_cast<std::size_t>(n) + 1, 0), adjncy;
    adjncy.reserve(static_cast<std::size_t>(2 * entries));
    for (int i = 0; i < n; ++i) {
        auto& list = adjacent[static_cast<std::size_t>(i)];
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
        adjncy.insert(adjncy.end(), list.begin(), list.end());
        xadj[static_cast<std::size_t>(i) + 1] = static_cast<idx_t>(adjncy.size());
        std::vector<idx_t>().swap(list);
    }
    idx_t nv = n;
    std::vector<idx_t> perm(static_cast<std::size_t>(n)), iperm(static_cast<std::size_t>(n));
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_NUMBERING] = 0;
    // Row i of the permuted matrix is row perm[i] of A (METIS manual 5.1, METIS_NodeND).
    if (METIS_NodeND(&nv, xadj.data(), adjncy.data(), nullptr, options, perm.data(), iperm.data()) != METIS_OK)
        return 0;
    for (int i = 0; i < n; ++i) Perm[i] = static_cast<int>(perm[static_cast<std::size_t>(i)]);
    // The exact nnz(L) (without the diagonal) of the Cholesky factor of the permuted A + A^T, as AMD
    // reports its own: KLU sizes its first allocation from it, and KluSolver compares the two.
    // Elimination tree (Liu, with path compression), then each row's subtree walked once: O(nnz(L)).
    std::vector<int> position(static_cast<std::size_t>(n)), parent(static_cast<std::size_t>(n), -1),
        ancestor(static_cast<std::size_t>(n), -1), mark(static_cast<std::size_t>(n), -1);
    for (int k = 0; k < n; ++k) position[static_cast<std::size_t>(Perm[k])] = k;
    auto neighbours = [&](int i, auto&& visit) { // of permuted vertex i, in permuted numbering
        const int v = Perm[i];
        for (idx_t e = xadj[static_cast<std::size_t>(v)]; e < xadj[static_cast<std::size_t>(v) + 1]; ++e)
            visit(position[static_cast<std::size_t>(adjncy[static_cast<std::size_t>(e)])]);
    };
    for (int i = 0; i < n; ++i)
        neighbours(i, [&](int k) {
            while (k != -1 && k < i) {
                const int next = ancestor[static_cast<std::size_t>(k)];
                ancestor[static_cast<std::size_t>(k)] = i;
                if (next == -1) parent[static_cast<std::size_t>(k)] = i;
                k = next;
            }
        });
    double lnz = 0;
    for (int i = 0; i < n; ++i) {
        mark[static_cast<std::size_t>(i)] = i;
        neighbours(i, [&](int k) {
            for (; k != -1 && k < i && mark[static_cast<std::size_t>(k)] != i;
                 k = parent[static_cast<std::size_t>(k)]) {
                mark[static_cast<std::size_t>(k)] = i;
                lnz += 1; // L(i, k) is nonzero
            }
        });
    }
    return static_cast<int>(std::min(std::max(lnz, 1.0), 2e9));
}
#else
bool metisAvailable() {
    return false;
}
int metisOrder(int, int*, int*, int*, klu_common_struct*) {
    return 0;
}
#endif

} // namespace spinspice
