#!/usr/bin/env python3
"""Invertible AND gate with three `pbit` devices (Camsari et al., PRX 7, 031014 (2017)).

J = [[0,-1,2],[-1,0,2],[2,2,0]], h = [1,1,-2] (bits A, B, C = A AND B), I0 = 1, tau = 1 ns, Poisson updates.
Runs (each 10 us = 3e4 update events, seed 42):
  free      nothing clamped: the 8-state histogram vs the exact Boltzmann distribution
  forward   A, B clamped to 00, 01, 10, 11: C follows A AND B
  backward  C clamped to 1: A, B = 11;  C clamped to 0: A, B in {00, 01, 10} equally
Histograms are time-weighted (pbitnet.sample_histogram). Writes OUTDIR/and_*.json (spinspice waveforms),
OUTDIR/and_gate_results.json and OUTDIR/and_gate.png.

usage: examples/pbit/and_gate.py [--outdir out/pbit] [--tstop 10e-6] [--seed 42]
"""
import argparse
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import pbitnet as pn  # noqa: E402

A, B, C = 0, 1, 2


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", default=os.path.join(ROOT, "out", "pbit"))
    ap.add_argument("--tstop", type=float, default=10e-6)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    g = pn.AND
    exact = pn.boltzmann(g.J, g.h, 1.0)
    results = {"J": g.J.tolist(), "h": g.h.tolist(), "i0": 1.0, "tau": 1e-9, "tstop": args.tstop,
               "seed": args.seed, "update_events_per_run": 3 * args.tstop / 1e-9, "runs": {}}
    runs = {"free": {}}
    for a in (0, 1):
        for b in (0, 1):
            runs[f"fwd_{a}{b}"] = {A: 2 * a - 1, B: 2 * b - 1}
    runs["bwd_c1"] = {C: 1}
    runs["bwd_c0"] = {C: -1}
    hist = {}
    traces = {}
    for name, clamp in runs.items():
        t, m, info = pn.run_network(g.J, g.h, i0=1.0, tau=1e-9, tstop=args.tstop, seed=args.seed, clamp=clamp,
                                    workdir=args.outdir, stem=f"and_{name}", fmt="json",
                                    title=f"invertible AND gate: {name}")
        p, _ = pn.sample_histogram(t, m)
        q = pn.conditional(exact, clamp) if clamp else exact
        hist[name] = (p, q)
        traces[name] = (t, m)
        results["runs"][name] = {"clamp": {"ABC"[k]: v for k, v in clamp.items()}, "points": len(t),
                                 "seconds": round(info["seconds"], 3), "kl": pn.kl_divergence(p, q),
                                 "p_sim": p.tolist(), "p_exact": q.tolist()}
        print(f"{name:8s} KL(sim||exact) = {pn.kl_divergence(p, q):.2e}  ({len(t)} points, {info['seconds']:.2f} s)")

    # forward: P(C = A AND B | A, B)
    print("forward (A, B clamped):  P(C = A AND B)  sim / exact")
    fwd = {}
    for a in (0, 1):
        for b in (0, 1):
            p, q = hist[f"fwd_{a}{b}"]
            pc = pn.marginal(p, [C])
            qc = pn.marginal(q, [C])
            want = a & b
            fwd[f"{a}{b}"] = (pc[want], qc[want])
            results["runs"][f"fwd_{a}{b}"]["p_correct"] = [pc[want], qc[want]]
            print(f"  A={a} B={b}: C={want} with {pc[want]:.4f} / {qc[want]:.4f}")
    # backward: distribution of (A, B) given C
    print("backward (C clamped): P(A, B)  sim / exact  for AB = 00 01 10 11")
    bwd = {}
    for name in ("bwd_c1", "bwd_c0"):
        p, q = hist[name]
        pab, qab = pn.marginal(p, [A, B]), pn.marginal(q, [A, B])
        order = [0, 2, 1, 3]  # index bit0 = A, bit1 = B -> AB = 00, 01, 10, 11
        bwd[name] = (pab[order], qab[order])
        results["runs"][name]["p_AB"] = {"order": ["00", "01", "10", "11"], "sim": pab[order].tolist(),
                                         "exact": qab[order].tolist()}
        print(f"  C={name[-1]}: " + "  ".join(f"{s:.4f}/{e:.4f}" for s, e in zip(pab[order], qab[order])))

    with open(os.path.join(args.outdir, "and_gate_results.json"), "w") as f:
        json.dump(results, f, indent=1)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(2, 3, figsize=(14, 7.5))
    labels = ["".join("+" if s > 0 else "-" for s in row) for row in pn.all_states(3)]
    p, q = hist["free"]
    x = np.arange(8)
    ax[0, 0].bar(x - 0.2, p, 0.4, label="spinspice")
    ax[0, 0].bar(x + 0.2, q, 0.4, label="exact Boltzmann")
    ax[0, 0].set_xticks(x, labels)
    ax[0, 0].set_yscale("log")
    ax[0, 0].set_ylim(1e-6, 1)
    ax[0, 0].set_title(f"free AND (A B C), I0=1, KL={pn.kl_divergence(p, q):.1e}")
    ax[0, 0].legend(fontsize=8)
    keys = list(fwd)
    x = np.arange(4)
    ax[0, 1].bar(x - 0.2, [fwd[k][0] for k in keys], 0.4, label="spinspice")
    ax[0, 1].bar(x + 0.2, [fwd[k][1] for k in keys], 0.4, label="exact")
    ax[0, 1].set_xticks(x, [f"AB={k}" for k in keys])
    ax[0, 1].set_ylim(0.9, 1.0)
    ax[0, 1].set_title("forward: P(C = A AND B), inputs clamped")
    ax[0, 1].legend(fontsize=8, loc="lower right")
    for j, name in enumerate(("bwd_c1", "bwd_c0")):
        s, e = bwd[name]
        axx = ax[0, 2] if j == 0 else ax[1, 0]
        axx.bar(x - 0.2, s, 0.4, label="spinspice")
        axx.bar(x + 0.2, e, 0.4, label="exact")
        axx.set_xticks(x, ["00", "01", "10", "11"])
        axx.set_xlabel("A B")
        axx.set_title(f"backward: output clamped C={name[-1]}")
        axx.legend(fontsize=8)
    t, m = traces["bwd_c0"]
    sel = t <= 200e-9
    for k, lab in enumerate("ABC"):
        ax[1, 1].step(t[sel] * 1e9, m[sel, k] * 0.8 + 2.2 * (2 - k), where="pre", label=lab)
    ax[1, 1].set_yticks([4.4, 2.2, 0], ["A", "B", "C (clamped 0)"])
    ax[1, 1].set_xlabel("time (ns)")
    ax[1, 1].set_title("states, backward C=0 (first 200 ns)")
    t, m = traces["free"]
    sel = t <= 200e-9
    for k, lab in enumerate("ABC"):
        ax[1, 2].step(t[sel] * 1e9, m[sel, k] * 0.8 + 2.2 * (2 - k), where="pre", label=lab)
    ax[1, 2].set_yticks([4.4, 2.2, 0], ["A", "B", "C"])
    ax[1, 2].set_xlabel("time (ns)")
    ax[1, 2].set_title("states, free running (first 200 ns)")
    fig.tight_layout()
    png = os.path.join(args.outdir, "and_gate.png")
    fig.savefig(png, dpi=110)
    print(f"wrote {png} and {os.path.join(args.outdir, 'and_gate_results.json')}")


if __name__ == "__main__":
    main()
