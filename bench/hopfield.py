#!/usr/bin/env python3
"""Analog Hopfield network with dwmtj synapses (scripts/hopfield.py): time to recall one pattern with
N = 100 neurons (issue 13), against the floor of the same recall in the continuous Hopfield model in
numpy (the circuit's own C, conductances and tanh, forward Euler at the circuit's step).

Usage: hopfield.py [-k K] [--n 100] [--spinspice PATH] [--json FILE]

The case: 5 random patterns stored by Hebb's rule (P/N = 0.05), programmed directly into the crossbar
(19 800 dwmtj devices at N = 100), K inputs with 10 % of the pixels flipped, a 5 ns transient (50 time
constants of the neurons' inputs) at 50 points. Timed: one recall, median: through the Python module in
this process when it is built (hopfield.run_timed: no process, no JSON), else (or with --spinspice,
$SPINSPICE) the whole process `spinspice -o X.json NETLIST`.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts"))
import hopfield as hf  # noqa: E402  (re-executes under /usr/bin/python3 when numpy is missing)
import numpy as np  # noqa: E402


def floor_recall(bar, start, tstop=5e-9, points=50, neuron=hf.NEURON, u0=0.05):
    """The continuous Hopfield model of the same circuit: C du/dt = sum_j (G+ (V_j - u) + G- (-V_j - u))
    - u/rleak, V = vs tanh(beta u), forward Euler at tstop/points."""
    g = hf.conductance(bar.q, bar.dw)
    gp, gm = g[:, :, 0], g[:, :, 1]
    np.fill_diagonal(gp, 0.0)
    np.fill_diagonal(gm, 0.0)
    gsum = gp.sum(axis=1) + gm.sum(axis=1) + 1 / neuron["rleak"]
    u = u0 * np.asarray(start, float)
    h = tstop / points
    for _ in range(points):
        v = neuron["vs"] * np.tanh(neuron["beta"] * u)
        u = u + h / neuron["cn"] * ((gp - gm) @ v - gsum * u)
        u = np.clip(u, -1.0, 1.0)  # explicit Euler at the circuit's step is unstable; clipped (a floor only)
    return np.sign(u)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", type=int, default=3, help="recalls")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--spinspice", help="binary (default build/spinspice)")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    if args.spinspice:
        os.environ["SPINSPICE"] = os.path.abspath(args.spinspice)
    rng = np.random.default_rng(0)
    patterns = rng.choice([-1.0, 1.0], size=(5, args.n))
    w = patterns.T @ patterns / args.n
    np.fill_diagonal(w, 0.0)
    bar = hf.Crossbar.from_weights(w)
    walls, floors, retrieved = [], [], 0
    for i in range(args.k):
        x = patterns[i % len(patterns)].copy()
        x[rng.choice(args.n, args.n // 10, replace=False)] *= -1
        t0 = time.perf_counter()
        level, _, _ = hf.recall(bar, x, save_walls=False, tstop=5e-9, points=50)
        walls.append(time.perf_counter() - t0)
        retrieved += np.array_equal(level, patterns[i % len(patterns)])
        t0 = time.perf_counter()
        floor_recall(bar, x)
        floors.append(time.perf_counter() - t0)
    wall, floor = statistics.median(walls), statistics.median(floors)
    print(f"analog Hopfield N={args.n} ({len(bar.devices())} dwmtj)  {args.k} recalls ({retrieved} retrieved)  "
          f"{'in-process' if hf._module() else 'process'} {wall:.2f} s  floor (numpy model) {floor * 1e3:.2f} ms  ratio {wall / floor:.0f}x", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(case=f"hopfield N={args.n}", runs=args.k, retrieved=retrieved, process_s=wall,
                           floor_s=floor, walls=walls, floors=floors), f, indent=1)


if __name__ == "__main__":
    main()
