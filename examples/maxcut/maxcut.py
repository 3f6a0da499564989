#!/usr/bin/env python3
"""Max-Cut on a p-bit circuit simulated by spinspice, with an annealing schedule.

Usage:
    maxcut.py GRAPH [--tstop T] [--tau TAU] [--seed S] [--anneal lin|geo] [--i0 A:B]
              [--segment T] [--out PREFIX] [--spinspice PATH] [--workdir DIR]
GRAPH is a G-set file (e.g. ../shared/data/gset/G11.txt, used by path, never copied) or a generated
graph (scripts/rudy_graph.py): rnd:N:DENSITY:SEED[:pm1], torus:ROWS:COLS:SEED[:unit],
bipartite:N:DENSITY:SEED (planted: the max cut is every edge).

Mapping. A cut of the graph (weights w_ij) is a spin vector m in {-1, +1}^n; its value is
    cut(m) = sum_edges w_ij (1 - m_i m_j) / 2 = (W - sum_edges w_ij m_i m_j) / 2,   W = sum w_ij.
With the p-bit couplings J_ij = -w_ij and no bias (h = 0), the network samples
    P(m) ∝ exp(I0 (h.m + 1/2 m.J.m)) = exp(-I0 sum_edges w_ij m_i m_j) ∝ exp(2 I0 cut(m)),
so large cuts are exponentially favoured and raising I0 (the inverse temperature) anneals the
network into a large cut. The circuit (scripts/pbitnet.py conventions): p-bit i is
`Ni in<i> o<i> beta pb` with v(o<i>) = vout m_i, every edge gives the two synapses
`Gi_j 0 in<i> o<j> 0 {J_ij*g}` and `Gj_i ...`, the model has beta = 1/(g vout), and one voltage source
`Vbeta beta 0 PWL(...)` carries I0(t) to the ctrl node of every p-bit: beta_eff = I0(t)/(g vout).
The p-bits update asynchronously at Poisson times with mean interval tau, so simulated time t is
t/tau sweeps (n t/tau updates) of random-order sequential Gibbs sampling.

Schedule: I0 ramps from A to B over [0, tstop], linearly or geometrically (`--anneal geo`; a PWL of 32
pieces). Defaults (G11/G14-sized graphs): I0 0.5 -> 5 linear, tau = 1 ns.

Segments. spinspice writes every accepted time point (one per p-bit update event) with all saved
signals: 200 sweeps of 800 p-bits are 160 000 points x 800 states. A long anneal is therefore
simulated in segments of `--segment` simulated seconds (default 50 tau): each segment is one
spinspice run whose p-bits start from the last state of the previous one (m0=), with the schedule's
piece for that interval and its own seed (seed + 1000003 k). The Poisson update clocks are
memoryless, so this is the same stochastic process as one long run (with other random numbers).
`--segment 0` runs the whole anneal as one simulation.

Output: PREFIX.json (graph, mapping, schedule, best cut, its state, the cut sampled over time, times
to reach 99 % of the best-known cut, wall times, spinspice statistics) and PREFIX.png (cut vs
simulated time with I0(t)). The time to 99 %: simulated time of the first accepted point with
cut >= 0.99 * best-known; its wall time is the spinspice wall time of the segments before it plus the
matching fraction of its own segment (p-bit events are uniform in time, so a segment's cost is).
For generated graphs the reference is the exact optimum (brute force, n <= 22), the planted cut, or
else the best cut found.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

try:
    import numpy as np
except ImportError:  # Debian's interpreter has python3-numpy
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

import pbitnet  # noqa: E402
import rudy_graph  # noqa: E402


# ------------------------------------------------------------------------------------------ graphs
def load_graph(spec):
    """A G-set path or a generator spec (see the module docstring) -> rudy_graph.Graph."""
    if os.path.exists(spec):
        return rudy_graph.read_graph(spec)
    parts = spec.split(":")
    kind, args = parts[0], parts[1:]
    try:
        if kind == "rnd":
            return rudy_graph.rnd_graph(int(args[0]), float(args[1]), int(args[2]), args[3] if len(args) > 3 else "unit")
        if kind == "torus":
            return rudy_graph.toroidal_grid_2d(int(args[0]), int(args[1]), int(args[2]),
                                               args[3] if len(args) > 3 else "pm1")
        if kind == "bipartite":
            return rudy_graph.planted_bipartite(int(args[0]), float(args[1]), int(args[2]))
    except (IndexError, ValueError) as e:
        raise SystemExit(f"maxcut.py: bad graph spec '{spec}': {e}")
    raise SystemExit(f"maxcut.py: '{spec}' is neither a file nor rnd:/torus:/bipartite: spec")


def maxcut_ising(g):
    """(J, h) of the Max-Cut p-bit network: J = -W (dense), h = 0."""
    return -g.coupling(), np.zeros(g.n)


def reference_cut(g):
    """(value, how): the best-known cut from the file, the planted or the brute-force optimum, or None."""
    if g.best_known is not None and g.best_known > 0:
        return float(g.best_known), "planted" if g.meta.get("planted") else "best-known (file header)"
    if g.n <= 22:
        return rudy_graph.brute_force_maxcut(g)[0], "exact (brute force)"
    return None, "none"


# ---------------------------------------------------------------------------------------- schedule
def make_schedule(kind, i0a, i0b, tstop, pieces=32):
    """PWL points [(t, I0)] of a linear or geometric ramp from i0a at 0 to i0b at tstop."""
    if kind == "lin":
        return [(0.0, i0a), (tstop, i0b)]
    if kind == "geo":
        if i0a <= 0 or i0b <= 0:
            raise SystemExit("maxcut.py: a geometric ramp needs I0 > 0 at both ends")
        return [(tstop * k / pieces, i0a * (i0b / i0a) ** (k / pieces)) for k in range(pieces + 1)]
    raise SystemExit(f"maxcut.py: unknown schedule '{kind}' (lin, geo)")


def schedule_value(sched, t):
    ts, vs = zip(*sched)
    return float(np.interp(t, ts, vs))


def schedule_piece(sched, t0, t1):
    """The schedule over [t0, t1] as PWL points in local time (0 .. t1 - t0)."""
    pts = [(0.0, schedule_value(sched, t0))]
    pts += [(t - t0, v) for t, v in sched if t0 < t < t1]
    pts.append((t1 - t0, schedule_value(sched, t1)))
    return pts


# -------------------------------------------------------------------------------------- simulation
def read_raw_states(path, n):
    """Binary raw file of a write_network run -> (t (T,), m (T, n) int8, number of points)."""
    with open(path, "rb") as f:
        data = f.read()
    pos = data.index(b"Binary:\n")
    header = data[:pos].decode()
    npts = int(re.search(r"^No\. Points:\s*(\d+)", header, re.M).group(1))
    names = []
    lines = header.splitlines()
    k = next(i for i, l in enumerate(lines) if l.startswith("Variables:"))
    for l in lines[k + 1:]:
        p = l.split()
        if len(p) >= 2:
            names.append(p[1].lower())
    arr = np.frombuffer(data, dtype="<f8", count=npts * len(names), offset=pos + 8).reshape(npts, len(names))
    col = {nm: c for c, nm in enumerate(names)}
    cols = [col[f"n{i}.m"] for i in range(n)]
    return arr[:, col["time"]].copy(), np.where(arr[:, cols] > 0, 1, -1).astype(np.int8)


def cuts_of(g, m, chunk=4096):
    """cut value of every row of m (T, n) int8, chunked to bound memory."""
    out = np.empty(len(m))
    w = g.w
    for a in range(0, len(m), chunk):
        mm = m[a:a + chunk]
        prod = mm[:, g.i].astype(np.int16) * mm[:, g.j]
        out[a:a + chunk] = (w.sum() - prod @ w) / 2.0
    return out


def run_anneal(g, *, tau=1e-9, tstop=None, seed=42, sched=None, segment=None, workdir=None, spinspice=None,
               target=None, m0=None, samples=2000, log=print, sample=None):
    """Anneal the Max-Cut p-bit circuit of g; returns a result dict (see the module docstring).

    target: a cut value; the first time the cut reaches it is reported (t_target, wall_target).
    sample: write the states every `sample` seconds of simulated time only (.options interp=1), not at
    every update: cuts, the best one and t_target are then those of the sampled states."""
    spinspice = spinspice or pbitnet.find_spinspice()
    tstop = tstop if tstop is not None else 200 * tau
    sched = sched or make_schedule("lin", 0.5, 5.0, tstop)
    segment = tstop if not segment or segment <= 0 or segment >= tstop else segment
    nseg = int(math.ceil(tstop / segment - 1e-9))
    workdir = workdir or tempfile.mkdtemp(prefix="maxcut_")
    os.makedirs(workdir, exist_ok=True)
    J, h = maxcut_ising(g)
    if m0 is None:
        m0 = np.where(np.random.default_rng(seed).integers(0, 2, g.n) > 0, 1, -1)
    m = np.asarray(m0, dtype=np.int8)
    grid = np.linspace(0.0, tstop, samples + 1)
    sampled = np.full(len(grid), np.nan)
    best, best_m, best_t = float(rudy_graph.cut_value(g, m)), m.copy(), 0.0
    t_target = wall_target = None
    sim_wall = 0.0
    points = accepted = 0
    cir, raw = os.path.join(workdir, "maxcut.cir"), os.path.join(workdir, "maxcut.raw")
    t_run0 = time.perf_counter()
    for k in range(nseg):
        t0, t1 = k * segment, (tstop if k == nseg - 1 else (k + 1) * segment)
        pbitnet.write_network(cir, J, h, tau=tau, tstop=t1 - t0, seed=seed + 1000003 * k,
                              anneal=schedule_piece(sched, t0, t1), m0=m.tolist(), save="states",
                              tstep=sample, interp=sample is not None,
                              # one time point per update: lift the default limit of 1e8 for long anneals
                              options=f"maxpoints={max(1e8, 2 * g.n * (t1 - t0) / tau):.3g}", title=f"max-cut {g.name or 'graph'} ({g.n} p-bits), segment {k + 1}/{nseg}")
        if os.path.exists(raw):
            os.remove(raw)
        w0 = time.perf_counter()
        r = subprocess.run([spinspice, "-q", "--no-progress", "--stats", "-r", raw, cir], capture_output=True,
                           text=True)
        dw = time.perf_counter() - w0
        if r.returncode != 0:
            raise RuntimeError(f"spinspice failed on segment {k} ({r.returncode}): {r.stderr.strip()[-2000:]}")
        st = re.search(r"accepted (\d+), rejected (\d+)", r.stderr)
        if st:
            accepted += int(st.group(1))
        t, M = read_raw_states(raw, g.n)
        tg = t0 + t
        c = cuts_of(g, M)
        points += len(t)
        # the state written at t_k held over (t_{k-1}, t_k]: sample the uniform grid accordingly
        sel = (grid >= t0) & (grid <= t1) if k == 0 else (grid > t0) & ((grid <= t1) | (k == nseg - 1))
        idx = np.clip(np.searchsorted(tg, grid[sel], side="left"), 0, len(tg) - 1)
        sampled[sel] = c[idx]
        kb = int(np.argmax(c))
        if c[kb] > best:
            best, best_m, best_t = float(c[kb]), M[kb].copy(), float(tg[kb])
        if target is not None and t_target is None:
            hit = np.flatnonzero(c >= target - 1e-9)
            if len(hit):
                t_target = float(tg[hit[0]])
                wall_target = sim_wall + dw * (t_target - t0) / (t1 - t0)
        sim_wall += dw
        m = M[-1].copy()
        log(f"segment {k + 1}/{nseg}: t = {t1 / tau:7.1f} tau, I0 = {schedule_value(sched, t1):.3g}, "
            f"cut {c[-1]:.0f} (best {best:.0f}), {len(t)} points, spinspice {dw:.2f} s")
    total_wall = time.perf_counter() - t_run0
    assert abs(rudy_graph.cut_value(g, best_m) - best) < 1e-9
    updates = g.n * tstop / tau
    return {"best_cut": best, "best_state": best_m.astype(int).tolist(), "t_best": best_t,
            "t_target": t_target, "wall_target": wall_target, "target": target,
            "final_cut": float(rudy_graph.cut_value(g, m)), "final_state": m.astype(int).tolist(),
            "tau": tau, "tstop": tstop, "seed": seed, "sample": sample, "schedule": [list(p) for p in sched], "segment": segment,
            "segments": nseg, "spinspice_wall": sim_wall, "total_wall": total_wall, "points": points,
            "accepted": accepted, "updates_expected": updates, "updates_per_s": updates / sim_wall,
            "series": {"time": grid.tolist(), "cut": sampled.tolist(),
                       "i0": [schedule_value(sched, x) for x in grid]}}


def spice_number(text):
    """A float with an optional SPICE suffix: 50n, 1.5u, 2meg, 1e-7."""
    m = re.fullmatch(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(meg|[tgkmunpf])?[a-z]*\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"not a number: '{text}'")
    scale = {"t": 1e12, "g": 1e9, "meg": 1e6, "k": 1e3, "m": 1e-3, "u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15}
    return float(m.group(1)) * scale.get(m.group(2), 1.0)


# --------------------------------------------------------------------------------------------- plot
def plot(res, g, ref, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    tau = res["tau"]
    t = np.asarray(res["series"]["time"]) / tau
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(t, res["series"]["cut"], lw=0.8, label="cut of the p-bit state")
    ax.plot(t, np.maximum.accumulate(res["series"]["cut"]), lw=1.2, label="best so far (sampled)")
    if ref:
        ax.axhline(ref, color="k", ls="--", lw=0.8, label=f"reference {ref:g}")
        ax.axhline(0.99 * ref, color="gray", ls=":", lw=0.8, label="99 %")
    if res["t_target"] is not None:
        ax.axvline(res["t_target"] / tau, color="C3", lw=0.8, label=f"99 % at {res['t_target'] / tau:.0f} tau")
    ax.set_xlabel("simulated time / tau  (= sweeps of n updates)")
    ax.set_ylabel("cut")
    lo = np.nanpercentile(res["series"]["cut"], 2)
    ax.set_ylim(lo, (ref or res["best_cut"]) * 1.005 + 1)
    ax2 = ax.twinx()
    ax2.plot(t, res["series"]["i0"], color="C2", lw=0.8)
    ax2.set_ylabel("I0 (inverse temperature)", color="C2")
    ax.set_title(f"Max-Cut {g.name}: {g.n} p-bits, {g.m} edges; best {res['best_cut']:g}"
                 + (f" = {100 * res['best_cut'] / ref:.2f} % of {ref:g}" if ref else ""))
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph")
    ap.add_argument("--tau", type=spice_number, default=1e-9, help="mean p-bit update interval (s), default 1 ns")
    ap.add_argument("--tstop", type=spice_number, default=None, help="simulated time (s), default 200 tau")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--anneal", choices=["lin", "geo"], default="lin")
    ap.add_argument("--i0", default="0.5:5", help="I0 start:end (default 0.5:5)")
    ap.add_argument("--segment", type=spice_number, default=None,
                    help="simulated time per spinspice run (s); default 50 tau, 0: one run")
    ap.add_argument("--sample", type=spice_number, default=None,
                    help="write the states every SAMPLE s of simulated time only (.options interp=1); implies "
                         "one run unless --segment is given (long anneals of large graphs)")
    ap.add_argument("--out", default=None, help="output prefix (default out/maxcut_<graph>)")
    ap.add_argument("--spinspice", default=None)
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args(argv)
    g = load_graph(a.graph)
    tstop = a.tstop if a.tstop is not None else 200 * a.tau
    i0a, i0b = (float(x) for x in a.i0.split(":"))
    sched = make_schedule(a.anneal, i0a, i0b, tstop)
    segment = (0 if a.sample else 50 * a.tau) if a.segment is None else a.segment
    ref, how = reference_cut(g)
    print(f"{g.name}: {g.n} nodes, {g.m} edges (total weight {g.w.sum():g}); reference cut {ref} ({how})")
    print(f"p-bits: J = -W, h = 0; tau {a.tau:g} s, tstop {tstop:g} s = {tstop / a.tau:g} sweeps, "
          f"I0 {i0a:g} -> {i0b:g} ({a.anneal}), seed {a.seed}")
    res = run_anneal(g, tau=a.tau, tstop=tstop, seed=a.seed, sched=sched, segment=segment,
                     workdir=a.workdir, spinspice=a.spinspice, target=0.99 * ref if ref else None,
                     sample=a.sample)
    out = a.out or os.path.join(ROOT, "out", f"maxcut_{g.name or 'graph'}")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    res.update({"graph": a.graph, "name": g.name, "n": g.n, "edges": g.m, "total_weight": float(g.w.sum()),
                "reference_cut": ref, "reference": how,
                "mapping": "J_ij = -w_ij, h = 0, cut = sum_edges w_ij (1 - m_i m_j)/2; P(m) ~ exp(2 I0 cut)"})
    with open(out + ".json", "w") as f:
        json.dump(res, f)
    plot(res, g, ref, out + ".png")
    pct = f" = {100 * res['best_cut'] / ref:.2f} % of {ref:g}" if ref else ""
    print(f"best cut {res['best_cut']:g}{pct} at t = {res['t_best'] / a.tau:.1f} tau; final cut {res['final_cut']:g}")
    if ref:
        if res["t_target"] is not None:
            print(f"99 % of the reference ({0.99 * ref:.1f}) first reached at t = {res['t_target']:.4g} s "
                  f"({res['t_target'] / a.tau:.1f} tau, {g.n * res['t_target'] / a.tau:.0f} updates), "
                  f"wall {res['wall_target']:.1f} s of spinspice")
        else:
            print(f"99 % of the reference ({0.99 * ref:.1f}) not reached in {tstop / a.tau:g} sweeps")
    print(f"spinspice: {res['spinspice_wall']:.1f} s wall in {res['segments']} runs, "
          f"{res['updates_expected']:.0f} updates (expected n t/tau) = {res['updates_per_s']:.4g} updates/s, "
          f"{res['accepted']} accepted time points ({res['accepted'] / res['updates_expected']:.2f} per update); "
          f"total wall {res['total_wall']:.1f} s")
    print(f"wrote {out}.json and {out}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
