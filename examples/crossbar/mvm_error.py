#!/usr/bin/env python3
"""Error of the MTJ-crossbar matrix-vector product against N and the wire resistance, for 1-MTJ and
1T-1MTJ cells (spinspice, examples/crossbar/gen_crossbar.py).

Part 1, read accuracy: for every cell type, array size N x N and wire resistance per segment, an array
with random states (P or AP with probability 1/2, seeded; the same states and inputs for every R_wire
and cell type at a given N) is read with K random input vectors (row voltages uniform in [0, 0.1] V).
The states are set as initial states here (programming is part 2). Compared with the ideal dot product
I_j = sum_i G_ij(V_i) V_i it reports the mean and largest relative error of the column currents, the
mean error left after one global gain calibration (the best single factor a in a I_sim ~ I_ideal: what a
fixed sense-amplifier gain cannot remove), and for 1T-1MTJ also the error against the per-cell
solution with the transistor but no wires. Every read also checks that no state changed.

Part 2, programming: for the smaller sizes, random initial states are programmed to random targets by
write pulses (V/2 scheme for 1-MTJ, word-line selection for 1T-1MTJ) for every wire resistance, and the
checks of gen_crossbar.check_programming are reported (states equal targets, one flip per switched
cell, no other flips, reads leave the states unchanged).

Run (about 6 minutes on a shared 2-core machine; the longest spinspice runs, 128 x 128 with wires, take
~20 s each):
  /usr/bin/python3 examples/crossbar/mvm_error.py [--sizes 8 16 32 64 128] [--rwires 0 0.5 1 2 5]
        [--cells 1mtj 1t1mtj] [--reads 4] [--program-sizes 8 16 32] [--out out/crossbar]
Writes OUT/mvm_error.json and OUT/mvm_error.png and prints the tables.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_crossbar as gx  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def calibrated_error(sim, ideal):
    """Mean |relative error| after the least-squares global gain a = <sim, ideal>/<sim, sim>."""
    a = float(np.sum(sim * ideal) / np.sum(sim * sim))
    return float(np.mean(np.abs(a * sim - ideal) / ideal)), a


def read_sweep(args, binary):
    rows = []
    for n in args.sizes:
        rng = np.random.default_rng(args.seed + n)
        states = gx.random_states(rng, n, n)
        reads = rng.uniform(0.0, args.vread, (args.reads, n))
        for cell in args.cells:
            for rw in args.rwires:
                xb = gx.Crossbar(n, n, cell, rw, initial=states, reads=reads,
                                 title=f"mvm_error.py N={n} {cell} R_wire={rw}")
                res = xb.run(binary)
                ideal, per_cell = xb.ideal(), xb.cell_ideal()
                err = gx.relative_errors(res.currents, ideal)
                cal, gain = calibrated_error(res.currents, ideal)
                row = {"cell": cell, "n": n, "rwire": rw,
                       "mean_rel_err": float(np.mean(np.abs(err))), "max_rel_err": float(np.max(np.abs(err))),
                       "signed_mean_err": float(np.mean(err)),
                       "calibrated_mean_rel_err": cal, "calibration_gain": gain,
                       "mean_rel_err_vs_cell": float(np.mean(np.abs(gx.relative_errors(res.currents, per_cell)))),
                       "read_disturbed": int(np.sum(res.states_final != states)),
                       "wall_s": res.wall, "time_points": res.points}
                rows.append(row)
                print(f"  {cell:6s} N={n:4d} R_wire={rw:4.1f}: mean |err| {row['mean_rel_err']:.3e}, "
                      f"max {row['max_rel_err']:.3e}, after gain cal. {cal:.3e}  ({res.wall:.1f} s)", flush=True)
    return rows


def program_sweep(args, binary):
    rows = []
    for n in args.program_sizes:
        rng = np.random.default_rng(10_000 + args.seed + n)
        initial, target = gx.random_states(rng, n, n), gx.random_states(rng, n, n)
        reads = rng.uniform(0.0, args.vread, (2, n))
        for cell in args.cells:
            for rw in args.rwires:
                xb = gx.Crossbar(n, n, cell, rw, initial=initial, target=target, reads=reads,
                                 save_progress=True, title=f"mvm_error.py programming N={n} {cell} R_wire={rw}")
                res = xb.run(binary)
                c = gx.check_programming(res, initial, target)
                c.update(cell=cell, n=n, rwire=rw, wall_s=res.wall, time_points=res.points,
                         result="ok" if c["ok"] else f"{c['wrong_after_programming']} wrong")
                rows.append(c)
                print(f"  {cell:6s} N={n:4d} R_wire={rw:4.1f}: {'ok ' if c['ok'] else 'FAILED'} "
                      f"wrong {c['wrong_after_programming']}/{c['cells']}, flips {c['flips']} for "
                      f"{c['needed_switch']}, max half-select p {c['max_halfselect_progress']:.1e}, "
                      f"read disturbed {c['read_disturbed']}  ({res.wall:.1f} s)", flush=True)
    return rows


def table(rows, cells, sizes, rwires, key, fmt="{:.2e}"):
    lines = []
    for cell in cells:
        lines.append(f"{cell}: {key}")
        lines.append("   N  | " + " | ".join(f"R_w={rw:g} ohm".rjust(11) for rw in rwires))
        for n in sizes:
            vals = []
            for rw in rwires:
                r = [x for x in rows if x["cell"] == cell and x["n"] == n and x["rwire"] == rw]
                vals.append(fmt.format(r[0][key]).rjust(11) if r else "".rjust(11))
            lines.append(f"{n:5d} | " + " | ".join(vals))
    return "\n".join(lines)


def plot(rows, args, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(args.cells), figsize=(5.5 * len(args.cells), 4.4), squeeze=False)
    ymin = 3e-4   # below: machine precision (1-MTJ without wires), written as a note instead
    for ax, cell in zip(axes[0], args.cells):
        notes = []
        for k, rw in enumerate(args.rwires):
            sel = sorted((x for x in rows if x["cell"] == cell and x["rwire"] == rw), key=lambda x: x["n"])
            n = np.array([x["n"] for x in sel])
            for key, style, label in (("mean_rel_err", "o-", f"R_w = {rw:g} ohm"),
                                      ("calibrated_mean_rel_err", "s:", None)):
                v = np.array([x[key] for x in sel])
                shown = v >= ymin
                if shown.any():
                    ax.loglog(n[shown], v[shown], style, color=f"C{k}", label=label, ms=6 if label else 3)
                if key == "mean_rel_err" and not shown.all():
                    notes.append(f"R_w = {rw:g} ohm: {v[~shown].max():.0e} at most (not shown)")
        ax.set_xscale("log", base=2)
        ax.set_ylim(ymin, 1.5)
        ax.set_xlabel("array size N (N x N)")
        ax.set_ylabel("mean |relative error| of the column currents")
        ax.set_title(f"{cell} vs ideal dot product (dotted: after one global gain calibration)", fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
        if notes:
            ax.text(0.03, 0.97, "\n".join(notes), transform=ax.transAxes, va="top", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[8, 16, 32, 64, 128])
    ap.add_argument("--rwires", type=float, nargs="+", default=[0.0, 0.5, 1.0, 2.0, 5.0])
    ap.add_argument("--cells", nargs="+", default=["1mtj", "1t1mtj"], choices=["1mtj", "1t1mtj"])
    ap.add_argument("--reads", type=int, default=4, help="random input vectors per array")
    ap.add_argument("--vread", type=float, default=0.1, help="largest read voltage (V)")
    ap.add_argument("--program-sizes", type=int, nargs="*", default=[8, 16, 32])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "crossbar"))
    ap.add_argument("--binary", default=None)
    args = ap.parse_args()
    binary = gx.spinspice_binary(args.binary)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    card = gx.MtjCard()
    print(f"MTJ: R_P = {card.rp:g} ohm, TMR0 = {card.tmr}, Vh = {card.vh} V, Ic0 = {card.ic0 * 1e6:.2f} uA; "
          f"inputs uniform in [0, {args.vread}] V, {args.reads} vectors per array")
    print("read accuracy:")
    reads = read_sweep(args, binary)
    print("programming by write pulses:")
    progs = program_sweep(args, binary) if args.program_sizes else []
    total = time.time() - t0
    print()
    print(table(reads, args.cells, args.sizes, args.rwires, "mean_rel_err"))
    print(table(reads, args.cells, args.sizes, args.rwires, "max_rel_err"))
    print(table(reads, args.cells, args.sizes, args.rwires, "calibrated_mean_rel_err"))
    if "1t1mtj" in args.cells:
        print(table(reads, ["1t1mtj"], args.sizes, args.rwires, "mean_rel_err_vs_cell"))
    disturbed = sum(r["read_disturbed"] for r in reads)
    print(f"read disturb over all read runs: {disturbed} cells changed state")
    if progs:
        print(table(progs, args.cells, args.program_sizes, args.rwires, "result", "{}"))
    print(f"total {total:.0f} s")
    with open(os.path.join(args.out, "mvm_error.json"), "w") as f:
        json.dump({"mtj": card.__dict__, "vread": args.vread, "reads_per_array": args.reads, "seed": args.seed,
                   "read_accuracy": reads, "programming": progs, "total_s": total}, f, indent=1)
    plot(reads, args, os.path.join(args.out, "mvm_error.png"))
    print(f"wrote {os.path.join(args.out, 'mvm_error.json')} and mvm_error.png")
    return 0   # failed programming at large N x R_wire is a result (in the table), not an error


if __name__ == "__main__":
    sys.exit(main())
