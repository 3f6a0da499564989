#!/usr/bin/env python3
"""RF spintronic networks (scripts/rfnet.py): time per inference through the circuit.

Usage: rfnet.py [-k K] [--transient N] [--drone N] [--spinspice PATH] [--json FILE]

Cases (untrained networks of the published sizes: resonances on the input grid with a 0.2 % spread;
the time does not depend on the training):
  digits  Leroux 2021: 64 tones (2-12 GHz, geometric), one layer of 10 chains x 64 sdiodes; inputs are
          UCI 8x8 digits (python3-sklearn) at 1e-10 W per tone at grey level 16, else random.
          .tones on K inputs; the transient (examples/rfnet/digits.py's settings: 100 ns, tones
          switched on over 10 ns, outputs averaged over the last 50 ns) on N inputs.
  drone   Ross 2023: 256 tones (2-12 GHz, linear), 128 chains x 256 sdiodes -> 128 stno neurons ->
          10 chains x 128 sdiodes; .tones on N inputs (random spectra).
What is timed: the wall time of the whole process `spinspice --stats -o X.json NETLIST` (parse,
set-up, analysis, output) and the analysis' own time (its `time_total`), medians. The floor is the
equation model's forward pass for one input in numpy with its weight matrices computed once (what the
circuit is compared against), timed over 1000 inputs. Targets (issue 12): digits .tones <= 10 ms, digits transient <= 10 s per inference.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import rfnet  # noqa: E402  (re-executes under /usr/bin/python3 when numpy is missing)
import numpy as np  # noqa: E402

FAST = dict(rmeter=1e6, cmeter=0.01e-12, ccouple=0.1e-12)  # examples/rfnet/digits.py's transient meters


def digits_case(seed=0):
    freqs = rfnet.geometric_frequencies(64, 2e9, 12e9)
    rng = np.random.default_rng(seed)
    layer = rfnet.Layer(freqs, freqs[None, :].repeat(10, 0) * (1 + 0.002 * rng.standard_normal((10, 64))), np.zeros(10))
    try:
        from sklearn.datasets import load_digits
        inputs = load_digits().data / 16.0 * 1e-10
    except ImportError:
        inputs = rng.random((200, 64)) * 1e-10
    return layer, inputs


def drone_case(seed=0):
    rng = np.random.default_rng(seed)
    f1, fh = np.linspace(2e9, 12e9, 256), rfnet.geometric_frequencies(128, 2e9, 12e9)
    layer1 = rfnet.Layer(f1, f1[None, :].repeat(128, 0) * (1 + 0.002 * rng.standard_normal((128, 256))), np.zeros(128))
    s = 1e-4  # circuit power per anchor uW (examples/rfnet/drone.py)
    hidden = rfnet.Hidden(fh, 3.388e-3 / s, 0.011085 * s, gpow=1.25 * s)
    layer2 = rfnet.Layer(fh, fh[None, :].repeat(10, 0) * (1 + 0.002 * rng.standard_normal((10, 128))), np.zeros(10))
    return layer1, hidden, layer2, rng.random((50, 256)) * 0.1 * 1e-10


def timed(text):
    analyses, wall = rfnet.run_netlist(text)
    if "error" in analyses[0]:
        raise RuntimeError(analyses[0]["error"])
    return wall, analyses[0]["stats"].get("time_total", float("nan"))


def module_runs(layer, inputs, k):
    """The digits inputs through one spinspice.Circuit (the Python module: parsed once, each input's tone
    amplitudes set as .param values): (wall seconds of set_param + run, analysis seconds) per input, or
    [] without the module. The scores are checked against a fresh process on the first input."""
    sys.path.insert(0, os.path.join(ROOT, "build", "python"))
    try:
        import spinspice
    except ImportError:
        return []
    circuit = spinspice.Circuit(rfnet.netlist_layer(layer, inputs[0], amplitude_params=True))
    runs = []
    for i in range(k):
        params = rfnet.input_params(layer, inputs[i])
        t0 = time.perf_counter()
        r = circuit.set_param(**params).run()["tones1"]
        runs.append((time.perf_counter() - t0, r.stats["time_total"]))
        if i == 0:
            fresh, _ = rfnet.run_netlist(rfnet.netlist_layer(layer, inputs[0]))
            for j in range(layer.fres.shape[0]):
                a, b = r[f"v(o{j})"][0].real, fresh[0]["signals"][f"v(o{j})"]["re"][0]
                if abs(a - b) > 1e-6 * abs(b) + 1e-13:  # the zero-power tones the param form keeps
                    raise RuntimeError(f"Circuit and process differ on v(o{j}): {a} vs {b}")
    return runs


def floor_seconds(forward, inputs):
    batch = inputs[np.arange(1000) % len(inputs)]
    t0 = time.perf_counter()
    for p in batch:
        forward(p[None, :])
    return (time.perf_counter() - t0) / len(batch)


def report(name, walls, analysis, floor, target=None):
    wall, inner = statistics.median(walls), statistics.median(analysis)
    line = (f"{name:<22} {len(walls):>3} runs  process {wall * 1e3:10.1f} ms  analysis {inner * 1e3:10.1f} ms  "
            f"floor {floor * 1e6:7.1f} us  ratio {inner / floor:9.0f}x")
    if target:
        line += f"  target {target * 1e3:g} ms: {'met' if inner <= target else 'NOT met'}"
    print(line, flush=True)
    return dict(case=name, runs=len(walls), process_s=wall, analysis_s=inner, floor_s=floor, walls=walls)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", type=int, default=20, help="digits inputs through .tones")
    ap.add_argument("--transient", type=int, default=2, help="digits inputs through the transient")
    ap.add_argument("--drone", type=int, default=2, help="drone inputs through .tones (0: skip)")
    ap.add_argument("--spinspice", help="binary (default build/spinspice)")
    ap.add_argument("--json", help="write all figures here")
    args = ap.parse_args()
    if args.spinspice:
        os.environ["SPINSPICE"] = os.path.abspath(args.spinspice)
    results = []

    layer, inputs = digits_case()
    weights = layer.weights()[0]
    floor = floor_seconds(lambda p: p @ weights.T + layer.bias, inputs)
    runs = [timed(rfnet.netlist_layer(layer, inputs[i])) for i in range(args.k)]
    results.append(report("digits .tones", [w for w, _ in runs], [a for _, a in runs], floor, target=10e-3))
    module = module_runs(layer, inputs, args.k)
    if module:
        results.append(report("digits .tones, Circuit", [w for w, _ in module], [a for _, a in module], floor,
                              target=10e-3))
    if args.transient:
        tran = rfnet.tran_card(np.max(layer.freqs), 100e-9)
        runs = [timed(rfnet.netlist_layer(layer, inputs[i], analysis=tran, gate=10e-9, **FAST))
                for i in range(args.transient)]
        results.append(report("digits transient", [w for w, _ in runs], [a for _, a in runs], floor, target=10.0))
    if args.drone:
        layer1, hidden, layer2, drone_inputs = drone_case()
        w1, w2 = layer1.weights()[0], layer2.weights()[0]
        floor = floor_seconds(lambda p: hidden.forward(p @ w1.T + layer1.bias) @ w2.T + layer2.bias, drone_inputs)
        runs = [timed(rfnet.netlist_network(layer1, hidden, layer2, drone_inputs[i])) for i in range(args.drone)]
        results.append(report("drone .tones", [w for w, _ in runs], [a for _, a in runs], floor))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
