// Nested-dissection ordering (METIS_NodeND) as a KLU user ordering (klu_common.ordering = 3): on
// mesh-like matrices (RC grids, crossbars) it fills less than AMD and COLAMD, so the factors and the
// triangular solves are smaller. KluSolver's first factorisation tries it on large systems whose
// AMD/COLAMD factors fill much beyond A and keeps it when it fills least. Built only when METIS is
// found (libmetis-dev); otherwise metisAvailable() is false.
#pragma once

struct klu_common_struct;

namespace spinspice {

bool metisAvailable();

// KLU's user_order callback: orders the n x n block with pattern (Ap, Ai) (CSC) by nested dissection
// of A + A^T, writes Perm (Perm[k] = the k-th pivot's row and column) and returns an estimate of
// nnz(L) for KLU's first allocation (0 on failure).
int metisOrder(int n, int* Ap, int* Ai, int* Perm, klu_common_struct* common);

} // namespace spinspice
