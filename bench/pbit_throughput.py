#!/usr/bin/env python3
"""p-bit throughput: spinspice simulating a Max-Cut p-bit circuit vs a plain C++ Gibbs sampler.

Usage: pbit_throughput.py [GRAPH] [--sweeps S] [--tau T] [-k K] [--floor-sweeps S] [--scan R1,R2,..]
                          [--save-states] [--spinspice PATH] [--workdir DIR] [--json FILE]
  GRAPH   a G-set file (e.g. ../shared/data/gset/G11.txt, used by path); default: a G11-like graph
          generated here (scripts/rudy_graph.py: 100 x 8 toroidal grid, +-1 weights, seed 1:
          800 p-bits, 1600 edges, 3200 synapses).
  --sweeps S         simulated time of each spinspice run, in tau (S sweeps = n S updates; default 20)
  --floor-sweeps S   sweeps per floor run (default 2000: long enough to time)
  -k K               runs of each (default 3; medians reported)
  --scan R1,R2,...   also time toroidal R x 8 graphs (n = 8 R) to show how the cost per update scales
  --save-states      .save all n p-bit states (as an anneal does) instead of one signal
  --json FILE        all figures as JSON

What is timed.
  spinspice: the wall time of the whole process `spinspice --stats -o X.json NETLIST` (parse, setup,
  operating point, transient, output), on the netlist of examples/maxcut (scripts/pbitnet.py: p-bit
  i = `Ni in<i> o<i> beta pb`, two G synapses per edge, J = -w, h = 0, I0 ramped 0.5 -> 5 by
  `Vbeta beta 0 PWL`), Poisson updates with mean interval tau. By default only v(beta) is saved, so
  the figure is the simulation, not the output of n states per time point.
  Updates counted exactly: each p-bit's update times are a pure function of (seed, instance name,
  index) (core/random.hpp, devices/pbit.cpp: t_0 = tau E_0, t_k = t_{k-1} + tau E_k with E_k the
  exponential drawn from Philox lane 0 of index k), reproduced here in numpy; the number of update
  times <= tstop is the number of updates the simulator performed. The script checks that every one of
  them is an accepted time point of the run (they are breakpoints); if that check fails (the device
  changed), it falls back to the expected count n T / tau (Poisson: relative sd 1/sqrt(n T/tau)) and
  says so. updates/s = updates / median wall (also per CPU second of the process, user + system, which
  other jobs on a shared machine disturb less).
  floor: bench/gibbs_floor.cpp compiled with g++ -O2 -std=c++20 (into the work directory), the same
  graph file, the same (J, h), random site order, the same linear I0 ramp; its own timer around the
  update loop only (no I/O); median over K runs of the per-run updates/s.
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

try:
    import numpy as np
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import pbitnet  # noqa: E402
import rudy_graph  # noqa: E402

M64 = (1 << 64) - 1


# ------------------------------------------------------------------ the pbit device's update times
def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def _fnv1a(name):
    h = 0xCBF29CE484222325
    for c in name.encode():
        h = ((h ^ c) * 0x100000001B3) & M64
    return h


def _philox_uniform(key, index, lane):
    """core/random.hpp Stream::uniform(index, lane) for a vector of indices (numpy uint64)."""
    m0, m1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
    mask = np.uint64(0xFFFFFFFF)
    c0 = index & mask
    c1 = index >> np.uint64(32)
    c2 = np.full_like(index, lane)
    c3 = np.zeros_like(index)
    k0, k1 = key & 0xFFFFFFFF, key >> 32
    for _ in range(10):
        p0 = m0 * c0  # < 2^64: exact in uint64
        p1 = m1 * c2
        hi0, lo0 = p0 >> np.uint64(32), p0 & mask
        hi1, lo1 = p1 >> np.uint64(32), p1 & mask
        c0, c1, c2, c3 = hi1 ^ c1 ^ np.uint64(k0), lo1, hi0 ^ c3 ^ np.uint64(k1), lo0
        k0 = (k0 + 0x9E3779B9) & 0xFFFFFFFF
        k1 = (k1 + 0xBB67AE85) & 0xFFFFFFFF
    u = ((c0 << np.uint64(21)) ^ (c1 >> np.uint64(11))) & np.uint64((1 << 53) - 1)
    return (u.astype(np.float64) + 0.5) * 2.0 ** -53


def update_times(seed, instance, tau, tstop):
    """The Poisson update times <= tstop of p-bit `instance` (lower-case flat name) under `seed`."""
    key = _mix64(seed ^ _mix64((_fnv1a(instance) + 0x9E3779B97F4A7C15) & M64))
    out, t, k, chunk = [], 0.0, 0, max(16, int(2 * tstop / tau) + 16)
    while True:
        e = -np.log(_philox_uniform(key, np.arange(k, k + chunk, dtype=np.uint64), 0))
        ts = t + tau * np.cumsum(e)
        out.append(ts[ts <= tstop])
        if ts[-1] > tstop:
            return np.concatenate(out)
        t, k = ts[-1], k + chunk


# --------------------------------------------------------------------------------------- helpers
def graph_for(args):
    if args.graph:
        g = rudy_graph.read_graph(args.graph)
        return g, os.path.abspath(args.graph)
    g = rudy_graph.toroidal_grid_2d(100, 8, 1, "pm1")
    path = os.path.join(args.workdir, f"{g.name}.txt")
    rudy_graph.write_graph(path, g)
    return g, path


def netlist(g, path, tau, tstop, seed, save_states):
    J, h = -g.coupling(), np.zeros(g.n)
    m0 = np.where(np.random.default_rng(seed).integers(0, 2, g.n) > 0, 1, -1)
    txt = pbitnet.write_network(None, J, h, tau=tau, tstop=tstop, seed=seed, anneal=[(0.0, 0.5), (tstop, 5.0)],
                                m0=m0.tolist(), save="states", title=f"p-bit throughput {g.name}")
    if not save_states:
        txt = re.sub(r"^\.save .*$", ".save v(beta)", txt, flags=re.M)
    with open(path, "w") as f:
        f.write(txt)


def run_spinspice(args, g, tag, tstop):
    cir = os.path.join(args.workdir, f"pbit_{tag}.cir")
    out = os.path.join(args.workdir, f"pbit_{tag}.json")
    netlist(g, cir, args.tau, tstop, args.seed, args.save_states)
    walls, cpus, stderr = [], [], ""
    for _ in range(args.k):
        if os.path.exists(out):
            os.remove(out)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run([args.spinspice, "-q", "--no-progress", "--stats", "-o", out, cir], capture_output=True,
                           text=True)
        walls.append(time.perf_counter() - t0)
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime)
        if r.returncode != 0:
            raise SystemExit(f"spinspice failed ({r.returncode}): {r.stderr.strip()[-1500:]}")
        stderr = r.stderr
    with open(out) as f:
        an = json.load(f)["analyses"][0]
    st = an.get("stats", {})
    times = np.asarray(an["signals"]["time"])
    # exact update count from the device's random streams, checked against the accepted points
    counts, missing = 0, 0
    for i in range(g.n):
        tu = update_times(args.seed, f"n{i}", args.tau, tstop)
        counts += len(tu)
        k = np.clip(np.searchsorted(times, tu), 0, len(times) - 1)
        near = np.minimum(np.abs(times[k] - tu), np.abs(times[np.maximum(k - 1, 0)] - tu))
        missing += int(np.sum(near > 1e-9 * args.tau))
    expected = g.n * tstop / args.tau
    exact = missing == 0
    updates = counts if exact else expected
    wall = statistics.median(walls)
    return {"n": g.n, "edges": g.m, "synapses": 2 * g.m, "tstop": tstop, "sweeps": tstop / args.tau,
            "walls": walls, "wall": wall, "cpus": cpus, "cpu": statistics.median(cpus),
            "updates_per_cpu_s": updates / statistics.median(cpus), "updates": updates, "updates_exact": exact, "updates_counted": counts,
            "updates_expected": expected, "updates_not_at_points": missing, "updates_per_s": updates / wall,
            "accepted": st.get("accepted"), "rejected": st.get("rejected"), "iterations": st.get("iterations"),
            "factorizations": st.get("factorizations"), "time_total": st.get("time_total"),
            "time_eval": st.get("time_eval"), "time_solve": st.get("time_solve"),
            "points_per_update": (st.get("accepted") or 0) / updates, "stderr_tail": stderr.strip()[-300:]}


def build_floor(args):
    exe = os.path.join(args.workdir, "gibbs_floor")
    src = os.path.join(HERE, "gibbs_floor.cpp")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        cxx = os.environ.get("CXX", "g++")
        if shutil.which(cxx) is None:
            raise SystemExit(f"pbit_throughput.py: no C++ compiler '{cxx}' for bench/gibbs_floor.cpp")
        subprocess.run([cxx, "-O2", "-std=c++20", "-o", exe, src], check=True)
    return exe


def run_floor(args, exe, graph_path, sweeps):
    r = subprocess.run([exe, graph_path, "--sweeps", str(sweeps), "--runs", str(args.k), "--anneal", "0.5:5",
                        "--seed", str(args.seed)], capture_output=True, text=True, check=True)
    rates = [float(x) for x in re.findall(r"= ([0-9.eE+-]+) updates/s", r.stdout)]
    best = [float(x) for x in re.findall(r"best (\d+(?:\.\d+)?)", r.stdout)]
    return {"sweeps": sweeps, "rates": rates, "updates_per_s": statistics.median(rates), "best_cuts": best,
            "stdout": r.stdout}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph", nargs="?")
    ap.add_argument("--sweeps", type=float, default=20)
    ap.add_argument("--tau", type=float, default=1e-9)
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--floor-sweeps", type=float, default=2000)
    ap.add_argument("--scan", default="")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--save-states", action="store_true")
    ap.add_argument("--spinspice", default=os.path.join(ROOT, "build", "spinspice"))
    ap.add_argument("--workdir", default="/tmp/spinspice_bench/pbit")
    ap.add_argument("--json")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    if not os.path.exists(args.spinspice):
        raise SystemExit(f"pbit_throughput.py: no spinspice at {args.spinspice}")
    exe = build_floor(args)

    g, gpath = graph_for(args)
    print(f"graph {gpath}: {g.n} p-bits, {g.m} edges ({2 * g.m} G synapses); tau {args.tau:g} s; k = {args.k} "
          f"(medians); {'all states saved' if args.save_states else 'one signal saved'}")
    sp = run_spinspice(args, g, g.name, args.sweeps * args.tau)
    fl = run_floor(args, exe, gpath, args.floor_sweeps)
    ratio = fl["updates_per_s"] / sp["updates_per_s"]
    cnt = "exact" if sp["updates_exact"] else f"expected n T/tau (exact count failed: {sp['updates_not_at_points']} update times not at accepted points)"
    print(f"spinspice: {sp['sweeps']:g} sweeps, {sp['updates']:.0f} updates ({cnt}; n T/tau = {sp['updates_expected']:.0f}), "
          f"wall {sp['wall']:.2f} s (runs {', '.join(f'{w:.2f}' for w in sp['walls'])}), CPU {sp['cpu']:.2f} s")
    print(f"           {sp['updates_per_s']:.4g} updates/s ({sp['updates_per_cpu_s']:.4g} per CPU second); {sp['accepted']} accepted points = "
          f"{sp['points_per_update']:.2f} per update, {1e6 * sp['wall'] / sp['accepted']:.1f} us per point "
          f"(eval {sp['time_eval']:.2f} s, solve {sp['time_solve']:.2f} s of {sp['time_total']:.2f} s in the transient)")
    print(f"floor:     {fl['sweeps']:g} sweeps, {fl['updates_per_s']:.4g} updates/s "
          f"(runs {', '.join(f'{r:.3g}' for r in fl['rates'])}); best cuts {fl['best_cuts']}")
    print(f"ratio floor / spinspice = {ratio:.4g} (wall; {fl['updates_per_s'] / sp['updates_per_cpu_s']:.4g} against "
          f"spinspice's CPU time)")
    scan = []
    for rows in filter(None, args.scan.split(",")):
        gs = rudy_graph.toroidal_grid_2d(int(rows), 8, 1, "pm1")
        p = os.path.join(args.workdir, f"{gs.name}.txt")
        rudy_graph.write_graph(p, gs)
        s = run_spinspice(args, gs, gs.name, args.sweeps * args.tau)
        f = run_floor(args, exe, p, args.floor_sweeps)
        scan.append({"n": gs.n, "spinspice": s, "floor": f, "ratio": f["updates_per_s"] / s["updates_per_s"]})
        print(f"  scan n = {gs.n:5d}: spinspice {s['updates_per_s']:.4g} updates/s ({s['points_per_update']:.2f} "
              f"points/update, {1e6 * s['wall'] / s['accepted']:.1f} us/point), floor {f['updates_per_s']:.4g}, "
              f"ratio {f['updates_per_s'] / s['updates_per_s']:.4g}")
    if args.json:
        for d in [fl] + [x["floor"] for x in scan]:
            d.pop("stdout", None)
        with open(args.json, "w") as f:
            json.dump({"graph": gpath, "tau": args.tau, "k": args.k, "spinspice": sp, "floor": fl, "ratio": ratio,
                       "scan": scan}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
