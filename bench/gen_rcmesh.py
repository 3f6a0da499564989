#!/usr/bin/env python3
"""Generate an N x N RC mesh (power-grid-like) transient netlist: 0.5 ohm segments, 10 fF to ground
at every node, a 1 V supply through 0.1 ohm at one corner, a pulsed 10 mA load at the opposite corner.
Linear, ~N*N unknowns: stresses the sparse LU (solver-bound benchmark).

Usage: gen_rcmesh.py N [--save PROBE ...] > rcmesh_N.cir

Plain SPICE (no .control block): `.tran 10p 20n 0 10p` with an explicit TMAX equal to ngspice's
default for this deck (min(tstep, tstop/50) = 10 ps), trapezoidal. The probe used by run_bench.py
is v(n_{N-1}_{N-1}), the load corner."""
import sys


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    n = int(args[0])
    save = args[args.index("--save") + 1:] if "--save" in args else []
    out = [f"* rcmesh {n}x{n}: resistive grid with caps to ground, pulse current load, corner supply",
           "vdd vdd 0 1.0", "rsup vdd n_0_0 0.1"]
    for i in range(n):
        for j in range(n):
            if j + 1 < n:
                out.append(f"rh_{i}_{j} n_{i}_{j} n_{i}_{j+1} 0.5")
            if i + 1 < n:
                out.append(f"rv_{i}_{j} n_{i}_{j} n_{i+1}_{j} 0.5")
            out.append(f"c_{i}_{j} n_{i}_{j} 0 10f")
    out.append(f"iload n_{n-1}_{n-1} 0 dc 0 pulse(0 10m 100p 50p 50p 500p 2n)")
    out.append(".options method=trap")
    if save:
        out.append(".save " + " ".join(save))
    out.append(".tran 10p 20n 0 10p")
    out.append(".end")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
