#!/usr/bin/env python3
"""STNO network: spinspice simulating N spin-torque oscillators on a common load vs a bare RK4 loop.

Usage: stno_network.py [-n N] [--tstop T] [-k K] [--spinspice PATH] [--workdir DIR] [--json FILE]

The circuit: N `stno` devices (f0 spread linearly over 1.0-1.1 GHz, nshift -2 GHz, q 2, gammag 1e8,
ith 1 mA, r0 1 kOhm, dr 100 Ohm, lambdaf 1e10), each fed by its own 4.4 V source through 200 Ohm,
all returning through one 10 Ohm load (node c): each oscillator's resistance moves v(c), hence the
current, hence the drive of all the others. `.tran` to T (default 1 us) with `.save` of oscillator 0
and v(c).

What is timed.
  spinspice: the wall time of the whole process `spinspice --stats -o X.json NETLIST` (parse, setup,
  operating point, transient, output), median of K runs (default 3).
  floor: bench/stno_floor.cpp, compiled with g++ -O2 -std=c++20 into the work directory: fixed-step
  RK4 over the same equations (lab-frame amplitude, the low-passed current of the injection force,
  the load node solved in closed form), with the step the simulator is bounded by, 1/(20 f_max)
  (f_max = 1.1 GHz, the largest |f0 + nshift p| over p in [0, 1]); its own timer around the loop only;
  median of K runs. ratio = spinspice / floor.
Accuracy: a floor run with an eighth of that step is the reference for oscillator 0's final power and
phase; both the simulator's and the floor's deviations from it are printed. The simulator integrates
the oscillators in their rotating frames and is more accurate at the same step, so a second ratio is
printed at equal accuracy: against the floor run, among steps h, h/1.25, h/1.5, h/2, h/2.5, h/3, h/4, with the
largest step whose phase error is no larger than the simulator's.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

NETWORK = dict(f0_low=1.0e9, f0_high=1.1e9, nshift=-2e9, q=2, gammag=1e8, ith=1e-3, r0=1000, dr=100,
               lambdaf=1e10, rs=200, rl=10, vbias=4.4, p0=1e-4)


def netlist(n, tstop):
    p = NETWORK
    lines = [f"* {n} STNOs on a common load (bench/stno_network.py)",
             f".model osc stno (nshift={p['nshift']} q={p['q']} gammag={p['gammag']} ith={p['ith']} "
             f"r0={p['r0']} dr={p['dr']} lambdaf={p['lambdaf']})"]
    for k in range(n):
        f0 = p["f0_low"] + (p["f0_high"] - p["f0_low"]) * k / max(n - 1, 1)
        lines += [f"v{k} b{k} 0 dc {p['vbias']}", f"rs{k} b{k} a{k} {p['rs']}",
                  f"n{k} a{k} c osc f0={f0!r} p0={p['p0']}"]
    lines += [f"rl c 0 {p['rl']}", f".tran 1n {tstop!r}", ".save n0.cr n0.ci v(c)", ".end", ""]
    return "\n".join(lines)


def timed(cmd):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--tstop", type=float, default=1e-6)
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--spinspice", default=os.path.join(ROOT, "build", "spinspice"))
    ap.add_argument("--workdir", default="/tmp/spinspice_bench")
    ap.add_argument("--json")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    deck = os.path.join(args.workdir, f"stno_{args.n}.cir")
    with open(deck, "w") as f:
        f.write(netlist(args.n, args.tstop))
    floor = os.path.join(args.workdir, "stno_floor")
    subprocess.run(["g++", "-O2", "-std=c++20", "-o", floor, os.path.join(HERE, "stno_floor.cpp")], check=True)

    out_json = os.path.join(args.workdir, f"stno_{args.n}.json")
    sp_times = [timed([args.spinspice, "--stats", "-o", out_json, deck])[0] for _ in range(args.k)]
    result = json.load(open(out_json))["analyses"][0]
    stats = result["stats"]
    sig = result["signals"]
    cr, ci = sig["n0.cr"][-1], sig["n0.ci"][-1]
    sp_power, sp_phase = cr * cr + ci * ci, -math.atan2(ci, cr)

    h = 1.0 / (20 * max(abs(NETWORK["f0_high"]), abs(NETWORK["f0_high"] + NETWORK["nshift"])))
    floor_runs = []
    for _ in range(args.k):
        _, text = timed([floor, str(args.n), repr(args.tstop), repr(h)])
        floor_runs.append(text)
    parse = lambda text: (float(text.split(": ")[1].split(" s")[0]), float(text.split("p0 ")[1].split()[0]),
                          float(text.split("phase0 ")[1].split()[0]))
    floor_times = [parse(t)[0] for t in floor_runs]
    _, fl_power, fl_phase = parse(floor_runs[-1])
    _, ref_text = timed([floor, str(args.n), repr(args.tstop), repr(h / 8)])
    _, ref_power, ref_phase = parse(ref_text)
    wrap = lambda a: (a + math.pi) % (2 * math.pi) - math.pi
    sp_error = abs(wrap(sp_phase - ref_phase))
    equal = None
    for divisor in (1, 1.25, 1.5, 2, 2.5, 3, 4):
        runs = [parse(timed([floor, str(args.n), repr(args.tstop), repr(h / divisor)])[1]) for _ in range(args.k)]
        if abs(wrap(runs[-1][2] - ref_phase)) <= sp_error:
            equal = (divisor, statistics.median(r[0] for r in runs), abs(wrap(runs[-1][2] - ref_phase)))
            break

    sp, fl = statistics.median(sp_times), statistics.median(floor_times)
    steps = round(args.tstop / h)
    print(f"{args.n} STNOs on a common load, {args.tstop:g} s")
    print(f"  spinspice: {sp:.3f} s (median of {args.k}), {stats['accepted']} accepted + {stats['rejected']} "
          f"rejected points, {stats['iterations']} Newton iterations")
    print(f"  RK4 floor: {fl:.3f} s (median of {args.k}), {steps} steps of {h:.4g} s")
    print(f"  ratio spinspice/floor: {sp / fl:.2f}")
    print(f"  oscillator 0 at tstop vs RK4 at h/8: power {ref_power:.6f}; spinspice {sp_power - ref_power:+.2e}, "
          f"floor {fl_power - ref_power:+.2e}; phase error spinspice {wrap(sp_phase - ref_phase):+.2e} rad, "
          f"floor {wrap(fl_phase - ref_phase):+.2e} rad")
    if equal:
        print(f"  equal accuracy: floor at h/{equal[0]:g} (phase error {equal[2]:.2e} rad) takes {equal[1]:.3f} s; "
              f"ratio {sp / equal[1]:.2f}")
    else:
        print("  equal accuracy: the floor needs more than h/4 to match the simulator's phase error")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(n=args.n, tstop=args.tstop, spinspice=sp_times, floor=floor_times, ratio=sp / fl,
                           stats=stats, power_error=sp_power - ref_power,
                           phase_error=wrap(sp_phase - ref_phase),
                           equal_accuracy_ratio=sp / equal[1] if equal else None), f, indent=1)


if __name__ == "__main__":
    main()
