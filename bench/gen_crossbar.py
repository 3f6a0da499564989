#!/usr/bin/env python3
"""Generate an N x N resistive (MTJ-like) crossbar read as a DC operating point: every word line
driven at 0.2 V through a 2 ohm driver, per-segment wire resistance (2 ohm) along word and bit
lines, bit lines held near ground by 100 ohm sense resistors at their far end, cells randomly in
the parallel (Rp = 5k) or antiparallel (Rap = 12k) state with a seeded generator.
About 2*N*N unknowns, linear: a large sparse .op (solver-bound benchmark, target application).

Usage: gen_crossbar.py N [SEED] > xbar_N.cir       (SEED default 1)

Plain SPICE, `.op` only. The sense currents are v(b_{N-1}_j)/100."""
import random
import sys


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    n = int(args[0])
    rng = random.Random(int(args[1]) if len(args) > 1 else 1)
    rp, rap, rwire, rdrv, rsense, vread = 5e3, 12e3, 2.0, 2.0, 100.0, 0.2
    out = [f"* crossbar {n}x{n} read (.op): Rp={rp:g} Rap={rap:g} rwire={rwire:g} rsense={rsense:g} "
           f"vread={vread:g}"]
    for i in range(n):
        out.append(f"vw{i} wd{i} 0 dc {vread:g}")
        out.append(f"rdrv{i} wd{i} w_{i}_0 {rdrv:g}")
    for j in range(n):
        out.append(f"rs{j} b_{n-1}_{j} 0 {rsense:g}")
    for i in range(n):
        for j in range(n):
            r = rp if rng.random() < 0.5 else rap
            out.append(f"rc_{i}_{j} w_{i}_{j} b_{i}_{j} {r:g}")
            if j + 1 < n:
                out.append(f"rw_{i}_{j} w_{i}_{j} w_{i}_{j+1} {rwire:g}")
            if i + 1 < n:
                out.append(f"rb_{i}_{j} b_{i}_{j} b_{i+1}_{j} {rwire:g}")
    out.append(".op")
    out.append(".end")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
