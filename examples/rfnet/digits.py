#!/usr/bin/env python3
"""Leroux et al. (PRApplied 15, 034067 (2021)): 8x8 digits classified by one layer of spin-diode
resonator chains, trained on the equation model and run through the circuit (scripts/rfnet.py).

Data: sklearn.datasets.load_digits() (Debian's python3-sklearn; 1797 images, 16 grey levels), split by
a fixed seed (30 % test: 539 images). Encoding: 64 input tones on a geometric grid over
[fmin, fmax] (default 2-12 GHz), the power of tone i proportional to pixel i (P_max = 1e-10 W per tone
at grey level 16, small enough that the resonators are linear in their drive: |dR|/r0 < 1 % for the
sum of the tones). One layer: 10 chains of 64 resonators (alpha 0.01), the trainable resonance
frequencies initialised on the input grid, and a bias per chain (a DC source in the chain); the class
is the chain with the largest DC output voltage.

Reports the test accuracy of (1) the equation model, (2) the multi-tone steady state (.tones) of the
generated netlist on every test image (and how far its chain voltages are from the equation model's),
(3) the full time-domain transient (time average of the chain outputs after they settle) on
--transient N test images, with the time per image of each. Writes OUT/digits_results.json and
OUT/digits.png (chain voltage, equation vs circuit).

usage: examples/rfnet/digits.py [--out out/rfnet] [--epochs 150] [--transient 10] [--tones-images all]
"""
import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import rfnet  # noqa: E402  (re-executes under /usr/bin/python3 when numpy is missing)
import numpy as np  # noqa: E402

try:
    from sklearn.datasets import load_digits
except ImportError:
    sys.exit("digits.py needs scikit-learn's digits data set (Debian's python3-sklearn):\n"
             "  sudo apt-get install -y python3-sklearn")


def load_split(seed, test_fraction=0.3):
    d = load_digits()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(d.target))
    n_test = int(round(test_fraction * len(order)))
    test, train = order[:n_test], order[n_test:]
    return d.data[train], d.target[train], d.data[test], d.target[test]


def spread_study(layer, powers, labels, spreads, seed):
    """Device variability as in the anchor (networks.py add_nonidealities: f -> f (1 + eps N(0, 1)) for
    every resonator): the trained layer is perturbed, then run through .tones on every test image and
    compared with the equation model of the same perturbed layer and with the nominal one."""
    out = []
    nominal = layer.forward(powers)
    for eps in [float(e) for e in spreads.split(",") if e]:
        rng = np.random.default_rng(seed + 1)
        varied = rfnet.Layer(layer.freqs, layer.fres * (1 + eps * rng.standard_normal(layer.fres.shape)), layer.bias,
                             alpha=layer.alpha, ksd=layer.ksd)
        circuit = np.array([rfnet.chain_voltages_tones(varied, p)[0] for p in powers])
        equation = varied.forward(powers)
        dev = float((np.abs(circuit - equation).max(axis=1) / np.abs(equation).max(axis=1)).max())
        row = dict(spread=eps, accuracy_circuit=float(np.mean(np.argmax(circuit, axis=1) == labels)),
                   accuracy_equation=float(np.mean(np.argmax(equation, axis=1) == labels)),
                   same_class_as_nominal=float(np.mean(np.argmax(circuit, axis=1) == np.argmax(nominal, axis=1))),
                   circuit_vs_equation=dev)
        print(f"resonance spread {100 * eps:g} %: .tones accuracy {row['accuracy_circuit']:.4f} (equation model of the "
              f"same devices {row['accuracy_equation']:.4f}; within {100 * dev:.5f} % of it), same class as the "
              f"nominal network on {100 * row['same_class_as_nominal']:.1f} %", flush=True)
        out.append(row)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "rfnet"))
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--fmin", type=float, default=2e9)
    ap.add_argument("--fmax", type=float, default=12e9)
    ap.add_argument("--alpha", type=float, default=0.01)
    ap.add_argument("--pmax", type=float, default=1e-10, help="W per tone at grey level 16")
    ap.add_argument("--transient", type=int, default=10, help="test images run in the time domain")
    ap.add_argument("--tones-images", default="all", help="test images run with .tones (all or a number)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--spread", default="0.001,0.01",
                    help="relative spreads of the resonance frequencies (device variability) run through .tones")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    xtr, ytr, xte, yte = load_split(args.seed)
    ptr, pte = xtr / 16.0 * args.pmax, xte / 16.0 * args.pmax
    n, m = 64, 10
    freqs = rfnet.geometric_frequencies(n, args.fmin, args.fmax)
    rng = np.random.default_rng(args.seed)
    fres = freqs[None, :].repeat(m, axis=0) * (1 + 0.002 * rng.standard_normal((m, n)))
    layer = rfnet.Layer(freqs, fres, np.zeros(m), alpha=args.alpha)
    t0 = time.perf_counter()
    rfnet.train_layer(layer, ptr, ytr, epochs=args.epochs, lr=args.lr, seed=args.seed, verbose=True)
    train_seconds = time.perf_counter() - t0
    eq = layer.forward(pte)
    acc_eq = float(np.mean(np.argmax(eq, axis=1) == yte))
    print(f"equation model: test accuracy {acc_eq:.4f} ({len(yte)} images; trained in {train_seconds:.1f} s)")

    count = len(yte) if args.tones_images == "all" else min(int(args.tones_images), len(yte))
    tones = np.zeros((count, m))
    wall, analysis = [], []
    for i in range(count):
        t0 = time.perf_counter()
        tones[i], a = rfnet.chain_voltages_tones(layer, pte[i])
        wall.append(time.perf_counter() - t0)
        analysis.append(a)
    acc_tones = float(np.mean(np.argmax(tones, axis=1) == yte[:count]))
    dev = np.abs(tones - eq[:count]).max(axis=1) / np.abs(eq[:count]).max(axis=1)
    agree = float(np.mean(np.argmax(tones, axis=1) == np.argmax(eq[:count], axis=1)))
    print(f".tones: test accuracy {acc_tones:.4f} on {count} images; same class as the equation model on "
          f"{100 * agree:.2f} %; chain voltages within {100 * dev.max():.4f} % of the largest (median "
          f"{100 * np.median(dev):.5f} %); per image {np.median(wall) * 1e3:.0f} ms wall (process), "
          f"{np.median(analysis) * 1e3:.1f} ms in the analysis")

    spread = spread_study(layer, pte, yte, args.spread, args.seed)

    ntr = min(args.transient, count)
    tran, tran_wall = np.zeros((ntr, m)), []
    # Transient meters: the chain (64 r0) behind 0.1 pF settles in ~6 ns and the DC port's two 10 ns
    # stages attenuate the 2-12 GHz tones by (w tau)^2 > 1.5e4; the tones are switched on over 10 ns
    # (a hard start kicks each chain output by ~a/w per tone) and the outputs averaged over the last
    # 50 ns of 100 ns. What remains is the beating of the tones (the chain's output carries every
    # difference frequency, >= 58 MHz, with amplitudes of the order of its DC score; the meter passes
    # 7 % of it at 58 MHz).
    fast = dict(rmeter=1e6, cmeter=0.01e-12, ccouple=0.1e-12)
    for i in range(ntr):
        tran[i], seconds = rfnet.chain_voltages_transient(layer, pte[i], tstop=100e-9, window=50e-9, gate=10e-9, **fast)
        tran_wall.append(seconds)
        d = np.abs(tran[i] - tones[i]).max() / np.abs(tones[i]).max()
        print(f"  transient {i}: class {np.argmax(tran[i])} (label {yte[i]}, .tones {np.argmax(tones[i])}), "
              f"{100 * d:.2f} % from .tones, {seconds:.1f} s", flush=True)
        np.save(os.path.join(args.out, "digits_transient_partial.npy"), tran[:i + 1])
    acc_tran = float(np.mean(np.argmax(tran, axis=1) == yte[:ntr])) if ntr else float("nan")
    if ntr:
        agree_tran = float(np.mean(np.argmax(tran, axis=1) == np.argmax(tones[:ntr], axis=1)))
        dev_tran = np.abs(tran - tones[:ntr]).max(axis=1) / np.abs(tones[:ntr]).max(axis=1)
        print(f"transient: test accuracy {acc_tran:.3f} on {ntr} images, same class as .tones on "
              f"{100 * agree_tran:.1f} %, chain voltages within {100 * np.median(dev_tran):.1f} % (median; max "
              f"{100 * dev_tran.max():.1f} %) of the largest .tones voltage, {np.median(tran_wall):.1f} s per image")

    results = dict(accuracy_equation=acc_eq, accuracy_tones=acc_tones, tones_images=count,
                   tones_agreement_with_equation=agree, tones_max_deviation=float(dev.max()),
                   tones_ms_wall=float(np.median(wall) * 1e3), tones_ms_analysis=float(np.median(analysis) * 1e3),
                   accuracy_transient=acc_tran, transient_images=ntr, resonance_spread=spread,
                   transient_scores=tran.tolist(),
                   transient_seconds=float(np.median(tran_wall)) if ntr else None,
                   layer=layer.to_json(), train_seconds=train_seconds)
    with open(os.path.join(args.out, "digits_results.json"), "w") as f:
        json.dump(results, f, indent=1)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot(eq[:count].ravel() * 1e6, tones.ravel() * 1e6, ".", ms=2, label=".tones")
    if ntr:
        ax.plot(eq[:ntr].ravel() * 1e6, tran.ravel() * 1e6, "r+", ms=6, label="transient")
    lim = np.abs(eq[:count]).max() * 1e6
    ax.plot([-lim, lim], [-lim, lim], "k-", lw=0.5)
    ax.set_xlabel("chain voltage, equation model (uV)")
    ax.set_ylabel("chain voltage, circuit (uV)")
    ax.set_title(f"digits: equation {100 * acc_eq:.1f} %, .tones {100 * acc_tones:.1f} %")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "digits.png"), dpi=110)
    print(f"wrote {os.path.join(args.out, 'digits_results.json')} and digits.png")


if __name__ == "__main__":
    main()
