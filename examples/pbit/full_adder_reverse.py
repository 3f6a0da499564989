#!/usr/bin/env python3
"""A p-bit full adder run backwards: clamp the outputs (S, Cout), read the input distribution.

Full adder as a Boltzmann machine without auxiliary bits: the bit penalty (a + b + cin - s - 2 cout)^2
(zero exactly on the truth table, >= 1 elsewhere) times 4 in spin variables x = (1 + m)/2 gives
h = 0 and J_ij = -2 w_i w_j with w = (1, 1, 1, -1, -2) (pbitnet.FULL_ADDER; bits a, b, cin, s, cout).
For each of the four (S, Cout) clamps the inputs must be the rows with a + b + cin = S + 2 Cout:
  S=0 C=0 -> 000;  S=1 C=0 -> 001 010 100 equally;  S=0 C=1 -> 011 101 110 equally;  S=1 C=1 -> 111.
Plus a free run (the 32-state histogram vs Boltzmann). I0 = 1, tau = 1 ns, 20 us per run (1e5 update
events), seed 42; time-weighted histograms. Writes OUTDIR/fa_*.json, OUTDIR/full_adder_results.json and
OUTDIR/full_adder.png.

usage: examples/pbit/full_adder_reverse.py [--outdir out/pbit] [--tstop 20e-6] [--seed 42] [--i0 1]
"""
import argparse
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import pbitnet as pn  # noqa: E402

INPUTS = [0, 1, 2]
S, CO = 3, 4


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", default=os.path.join(ROOT, "out", "pbit"))
    ap.add_argument("--tstop", type=float, default=20e-6)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--i0", type=float, default=1.0)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    g = pn.FULL_ADDER
    exact = pn.boltzmann(g.J, g.h, args.i0)
    res = {"J": g.J.tolist(), "h": g.h.tolist(), "bits": list(g.terminals), "i0": args.i0, "tau": 1e-9,
           "tstop": args.tstop, "seed": args.seed, "runs": {}}
    labels = [f"{(k >> 0) & 1}{(k >> 1) & 1}{(k >> 2) & 1}" for k in range(8)]  # a b cin
    panels = []
    t, m, info = pn.run_network(g.J, g.h, i0=args.i0, tstop=args.tstop, seed=args.seed, workdir=args.outdir,
                                stem="fa_free", fmt="json", title="p-bit full adder, free")
    p, _ = pn.sample_histogram(t, m)
    kl_free = pn.kl_divergence(p, exact)
    valid = [int(pn.state_index(np.array(s))) for s in g.truth]
    res["runs"]["free"] = {"kl": kl_free, "p_valid_sim": float(p[valid].sum()),
                           "p_valid_exact": float(exact[valid].sum()), "points": len(t),
                           "seconds": info["seconds"], "p_sim": p.tolist(), "p_exact": exact.tolist()}
    print(f"free: KL = {kl_free:.2e}, P(truth table) = {p[valid].sum():.4f} (exact {exact[valid].sum():.4f}), "
          f"{len(t)} points, {info['seconds']:.2f} s")
    free = (p, exact)
    for s in (0, 1):
        for co in (0, 1):
            clamp = {S: 2 * s - 1, CO: 2 * co - 1}
            name = f"s{s}c{co}"
            t, m, info = pn.run_network(g.J, g.h, i0=args.i0, tstop=args.tstop, seed=args.seed, clamp=clamp,
                                        workdir=args.outdir, stem=f"fa_{name}", fmt="json",
                                        title=f"p-bit full adder backwards: S={s} Cout={co}")
            p, _ = pn.sample_histogram(t, m)
            q = pn.conditional(exact, clamp)
            pin, qin = pn.marginal(p, INPUTS), pn.marginal(q, INPUTS)
            ok = [k for k in range(8) if bin(k).count("1") == s + 2 * co]
            kl = pn.kl_divergence(p, q)
            res["runs"][name] = {"clamp": {"s": s, "cout": co}, "kl": kl, "inputs_order": labels,
                                 "p_inputs_sim": pin.tolist(), "p_inputs_exact": qin.tolist(),
                                 "p_consistent_sim": float(pin[ok].sum()), "p_consistent_exact": float(qin[ok].sum()),
                                 "seconds": info["seconds"]}
            print(f"S={s} Cout={co}: P(a+b+cin = S+2Cout) = {pin[ok].sum():.4f} (exact {qin[ok].sum():.4f}); "
                  f"KL = {kl:.2e}; inputs " + " ".join(f"{labels[k]}:{pin[k]:.3f}/{qin[k]:.3f}" for k in ok))
            panels.append((name, pin, qin, s, co))
    with open(os.path.join(args.outdir, "full_adder_results.json"), "w") as f:
        json.dump(res, f, indent=1)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 5, figsize=(19, 3.8))
    p, q = free
    x = np.arange(32)
    ax[0].bar(x - 0.2, p, 0.4, label="spinspice")
    ax[0].bar(x + 0.2, q, 0.4, label="exact")
    ax[0].set_yscale("log")
    ax[0].set_ylim(1e-5, 0.3)
    ax[0].set_xlabel("state index (bit0 = a ... bit4 = cout)")
    ax[0].set_title(f"free, I0={args.i0:g}: KL={kl_free:.1e}")
    ax[0].legend(fontsize=8)
    x = np.arange(8)
    for j, (name, pin, qin, s, co) in enumerate(panels):
        a = ax[j + 1]
        a.bar(x - 0.2, pin, 0.4, label="spinspice")
        a.bar(x + 0.2, qin, 0.4, label="exact")
        a.set_xticks(x, labels)
        a.set_xlabel("inputs a b cin")
        a.set_title(f"clamped S={s}, Cout={co}")
        a.legend(fontsize=8)
    fig.tight_layout()
    png = os.path.join(args.outdir, "full_adder.png")
    fig.savefig(png, dpi=110)
    print(f"wrote {png} and {os.path.join(args.outdir, 'full_adder_results.json')}")


if __name__ == "__main__":
    main()
