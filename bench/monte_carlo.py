#!/usr/bin/env python3
"""Monte Carlo throughput (issue 15): the write-error-rate deck of examples/wer (3 Ic0, thermal noise,
`.option autostop waveforms=0`) with N samples, run by the CLI on 1 thread, 2 threads and 2 MPI ranks,
side by side with the floor: bench/macrospin_floor (a bare fixed-step RK4 loop over the same macrospin
equations, no circuit, no noise) for as many device-steps as the samples took in total.

usage: bench/monte_carlo.py [--trials 20000] [--repeat 3]   (medians of --repeat runs)
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples", "wer"))
import wer_pulse_width as wer  # noqa: E402  (re-executes under /usr/bin/python3)
import numpy as np  # noqa: E402

EXE = os.environ.get("SPINSPICE", os.path.join(ROOT, "build", "spinspice"))
FLOOR = os.path.join(ROOT, "build", "macrospin_floor")


def timed(cmd, env=None):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    with tempfile.TemporaryDirectory() as d:
        deck, out = os.path.join(d, "wer.cir"), os.path.join(d, "wer.json")
        with open(deck, "w") as f:
            f.write(wer.deck(3.0, args.trials))
        runs = {"CLI, 1 thread": [EXE, "-j", "1"], "CLI, 2 threads": [EXE, "-j", "2"]}
        if shutil.which("mpirun"):
            runs["mpirun -n 2, 1 thread each"] = ["mpirun", "--oversubscribe", "-n", "2", EXE, "-j", "1"]
        times = {label: [] for label in runs}
        for _ in range(args.repeat):
            for label, cmd in runs.items():
                times[label].append(timed(cmd + ["-q", "--no-progress", "-o", out, deck], env))
        with open(out) as f:
            steps = sum(a["stats"]["accepted"] for a in json.load(f)["analyses"])
    floor = subprocess.run([FLOOR, "1", "5e-12", f"{steps * 5e-12:.6g}"], check=True, capture_output=True,
                           text=True).stdout
    floor_rate = float(re.search(r"([0-9.e+-]+) device-steps/s", floor).group(1))
    floor_seconds = steps / floor_rate
    serial = np.median(times["CLI, 1 thread"])
    print(f"{args.trials} WER samples at 3 Ic0 ({steps} time steps in all, {steps / args.trials:.0f} per sample), "
          f"medians of {args.repeat}:")
    for label, values in times.items():
        m = np.median(values)
        print(f"  {label:30s} {m:7.2f} s   speed-up {serial / m:4.2f}x   {1e6 * m / steps:6.2f} us/step")
    print(f"  {'floor (RK4 loop, 1 thread)':30s} {floor_seconds:7.2f} s   spinspice 1 thread / floor = "
          f"{serial / floor_seconds:.1f}x")


if __name__ == "__main__":
    main()
