#!/usr/bin/env python3
"""Ross et al. (Nat. Nanotechnol. 18, 1273 (2023)): drone RF fingerprints classified by a two-layer RF
spintronic network (resonator chains -> spin-torque nano-oscillators -> resonator chains), trained on
the equation model of scripts/rfnet_mlp.py (anchor code: neurophysics-cnrsthales/rf_spintronic_nn).

Data: RadioSpin_D62_RF_fingerprinting.h5 (Ross 2023 / anchor datasets/, from Basak et al., COMSNETS
2021): the spectra of the RF emissions of 10 emitters (9 drone remote controls and WiFi), 256 linear
frequency bins per sample, values in [0.001, 0.99] (powers in uW in the anchor); 702 training and 298
test samples (the file's own split).

Encoding: sample x drives 256 tones on a linear grid over 2-12 GHz, tone i with power pscale x_i
(W; default 1e-10, small enough for the resonators to stay linear). Network (rfnet_mlp.make_network,
the anchor's spinMLP rescaled to pscale): layer 1, 128 chains of 256 resonators (alpha 0.01); 128
hidden neurons, each a saturating transconductance stage driving an STNO oscillating at its own
frequency (geometric grid over 2-12 GHz) with power P2 = gpow r_osc p(I) I^2; layer 2, 10 chains of
128 resonators, one per class. Trained by Adam on the softmax cross-entropy of the layer-2 voltages
(batch 256, as the anchor). The class is the chain with the largest DC voltage.

Reports the train and test accuracy of the equation model and its training time, the operating range
of the hidden layer on the test set, and the test accuracy under device variability (rfnet_mlp.perturbed:
resonance and oscillator frequencies and oscillator powers spread by 0.1 % and 1 %, several seeds).
Writes OUT/drone_network.json (the trained network, rfnet_mlp.Network.load) and OUT/drone_results.json.

usage: examples/rfnet/drone.py [--out out/rfnet] [--epochs 100] [--lr 6.6e-5] [--seed 0] [--pscale 1e-10]
"""
import argparse
import json
import multiprocessing
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import rfnet  # noqa: E402  (re-executes under /usr/bin/python3 without numpy)
import rfnet_mlp  # noqa: E402
import numpy as np  # noqa: E402

try:
    import h5py
except ImportError:
    sys.exit("drone.py reads the drone data set (HDF5) with h5py (Debian's python3-h5py):\n"
             "  sudo apt-get install -y python3-h5py")

DATA = "/work/shared/data/drone/RadioSpin_D62_RF_fingerprinting.h5"
CLASSES = ["dx4e", "dx6i", "MTx", "Nineeg", "Parrot", "q205", "S500", "tello", "WiFi", "wltoys"]  # anchor datasets.py
# Adam rates of the biases relative to --lr (fres, per unit of the 10 GHz band). The anchor uses one
# rate (6.6e-6) for every parameter in its own units (frequency in 100 GHz, voltage in V at s = 1): per
# step fres moves 660 kHz = 6.6e-5 band and bias1 6.6e-6 V = 5.6e-4 of iclamp/gm (ratio 8.5). bias2
# (per unit of score) was tuned here: 100x.
LR_BIAS1, LR_BIAS2 = 8.5, 100.0
VARIABILITY = [(0.001, 0.0), (0.0, 0.001), (0.001, 0.001), (0.01, 0.0), (0.0, 0.01), (0.01, 0.01)]


def load_data(path):
    """(X_train, y_train, X_test, y_test) from the h5 file (anchor datasets.py BasakDroneDataset)."""
    if not os.path.exists(path):
        sys.exit(f"{path} not found (the data set of Ross 2023: anchor repository datasets/, or "
                 "https://zenodo.org/record/7646236)")
    with h5py.File(path, "r") as h5:
        return tuple(np.squeeze(h5[k][()]) if k[0] == "X" else np.asarray(h5[k][()], int)
                     for k in ("X_train", "Y_train", "X_test", "Y_test"))


def train(xtr, ytr, args):
    """Builds the anchor's network (input tones: the 256 linear bins over 2-12 GHz) and trains it."""
    freqs = np.linspace(args.fmin, args.fmax, xtr.shape[1])
    net = rfnet_mlp.make_network(freqs, n_hidden=args.hidden, n_out=len(CLASSES), fmin2=args.fmin,
                                 fmax2=args.fmax, pscale=args.pscale, seed=args.seed)
    t0 = time.perf_counter()
    history = rfnet_mlp.train_network(net, xtr * args.pscale, ytr, epochs=args.epochs, lr=args.lr, batch=256,
                                      seed=args.seed, verbose=True, scale="auto", lr_bias1=LR_BIAS1 * args.lr,
                                      lr_bias2=LR_BIAS2 * args.lr)
    return net, time.perf_counter() - t0, history


def hidden_ranges(net, powers):
    """Operating range of the hidden layer: V1 (and the window of V1 where ith < I < iclamp), I (neurons
    below threshold / between / clamped, per sample) and P2."""
    _, v1, current, _, p2 = net.forward(powers, return_all=True)
    below, clamped = current <= net.ith, current >= net.iclamp
    active = ~below & ~clamped
    pct = [0, 5, 50, 95, 100]
    return dict(v1_percentiles=np.percentile(v1, pct).tolist(),
                v1_window=[net.ith / net.gm - net.vshift, net.iclamp / net.gm - net.vshift],
                current_percentiles=np.percentile(current, pct).tolist(),
                p2_percentiles=np.percentile(p2, pct).tolist(),
                p2_max=float(np.max(net.hidden(np.ones(len(net.gain)))[2])),  # V1 = 1 V: clamped at iclamp
                neurons_below_threshold=float(below.sum(1).mean()), neurons_active=float(active.sum(1).mean()),
                neurons_clamped=float(clamped.sum(1).mean()),
                neurons_never_above_threshold=int(np.all(below, axis=0).sum()),
                neurons_always_clamped=int(np.all(clamped, axis=0).sum()))


def print_ranges(r):
    v, i, p = (np.array(r[k]) for k in ("v1_percentiles", "current_percentiles", "p2_percentiles"))
    lo, hi = np.array(r["v1_window"]) * 1e6
    print(f"hidden layer on the test set (percentiles 0/5/50/95/100):\n"
          f"  V1  (uV): {' '.join(f'{x:.4g}' for x in v * 1e6)}  (ith < I < iclamp for {lo:.4g} < V1 < {hi:.4g})\n"
          f"  I   (uA): {' '.join(f'{x:.4g}' for x in i * 1e6)}\n"
          f"  P2  (pW): {' '.join(f'{x:.4g}' for x in p * 1e12)}  (max possible {r['p2_max'] * 1e12:.4g} pW)\n"
          f"  neurons per sample: {r['neurons_below_threshold']:.1f} below threshold, {r['neurons_active']:.1f} "
          f"between ith and iclamp, {r['neurons_clamped']:.1f} clamped at iclamp; {r['neurons_never_above_threshold']}"
          f" never above threshold, {r['neurons_always_clamped']} always clamped")


def variability(net, powers, labels, seeds):
    """Test accuracy of perturbed copies (Ross 2023 / anchor add_nonidealities) for each (freq_var,
    power_var) of VARIABILITY and each seed."""
    out = []
    for freq_var, power_var in VARIABILITY:
        accs = [rfnet_mlp.perturbed(net, freq_var, power_var, seed=s).accuracy(powers, labels) for s in seeds]
        out.append(dict(freq_var=freq_var, power_var=power_var, seeds=list(seeds), accuracies=accs))
        print(f"  freq {100 * freq_var:4.1f} %, power {100 * power_var:4.1f} %: test accuracy mean "
              f"{np.mean(accs):.4f}, min {np.min(accs):.4f} ({' '.join(f'{a:.3f}' for a in accs)})", flush=True)
    return out


def _tones_one(job):
    """One input through .tones (a worker process): index, output scores, analysis and process time."""
    i, parts, powers = job
    t0 = time.perf_counter()
    scores, analysis = rfnet.network_scores_tones(*parts, powers)
    return i, scores, analysis, time.perf_counter() - t0


def tones_stage(parts, powers, labels, equation, args):
    """.tones on `--tones` test inputs (default all), `--workers` processes; progress is written to
    OUT/drone_tones_partial.json as inputs finish, so an interrupted run keeps what it computed."""
    count = len(labels) if args.tones == "all" else min(int(args.tones), len(labels))
    scores = np.full((count, parts[2].fres.shape[0]), np.nan)
    analysis, wall = np.zeros(count), np.zeros(count)
    with multiprocessing.Pool(args.workers) as pool:
        jobs = [(i, parts, powers[i]) for i in range(count)]
        for done, (i, v, a, w) in enumerate(pool.imap(_tones_one, jobs)):
            scores[i], analysis[i], wall[i] = v, a, w
            if done % 10 == 9 or done == count - 1:
                acc = float(np.mean(np.argmax(scores[:done + 1], axis=1) == labels[:done + 1]))
                print(f"  .tones {done + 1}/{count}: accuracy so far {acc:.4f}, {analysis[i]:.1f} s per input", flush=True)
                with open(os.path.join(args.out, "drone_tones_partial.json"), "w") as f:
                    json.dump(dict(done=done + 1, scores=scores[:done + 1].tolist()), f)
    dev = np.abs(scores - equation[:count]).max(axis=1) / np.abs(equation[:count]).max(axis=1)
    row = dict(inputs=count, accuracy=float(np.mean(np.argmax(scores, axis=1) == labels[:count])),
               same_class_as_equation=float(np.mean(np.argmax(scores, axis=1) == np.argmax(equation[:count], axis=1))),
               max_deviation=float(dev.max()), median_deviation=float(np.median(dev)),
               seconds_analysis=float(np.median(analysis)), seconds_process=float(np.median(wall)),
               scores=scores.tolist())
    print(f".tones: test accuracy {row['accuracy']:.4f} on {count} inputs, same class as the equation model on "
          f"{100 * row['same_class_as_equation']:.2f} %, output voltages within {100 * row['max_deviation']:.4f} % of "
          f"the largest (median {100 * row['median_deviation']:.5f} %), {row['seconds_analysis']:.1f} s per input in "
          f"the analysis")
    plot(equation[:count], scores, os.path.join(args.out, "drone.png"), row["accuracy"])
    return row


def transient_probe(parts, powers, tprobe, tneeded=1.1e-6):
    """The cost of one time-domain inference: transients of tprobe and 2 tprobe seconds, their
    difference (set-up and operating point cancel) extrapolated to tneeded (rfnet_hidden's settling: two
    50 ns low-passes in each transconductance stage, which must sit far below the smallest tone
    spacing, 28 MHz here, then 300 ns of averaging)."""
    fmax = max(np.max(parts[0].freqs), np.max(parts[1].freqs))
    runs = []
    for t in (tprobe, 2 * tprobe):
        text = rfnet.netlist_network(*parts, powers, analysis=rfnet.tran_card(fmax, t), gate=20e-9)
        analyses, wall = rfnet.run_netlist(text)
        runs.append((wall, analyses[0]["stats"].get("accepted", 0)))
    per_second = (runs[1][0] - runs[0][0]) / tprobe
    row = dict(tprobe=tprobe, walls=[w for w, _ in runs], steps=[n for _, n in runs],
               extrapolated_seconds=runs[0][0] + per_second * (tneeded - tprobe))
    print(f"transient: {tprobe * 1e9:g} ns took {runs[0][0]:.1f} s ({runs[0][1]} steps), {2 * tprobe * 1e9:g} ns "
          f"{runs[1][0]:.1f} s ({runs[1][1]} steps); one inference ({tneeded * 1e9:g} ns) would take "
          f"~{row['extrapolated_seconds'] / 3600:.1f} h")
    return row


def plot(equation, circuit, path, accuracy):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.plot(equation.ravel() * 1e6, circuit.ravel() * 1e6, ".", ms=2)
    lim = np.abs(equation).max() * 1e6
    ax.plot([-lim, lim], [-lim, lim], "k-", lw=0.5)
    ax.set_xlabel("output chain voltage, equation model (uV)")
    ax.set_ylabel("output chain voltage, circuit .tones (uV)")
    ax.set_title(f"drone, 256-128-10: .tones {100 * accuracy:.1f} %")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "rfnet"))
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--lr", type=float, default=6.6e-5, help="Adam step of fres per unit of the band")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pscale", type=float, default=1e-10, help="W per data unit (anchor: 1e-6)")
    ap.add_argument("--fmin", type=float, default=2e9)
    ap.add_argument("--fmax", type=float, default=12e9)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--variability-seeds", type=int, default=5)
    ap.add_argument("--tones", default="all", help="test inputs through .tones (all or a number)")
    ap.add_argument("--workers", type=int, default=1, help="processes for the .tones runs")
    ap.add_argument("--transient-probe", type=float, default=2e-9,
                    help="seconds of transient run to time one time-domain inference (0: skip)")
    ap.add_argument("--load", help="skip the training: use this drone_network.json")
    return ap.parse_args()


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    xtr, ytr, xte, yte = load_data(args.data)
    ptr, pte = xtr * args.pscale, xte * args.pscale
    results = dict(args=vars(args))

    # Stage 1: the equation model.
    print(f"drone data: {len(ytr)} training, {len(yte)} test samples, {xtr.shape[1]} tones")
    if args.load:
        net, seconds, history = rfnet_mlp.Network.load(args.load), 0.0, []
    else:
        net, seconds, history = train(xtr, ytr, args)
    acc_train, acc_test = net.accuracy(ptr, ytr), net.accuracy(pte, yte)
    print(f"equation model: train accuracy {acc_train:.4f}, test accuracy {acc_test:.4f} "
          f"(trained in {seconds:.1f} s, {args.epochs} epochs, score scale {net.scale:.4g} per V)")
    path = os.path.join(args.out, "drone_network.json")
    net.save(path)
    results.update(accuracy_train=acc_train, accuracy_test=acc_test, train_seconds=seconds, history=history,
                   scores_test=net.forward(pte).tolist(), network=os.path.basename(path))
    results["hidden_test"] = hidden_ranges(net, pte)
    print_ranges(results["hidden_test"])

    # Stage 2: device variability on the equation model.
    print("equation model with device variability (rfnet_mlp.perturbed):")
    results["variability"] = variability(net, pte, yte, range(args.variability_seeds))

    # Stage 3: the trained network through the circuit.
    parts = net.circuit()
    results["tones"] = tones_stage(parts, pte, yte, net.forward(pte), args)
    if args.transient_probe > 0:
        results["transient_probe"] = transient_probe(parts, pte[0], args.transient_probe)

    with open(os.path.join(args.out, "drone_results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(f"wrote {path} and {os.path.join(args.out, 'drone_results.json')}")


if __name__ == "__main__":
    main()
