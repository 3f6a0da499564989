#!/usr/bin/env python3
"""Coupled-oscillator associative memory as a circuit (scripts/oscmem.py; Hoppensteadt and Izhikevich
1999, Nikonov et al. 2015): 64 `stno` oscillators, one per pixel of an 8 x 8 image, coupled through a
resistive network whose conductances are Hebb's weights for three stored letters. Each run starts the
oscillators at the phases of a letter with 20 % of its pixels flipped (0 for +1, pi for -1, plus
0.1 rad of jitter) and lets the network lock.

For every stored letter and trial it reports whether the circuit ended in the letter, when (the last
time the readout changed), the energy spent until then, and the same for the phase model and a binary
Hopfield network on the same weights and inputs. Writes OUT/oscmem.json, OUT/oscmem_phases.png (the
image over time: cos(phi_i - phi_ref) per pixel) and OUT/oscmem_overlaps.png (overlap with the target
against time, circuit and phase model).

usage: examples/oscmem/oscmem.py [--patterns AZL] [--trials 5] [--noise 0.2] [--gain 3] [--tstop 3e-7]
       [--detune 0] [--out out/oscmem]
"""
import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import oscmem  # noqa: E402  (re-executes under /usr/bin/python3 without numpy)
import numpy as np  # noqa: E402

R_UNIT = 1e3


def one_run(w, target, phases, args, detune):
    """Circuit, phase model and binary Hopfield from one corrupted input: a dict of results, and the
    circuit's (t, phases) for the plots."""
    n = len(target)
    text = oscmem.netlist(w, phases, r_unit=R_UNIT, gain=args.gain, tstop=args.tstop, detune=detune)
    analysis, seconds = oscmem.run_circuit(text)
    t, phi = oscmem.circuit_phases(analysis, n)
    states = oscmem.readout(phi)
    t_ret = oscmem.retrieval_time(t, states, target)
    k = oscmem.coupling_rate(n, R_UNIT, args.gain)
    tm, phim = oscmem.run_phase_model(w, phases, k, args.tstop, detune=detune)
    model_states = oscmem.readout(phim)
    t_model = oscmem.retrieval_time(tm, model_states, target)
    binary = oscmem.hopfield(w, np.where(np.cos(phases) > 0, 1.0, -1.0))
    bias, coupling = oscmem.energy(analysis, w, R_UNIT, args.gain, until=t_ret)
    result = dict(start_overlap=float(abs(np.sign(np.cos(phases)) @ target) / n), overlap=float(oscmem.overlaps(states[-1], target[None])[0]),
                  retrieved=t_ret is not None, retrieval_time=t_ret, energy_bias=bias, energy_coupling=coupling,
                  model_retrieved=t_model is not None, model_retrieval_time=t_model,
                  hopfield_retrieved=bool(abs(binary @ target) == n), seconds=seconds, points=len(t))
    return result, (t, phi, tm, phim)


def continuous_overlap(phases, target):
    """|sum_i cos(phi_i - phi_ref) xi_i| / N per time, phi_ref as in oscmem.readout."""
    ref = np.angle(np.exp(2j * phases).sum(axis=-1, keepdims=True)) / 2
    return np.abs(np.cos(phases - ref) @ target) / len(target)


def plots(traces, patterns, names, args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    times = [0, 10e-9, 20e-9, 40e-9, 80e-9, args.tstop]
    fig, axes = plt.subplots(len(traces), len(times), figsize=(1.6 * len(times), 1.7 * len(traces)))
    axes = np.atleast_2d(axes)
    for row, (name, (t, phi, _, _)) in enumerate(zip(names, traces)):
        for col, when in enumerate(times):
            k = min(np.searchsorted(t, when), len(t) - 1)
            z = np.exp(2j * phi[k]).sum()
            image = np.cos(phi[k] - np.angle(z) / 2)
            image *= np.sign(image @ patterns[row]) or 1.0  # +-: the same memory
            axes[row, col].imshow(image.reshape(8, 8), cmap="gray", vmin=-1, vmax=1)
            axes[row, col].set_xticks([])
            axes[row, col].set_yticks([])
            if row == 0:
                axes[row, col].set_title(f"{t[k] * 1e9:.0f} ns", fontsize=9)
        axes[row, 0].set_ylabel(name)
    fig.suptitle("64 stno oscillators: phase pattern over time (cos(phi - phi_ref))", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "oscmem_phases.png"), dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 3.5))
    for row, (name, (t, phi, tm, phim)) in enumerate(zip(names, traces)):
        target = patterns[row]
        c, cm = continuous_overlap(phi, target), continuous_overlap(phim, target)
        line, = ax.plot(t * 1e9, c, label=f"{name}: circuit")
        ax.plot(tm * 1e9, cm, "--", color=line.get_color(), label=f"{name}: phase model")
    ax.set_xlabel("time (ns)")
    ax.set_ylabel("|sum cos(phi_i - phi_ref) xi_i| / N")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "oscmem_overlaps.png"), dpi=120)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patterns", default="AZL", help="letters of oscmem.GLYPHS to store")
    ap.add_argument("--trials", type=int, default=5, help="corrupted inputs per stored letter")
    ap.add_argument("--noise", type=float, default=0.2, help="fraction of pixels flipped")
    ap.add_argument("--gain", type=float, default=3.0, help="the current amplifiers' gain")
    ap.add_argument("--tstop", type=float, default=300e-9)
    ap.add_argument("--detune", type=float, default=0.0, help="spread (std, Hz) of the oscillators' f0")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "oscmem"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    names = list(args.patterns)
    patterns = np.array([oscmem.glyph(oscmem.GLYPHS[c]) for c in names])
    w = oscmem.hebbian(patterns)
    n = patterns.shape[1]
    rng = np.random.default_rng(args.seed)
    detune = args.detune * rng.standard_normal(n) if args.detune > 0 else None
    rows, traces = [], []
    t0 = time.perf_counter()
    for p, name in enumerate(names):
        for trial in range(args.trials):
            corrupted = oscmem.corrupt(patterns[p], args.noise, rng)
            phases = np.where(corrupted > 0, 0.0, np.pi) + 0.1 * rng.standard_normal(n)
            result, trace = one_run(w, patterns[p], phases, args, detune)
            rows.append(dict(pattern=name, trial=trial, **result))
            if trial == 0:
                traces.append(trace)
            ret = f"{result['retrieval_time'] * 1e9:.1f} ns" if result["retrieved"] else "not retrieved"
            print(f"{name} trial {trial}: overlap {result['start_overlap']:.3f} -> {result['overlap']:.3f}, {ret} "
                  f"(phase model {'%.1f ns' % (result['model_retrieval_time'] * 1e9) if result['model_retrieved'] else 'no'}, "
                  f"Hopfield {'yes' if result['hopfield_retrieved'] else 'no'}); energy "
                  f"{(result['energy_bias'] + result['energy_coupling']) * 1e9:.1f} nJ; {result['seconds']:.1f} s",
                  flush=True)
    ok = [r for r in rows if r["retrieved"]]
    summary = dict(
        stored=names, neurons=n, runs=len(rows), noise=args.noise, gain=args.gain, detune=args.detune,
        coupling_rate=oscmem.coupling_rate(n, R_UNIT, args.gain),
        success_circuit=len(ok) / len(rows), success_phase_model=float(np.mean([r["model_retrieved"] for r in rows])),
        success_hopfield=float(np.mean([r["hopfield_retrieved"] for r in rows])),
        median_retrieval_time=float(np.median([r["retrieval_time"] for r in ok])) if ok else None,
        median_model_retrieval_time=float(np.median([r["model_retrieval_time"] for r in rows if r["model_retrieved"]]))
        if any(r["model_retrieved"] for r in rows) else None,
        median_energy=float(np.median([r["energy_bias"] + r["energy_coupling"] for r in ok])) if ok else None,
        median_energy_coupling=float(np.median([r["energy_coupling"] for r in ok])) if ok else None,
        median_seconds=float(np.median([r["seconds"] for r in rows])), total_seconds=time.perf_counter() - t0)
    with open(os.path.join(args.out, "oscmem.json"), "w") as f:
        json.dump(dict(summary=summary, rows=rows), f, indent=1)
    plots(traces, patterns, names, args)
    print(f"retrieved {100 * summary['success_circuit']:.0f} % of {len(rows)} inputs (phase model "
          f"{100 * summary['success_phase_model']:.0f} %, binary Hopfield {100 * summary['success_hopfield']:.0f} %); "
          f"median retrieval {summary['median_retrieval_time'] and summary['median_retrieval_time'] * 1e9:.1f} ns "
          f"(phase model {summary['median_model_retrieval_time'] and summary['median_model_retrieval_time'] * 1e9:.1f} ns), "
          f"energy to retrieval {summary['median_energy'] and summary['median_energy'] * 1e9:.1f} nJ (coupling "
          f"{summary['median_energy_coupling'] and summary['median_energy_coupling'] * 1e9:.2f} nJ); "
          f"{summary['median_seconds']:.1f} s per run")


if __name__ == "__main__":
    main()
