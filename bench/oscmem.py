#!/usr/bin/env python3
"""Coupled-oscillator associative memory (scripts/oscmem.py): time to recall one pattern with N = 64
`stno` oscillators (issue 13), against the floor of the same recall in the phase model (numpy, RK4).

Usage: oscmem.py [-k K] [--tstop 3e-7] [--spinspice PATH] [--json FILE]

The case is examples/oscmem/oscmem.py's: letters A, Z, L stored by Hebb's rule, K inputs with 20 % of
the pixels flipped, a 300 ns transient (every recall there ends before 135 ns). What is timed: the
wall time of the whole process `spinspice -o X.json NETLIST`, median; the floor is the phase model integrated over the same 300 ns with the step
oscmem.run_phase_model chooses (2 % of the fastest coupling time), which retrieves the same patterns.
"""
import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "scripts"))
import oscmem  # noqa: E402  (re-executes under /usr/bin/python3 when numpy is missing)
import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", type=int, default=3, help="recalls (corrupted inputs)")
    ap.add_argument("--tstop", type=float, default=300e-9)
    ap.add_argument("--spinspice", help="binary (default build/spinspice)")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    if args.spinspice:
        os.environ["SPINSPICE"] = os.path.abspath(args.spinspice)
    patterns = np.array([oscmem.glyph(oscmem.GLYPHS[c]) for c in "AZL"])
    w = oscmem.hebbian(patterns)
    n, gain, r_unit = patterns.shape[1], 3.0, 1e3
    k = oscmem.coupling_rate(n, r_unit, gain)
    rng = np.random.default_rng(0)
    walls, floors, retrieved = [], [], 0
    for i in range(args.k):
        target = patterns[i % len(patterns)]
        phases = np.where(oscmem.corrupt(target, 0.2, rng) > 0, 0.0, np.pi) + 0.1 * rng.standard_normal(n)
        analysis, wall = oscmem.run_circuit(oscmem.netlist(w, phases, r_unit=r_unit, gain=gain, tstop=args.tstop))
        walls.append(wall)
        t, phi = oscmem.circuit_phases(analysis, n)
        retrieved += oscmem.retrieval_time(t, oscmem.readout(phi), target) is not None
        t0 = time.perf_counter()
        oscmem.run_phase_model(w, phases, k, args.tstop)
        floors.append(time.perf_counter() - t0)
    wall, floor = statistics.median(walls), statistics.median(floors)
    print(f"oscillator memory N=64  {args.k} recalls ({retrieved} retrieved)  process {wall:.2f} s  "
          f"floor (phase model) {floor * 1e3:.1f} ms  ratio {wall / floor:.0f}x  "
          f"({args.tstop * 1e9:.0f} ns simulated)", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(case="oscmem N=64", runs=args.k, retrieved=retrieved, process_s=wall, floor_s=floor,
                           walls=walls, floors=floors), f, indent=1)


if __name__ == "__main__":
    main()
