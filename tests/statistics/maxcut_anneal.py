#!/usr/bin/env python3
"""Max-Cut with an annealed p-bit circuit on generated graphs whose optimum is known exactly.

Usage: maxcut_anneal.py SPINSPICE_BINARY WORKDIR
Prints PASS/FAIL lines and 'N passed, N failed' last; exits 1 on any failure.

1. The cut computation (scripts/rudy_graph.py): cut_value against a plain double loop over the dense
   weight matrix, the brute-force optimum against itertools enumeration, the planted bipartite cut,
   and the G-set reader on both file layouts (round trip of a generated graph).
2. The C++ floor (bench/gibbs_floor.cpp, compiled with g++ if present): it reads the same graph file,
   its incrementally tracked cut passes its own recount (exit 3 otherwise), and its anneal finds the
   brute-force optimum.
3. The p-bit circuit (examples/maxcut/maxcut.py run_anneal: J = -w, h = 0, I0 ramped 0.5 -> 5 through
   the shared ctrl node, Poisson updates, 500 sweeps, fixed seed) reaches the exact maximum cut of
   three 20-node +-1 random graphs (rudy-style rnd_graph 20 40 %, brute force over 2^19 cuts) and of a
   40-node planted bipartite graph (max cut = every edge), in one run and in segments. Software Gibbs
   annealing with this schedule finds these optima in 20 of 20 runs (checked with gibbs_floor), so a
   miss means the circuit does not perform the Gibbs updates it should. The first written state must
   be m0, the best state's cut, recomputed, must equal the best cut over the run, and the final state
   (I0 = 5, where an improving flip is refused with probability ~1e-4 per update) must be a local
   optimum: no single flip increases the cut (with the couplings' sign reversed it would be a local
   minimum instead).
"""
import itertools
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "examples", "maxcut"))

import numpy as np  # noqa: E402

import maxcut  # noqa: E402
import rudy_graph as rg  # noqa: E402

spinspice, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + what, flush=True)
    if ok:
        passed += 1
    else:
        failed += 1


# ---------------------------------------------------------------- 1. cut values, brute force, reader
g = rg.rnd_graph(20, 40, 1, "pm1")
W = g.coupling()
rng = np.random.default_rng(7)
ms = np.where(rng.integers(0, 2, (50, g.n)) > 0, 1, -1)
naive = [sum(W[a, b] * (1 - m[a] * m[b]) / 2 for a in range(g.n) for b in range(a + 1, g.n)) for m in ms]
check(np.allclose(rg.cut_value(g, ms), naive), "cut_value = sum_{i<j} W_ij (1 - m_i m_j)/2 (50 random states)")
check(np.allclose(maxcut.cuts_of(g, ms.astype(np.int8)), naive), "maxcut.cuts_of agrees (int8 states, chunked)")
small = rg.rnd_graph(12, 40, 5, "pm1")
enum = max(rg.cut_value(small, np.array((1,) + s)) for s in itertools.product((1, -1), repeat=11))
check(rg.brute_force_maxcut(small, chunk_bits=5)[0] == enum, f"brute force = itertools enumeration ({enum:g})")
bip = rg.planted_bipartite(40, 15, 1)
check(rg.cut_value(bip, bip.meta["planted"]) == bip.m == bip.best_known, f"planted bipartite cut = |E| = {bip.m}")
torus = rg.toroidal_grid_2d(100, 8, 1)
check(torus.n == 800 and torus.m == 1600 and np.all(np.bincount(np.r_[torus.i, torus.j]) == 4),
      "toroidal_grid_2d(100, 8): 800 nodes, 1600 edges, degree 4 (the G11 structure)")
for layout in ("gset", "rudy"):
    p = os.path.join(work, f"roundtrip_{layout}.txt")
    g.best_known = 17.0
    rg.write_graph(p, g, layout)
    r = rg.read_graph(p)
    same = r.n == g.n and np.array_equal(r.i, g.i) and np.array_equal(r.j, g.j) and np.array_equal(r.w, g.w)
    check(same and (r.best_known == 17.0 if layout == "gset" else r.best_known is None),
          f"read_graph(write_graph(g, '{layout}')) = g")

# ------------------------------------------------------------------------------------ cases
cases = []
for s in (1, 2, 3):
    gr = rg.rnd_graph(20, 40, s, "pm1")
    gr.best_known, _ = rg.brute_force_maxcut(gr)
    cases.append(gr)
cases.append(bip)

# -------------------------------------------------------------------------------- 2. the C++ floor
cxx = os.environ.get("CXX", "g++")
if shutil.which(cxx):
    exe = os.path.join(work, "gibbs_floor")
    subprocess.run([cxx, "-O2", "-std=c++20", "-o", exe, os.path.join(ROOT, "bench", "gibbs_floor.cpp")], check=True)
    for gr in cases[:1] + cases[3:]:
        p = os.path.join(work, f"{gr.name}.txt")
        rg.write_graph(p, gr)
        r = subprocess.run([exe, p, "--sweeps", "500", "--runs", "3", "--anneal", "0.5:5"], capture_output=True,
                           text=True)
        bests = [float(x.split("best ")[1].split()[0].rstrip(";")) for x in r.stdout.splitlines()
                 if x.startswith("run ")]
        head = f"best-known cut {gr.best_known:g}" in r.stdout
        check(r.returncode == 0 and head and bests == [gr.best_known] * 3,
              f"gibbs_floor on {gr.name}: reads the header ({head}), incremental cut = recount, "
              f"best cuts {bests} = optimum {gr.best_known:g}")
else:
    print(f"SKIPPED gibbs_floor checks: no C++ compiler '{cxx}'")

# ------------------------------------------------------------------------------ 3. the p-bit circuit
tau = 1e-9
for k, gr in enumerate(cases):
    segs = [0.0] if k < 3 else [0.0, 100 * tau]
    for seg in segs:
        res = maxcut.run_anneal(gr, tau=tau, tstop=500 * tau, seed=42,
                                sched=maxcut.make_schedule("lin", 0.5, 5.0, 500 * tau), segment=seg,
                                workdir=os.path.join(work, f"{gr.name}_{int(seg / tau)}"), spinspice=spinspice,
                                target=gr.best_known, log=lambda *a: None)
        m0 = np.where(np.random.default_rng(42).integers(0, 2, gr.n) > 0, 1, -1)
        check(res["series"]["cut"][0] == rg.cut_value(gr, m0), f"{gr.name}: the first written state is m0")
        check(rg.cut_value(gr, res["best_state"]) == res["best_cut"],
              f"{gr.name}: cut of the best state recomputed = {res['best_cut']:g}")
        mf = np.asarray(res["final_state"], float)
        gain = mf * (gr.coupling() @ mf)  # cut change when flipping m_i: m_i sum_j w_ij m_j
        check(gain.max() <= 0, f"{gr.name}: the final state (I0 = 5) is a local optimum: no single flip "
                               f"increases the cut (largest gain {gain.max() + 0.0:g})")
        how = "one run" if seg == 0 else f"{res['segments']} segments"
        check(res["best_cut"] == gr.best_known,
              f"{gr.name} ({gr.n} p-bits, {gr.m} edges, {how}): annealed circuit reaches the optimum "
              f"{gr.best_known:g} (best {res['best_cut']:g}, first at {res['t_target'] and res['t_target'] / tau:.4g} "
              f"tau; final {res['final_cut']:g}; {res['accepted']} points, {res['spinspice_wall']:.2f} s)")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
