#!/usr/bin/env python3
"""The drone network of drone.py (Ross 2023: 256 tones -> 128 chains -> 128 STNOs -> 10 chains) in the
time domain, input by input, against .tones on the same netlist.

Each test input runs twice: .tones (the multi-tone steady state) and a transient of --tstop seconds
whose output chain voltages are averaged over the last --window seconds with a Blackman-Harris
weighting (rfnet.windowed_average: the outputs beat at every difference of two oscillator tones,
28 MHz at the closest, which a plain average of that length would leave at a few %). The transient's
circuit differs from drone.py's in two time constants only, both invisible to .tones (DC):
  - the transconductance stages' low-passes are --lp-stages buffered RC stages of --lp-tau (default
    4 x 15 ns): layer 1's inputs sit on a 39.2 MHz grid, so its chains beat at multiples of 39.2 MHz,
    which four 15 ns stages bring down 216-fold (two 20 ns stages: 25-fold), and settle to 1e-3 in
    195 ns; the oscillator's power follows its current, and layer 2 averages what ripple is left to
    first order;
  - the DC ports are the fast ones of tests/examples/rfnet_hidden.py (they settle in tens of ns; the
    RF they pass is averaged away).
Besides the output scores, every hidden neuron's input (layer 1's score after the low-passes) is
averaged over the window (.meas AVG: the low-passes have removed the beats), so a deviation can be
traced to layer 1 (time-domain rectification of 256 tones) or to the oscillators and layer 2.
Results go to OUT/drone_transient.json (--results) after every input; a second run resumes where the
first stopped, and several runs started at once share the work (each claims an input before running it).
Needs drone.py's trained network (OUT/drone_network.json, --network). An input takes about an hour, so
the ten are a campaign over several sittings: its network and rows are kept in examples/rfnet/results/,
and it goes on with
  examples/rfnet/drone_transient.py --network examples/rfnet/results/drone_network.json \
      --results examples/rfnet/results/drone_transient.json

usage: examples/rfnet/drone_transient.py [--count 10] [--start 0] [--tstop 4e-7] [--window 1.5e-7]
       [--lp-tau 15e-9] [--lp-stages 4] [--network FILE] [--results FILE]
"""
import argparse
import fcntl
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
    """.tones and transient of one input: (.tones output scores, .tones hidden inputs, its analysis
    time, transient output scores, transient hidden inputs, its wall time, its step counts)."""
    layer1, hidden, layer2 = parts
    stages = dict(lp_tau=args.lp_tau, lp_stages=args.lp_stages, **FAST_PORTS)
    hidden_inputs = [f"v(u{j}_{args.lp_stages})" for j in range(len(hidden.freqs))]
    values, tones_seconds = rfnet.network_scores_tones(*parts, powers, extra=hidden_inputs, **stages)
    m = layer2.fres.shape[0]
    fmax = max(np.max(layer1.freqs), np.max(hidden.freqs))
    text = rfnet.netlist_network(*parts, powers, analysis=rfnet.tran_card(fmax, args.tstop), gate=args.gate,
                                 **stages)
    start = args.tstop - args.window
    meas = "\n".join(f".meas tran hin{j} AVG {n} from={start:.6g}" for j, n in enumerate(hidden_inputs))
    analyses, seconds = rfnet.run_netlist(text.replace("\n.end\n", "\n" + meas + "\n.end\n"))
    tran = rfnet.windowed_average(analyses[0], [f"v(qo{j})" for j in range(m)], start, args.tstop)
    tran_hidden = np.array([analyses[0]["measurements"][f"hin{j}"] for j in range(len(hidden_inputs))])
    steps = {k: analyses[0]["stats"].get(k) for k in ("accepted", "rejected")}
    return values[:m], values[m:], tones_seconds, tran, tran_hidden, seconds, steps


def claim(out, index):
    """Claims input `index` for this process (a file created exclusively); False if a live process
    holds it. A claim whose process has gone is taken over."""
    path = f"{out}.claim{index}"
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            return True
        except FileExistsError:
            try:
                with open(path) as f:
                    os.kill(int(f.read() or 0), 0)
                return False
            except (ProcessLookupError, ValueError):
                os.remove(path)
    return False


def load_rows(out, args):
    """The rows of an earlier run with the same settings (none if the settings differ)."""
    if not os.path.exists(out):
        return []
    with open(out) as f:
        old = json.load(f)
    same = all(old.get(k) == getattr(args, k) for k in SETTINGS)
    return old["rows"] if same else []


SETTINGS = ("tstop", "window", "gate", "lp_tau", "lp_stages")


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
    ap.add_argument("--network", help="the trained network (default OUT/drone_network.json)")
    ap.add_argument("--results", help="the rows, read to resume and rewritten after every input "
                    "(default OUT/drone_transient.json; the campaign's: examples/rfnet/results/)")
    ap.add_argument("--data", default=drone.DATA)
    ap.add_argument("--count", type=int, default=10, help="test inputs (the first ones of the test split)")
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--tstop", type=float, default=400e-9)
    ap.add_argument("--window", type=float, default=150e-9)
    ap.add_argument("--gate", type=float, default=20e-9, help="the tones' raised-cosine switch-on (s)")
    ap.add_argument("--lp-tau", type=float, default=15e-9, help="the transconductance stages' low-passes (s)")
    ap.add_argument("--lp-stages", type=int, default=4, help="buffered RC low-passes per transconductance stage")
    args = ap.parse_args()
    path = args.network or os.path.join(args.out, "drone_network.json")
    if not os.path.exists(path):
        sys.exit(f"{path} not found: run examples/rfnet/drone.py first (it trains and saves the network)")
    net = rfnet_mlp.Network.load(path)
    parts = net.circuit()
    _, _, xte, yte = drone.load_data(args.data)
    powers = xte * net.pscale
    equation = net.forward(powers)

    out = args.results or os.path.join(args.out, "drone_transient.json")
    layer1 = parts[0]
    for i in range(args.start, min(args.start + args.count, len(yte))):
        if i in {r["index"] for r in load_rows(out, args)} or not claim(out, i):
            continue
        t0 = time.perf_counter()
        tones, tones_hidden, tones_seconds, tran, tran_hidden, seconds, steps = one_input(parts, powers[i], args)
        dev = np.abs(tran - tones).max() / np.abs(tones).max()
        spread = np.ptp(layer1.forward(powers), axis=0)  # each hidden input's range over the test split
        dev_hidden = np.abs(tran_hidden - tones_hidden) / spread
        row = dict(index=i, label=int(yte[i]), equation=equation[i].tolist(), tones=tones.tolist(),
                   tones_seconds=tones_seconds, transient=tran.tolist(), seconds=seconds,
                   hidden_equation=layer1.forward(powers[i]).tolist(), hidden_tones=tones_hidden.tolist(),
                   hidden_transient=tran_hidden.tolist(), steps=steps)
        print(f"input {i}: label {yte[i]}, transient class {tran.argmax()}, .tones {tones.argmax()}, equations "
              f"{equation[i].argmax()}; transient within {100 * dev:.2f} % of the largest .tones score (hidden "
              f"inputs within {100 * dev_hidden.max():.2f} % of their range); {seconds / 60:.1f} min "
              f"({(time.perf_counter() - t0) / 60:.1f} min with .tones)", flush=True)
        with open(out + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be adding its row
            rows = sorted([r for r in load_rows(out, args) if r["index"] != i] + [row], key=lambda r: r["index"])
            with open(out + ".tmp", "w") as f:
                json.dump(dict(**{k: getattr(args, k) for k in SETTINGS}, rows=rows, summary=summary(rows, yte)), f,
                          indent=1)
            os.replace(out + ".tmp", out)
        os.remove(f"{out}.claim{i}")
    rows = load_rows(out, args)
    if rows:
        s = summary(rows, yte)
        print(f"transient on {s['inputs']} inputs: accuracy {s['accuracy_transient']:.3f} (.tones "
              f"{s['accuracy_tones']:.3f}), same class as .tones {100 * s['same_class_as_tones']:.0f} %, outputs "
              f"within {100 * s['median_deviation']:.2f} % (median; largest {100 * s['max_deviation']:.2f} %) of the "
              f"largest .tones score, {s['median_seconds'] / 60:.1f} min per input")


if __name__ == "__main__":
    main()
