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
    // The graph of A + A^T without the diagonal, in CSR adjacency form: each entry (i, j) gives i a
    // neighbour j and j a neighbour i; counted first, then placed, then each list sorted and deduplicated
    // (a pattern that holds both (i, j) and (j, i) lists them twice).
    const auto count = static_cast<std::size_t>(n);
    std::vector<idx_t> degree(count + 1, 0);
    for (int j = 0; j < n; ++j)
        for (int k = Ap[j]; k < Ap[j + 1]; ++k)
            if (Ai[k] != j) {
                ++degree[static_cast<std::size_t>(Ai[k]) + 1];
                ++degree[static_cast<std::size_t>(j) + 1];
            }
    for (std::size_t i = 0; i < count; ++i) degree[i + 1] += degree[i];
    std::vector<idx_t> both(static_cast<std::size_t>(degree[count]));
    std::vector<idx_t> fill(degree.begin(), degree.end() - 1);
    for (int j = 0; j < n; ++j)
        for (int k = Ap[j]; k < Ap[j + 1]; ++k)
            if (const int i = Ai[k]; i != j) {
                both[static_cast<std::size_t>(fill[static_cast<std::size_t>(i)]++)] = j;
                both[static_cast<std::size_t>(fill[static_cast<std::size_t>(j)]++)] = i;
            }
    std::vector<idx_t> xadj(count + 1, 0), adjncy;
    adjncy.reserve(both.size());
    for (std::size_t i = 0; i < count; ++i) {
        const auto first = both.begin() + degree[i], last = both.begin() + degree[i + 1];
        std::sort(first, last);
        adjncy.insert(adjncy.end(), first, std::unique(first, last));
        xadj[i + 1] = static_cast<idx_t>(adjncy.size());
    }
    std::vector<idx_t>().swap(both);
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
