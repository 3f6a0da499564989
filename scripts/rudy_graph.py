#!/usr/bin/env python3
"""Max-Cut graphs: a G-set reader/writer, rudy-style seeded generators, cut values, brute force.

Library (import from scripts/):
    g = read_graph(path)                  # G-set file (either header form below) -> Graph
    g = rnd_graph(n, density, seed, weights="unit"|"pm1")
    g = toroidal_grid_2d(rows, cols, seed, weights="pm1"|"unit")   # G11 is a 100 x 8 torus with +-1
    g = planted_bipartite(n, density, seed)  # +1 weights on a random bipartite graph: max cut = |E|
    cut_value(g, m)                       # m in {-1,+1}^n (or a (T, n) array) -> cut (per row)
    best, m = brute_force_maxcut(g)       # exact, n <= 26
    write_graph(path_or_file, g)          # the G-set layout this project reads

File formats read:
  * the layout of the G-set copies in ../shared/data/gset (nonizawa/SSA-for-MAX-CUT): line 1 the node
    count, then the weight type ("unipolar" +1 / "bipolar" +-1), the graph type ("random", "planar",
    "troidal"), the best-known cut, then one edge per line `i j w` (1-based);
  * the original rudy / Helmberg-Rendl layout: line 1 `n m`, then m lines `i j w`.
Lines that are neither (comments starting with # or %) are skipped.

The generators follow rudy's constructions (-rnd_graph n density seed: exactly
floor(density/100 * n(n-1)/2) distinct edges drawn uniformly; -toroidal_grid_2D rows cols: each node
joined to its right and lower neighbour with wrap-around, 2 rows*cols edges; "-random 0 1 seed -times 2
-plus -1": weights +-1 with equal probability) but use numpy's PCG64 generator, so they produce graphs of
the same kind, not rudy's exact instances.

Command line:
    rudy_graph.py -rnd_graph N DENSITY SEED [--weights unit|pm1] [-o FILE]
    rudy_graph.py -toroidal_grid_2D ROWS COLS SEED [--weights pm1|unit] [-o FILE]
    rudy_graph.py -planted_bipartite N DENSITY SEED [-o FILE]
    rudy_graph.py --info FILE [--brute-force]
"""
import argparse
import itertools
import os
import sys
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Graph:
    n: int
    i: np.ndarray  # 0-based endpoints, i < j
    j: np.ndarray
    w: np.ndarray  # weights (float)
    best_known: float = None  # best-known cut from the file header, if any
    name: str = ""
    weight_type: str = ""
    graph_type: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def m(self):
        return len(self.w)

    def coupling(self):
        """Dense symmetric W (W[i, j] = w_ij); the p-bit couplings of Max-Cut are J = -W."""
        W = np.zeros((self.n, self.n))
        np.add.at(W, (self.i, self.j), self.w)
        np.add.at(W, (self.j, self.i), self.w)
        return W

    def csr(self):
        """Symmetric CSR adjacency (indptr, indices, weights) of W."""
        rows = np.concatenate([self.i, self.j])
        cols = np.concatenate([self.j, self.i])
        vals = np.concatenate([self.w, self.w])
        order = np.lexsort((cols, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.add.at(indptr, rows + 1, 1)
        return np.cumsum(indptr), cols, vals


def _make(n, edges, w, **kw):
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    a, b = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
    if np.any(a == b):
        raise ValueError("self-loop in graph")
    if np.any(a < 0) or np.any(b >= n):
        raise ValueError("edge endpoint out of range")
    return Graph(n, a, b, np.asarray(w, dtype=float), **kw)


# ------------------------------------------------------------------------------------------- I/O
def read_graph(path):
    """Read a G-set / rudy file (either header layout) into a Graph (0-based endpoints)."""
    with open(path) as f:
        lines = [l.split() for l in f if l.strip() and not l.lstrip().startswith(("#", "%"))]

    def isnum(tok):
        try:
            float(tok)
            return True
        except ValueError:
            return False

    if not lines:
        raise ValueError(f"{path}: empty graph file")
    head = lines[0]
    n = int(head[0])
    m_declared = int(head[1]) if len(head) >= 2 else None
    k = 1
    wtype = gtype = ""
    best = None
    if m_declared is None:  # the SSA-for-MAX-CUT layout: weight type, graph type, best cut
        while k < len(lines) and len(lines[k]) < 3:
            tok = lines[k]
            if len(tok) == 1 and isnum(tok[0]):
                best = float(tok[0]) or None  # 0: unknown (written so by write_graph)
            elif len(tok) >= 1:
                if not wtype:
                    wtype = " ".join(tok)
                else:
                    gtype = " ".join(tok)
            k += 1
    body = lines[k:]
    if any(len(t) < 2 for t in body):
        raise ValueError(f"{path}: an edge line has fewer than two fields")
    e = np.array([[int(t[0]) - 1, int(t[1]) - 1] for t in body], dtype=np.int64)
    w = np.array([float(t[2]) if len(t) > 2 else 1.0 for t in body])
    if m_declared is not None and m_declared != len(body):
        raise ValueError(f"{path}: header says {m_declared} edges, file has {len(body)}")

    g = _make(n, e, w, best_known=best, name=os.path.splitext(os.path.basename(path))[0],
              weight_type=wtype, graph_type=gtype)
    return g


def write_graph(dest, g, layout="gset"):
    """Write g; layout "gset" (n / weight type / graph type / best cut / edges, as ../shared/data/gset)
    or "rudy" (`n m` then edges). Edges are written 1-based."""
    own = isinstance(dest, str)
    f = open(dest, "w") if own else dest
    try:
        if layout == "rudy":
            f.write(f"{g.n} {g.m}\n")
        else:
            best = g.best_known
            f.write(f"{g.n}\n{g.weight_type or 'unknown'}\n{g.graph_type or 'unknown'}\n")
            f.write(f"{'0' if best is None else _fmt(best)}\n")
        for a, b, w in zip(g.i, g.j, g.w):
            f.write(f"{a + 1} {b + 1} {_fmt(w)}\n")
    finally:
        if own:
            f.close()


def _fmt(x):
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# ------------------------------------------------------------------------------------ generators
def _weights(m, weights, rng):
    if weights == "unit":
        return np.ones(m)
    if weights == "pm1":
        return rng.integers(0, 2, m) * 2.0 - 1.0
    raise ValueError(f"unknown weights '{weights}' (unit, pm1)")


def rnd_graph(n, density, seed, weights="unit"):
    """rudy -rnd_graph n density seed: floor(density/100 * n(n-1)/2) distinct random edges."""
    rng = np.random.default_rng(seed)
    pairs = n * (n - 1) // 2
    m = int(density / 100.0 * pairs)
    if pairs <= 5_000_000:
        a, b = np.triu_indices(n, 1)
        pick = np.sort(rng.choice(pairs, size=m, replace=False))
        a, b = a[pick], b[pick]
    else:  # large sparse graphs: draw pairs until m distinct ones
        keys = set()
        while len(keys) < m:
            x = rng.integers(0, n, size=(2 * (m - len(keys)) + 16, 2))
            for p, q in x:
                if p != q and len(keys) < m:
                    keys.add((min(p, q), max(p, q)))
        e = np.array(sorted(keys), dtype=np.int64)
        a, b = e[:, 0], e[:, 1]
    return _make(n, np.stack([a, b], 1), _weights(m, weights, rng), name=f"rnd_{n}_{density:g}_{seed}",
                 weight_type="unipolar" if weights == "unit" else "bipolar", graph_type="random",
                 meta={"generator": "rnd_graph", "n": n, "density": density, "seed": seed, "weights": weights})


def toroidal_grid_2d(rows, cols, seed, weights="pm1"):
    """rudy -toroidal_grid_2D rows cols: node r*cols + c joined to (r, c+1) and (r+1, c), wrapping.
    G11/G12/G13 are 100 x 8 tori with +-1 weights (800 nodes, 1600 edges)."""
    rng = np.random.default_rng(seed)
    r, c = np.divmod(np.arange(rows * cols), cols)
    right = r * cols + (c + 1) % cols
    down = ((r + 1) % rows) * cols + c
    node = np.arange(rows * cols)
    e = np.concatenate([np.stack([node, right], 1), np.stack([node, down], 1)])
    e = e[e[:, 0] != e[:, 1]]
    # a torus with 2 rows/cols would repeat edges; keep one copy of each
    key = np.minimum(e[:, 0], e[:, 1]) * (rows * cols) + np.maximum(e[:, 0], e[:, 1])
    _, first = np.unique(key, return_index=True)
    e = e[np.sort(first)]
    return _make(rows * cols, e, _weights(len(e), weights, rng), name=f"torus_{rows}x{cols}_{seed}",
                 weight_type="bipolar" if weights == "pm1" else "unipolar", graph_type="toroidal",
                 meta={"generator": "toroidal_grid_2d", "rows": rows, "cols": cols, "seed": seed,
                       "weights": weights})


def planted_bipartite(n, density, seed):
    """A random graph whose edges all cross a hidden bipartition, weights +1: the maximum cut is the
    total weight |E| (every edge cut), attained exactly by the planted partition (and its mirror
    image when the graph is connected). density: percent of the cross pairs that are edges."""
    rng = np.random.default_rng(seed)
    side = rng.permutation(n) < n // 2
    A, B = np.flatnonzero(side), np.flatnonzero(~side)
    cross = np.array(list(itertools.product(A, B)), dtype=np.int64)
    m = max(1, int(density / 100.0 * len(cross)))
    e = cross[np.sort(rng.choice(len(cross), size=m, replace=False))]
    g = _make(n, e, np.ones(m), name=f"bip_{n}_{density:g}_{seed}", weight_type="unipolar",
              graph_type="planted bipartite",
              meta={"generator": "planted_bipartite", "n": n, "density": density, "seed": seed})
    g.best_known = float(m)
    g.meta["planted"] = np.where(side, 1, -1).tolist()
    return g


# -------------------------------------------------------------------------------------- cut values
def cut_value(g, m):
    """Cut of spin configuration(s) m in {-1, +1}: sum over edges w_ij (1 - m_i m_j) / 2.
    m: shape (n,) -> float, or (T, n) -> (T,) array."""
    m = np.asarray(m, dtype=float)
    return (g.w * (1.0 - m[..., g.i] * m[..., g.j])).sum(axis=-1) / 2.0


def ising_energy(J, h, m):
    """E(m) = -1/2 m^T J m - h^T m (the p-bit network samples P ∝ exp(-I0 E))."""
    m = np.asarray(m, float)
    return -0.5 * m @ J @ m - h @ m


def brute_force_maxcut(g, chunk_bits=16):
    """Exact maximum cut by enumeration (node 0 fixed to +1): returns (best cut, one optimal m).
    2^(n-1) configurations; n <= 26 keeps it under a few seconds."""
    if g.n > 26:
        raise ValueError(f"brute force over {g.n} nodes is too large (n <= 26)")
    n = g.n
    free = n - 1
    cb = min(chunk_bits, free)
    low = np.arange(1 << cb, dtype=np.int64)
    lowbits = ((low[:, None] >> np.arange(cb)) & 1).astype(np.int8)  # (2^cb, cb)
    best, best_m = -np.inf, None
    for hi in range(1 << (free - cb)):
        hibits = np.array([(hi >> k) & 1 for k in range(free - cb)], dtype=np.int8)
        bits = np.concatenate([np.zeros((len(low), 1), np.int8), lowbits,
                               np.broadcast_to(hibits, (len(low), free - cb))], axis=1)
        spins = 1 - 2 * bits.astype(np.int8)  # bit 0 -> +1
        differ = spins[:, g.i] != spins[:, g.j]
        cuts = differ.astype(float) @ g.w
        k = int(np.argmax(cuts))
        if cuts[k] > best:
            best, best_m = float(cuts[k]), spins[k].astype(int)
    return best, best_m


# ------------------------------------------------------------------------------------------- CLI
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-rnd_graph", nargs=3, metavar=("N", "DENSITY", "SEED"))
    ap.add_argument("-toroidal_grid_2D", nargs=3, metavar=("ROWS", "COLS", "SEED"))
    ap.add_argument("-planted_bipartite", nargs=3, metavar=("N", "DENSITY", "SEED"))
    ap.add_argument("--weights", choices=["unit", "pm1"])
    ap.add_argument("--layout", choices=["gset", "rudy"], default="gset")
    ap.add_argument("--info", metavar="FILE")
    ap.add_argument("--brute-force", action="store_true", help="also compute the exact max cut (n <= 26)")
    ap.add_argument("-o", "--output", metavar="FILE")
    a = ap.parse_args(argv)
    if a.info:
        g = read_graph(a.info)
    elif a.rnd_graph:
        g = rnd_graph(int(a.rnd_graph[0]), float(a.rnd_graph[1]), int(a.rnd_graph[2]), a.weights or "unit")
    elif a.toroidal_grid_2D:
        t = a.toroidal_grid_2D
        g = toroidal_grid_2d(int(t[0]), int(t[1]), int(t[2]), a.weights or "pm1")
    elif a.planted_bipartite:
        t = a.planted_bipartite
        g = planted_bipartite(int(t[0]), float(t[1]), int(t[2]))
    else:
        ap.error("give a generator (-rnd_graph, -toroidal_grid_2D, -planted_bipartite) or --info FILE")
    if a.brute_force:
        g.best_known, _ = brute_force_maxcut(g)
    if a.info:
        print(f"{g.name}: n={g.n} edges={g.m} weights {g.weight_type or '?'} ({sorted(set(g.w.tolist()))[:5]}), "
              f"type {g.graph_type or '?'}, total weight {g.w.sum():g}, best-known cut {g.best_known}")
        return 0
    write_graph(a.output if a.output else sys.stdout, g, a.layout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
