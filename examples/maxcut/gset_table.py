#!/usr/bin/env python3
"""The G-set table of issue 15: annealed p-bit circuits on G1, G11, G14, G22, G55 and G81.

Usage: gset_table.py [--gset DIR] [--graphs G1,G11,...] [--seeds 42,1,2] [--json FILE] [--spinspice PATH]

For each graph (read by path from DIR, default ../shared/data/gset; not part of the project) it runs
maxcut.run_anneal (the circuit of maxcut.py: one `pbit` per node, two G synapses per edge, I0 ramped
linearly through `Vbeta`) with the schedule and length below, the states written every `sample` of
simulated time (.options interp=1) instead of at every update, and prints one Markdown row per run:
best cut (over the sampled states), its ratio to the best-known cut of the file header, and the first
sampled time the cut reached 99 % of it, in sweeps (simulated t / tau) and in spinspice wall seconds
(the run's wall time in proportion, startup included). The schedules were chosen with
bench/gibbs_floor (the same dynamics without the circuit): the dense random graphs freeze within a few
hundred sweeps, the toroidal ±1 graphs (G11, G81) need thousands.
"""
import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import maxcut  # noqa: E402  (re-executes under Debian's python3 when numpy is missing)

TAU = 1e-9
# graph: (I0 start, I0 end, sweeps, sample every k sweeps)
SCHEDULES = {
    "G1": (0.5, 5.0, 1000, 1),
    "G11": (0.5, 5.0, 10000, 5),
    "G14": (0.5, 5.0, 10000, 5),
    "G22": (0.2, 3.0, 1000, 1),
    "G55": (0.1, 3.0, 2000, 2),
    "G81": (0.5, 3.0, 20000, 20),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gset", default=os.path.join(ROOT, "..", "shared", "data", "gset"))
    ap.add_argument("--graphs", default=",".join(SCHEDULES))
    ap.add_argument("--seeds", default="42")
    ap.add_argument("--json")
    ap.add_argument("--spinspice", default=None)
    a = ap.parse_args(argv)
    rows = []
    print("| graph | n / edges | I0 ramp | sweeps (updates) | seed | best cut | best-known | ratio | 99 % reached: "
          "sweeps / spinspice wall | spinspice wall | updates/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in a.graphs.split(","):
        i0a, i0b, sweeps, every = SCHEDULES[name]
        g = maxcut.load_graph(os.path.join(a.gset, name + ".txt"))
        ref, _ = maxcut.reference_cut(g)
        tstop = sweeps * TAU
        sched = maxcut.make_schedule("lin", i0a, i0b, tstop)
        for seed in (int(s) for s in a.seeds.split(",")):
            with tempfile.TemporaryDirectory(prefix="gset_") as work:
                r = maxcut.run_anneal(g, tau=TAU, tstop=tstop, seed=seed, sched=sched, segment=0, workdir=work,
                                      spinspice=a.spinspice, target=0.99 * ref, sample=every * TAU,
                                      log=lambda *_: None)
            hit = (f"{r['t_target'] / TAU:.0f} / {r['wall_target']:.1f} s" if r["t_target"] is not None
                   else "not reached")
            print(f"| {name} | {g.n} / {g.m} | {i0a:g} → {i0b:g} | {sweeps} ({g.n * sweeps:.2g}) | {seed} | "
                  f"{r['best_cut']:.0f} | {ref:.0f} | {100 * r['best_cut'] / ref:.2f} % | {hit} | "
                  f"{r['spinspice_wall']:.1f} s | {r['updates_per_s']:.3g} |", flush=True)
            rows.append({"graph": name, "n": g.n, "edges": g.m, "i0": [i0a, i0b], "sweeps": sweeps, "seed": seed,
                         "sample_sweeps": every, "best_cut": r["best_cut"], "best_known": ref,
                         "t_target": r["t_target"], "wall_target": r["wall_target"],
                         "spinspice_wall": r["spinspice_wall"], "updates_per_s": r["updates_per_s"],
                         "accepted": r["accepted"]})
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
