#!/usr/bin/env python3
"""Classify the UCI 8x8 handwritten digits with an MTJ crossbar simulated by spinspice.

Data: sklearn.datasets.load_digits() (1797 images of 8 x 8 pixels, 16 grey levels, from Debian's
python3-sklearn), split into training and test sets by a fixed seed (30 % test: 539 images).

Offline training (numpy, no circuit): a linear softmax classifier on the 64 pixels (x/16 in [0, 1]),
  1. float weights: full-batch gradient descent with a small L2 penalty;
  2. ternary weights w in {-1, 0, +1} with one gain s_k and one offset b_k per class: quantisation-aware
     training from the float weights (latent weights, straight-through estimator, Adam with a cosine
     learning-rate decay; the checkpoint with the best *training* accuracy is kept).
Mapping on the array (64 rows x 20 columns): class k uses the column pair (2k, 2k+1) = (G+, G-);
w = +1 -> (P, AP), w = -1 -> (AP, P), w = 0 -> (AP, AP). Pixel i drives row i at V_i = 0.1 V * x_i/16.
The differential column current I+_k - I-_k = sum_i V_i w_ik (G_P - G_AP(V_i)) is the class score
up to the periphery: score_k = s_k (I+_k - I-_k) / ((G_P - G_AP(0)) * 0.1 V) + b_k, and argmax_k is
the predicted digit (gain, offset and argmax are digital, after the sense amplifiers).

Circuit (examples/crossbar/gen_crossbar.py): the array starts in random states (seeded, "previous
content"), is programmed by write pulses row by row (1-MTJ: V/2 scheme; 1T-1MTJ: word-line selection),
the programmed states are checked against the targets, then every test image is one read slot, with
wire resistance on rows and columns and the columns at virtual ground. To keep each spinspice run short
the reads are split in chunks (--chunk, 180 images): the first run programs the array and reads the
first chunk in the same transient; each further run reads the next chunk starting from the binary
states the previous run ended with (handed over as initial states; the read-disturb check covers every
run).

Reported accuracies on the test set: software float, software ternary, "ideal crossbar" (the ternary
weights through the MTJ conductance law with its bias-dependent TMR, no wires), and the circuit
(spinspice's column currents). Also the programming checks and the read disturb.

Run (about 3 minutes on a shared 2-core machine: training ~15 s, then per configuration 10-50 s of
spinspice, the longest single run ~35 s):
  /usr/bin/python3 examples/crossbar/digits.py [--cells 1mtj 1t1mtj] [--rwires 0 1] [--n-test 539]
        [--seed 0] [--chunk 180] [--out out/crossbar]
Writes OUT/digits.json and OUT/digits.png. Needs python3-sklearn (it says how to install it if missing).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

try:
    from sklearn.datasets import load_digits
except ImportError:
    print("digits.py needs scikit-learn's digits data set (Debian's python3-sklearn):\n"
          "  sudo apt-get install -y python3-sklearn", file=sys.stderr)
    sys.exit(1)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_crossbar as gx  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
N_CLASSES, N_PIXELS = 10, 64
V_MAX = 0.1   # read voltage of a full-intensity pixel (V)


# ---- data and training -------------------------------------------------------------------------------
def load_split(seed, test_fraction=0.3):
    d = load_digits()
    x, y = d.data / 16.0, d.target
    perm = np.random.default_rng(seed).permutation(len(y))
    n_test = int(test_fraction * len(y))
    te, tr = perm[:n_test], perm[n_test:]
    return x[tr], y[tr], x[te], y[te]


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def accuracy(scores, y):
    return float(np.mean(np.argmax(scores, axis=1) == y))


def train_float(x, y, l2=1e-3, epochs=3000, lr=1.0):
    """Multinomial logistic regression by full-batch gradient descent."""
    onehot = np.eye(N_CLASSES)[y]
    w, b = np.zeros((x.shape[1], N_CLASSES)), np.zeros(N_CLASSES)
    for _ in range(epochs):
        g = (softmax(x @ w + b) - onehot) / len(x)
        w -= lr * (x.T @ g + l2 * w)
        b -= lr * g.sum(axis=0)
    return w, b


class Adam:
    """Adam on a list of arrays (updated in place)."""

    def __init__(self, params, lr):
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t, self.lr = 0, lr

    def step(self, params, grads):
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= self.lr * (m / (1 - 0.9 ** self.t)) / (np.sqrt(v / (1 - 0.999 ** self.t)) + 1e-8)


def ternarise(latent, threshold=0.5):
    return np.sign(latent) * (np.abs(latent) > threshold)


def train_ternary(x, y, w_float, b_float, epochs=4000, lr=0.01, threshold=0.5):
    """Quantisation-aware training: scores = s_k (x @ Q)_k + b_k with Q = ternarise(latent). The
    gradient with respect to Q is passed straight through to the latent weights (inside the clip).
    Returns the (Q, s, b) with the best training accuracy seen (checked every 50 epochs)."""
    onehot = np.eye(N_CLASSES)[y]
    scale = 2.0 * np.mean(np.abs(w_float))
    latent = np.clip(w_float / scale, -1.0, 1.0)
    s, b = np.full(N_CLASSES, scale), b_float.copy()
    opt = Adam([latent, s, b], lr)
    best = None
    for epoch in range(epochs):
        opt.lr = lr * 0.5 * (1 + np.cos(np.pi * epoch / epochs))
        q = ternarise(latent, threshold)
        z = x @ q
        g = (softmax(z * s + b) - onehot) / len(x)
        grad_q = x.T @ (g * s)
        opt.step([latent, s, b], [grad_q * (np.abs(latent) <= 1.0), (g * z).sum(axis=0), g.sum(axis=0)])
        np.clip(latent, -1.2, 1.2, out=latent)
        if epoch % 50 == 0 or epoch == epochs - 1:
            q = ternarise(latent, threshold)
            acc = accuracy(x @ q * s + b, y)
            if best is None or acc > best[0]:
                best = (acc, q.copy(), s.copy(), b.copy())
    return best[1], best[2], best[3]


# ---- mapping on the crossbar ---------------------------------------------------------------------------
def weights_to_states(q):
    """Ternary weights (64 x 10) -> MTJ states (64 x 20): column pair (G+, G-) per class."""
    states = np.full((q.shape[0], 2 * q.shape[1]), -1)           # AP everywhere (w = 0)
    states[:, 0::2] = np.where(q > 0, 1, -1)                     # G+ is P where w = +1
    states[:, 1::2] = np.where(q < 0, 1, -1)                     # G- is P where w = -1
    return states


def circuit_scores(currents, s, b, mtj):
    """Class scores from column currents (K x 20): differential pairs, per-class gain and offset."""
    dg0 = 1.0 / mtj.rp - float(mtj.conductance(-1, 0.0))
    diff = currents[:, 0::2] - currents[:, 1::2]
    return diff / (dg0 * V_MAX) * s + b


def run_circuit(cell, rwire, initial, states, vin, chunk, binary):
    """Programme the array and read every input vector. The first spinspice run programs the array by
    write pulses and reads the first `chunk` vectors in the same transient; each further run reads the
    next chunk starting from the states the previous run ended with (binary states handed over as
    initial states: the progress p is ~0 after the reads). Returns one ReadResult over all reads
    (times of the later runs are not shifted) and the programming / read-disturb checks."""
    xb = gx.Crossbar(N_PIXELS, 2 * N_CLASSES, cell, rwire, initial=initial, target=states,
                     reads=vin[:chunk], title=f"digits.py {cell} R_wire={rwire}: programming + reads 0-{chunk - 1}")
    first = xb.run(binary)
    prog = gx.check_programming(first, initial, states)
    currents, walls, points, now = [first.currents], [first.wall], first.points, first.states_final
    for k in range(chunk, len(vin), chunk):
        xr = gx.Crossbar(N_PIXELS, 2 * N_CLASSES, cell, rwire, initial=now, reads=vin[k:k + chunk],
                         title=f"digits.py {cell} R_wire={rwire}: reads {k}-{min(k + chunk, len(vin)) - 1}")
        r = xr.run(binary)
        prog["read_disturbed"] += int(np.sum(r.states_final != now))
        currents.append(r.currents)
        walls.append(r.wall)
        points += r.points
        now = r.states_final
    prog["ok"] = prog["ok"] and prog["read_disturbed"] == 0
    prog["runs"], prog["run_walls"] = len(walls), walls
    res = gx.ReadResult(np.vstack(currents), np.array([]), first.states_programmed, now, first.flips,
                        None, None, sum(walls), points, {})
    return res, prog


def plot(path, q, runs, acc):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(13, 4.6))
    # ternary weights of each class as 8 x 8 images
    for k in range(N_CLASSES):
        ax = fig.add_axes([0.01 + 0.062 * (k % 5), 0.52 - 0.45 * (k // 5), 0.058, 0.40])
        ax.imshow(q[:, k].reshape(8, 8), cmap="bwr", vmin=-1, vmax=1)
        ax.set_title(f"class {k}", fontsize=8)
        ax.axis("off")
    fig.text(0.02, 0.03, "ternary weights per class (8 x 8 pixels): red +1, white 0, blue -1", fontsize=8)
    # circuit vs ideal differential currents
    ax = fig.add_axes([0.40, 0.12, 0.25, 0.78])
    for n, r in enumerate(runs):
        ax.plot(np.ravel(r["ideal_diff"]) * 1e6, np.ravel(r["circuit_diff"]) * 1e6, ".", ms=1.5,
                color=f"C{n}", label=f"{r['cell']}, R_w={r['rwire']:g} ohm")
    lim = ax.get_xlim()
    ax.plot(lim, lim, "k--", lw=0.8)
    ax.set_xlabel("ideal I+ - I- (uA)")
    ax.set_ylabel("simulated I+ - I- (uA)")
    ax.legend(fontsize=7, markerscale=6)
    ax.set_title("differential column currents, all test images", fontsize=9)
    # accuracies
    ax = fig.add_axes([0.71, 0.25, 0.28, 0.65])
    labels = ["float", "ternary", "ideal xbar"] + [f"{r['cell']}\nR_w={r['rwire']:g}" for r in runs]
    values = [acc["software_float"], acc["software_ternary"], acc["ideal_crossbar"]] + \
             [r["accuracy"] for r in runs]
    bars = ax.bar(range(len(values)), [100 * v for v in values], color=["C7", "C7", "C7"] +
                  [f"C{n}" for n in range(len(runs))])
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, 100 * v + 0.3, f"{100 * v:.1f}", ha="center", fontsize=7)
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels(labels, fontsize=7, rotation=30)
    ax.set_ylim(min(80, 100 * min(values) - 2), 100)
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(f"{acc['n_test_circuit']} test images", fontsize=9)
    fig.savefig(path, dpi=120)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cells", nargs="+", default=["1mtj", "1t1mtj"], choices=["1mtj", "1t1mtj"])
    ap.add_argument("--rwires", type=float, nargs="+", default=[0.0, 1.0], help="ohm per wire segment")
    ap.add_argument("--n-test", type=int, default=None, help="test images through the circuit (default all)")
    ap.add_argument("--seed", type=int, default=0, help="train/test split and initial array states")
    ap.add_argument("--chunk", type=int, default=180, help="read slots per spinspice run")
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "crossbar"))
    ap.add_argument("--binary", default=None)
    args = ap.parse_args()
    binary = gx.spinspice_binary(args.binary)
    os.makedirs(args.out, exist_ok=True)

    t0 = time.time()
    xtr, ytr, xte, yte = load_split(args.seed)
    w, b = train_float(xtr, ytr)
    q, s, bq = train_ternary(xtr, ytr, w, b)
    t_train = time.time() - t0
    mtj = gx.MtjCard()
    states = weights_to_states(q)
    n_test = min(args.n_test or len(yte), len(yte))
    vin = V_MAX * xte[:n_test]
    ideal_i = gx.ideal_currents(mtj, states, vin)
    acc = {"software_float": accuracy(xte @ w + b, yte), "software_ternary": accuracy(xte @ q * s + bq, yte),
           "software_float_train": accuracy(xtr @ w + b, ytr), "software_ternary_train": accuracy(xtr @ q * s + bq, ytr),
           "ideal_crossbar": accuracy(circuit_scores(ideal_i, s, bq, mtj), yte[:n_test]),
           "n_train": len(ytr), "n_test": len(yte), "n_test_circuit": n_test}
    print(f"{len(ytr)} training and {len(yte)} test images (seed {args.seed}); training {t_train:.1f} s")
    print(f"software float accuracy:    {100 * acc['software_float']:.2f} % (train {100 * acc['software_float_train']:.2f} %)")
    print(f"software ternary accuracy:  {100 * acc['software_ternary']:.2f} % (train "
          f"{100 * acc['software_ternary_train']:.2f} %), weights: {int(np.sum(q > 0))} +1, "
          f"{int(np.sum(q == 0))} 0, {int(np.sum(q < 0))} -1")
    print(f"ideal crossbar accuracy:    {100 * acc['ideal_crossbar']:.2f} % ({n_test} images; MTJ law with TMR(V), no wires)")

    runs = []
    for cell in args.cells:
        for rw in args.rwires:
            rng = np.random.default_rng(1000 + args.seed)
            initial = gx.random_states(rng, N_PIXELS, 2 * N_CLASSES)
            t1 = time.time()
            res, prog = run_circuit(cell, rw, initial, states, vin, args.chunk, binary)
            wall = time.time() - t1
            sc = circuit_scores(res.currents, s, bq, mtj)
            pred = np.argmax(sc, axis=1)
            ideal_pred = np.argmax(circuit_scores(ideal_i, s, bq, mtj), axis=1)
            err = gx.relative_errors(res.currents, ideal_i)
            run = {"cell": cell, "rwire": rw, "accuracy": float(np.mean(pred == yte[:n_test])),
                   "agreement_with_ideal_crossbar": float(np.mean(pred == ideal_pred)),
                   "column_current_mean_rel_err": float(np.mean(np.abs(err))),
                   "programming": prog, "spinspice_s": res.wall, "total_s": wall, "time_points": res.points,
                   "ideal_diff": (ideal_i[:, 0::2] - ideal_i[:, 1::2]).tolist(),
                   "circuit_diff": (res.currents[:, 0::2] - res.currents[:, 1::2]).tolist()}
            runs.append(run)
            print(f"\n{cell}, R_wire = {rw:g} ohm/segment: spinspice {res.wall:.1f} s in {prog['runs']} runs "
                  f"({', '.join(f'{x:.1f}' for x in prog['run_walls'])} s), {res.points} time points")
            print("  " + gx.describe_programming(prog).replace("\n", "\n  "))
            print(f"  column currents vs ideal: mean |relative error| {run['column_current_mean_rel_err']:.3e}")
            print(f"  circuit accuracy: {100 * run['accuracy']:.2f} % "
                  f"(same prediction as the ideal crossbar on {100 * run['agreement_with_ideal_crossbar']:.1f} % of images)")
    acc["total_s"] = time.time() - t0
    with open(os.path.join(args.out, "digits.json"), "w") as f:
        json.dump({"accuracy": acc, "v_max": V_MAX, "mtj": mtj.__dict__, "ternary_weights": q.astype(int).tolist(),
                   "gains": s.tolist(), "offsets": bq.tolist(), "runs": runs}, f, indent=1)
    plot(os.path.join(args.out, "digits.png"), q, runs, acc)
    print(f"\nwrote {os.path.join(args.out, 'digits.json')} and digits.png ({acc['total_s']:.0f} s in all)")
    return 0 if all(r["programming"]["ok"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
