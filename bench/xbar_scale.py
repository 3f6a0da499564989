#!/usr/bin/env python3
"""Large crossbar reads (.op), wall time and peak memory, solver against solver (issue 15).

Usage: xbar_scale.py [options] CASE ...
  CASE: xbar:N   N x N resistive crossbar (gen_crossbar.py), N^2 cells, ~2 N^2 unknowns
        mtj:N    N x N MTJ crossbar (gen_mtj_crossbar.py), N^2 MTJs, ~4 N^2 unknowns with their states
  e.g.  xbar_scale.py xbar:512 mtj:1000
Options:
  --spinspice PATH   binary (default: build/spinspice of this repository)
  --solvers LIST     comma-separated .options linsolver values run side by side, alternating
                     (default: auto,umfpack; "auto" picks PCG for these arrays; klu and umfpack are
                     the direct factorisations it replaces)
  -k K               repetitions per solver (default 3)
  --timeout S        give up on a run after S seconds (reported as "> S s"; default 900)
  --workdir DIR      where netlists and outputs go (default /tmp/spinspice_xbar_scale)

Each run is `spinspice --stats -o OUT.json DECK` with the deck's `.op` preceded by one `.options
linsolver=...` line; its wall time is measured around the process and its peak resident memory is the
child's ru_maxrss. Reported: medians over the K runs, the ratio to the first solver, conjugate-gradient
iterations, and the largest |difference| of any node voltage and source current from the first
solver's last run (the issue asks the same answers to 1e-9).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATORS = {"xbar": "gen_crossbar.py", "mtj": "gen_mtj_crossbar.py"}


def write_deck(kind, n, solver, workdir):
    path = os.path.join(workdir, f"{kind}_{n}_{solver}.cir")
    if os.path.exists(path):
        return path
    text = subprocess.run([sys.executable, os.path.join(HERE, GENERATORS[kind]), str(n)], check=True,
                          capture_output=True, text=True).stdout
    text = text.replace("\n.op\n", f"\n.options linsolver={solver}\n.op\n", 1)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_once(binary, deck, out, timeout):
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "--stats", "-o", out, deck], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return None
        time.sleep(0.02)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{deck}: spinspice failed:\n{stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024.0  # MB


def signals(path):
    with open(path) as f:
        analysis = json.load(f)["analyses"][0]
    return analysis["signals"], analysis["stats"]


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("cases", nargs="+")
    ap.add_argument("--spinspice", default=os.path.join(HERE, "..", "build", "spinspice"))
    ap.add_argument("--solvers", default="auto,umfpack")
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--workdir", default="/tmp/spinspice_xbar_scale")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    solvers = args.solvers.split(",")
    print(f"{'case':<10} {'solver':<8} {'wall (median)':>14} {'ratio':>6} {'peak MB':>8} {'CG it':>6} "
          f"{'max|dv| V':>10} {'max|di| A':>10}")
    for case in args.cases:
        kind, n = case.split(":")
        decks = {s: write_deck(kind, int(n), s, args.workdir) for s in solvers}
        times = {s: [] for s in solvers}
        peaks = {s: [] for s in solvers}
        for _ in range(args.k):  # alternating, so that a noisy machine hits every solver alike
            for s in solvers:
                r = run_once(args.spinspice, decks[s], os.path.join(args.workdir, f"{case}_{s}.json".replace(":", "_")),
                             args.timeout)
                times[s].append(r[0] if r else float("inf"))
                peaks[s].append(r[1] if r else float("nan"))
        reference = None
        for s in solvers:
            wall = statistics.median(times[s])
            ratio = wall / statistics.median(times[solvers[0]])
            out = os.path.join(args.workdir, f"{case}_{s}.json".replace(":", "_"))
            dv = di = float("nan")
            iterations = "-"
            if wall != float("inf"):
                sig, stats = signals(out)
                iterations = stats.get("linear_iterations", 0)
                if reference is None:
                    reference = sig
                else:
                    common = [k for k in sig if k in reference]
                    dv = max((abs(sig[k][0] - reference[k][0]) for k in common if not k.startswith("i(")), default=0)
                    di = max((abs(sig[k][0] - reference[k][0]) for k in common if k.startswith("i(")), default=0)
            shown = f"> {args.timeout:g} s" if wall == float("inf") else f"{wall:.2f} s"
            print(f"{case:<10} {s:<8} {shown:>14} {ratio:>6.2f} {statistics.median(peaks[s]):>8.0f} "
                  f"{iterations!s:>6} {dv:>10.2e} {di:>10.2e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
