#!/usr/bin/env python3
"""Analog Hopfield network with domain-wall MTJ synapses, trained by write pulses through its crossbar
(scripts/hopfield.py; Borders et al., Appl. Phys. Express 10, 013007 (2017): 9 neurons, 3 x 3
patterns, learning in about 20 iterations).

The crossbar starts unprogrammed: every wall at a random place on its track (random weights), and
each device's wall mobility spread lognormally (--mu-spread, 30 % by default). Each iteration writes
Hebbian pulses for the three letters L, +, 7 through the crossbar (V/3 scheme, one device at a time):
with --rule hebbian every letter to every neuron; with --rule error (the default) a letter only to the
neurons a recall through the circuit left wrong in the previous test (simulate -> read -> program).
After each iteration the network is tested: from each letter and each of its 9 one-pixel
corruptions it relaxes, and a test succeeds when every neuron ends at the letter's logic level. The
software reference is the binary Hopfield network on the same inputs, with the ideal Hebbian weights
and with the circuit's own weights T.

Writes OUT/hopfield.json and OUT/hopfield_learning.png (recall success and weights against iteration,
and the recalled images at the end).

usage: examples/hopfield/hopfield.py [--iterations 30] [--tpulse 2e-8] [--rule error] [--mu-spread 0.3] [--seed 0]
       [--out out/hopfield]
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


def test_inputs(patterns):
    """(pattern index, input) pairs: each pattern and its one-pixel corruptions."""
    out = []
    for p, x in enumerate(patterns):
        out.append((p, x.copy()))
        for b in range(len(x)):
            y = x.copy()
            y[b] *= -1
            out.append((p, y))
    return out


def training_pulses(patterns, inputs, finals, rule):
    """This iteration's pulses: every pattern to every neuron (hebbian), or each pattern to the neurons
    that ended wrong from one of its inputs in the last test (error)."""
    if rule == "hebbian":
        return [x for p in patterns for x in hf.hebbian_pulses(p)]
    wrong = sorted({(p, i) for (p, _), level in zip(inputs, finals) for i in np.nonzero(level != patterns[p])[0]})
    return [x for p, i in wrong for x in hf.hebbian_pulses(patterns[p], neurons=[int(i)])]


def evaluate(bar, patterns, inputs, reader=None):
    """Circuit recall success, the software references' success, and the largest wall displacement a
    recall caused. reader: a hopfield.RecallCircuit (the netlist parsed once), else a netlist per recall."""
    ideal = patterns.T @ patterns / patterns.shape[1]
    np.fill_diagonal(ideal, 0.0)
    t = bar.weights()
    ok = ok_ideal = ok_t = 0
    moved, finals = 0.0, []
    for p, x in inputs:
        level, _, m = reader.recall(bar, x) if reader else hf.recall(bar, x)
        moved = max(moved, m)
        ok += np.array_equal(level, patterns[p])
        ok_ideal += np.array_equal(hf.hopfield_binary(ideal, x), patterns[p])
        ok_t += np.array_equal(hf.hopfield_binary(t, x), patterns[p])
        finals.append(level)
    n = len(inputs)
    return ok / n, ok_ideal / n, ok_t / n, moved, finals


def plots(history, patterns, inputs, finals, args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    it = [h["iteration"] for h in history]
    fig = plt.figure(figsize=(10, 6))
    grid = fig.add_gridspec(2, 12, height_ratios=[3, 1])
    ax = fig.add_subplot(grid[0, :6])
    ax.plot(it, [h["success"] for h in history], "o-", label="circuit")
    ax.plot(it, [h["success_software_t"] for h in history], "s--", label="binary Hopfield, circuit's T")
    ax.plot(it, [h["success_software_ideal"] for h in history], ":", label="binary Hopfield, Hebbian W")
    ax.set_xlabel("iteration")
    ax.set_ylabel("recall success (30 inputs)")
    ax.legend(fontsize=7)
    ax = fig.add_subplot(grid[0, 6:])
    t = np.array([h["weights"] for h in history]) * 1e6
    ideal = patterns.T @ patterns
    n = patterns.shape[1]
    for i in range(n):
        for j in range(i + 1, n):
            ax.plot(it, t[:, i, j], color="C0" if ideal[i, j] > 0 else "C3", lw=0.6)
    ax.set_xlabel("iteration")
    ax.set_ylabel("T_ij (uS): blue Hebbian sum > 0, red < 0")
    for k in range(6):  # a few inputs and what the trained network made of them
        idx = k * (len(inputs) // 6) + 1
        for col, (image, title) in enumerate(((inputs[idx][1], "input"), (finals[idx], "recalled"))):
            a = fig.add_subplot(grid[1, 2 * k + col])
            a.imshow(image.reshape(3, 3), cmap="gray", vmin=-1, vmax=1)
            a.set_xticks([])
            a.set_yticks([])
            a.set_title(title, fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "hopfield_learning.png"), dpi=120)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--tpulse", type=float, default=20e-9, help="write pulse length (s)")
    ap.add_argument("--rule", choices=("error", "hebbian"), default="error")
    ap.add_argument("--mu-spread", type=float, default=0.3, help="lognormal spread of the wall mobilities")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "hopfield"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    names = list(hf.GLYPHS3)
    patterns = np.array([hf.glyph3(hf.GLYPHS3[c]) for c in names])
    inputs = test_inputs(patterns)
    bar = hf.Crossbar(patterns.shape[1], rng=np.random.default_rng(args.seed), mu_spread=args.mu_spread)
    history, finals = [], None
    # The reads of the learning loop through one parsed circuit (the Python module) when it is built.
    reader = hf.RecallCircuit(bar) if hf._module() else None
    t0 = time.perf_counter()
    for iteration in range(args.iterations + 1):
        seconds, pulses = 0.0, []
        if iteration > 0:
            pulses = training_pulses(patterns, inputs, finals, args.rule)
            t1 = time.perf_counter()
            if pulses:
                hf.program(bar, pulses, tpulse=args.tpulse)
            seconds = time.perf_counter() - t1
        success, ideal, soft_t, moved, finals = evaluate(bar, patterns, inputs, reader)
        history.append(dict(iteration=iteration, success=success, success_software_ideal=ideal,
                            success_software_t=soft_t, read_disturb=moved, pulses=len(pulses),
                            program_seconds=seconds,
                            weights=bar.weights().tolist()))
        print(f"iteration {iteration:2d}: recall {100 * success:5.1f} % of {len(inputs)} inputs (binary Hopfield: "
              f"circuit's T {100 * soft_t:5.1f} %, Hebbian W {100 * ideal:5.1f} %); |T| up to "
              f"{1e6 * np.abs(bar.weights()).max():.1f} uS; {len(pulses)} pulses; reads moved walls by {moved:.1e} m",
              flush=True)
    converged = next((h["iteration"] for h in history if h["success"] == 1.0
                      and all(g["success"] == 1.0 for g in history[h["iteration"]:])), None)
    summary = dict(patterns=names, neurons=patterns.shape[1], synapses=len(bar.devices()),
                   iterations=args.iterations, tpulse=args.tpulse, mu_spread=args.mu_spread, rule=args.rule,
                   pulses=sum(h["pulses"] for h in history),
                   converged_at=converged, final_success=history[-1]["success"],
                   total_seconds=time.perf_counter() - t0)
    with open(os.path.join(args.out, "hopfield.json"), "w") as f:
        json.dump(dict(summary=summary, history=history), f, indent=1)
    plots(history, patterns, inputs, finals, args)
    print(f"recall success 100 % from iteration {converged} on; {summary['total_seconds']:.0f} s in all")


if __name__ == "__main__":
    main()
