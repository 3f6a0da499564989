#!/usr/bin/env python3
"""Capacity of the analog Hopfield circuit (scripts/hopfield.py) against the software network: N neurons
(default 64) store P random patterns by Hebb's rule, programmed directly into the dwmtj crossbar
(Crossbar.from_weights: G+- = G_mid +- T/2), and recall them from inputs with --noise of the pixels
flipped. For each P, --trials pattern sets; a trial is the recall of pattern 0 of its set. The
software reference is the binary Hopfield network (asynchronous sign updates) on the same weights and
inputs; its capacity for random patterns is near 0.138 N (Amit, Gutfreund, Sompolinsky, PRL 55, 1530
(1985)), lower for recall from noisy inputs at finite N.

Circuit variants (--variants): "analog" (the ideal weights as conductances), "q8" (every conductance
rounded to 8 levels of its wall position), "spread10" (each conductance x (1 + 0.1 N(0, 1)): device
variability), "wire1" and "wire5" (the analog weights with 1 or 5 ohm of line resistance per cell pitch
on every row and column: hopfield.recall_netlist(wire=)).

Writes OUT/hopfield_capacity.json and OUT/hopfield_capacity.png.

usage: examples/hopfield/capacity.py [--n 64] [--p 2,4,6,8,10,12] [--trials 4] [--noise 0.1]
       [--variants analog,q8,spread10] [--out out/hopfield]
"""
import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import hopfield as hf  # noqa: E402  (re-executes under /usr/bin/python3 without numpy)
import numpy as np  # noqa: E402

VARIANTS = {"analog": dict(), "q8": dict(levels=8), "spread10": dict(spread=0.1), "wire1": dict(), "wire5": dict()}
WIRE = {"wire1": 1.0, "wire5": 5.0}  # ohm per cell pitch


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--p", default="2,4,6,8,10,12")
    ap.add_argument("--trials", type=int, default=4)
    ap.add_argument("--noise", type=float, default=0.1)
    ap.add_argument("--variants", default="analog,q8,spread10")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "hopfield"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    variants = args.variants.split(",")
    loads = [int(p) for p in args.p.split(",")]
    rows = []
    for p in loads:
        result = dict(p=p, load=p / args.n, software=0, seconds=[], **{v: 0 for v in variants})
        for trial in range(args.trials):
            rng = np.random.default_rng([args.seed, p, trial])
            patterns = rng.choice([-1.0, 1.0], size=(p, args.n))
            w = patterns.T @ patterns / args.n
            np.fill_diagonal(w, 0.0)
            x = patterns[0].copy()
            x[rng.choice(args.n, int(round(args.noise * args.n)), replace=False)] *= -1
            result["software"] += np.array_equal(hf.hopfield_binary(w, x), patterns[0])
            for v in variants:
                bar = hf.Crossbar.from_weights(w, rng=rng, **VARIANTS[v])
                t0 = time.perf_counter()
                level, _, _ = hf.recall(bar, x, save_walls=False, tstop=5e-9, points=50, wire=WIRE.get(v, 0.0))
                result["seconds"].append(time.perf_counter() - t0)
                result[v] += np.array_equal(level, patterns[0])
        for key in ["software"] + variants:
            result[key] /= args.trials
        result["median_seconds"] = float(np.median(result.pop("seconds")))
        rows.append(result)
        print(f"P = {p:2d} (P/N {p / args.n:.3f}): software {100 * result['software']:.0f} %, " +
              ", ".join(f"{v} {100 * result[v]:.0f} %" for v in variants) +
              f"; {result['median_seconds']:.1f} s per circuit recall", flush=True)
    with open(os.path.join(args.out, "hopfield_capacity.json"), "w") as f:
        json.dump(dict(n=args.n, trials=args.trials, noise=args.noise, rows=rows), f, indent=1)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = [r["load"] for r in rows]
    ax.plot(x, [r["software"] for r in rows], "k--o", label="binary Hopfield (software)")
    for v in variants:
        ax.plot(x, [r[v] for r in rows], "o-", label=f"circuit, {v}")
    ax.axvline(0.138, color="gray", lw=0.8)
    ax.set_xlabel("load P/N")
    ax.set_ylabel(f"recall success ({args.trials} sets, {100 * args.noise:.0f} % flipped)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "hopfield_capacity.png"), dpi=120)


if __name__ == "__main__":
    main()
