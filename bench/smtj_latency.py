#!/usr/bin/env python3
"""sMTJ telegraph networks: the cost of a flip with latency, with full solves, and in a bare sampler.

Usage: smtj_latency.py [--sizes 30,90] [--flips F] [--full-flips F] [-k K] [--spinspice PATH]
                       [--workdir DIR] [--json FILE]
  --sizes      array sides (R = C); default 30,90: 900 and 8100 sMTJs
  --flips      flips simulated with latency (default 40000); --full-flips with full solves (default 3000)
  -k           runs of each (default 3; medians)

The circuit: an R x C array of `smtj` cells (rp=1k tmr=1 delta=3 tau0=1n ic=0.5m) between word lines
held at V_i = 0.1 ... 0.4 V and bit lines held at 0 V by sources, whose currents F elements sum into one
1-ohm load: v(sum) is the array's read-out. Every cell is an independent telegraph process whose flip
changes its conductance (4 matrix entries) and the read-out. With latency (the default) a flip updates
the cell's block, its lines' source currents and v(sum) (analysis/latency.hpp); with latency=0 every
point (each flip is one: a breakpoint) evaluates all devices and refactors the matrix.

Flips are counted exactly: each changes v(sum) by V_i (G_P - G_AP) >= 50 uV, rounding by < 1e-12 V.
The time per flip is marginal: each configuration runs for F and for F/4 flips, and the cost per flip is
the difference of the transients' times (`stats.time_total`: no parsing or output) over the difference
of the flips, so the one-off set-up (the latency stepper's block analysis, the operating point) is
reported apart ("fixed"). The whole process's wall time per flip of the long run is printed beside it.
The tstop for F flips comes from the stationary flip rate per cell, 2 nu+ nu- / (nu+ + nu-) (each cell
at its word-line bias).

Floor: bench/telegraph_floor.cpp (g++ -O2), a next-reaction (Gibson-Bruck) sampler of the same N
processes with an indexed heap: one exponential, one exp() and one O(log N) heap update per flip.
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

try:
    import numpy as np
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RP, TMR, DELTA, TAU0, IC = 1e3, 1.0, 3.0, 1e-9, 0.5e-3
VMIN, VMAX = 0.1, 0.4


def word_voltage(i, rows):
    return VMIN + (VMAX - VMIN) * (i / (rows - 1) if rows > 1 else 0.0)


def flip_rate(v):
    """Stationary flips per second of one cell at bias v (devices/smtj.cpp, rates=0)."""
    up = math.exp(-DELTA * (1 + v / RP / IC)) / TAU0  # P -> AP
    down = math.exp(-DELTA * (1 - v / (RP * (1 + TMR)) / IC)) / TAU0  # AP -> P
    return 2 * up * down / (up + down)


def netlist(path, side, tstop, latency):
    lines = [f"sMTJ array {side}x{side} on source-held lines",
             f".model sm smtj (rp={RP:g} tmr={TMR:g} delta={DELTA:g} tau0={TAU0:g} ic={IC:g})"]
    for i in range(side):
        lines.append(f"Vw{i} w{i} 0 {word_voltage(i, side):.9g}")
    for j in range(side):
        lines += [f"Vb{j} b{j} 0 0", f"F{j} 0 sum Vb{j} 1"]
    lines.append("Rsum sum 0 1")
    for i in range(side):
        for j in range(side):
            lines.append(f"N{i}_{j} w{i} b{j} sm")
    lines += [".save v(sum)", f".options seed=1 latency={latency}", f".tran 1n {tstop:.9g}", ".end"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def run_series(args, side, flips, latency):
    """Runs for flips and flips/4: the marginal cost per flip and the fixed cost."""
    short = run_spinspice(args, side, max(flips // 4, 1), latency)
    long = run_spinspice(args, side, flips, latency)
    marginal = (long["total"] - short["total"]) / (long["flips"] - short["flips"])
    long.update({"short": short, "us_per_flip": 1e6 * marginal, "fixed_s": long["total"] - marginal * long["flips"]})
    return long


def run_spinspice(args, side, flips, latency):
    n = side * side
    rate = sum(flip_rate(word_voltage(i, side)) for i in range(side)) * side
    tstop = flips / rate
    cir = os.path.join(args.workdir, f"smtj_{side}_{latency}.cir")
    out = os.path.join(args.workdir, f"smtj_{side}_{latency}.json")
    netlist(cir, side, tstop, latency)
    walls, totals = [], []
    for _ in range(args.k):
        t0 = time.perf_counter()
        r = subprocess.run([args.spinspice, "-q", "--no-progress", "--stats", "-o", out, cir], capture_output=True,
                           text=True)
        walls.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(f"spinspice failed ({r.returncode}): {r.stderr.strip()[-1500:]}")
        with open(out) as f:
            an = json.load(f)["analyses"][0]
        totals.append(an["stats"]["time_total"])
    v = np.asarray(an["signals"]["v(sum)"])
    counted = int(np.sum(np.abs(np.diff(v)) > 1e-9))
    st = an["stats"]
    return {"n": n, "latency": latency, "tstop": tstop, "flips": counted, "accepted": st.get("accepted"),
            "iterations": st.get("iterations"), "walls": walls, "wall": statistics.median(walls), "totals": totals,
            "total": statistics.median(totals), "us_per_flip": 1e6 * statistics.median(totals) / counted,
            "wall_us_per_flip": 1e6 * statistics.median(walls) / counted}


def run_floor(args, side, flips):
    exe = os.path.join(args.workdir, "telegraph_floor")
    src = os.path.join(HERE, "telegraph_floor.cpp")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        cxx = os.environ.get("CXX", "g++")
        if shutil.which(cxx) is None:
            raise SystemExit(f"smtj_latency.py: no C++ compiler '{cxx}' for bench/telegraph_floor.cpp")
        subprocess.run([cxx, "-O2", "-std=c++20", "-o", exe, src], check=True)
    r = subprocess.run([exe, str(side), str(side), str(flips), "--runs", str(max(args.k, 3)), "--vmin", str(VMIN),
                        "--vmax", str(VMAX)], capture_output=True, text=True, check=True)
    rate = float(re.search(r"median ([0-9.eE+-]+) flips/s", r.stdout).group(1))
    return {"flips_per_s": rate, "us_per_flip": 1e6 / rate}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="30,90")
    ap.add_argument("--flips", type=int, default=40000)
    ap.add_argument("--full-flips", type=int, default=3000)
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--spinspice", default=os.path.join(ROOT, "build", "spinspice"))
    ap.add_argument("--workdir", default="/tmp/smtj_latency")
    ap.add_argument("--json")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    rows = []
    for side in [int(s) for s in args.sizes.split(",")]:
        fast = run_series(args, side, args.flips, 1)
        full = run_series(args, side, args.full_flips, 0)
        floor = run_floor(args, side, 2_000_000)
        rows.append({"side": side, "latency": fast, "full": full, "floor": floor})
        print(f"{side * side:6d} sMTJs: latency {fast['us_per_flip']:8.3f} us/flip ({fast['flips']} flips, "
              f"fixed {fast['fixed_s']:.3f} s, {fast['iterations']} Newton its; wall {fast['wall_us_per_flip']:.3f} us/flip)"
              f" | full solves "
              f"{full['us_per_flip']:9.2f} us/flip ({full['flips']} flips) | floor {floor['us_per_flip']:.4f} us/flip"
              f" | full/latency {full['us_per_flip'] / fast['us_per_flip']:6.1f}x, latency/floor "
              f"{fast['us_per_flip'] / floor['us_per_flip']:5.1f}x", flush=True)
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(f"cost per flip, {b['side'] ** 2} vs {a['side'] ** 2} sMTJs: latency "
              f"{b['latency']['us_per_flip'] / a['latency']['us_per_flip']:.2f}x, full solves "
              f"{b['full']['us_per_flip'] / a['full']['us_per_flip']:.2f}x, floor "
              f"{b['floor']['us_per_flip'] / a['floor']['us_per_flip']:.2f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
