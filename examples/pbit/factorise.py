#!/usr/bin/env python3
"""Integer factorisation with an invertible p-bit multiplier run in reverse
(Camsari et al., PRX 7, 031014 (2017); Borders et al., Nature 573, 390 (2019)).

The n x m array multiplier (pbitnet.multiplier: AND partial products, columns reduced with full and
half adders, each gate the Boltzmann machine of its truth table, summed over shared nodes) has as
ground states exactly the assignments with product bits = p*q (verified by enumeration for 3x3 in
tests/statistics/pbit_gates.py). Clamping the product bits to N (large biases, pbitnet.factor_clamp)
leaves the factor pairs as ground states. I0 is annealed linearly from 0 to I0max (PWL on the p-bits'
ctrl node) over t_anneal from a random start state (numpy seed 1000 + seed), then held for max(0.1 t_anneal, 20 ns); a run succeeds when the final state
has p*q = N. Success probability over seeds vs t_anneal; tau = 1 ns, Poisson updates.

usage: examples/pbit/factorise.py [--outdir out/pbit] [--case 3x3:35 --case 4x4:143]
                                  [--anneal-ns 3,10,30,100,300,1000,3000] [--seeds 20] [--i0max 3]
Default: 3x3 (27 p-bits) factoring 35 with 20 seeds per anneal time, 4x4 (48 p-bits) factoring 143 with
10 seeds per anneal time (~9 minutes on one core). Writes OUTDIR/factorise_results.json, one
spinspice waveform file OUTDIR/factor_<N>_trace.json and OUTDIR/factorise.png.
"""
import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import pbitnet as pn  # noqa: E402

DEFAULT_CASES = {"3x3:35": ([3, 10, 30, 100, 300, 1000, 3000], 20), "4x4:143": ([30, 100, 300, 1000, 3000], 10)}


def wilson(k, n, z=1.0):
    """Wilson score interval (z = 1: ~68 %)."""
    if n == 0:
        return 0.0, 1.0
    ph = k / n
    den = 1 + z * z / n
    c = (ph + z * z / (2 * n)) / den
    w = z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n)) / den
    return max(0.0, c - w), min(1.0, c + w)


def run_case(spec, anneal_ns, seeds, i0max, tau, workdir, outdir):
    dims, N = spec.split(":")
    n, m = (int(x) for x in dims.split("x"))
    N = int(N)
    c = pn.multiplier(n, m)
    J, h = c.ising()
    clamp = pn.factor_clamp(c, N, n + m)
    pairs = [(a, b) for a in range(1 << n) for b in range(1 << m) if a * b == N]
    print(f"{n}x{m} multiplier, {c.n} p-bits ({len(clamp)} clamped), N = {N}: factor pairs {pairs}; "
          f"random guess succeeds with {len(pairs) / 2 ** (n + m):.4f}")
    out = {"n": n, "m": m, "N": N, "p_bits": c.n, "factor_pairs": pairs,
           "random_guess": len(pairs) / 2 ** (n + m), "i0max": i0max, "tau": tau, "anneal": []}
    for ta_ns in anneal_ns:
        ta = ta_ns * 1e-9
        hold = max(0.1 * ta, 20e-9)
        succ, frac, secs, found = 0, [], 0.0, {}
        for seed in range(seeds):
            m0 = np.random.default_rng(1000 + seed).choice([-1, 1], c.n)  # random start state
            t, st, info = pn.run_network(J, h, tau=tau, tstop=ta + hold, seed=seed, m0=m0,
                                         anneal=pn.linear_anneal(ta, i0max, 0.0, hold), clamp=clamp,
                                         workdir=workdir, stem="run", fmt="raw", names=c.names,
                                         title=f"factorise {N} with a {n}x{m} p-bit multiplier")
            secs += info["seconds"]
            p = pn.circuit_words(c, st, "p", n)
            q = pn.circuit_words(c, st, "q", m)
            ok = p * q == N
            succ += int(ok[-1])
            found[f"{p[-1]}x{q[-1]}"] = found.get(f"{p[-1]}x{q[-1]}", 0) + 1
            dt = np.diff(t)
            sel = t[1:] > ta
            frac.append(float(np.sum(dt[sel] * ok[1:][sel]) / np.sum(dt[sel])))
        lo, hi = wilson(succ, seeds)
        row = {"t_anneal_ns": ta_ns, "seeds": seeds, "successes": succ, "p_success": succ / seeds,
               "wilson68": [lo, hi], "hold_fraction_correct": float(np.mean(frac)), "final_pq": found,
               "seconds_total": secs, "seconds_per_run": secs / seeds,
               "update_events_per_run": c.n * (ta + hold) / tau}
        out["anneal"].append(row)
        print(f"  t_anneal = {ta_ns:6g} ns: success {succ:2d}/{seeds} = {succ / seeds:.2f} "
              f"[{lo:.2f}, {hi:.2f}], time fraction correct in hold {np.mean(frac):.3f}, "
              f"{secs / seeds:.2f} s per run; final p x q: {found}", flush=True)
    # one trace kept as spinspice JSON (the middle anneal time, seed 0)
    ta = anneal_ns[len(anneal_ns) // 2] * 1e-9
    hold = max(0.1 * ta, 20e-9)
    m0 = np.random.default_rng(1000).choice([-1, 1], c.n)
    t, st, info = pn.run_network(J, h, tau=tau, tstop=ta + hold, seed=0, m0=m0,
                                 anneal=pn.linear_anneal(ta, i0max, 0.0, hold), clamp=clamp,
                                 workdir=outdir, stem=f"factor_{N}_trace", fmt="json", names=c.names, save="all",
                                 title=f"factorise {N} with a {n}x{m} p-bit multiplier")
    out["trace"] = {"file": os.path.basename(info["output"]), "t_anneal_ns": ta * 1e9, "seed": 0}
    return out, (t, pn.circuit_words(c, st, "p", n), pn.circuit_words(c, st, "q", m), ta, hold)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", default=os.path.join(ROOT, "out", "pbit"))
    ap.add_argument("--case", action="append", help="NxM:N (e.g. 3x3:35); repeatable")
    ap.add_argument("--anneal-ns", default=None, help="comma-separated anneal times in ns (all cases)")
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--i0max", type=float, default=3.0)
    ap.add_argument("--tau", type=float, default=1e-9)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    cases = args.case or list(DEFAULT_CASES)
    workdir = tempfile.mkdtemp(prefix="factorise_")
    results, traces = [], []
    t0 = time.time()
    try:
        for spec in cases:
            an, sd = DEFAULT_CASES.get(spec, ([10, 30, 100, 300], 10))
            if args.anneal_ns:
                an = [float(x) for x in args.anneal_ns.split(",")]
            if args.seeds:
                sd = args.seeds
            r, tr = run_case(spec, an, sd, args.i0max, args.tau, workdir, args.outdir)
            results.append(r)
            traces.append((r, tr))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    wall = time.time() - t0
    with open(os.path.join(args.outdir, "factorise_results.json"), "w") as f:
        json.dump({"cases": results, "wall_seconds": wall}, f, indent=1)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 1 + len(traces), figsize=(5.5 * (1 + len(traces)), 4))
    for r in results:
        x = [a["t_anneal_ns"] for a in r["anneal"]]
        y = [a["p_success"] for a in r["anneal"]]
        err = np.array([[a["p_success"] - a["wilson68"][0], a["wilson68"][1] - a["p_success"]] for a in r["anneal"]]).T
        line = ax[0].errorbar(x, y, yerr=err, marker="o", capsize=3,
                              label=f"N={r['N']} ({r['n']}x{r['m']}, {r['p_bits']} p-bits, {r['anneal'][0]['seeds']} seeds)")
        ax[0].axhline(r["random_guess"], ls=":", color=line[0].get_color())
    ax[0].set_xscale("log")
    ax[0].set_ylim(-0.02, 1.05)
    ax[0].set_xlabel("anneal time (ns), tau = 1 ns")
    ax[0].set_ylabel("P(success): final p*q = N")
    ax[0].set_title(f"factorisation by annealing I0: 0 -> {args.i0max:g}\n(dotted: random guess)")
    ax[0].legend(fontsize=8)
    for k, (r, (t, p, q, ta, hold)) in enumerate(traces):
        a = ax[k + 1]
        a.step(t * 1e9, p, where="pre", label="p", lw=0.8)
        a.step(t * 1e9, q, where="pre", label="q", lw=0.8)
        for (fa, fb) in r["factor_pairs"]:
            a.axhline(fa, color="k", ls=":", lw=0.6)
        a2 = a.twinx()
        a2.plot([0, ta * 1e9, (ta + hold) * 1e9], [0, args.i0max, args.i0max], "r--", lw=1)
        a2.set_ylabel("I0(t)", color="r")
        a.set_xlabel("time (ns)")
        a.set_ylabel("integer value")
        a.set_title(f"N={r['N']}: p(t), q(t), seed 0, t_anneal={ta * 1e9:g} ns")
        a.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    png = os.path.join(args.outdir, "factorise.png")
    fig.savefig(png, dpi=110)
    print(f"total {wall:.0f} s; wrote {png} and {os.path.join(args.outdir, 'factorise_results.json')}")


if __name__ == "__main__":
    main()
