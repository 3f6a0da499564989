#!/usr/bin/env python3
"""The drone network of drone.py (Ross 2023: 256 tones -> 128 chains -> 128 STNOs -> 10 chains) in the
time domain, input by input, against .tones on the same netlist.

Each test input runs twice: .tones (the multi-tone steady state) and a transient of --tstop seconds
whose output chain voltages are averaged over the last --window seconds with a Blackman-Harris
weighting (rfnet.windowed_average: the outputs beat at every difference of two oscillator tones,
28 MHz at the closest, which a plain average of that length would leave at a few %). The transient's
circuit differs from drone.py's in two time constants only, both invisible to .tones (DC):
  - the transconductance stages' low-passes are --lp-tau (default 20 ns, two stages): layer 1's inputs
    sit on a 39.2 MHz grid, so its chains beat at multiples of 39.2 MHz, which two 20 ns stages bring
    down 24-fold; the oscillator's power follows its current, and layer 2 averages what ripple is left
    to first order;
  - the DC ports are the fast ones of tests/examples/rfnet_hidden.py (they settle in tens of ns; the
    RF they pass is averaged away).
Results go to OUT/drone_transient.json after every input; a second run resumes where the first
stopped. Needs drone.py's trained network (OUT/drone_network.json).

usage: examples/rfnet/drone_transient.py [--count 10] [--start 0] [--tstop 4e-7] [--window 1.5e-7]
"""
import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rfnet  # noqa: E402  (re-executes under /usr/bin/python3 without numpy)
import rfnet_mlp  # noqa: E402
import numpy as np  # noqa: E402
import drone  # noqa: E402

FAST_PORTS = dict(rmeter=1e6, cmeter=0.01e-12, ccouple=0.2e-12)


def one_input(parts, powers, args):
    """(.tones scores, its analysis time, transient scores, its wall time) of one input."""
    stages = dict(lp_tau=args.lp_tau, **FAST_PORTS)
    tones, tones_seconds = rfnet.network_scores_tones(*parts, powers, **stages)
    tran, seconds = rfnet.network_scores_transient(*parts, powers, tstop=args.tstop, window=args.window,
                                                   gate=args.gate, weighting="blackman-harris", **stages)
    return tones, tones_seconds, tran, seconds


def summary(rows, labels):
    tones = np.array([r["tones"] for r in rows])
    tran = np.array([r["transient"] for r in rows])
    equation = np.array([r["equation"] for r in rows])
    y = np.array([labels[r["index"]] for r in rows])
    dev = np.abs(tran - tones).max(axis=1) / np.abs(tones).max(axis=1)
    return dict(inputs=len(rows), accuracy_transient=float(np.mean(tran.argmax(1) == y)),
                accuracy_tones=float(np.mean(tones.argmax(1) == y)),
                same_class_as_tones=float(np.mean(tran.argmax(1) == tones.argmax(1))),
                same_class_as_equation=float(np.mean(tran.argmax(1) == equation.argmax(1))),
                median_deviation=float(np.median(dev)), max_deviation=float(dev.max()),
                median_seconds=float(np.median([r["seconds"] for r in rows])))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "rfnet"))
    ap.add_argument("--data", default=drone.DATA)
    ap.add_argument("--count", type=int, default=10, help="test inputs (the first ones of the test split)")
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--tstop", type=float, default=400e-9)
    ap.add_argument("--window", type=float, default=150e-9)
    ap.add_argument("--gate", type=float, default=20e-9, help="the tones' raised-cosine switch-on (s)")
    ap.add_argument("--lp-tau", type=float, default=20e-9, help="the transconductance stages' low-passes (s)")
    args = ap.parse_args()
    path = os.path.join(args.out, "drone_network.json")
    if not os.path.exists(path):
        sys.exit(f"{path} not found: run examples/rfnet/drone.py first (it trains and saves the network)")
    net = rfnet_mlp.Network.load(path)
    parts = net.circuit()
    _, _, xte, yte = drone.load_data(args.data)
    powers = xte * net.pscale
    equation = net.forward(powers)

    out = os.path.join(args.out, "drone_transient.json")
    rows = []
    if os.path.exists(out):
        with open(out) as f:
            old = json.load(f)
        if all(old.get(k) == getattr(args, k) for k in ("tstop", "window", "gate", "lp_tau")):
            rows = old["rows"]
    done = {r["index"] for r in rows}
    for i in range(args.start, min(args.start + args.count, len(yte))):
        if i in done:
            continue
        t0 = time.perf_counter()
        tones, tones_seconds, tran, seconds = one_input(parts, powers[i], args)
        dev = np.abs(tran - tones).max() / np.abs(tones).max()
        rows.append(dict(index=i, label=int(yte[i]), equation=equation[i].tolist(), tones=tones.tolist(),
                         tones_seconds=tones_seconds, transient=tran.tolist(), seconds=seconds))
        print(f"input {i}: label {yte[i]}, transient class {tran.argmax()}, .tones {tones.argmax()}, equations "
              f"{equation[i].argmax()}; transient within {100 * dev:.2f} % of the largest .tones score; "
              f"{seconds / 60:.1f} min ({(time.perf_counter() - t0) / 60:.1f} min with .tones)", flush=True)
        with open(out, "w") as f:
            json.dump(dict(tstop=args.tstop, window=args.window, gate=args.gate, lp_tau=args.lp_tau, rows=rows,
                           summary=summary(rows, yte)), f, indent=1)
    if rows:
        s = summary(rows, yte)
        print(f"transient on {s['inputs']} inputs: accuracy {s['accuracy_transient']:.3f} (.tones "
              f"{s['accuracy_tones']:.3f}), same class as .tones {100 * s['same_class_as_tones']:.0f} %, outputs "
              f"within {100 * s['median_deviation']:.2f} % (median; largest {100 * s['max_deviation']:.2f} %) of the "
              f"largest .tones score, {s['median_seconds'] / 60:.1f} min per input")


if __name__ == "__main__":
    main()
