#!/usr/bin/env python3
"""linsolver=auto on a crossbar just above the PCG threshold (issue 15): the command line must choose
PCG by itself (the JSON stats count its iterations) and give KLU's answer to 1e-9 V and 1e-12 A; with
linsolver=klu no PCG iteration is counted. The same for the MTJ crossbar (nonlinear, states held).

Usage: pcg_auto.py SPINSPICE WORKDIR"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", "..", "bench")


def run(spinspice, deck, out):
    subprocess.run([spinspice, "-o", out, deck], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        analysis = json.load(f)["analyses"][0]
    return analysis["signals"], analysis["stats"]


def check(spinspice, workdir, generator, n):
    text = subprocess.run([sys.executable, os.path.join(BENCH, generator), str(n)], check=True,
                          capture_output=True, text=True).stdout
    results = {}
    for solver in ("auto", "klu"):
        deck = os.path.join(workdir, f"{generator}_{n}_{solver}.cir")
        with open(deck, "w") as f:
            f.write(text.replace("\n.op\n", f"\n.options linsolver={solver}\n.op\n", 1))
        results[solver] = run(spinspice, deck, deck.replace(".cir", ".json"))
    (auto, auto_stats), (klu, klu_stats) = results["auto"], results["klu"]
    failures = []
    if auto_stats.get("linear_iterations", 0) <= 0:
        failures.append("linsolver=auto did not choose PCG")
    if klu_stats.get("linear_iterations", 0) != 0:
        failures.append("linsolver=klu counted PCG iterations")
    if auto.keys() != klu.keys():
        failures.append("different signals")
    dv = max(abs(auto[k][0] - klu[k][0]) for k in auto if not k.startswith("i("))
    di = max(abs(auto[k][0] - klu[k][0]) for k in auto if k.startswith("i("))
    print(f"{generator} {n}: PCG iterations {auto_stats.get('linear_iterations')}, Newton "
          f"{auto_stats['iterations']} / {klu_stats['iterations']}, max|dv| {dv:.2e} V, max|di| {di:.2e} A")
    if not dv <= 1e-9:
        failures.append(f"voltages differ by {dv:g} V")
    if not di <= 1e-12:
        failures.append(f"currents differ by {di:g} A")
    return [f"{generator} {n}: {f}" for f in failures]


def main():
    spinspice, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    # 2 N^2 free unknowns (the MTJ states are held, the word-line drivers fixed): 320^2 -> 204 800 >= 2e5.
    failures = check(spinspice, workdir, "gen_crossbar.py", 320)
    failures += check(spinspice, workdir, "gen_mtj_crossbar.py", 320)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
