#!/usr/bin/env python3
"""Side-by-side benchmark of spinspice and ngspice on the same netlists.

Usage: run_bench.py [options] CASE ...
  CASE: rcmesh:N   N x N RC mesh transient (gen_rcmesh.py), probe v(n_{N-1}_{N-1})
        xbar:N     N x N resistive crossbar read, .op (gen_crossbar.py), all node voltages
        rc | graetz | mul    the overhead-bound ~1e6-step decks in this directory
        PATH.cir[@PROBE]     any netlist (a .tran probe, default: no accuracy check)
  e.g.  run_bench.py rcmesh:20 rcmesh:30 xbar:16 xbar:32 rc graetz mul
Options:
  --spinspice PATH      spinspice binary (default: build/spinspice of this repository)
  --ngspice PATH        ngspice binary (default: ngspice)
  -k K                  repetitions per simulator (default 3); with K > 3 the first is discarded
  --ngspice-timeout S   give up on an ngspice run after S seconds: reported as "> S s", the ratio
                        is then a lower bound (default: none)
  --spinspice-timeout S (default 3600)
  --no-ngspice          spinspice only;  --no-spinspice  ngspice only
  --taskset CPU         pin both simulators to one CPU (taskset -c CPU)
  --workdir DIR         where netlists and outputs go (default /tmp/spinspice_bench)
  --json FILE           also write all figures as JSON

Method (see README.md): each case's netlist is written once and run unchanged by both simulators
(same .options, same .tran with explicit TMAX, same .save). ngspice runs in batch mode with
OMP_NUM_THREADS=1 through a wrapper (`.include` the netlist; .control: run, rusage all, write
the saved vectors as an ASCII rawfile, quit); spinspice runs as `spinspice --stats -o X.json`.
Both therefore parse, elaborate, solve and write the same saved vectors in every timed run.
The wall time of each run is measured around the process; the median over the kept runs is
reported, with ngspice/spinspice as the speed ratio. Timepoints (accepted + rejected) and
Newton iterations come from ngspice's `rusage all` and spinspice's JSON stats. Accuracy: the
probe waveform of the last run of each simulator, spinspice interpolated at ngspice's time
points, max |difference| (absolute and in % of ngspice's peak-to-peak); for .op the max
|difference| over all node voltages present in both.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

try:
    import numpy as np
except ImportError:  # re-run with the system interpreter, which has python3-numpy on Debian
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("run_bench.py: numpy is required (Debian: apt-get install python3-numpy)")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

NG_WRAPPER = """* ngspice benchmark wrapper
.include {netlist}
.control
set noinit
set filetype=ascii
run
rusage all
write {raw}
quit
.endc
.end
"""


# ------------------------------------------------------------------------------ case setup
def make_case(spec, workdir):
    """-> dict(name, netlist, kind, probe)"""
    if ":" in spec and not spec.endswith(".cir") and "@" not in spec:
        kind, n = spec.split(":", 1)
        n = int(n)
        if kind == "rcmesh":
            name, probe = f"rcmesh_{n}", f"v(n_{n-1}_{n-1})"
            cmd = [sys.executable, os.path.join(HERE, "gen_rcmesh.py"), str(n), "--save", probe]
            atype = "tran"
        elif kind == "xbar":
            name, probe = f"xbar_{n}", None
            cmd = [sys.executable, os.path.join(HERE, "gen_crossbar.py"), str(n)]
            atype = "op"
        else:
            raise SystemExit(f"unknown case kind '{kind}' (rcmesh:N, xbar:N, rc, graetz, mul, PATH.cir)")
        path = os.path.join(workdir, name + ".cir")
        with open(path, "w") as f:
            subprocess.run(cmd, stdout=f, check=True)
        return {"name": name, "netlist": path, "kind": atype, "probe": probe, "size": n}
    if spec in ("rc", "graetz", "mul"):
        src, probe = os.path.join(HERE, spec + ".cir"), {"rc": "v(out)", "graetz": "v(op)", "mul": "v(y2)"}[spec]
        name = spec
    else:
        src, _, probe = spec.partition("@")
        probe = probe.lower() or None
        name = os.path.splitext(os.path.basename(src))[0]
    lines = open(src).read().splitlines()
    kind = "op"
    for l in lines:
        t = l.strip().lower().split()
        if t and t[0] in (".tran", ".op", ".dc", ".ac"):
            kind = t[0][1:]
    if probe and kind == "tran":  # .save the probe only, in both simulators
        for i, l in enumerate(lines):
            if l.strip().lower().startswith(".tran"):
                lines.insert(i, f".save {probe}")
                break
    path = os.path.join(workdir, name + ".cir")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return {"name": name, "netlist": path, "kind": kind, "probe": probe, "size": None}


# ------------------------------------------------------------------------------ running
def timed_run(cmd, timeout, env=None, cwd=None):
    """-> (wall seconds or None on timeout, returncode, stdout+stderr)"""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                         cwd=cwd, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # the process group we started, nothing else
        p.communicate()
        return None, None, ""
    return time.perf_counter() - t0, p.returncode, out


def rusage(log, key):
    m = re.search(r"^" + re.escape(key) + r"\s*=\s*(\S+)", log, re.M)
    try:
        return float(m.group(1)) if m else None
    except ValueError:
        return None


def parse_raw(path):
    """ngspice ASCII rawfile (real) -> {name: np.array}"""
    with open(path) as f:
        text = f.read()
    head, _, values = text.partition("Values:\n")
    nvars = int(re.search(r"^No\. Variables:\s*(\d+)", head, re.M).group(1))
    names = []
    for line in head.split("Variables:\n", 1)[1].splitlines()[:nvars]:
        names.append(line.split()[1].lower())
    tok = values.split()
    npts = len(tok) // (nvars + 1)
    arr = np.array(tok[:npts * (nvars + 1)], dtype=object).reshape(npts, nvars + 1)[:, 1:].astype(float)
    return {n: arr[:, k] for k, n in enumerate(names)}


def prefix(args):
    return ["taskset", "-c", str(args.taskset)] if args.taskset is not None else []


def run_ngspice(case, args):
    raw = os.path.join(args.workdir, case["name"] + ".ng.raw")
    wrapper = os.path.join(args.workdir, case["name"] + ".ng.cir")
    with open(wrapper, "w") as f:
        f.write(NG_WRAPPER.format(netlist=case["netlist"], raw=raw))
    env = dict(os.environ, OMP_NUM_THREADS="1")
    times, log = [], ""
    for rep in range(args.k):
        if os.path.exists(raw):
            os.remove(raw)
        wall, rc, out = timed_run(prefix(args) + [args.ngspice, "-b", wrapper], args.ngspice_timeout,
                                  env=env, cwd=args.workdir)
        if wall is None:
            return {"timeout": args.ngspice_timeout}
        if rc != 0 or not os.path.exists(raw):
            return {"error": f"ngspice exit {rc}: " + " | ".join(out.strip().splitlines()[-3:])}
        times.append(wall)
        log = out
    kept = times[1:] if len(times) > 3 else times
    res = {"wall": statistics.median(kept), "walls": times,
           "analysis_time": rusage(log, "Total analysis time (seconds)"),
           "accepted": rusage(log, "Accepted timepoints"), "rejected": rusage(log, "Rejected timepoints"),
           "timepoints": rusage(log, "Transient timepoints"), "iterations": rusage(log, "Total iterations"),
           "equations": rusage(log, "Circuit Equations"), "load_time": rusage(log, "Matrix load time"),
           "factor_time": rusage(log, "Matrix factor time"), "solve_time": rusage(log, "Matrix solve time"),
           "reorder_time": rusage(log, "Matrix reorder time")}
    res["lu_time"] = (res["factor_time"] or 0) + (res["reorder_time"] or 0)
    res["data"] = parse_raw(raw)
    return res


def run_spinspice(case, args):
    out_json = os.path.join(args.workdir, case["name"] + ".sp.json")
    times, stats, doc = [], {}, None
    for rep in range(args.k):
        if os.path.exists(out_json):
            os.remove(out_json)
        wall, rc, out = timed_run(prefix(args) + [args.spinspice, "--stats", "-o", out_json, case["netlist"]],
                                  args.spinspice_timeout)
        if wall is None:
            return {"timeout": args.spinspice_timeout}
        if rc != 0 or not os.path.exists(out_json):
            return {"error": f"spinspice exit {rc}: " + " | ".join(out.strip().splitlines()[-3:])}
        times.append(wall)
    with open(out_json) as f:
        doc = json.load(f)
    an = next((a for a in doc.get("analyses", []) if a.get("type") == case["kind"]), None)
    if an is None:
        return {"error": f"no {case['kind']} analysis in spinspice's JSON"}
    st = an.get("stats", {})
    kept = times[1:] if len(times) > 3 else times
    acc, rej = st.get("accepted"), st.get("rejected")
    return {"wall": statistics.median(kept), "walls": times, "analysis_time": st.get("time_total"),
            "accepted": acc, "rejected": rej,
            "timepoints": (acc + rej) if acc is not None and rej is not None else None,
            "iterations": st.get("iterations"), "factor_time": st.get("time_factor"),
            "load_time": st.get("time_eval"), "solve_time": st.get("time_solve"),
            "factorizations": st.get("factorizations"), "refactorizations": st.get("refactorizations"),
            "data": {k: np.asarray(v, float) for k, v in an["signals"].items() if not isinstance(v, dict)}}


def deviation(case, ng, sp):
    """-> (max |dev|, description) or (None, reason)"""
    if case["kind"] == "op":
        common = [k for k in ng["data"] if k.startswith("v(") and k in sp["data"]]
        if not common:
            return None, "no common node voltages"
        d = max(float(abs(sp["data"][k][0] - ng["data"][k][0])) for k in common)
        return d, f"max over {len(common)} node voltages"
    p = case["probe"]
    if not p:
        return None, "no probe"
    if p not in ng["data"] or p not in sp["data"] or "time" not in sp["data"]:
        return None, f"{p} missing"
    t_ng, y_ng = ng["data"]["time"], ng["data"][p]
    t_sp, y_sp = sp["data"]["time"], sp["data"][p]
    sel = (t_ng >= t_sp[0]) & (t_ng <= t_sp[-1])
    d = float(np.max(np.abs(np.interp(t_ng[sel], t_sp, y_sp) - y_ng[sel])))
    pp = float(np.ptp(y_ng)) or 1.0
    return d, f"{p}: {100 * d / pp:.3g} % of p-p"


# ------------------------------------------------------------------------------ reporting
def fnum(x, fmt="{:.0f}"):
    return "-" if x is None else fmt.format(x)


def main():
    ap = argparse.ArgumentParser(formatter_class=argparse.RawDescriptionHelpFormatter, description=__doc__,
                                 usage="run_bench.py [options] CASE ...")
    ap.add_argument("cases", nargs="+")
    ap.add_argument("--spinspice", default=os.path.join(ROOT, "build", "spinspice"))
    ap.add_argument("--ngspice", default="ngspice")
    ap.add_argument("-k", type=int, default=3)
    ap.add_argument("--ngspice-timeout", type=float, default=None)
    ap.add_argument("--spinspice-timeout", type=float, default=3600)
    ap.add_argument("--no-ngspice", action="store_true")
    ap.add_argument("--no-spinspice", action="store_true")
    ap.add_argument("--taskset", type=int, default=None)
    ap.add_argument("--workdir", default="/tmp/spinspice_bench")
    ap.add_argument("--json")
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    args.workdir = os.path.abspath(args.workdir)
    if not args.no_ngspice and shutil.which(args.ngspice) is None:
        sys.exit(f"run_bench.py: ngspice not found ('{args.ngspice}'); use --no-ngspice")
    if not args.no_spinspice and not (os.path.exists(args.spinspice) or shutil.which(args.spinspice)):
        sys.exit(f"run_bench.py: spinspice not found at {args.spinspice}; build it or use --no-spinspice")
    if not args.no_spinspice:
        args.spinspice = os.path.abspath(args.spinspice) if os.path.exists(args.spinspice) else args.spinspice

    print(f"k = {args.k} runs per simulator{' (first discarded)' if args.k > 3 else ''}, median wall time; "
          f"OMP_NUM_THREADS=1{'; taskset -c ' + str(args.taskset) if args.taskset is not None else ''}")
    hdr = (f"{'case':12s} {'eqs':>7s} {'ngspice s':>10s} {'spinspice s':>11s} {'ratio':>8s} "
           f"{'ng points':>10s} {'sp points':>10s} {'ng iters':>9s} {'sp iters':>9s} {'ng LU s':>8s} "
           f"{'max|dev|':>9s}  note")
    print(hdr)
    print("-" * len(hdr))
    results = []
    failed = False
    for spec in args.cases:
        case = make_case(spec, args.workdir)
        ng = None if args.no_ngspice else run_ngspice(case, args)
        sp = None if args.no_spinspice else run_spinspice(case, args)
        notes = []
        ng_wall = sp_wall = ratio = "-"
        if ng is not None:
            if "timeout" in ng:
                ng_wall = f">{ng['timeout']:g}"
            elif "error" in ng:
                ng_wall = "error"
                notes.append(ng["error"])
                failed = True
            else:
                ng_wall = f"{ng['wall']:.3f}"
        if sp is not None:
            if "timeout" in sp:
                sp_wall = f">{sp['timeout']:g}"
            elif "error" in sp:
                sp_wall = "error"
                notes.append(sp["error"])
                failed = True
            else:
                sp_wall = f"{sp['wall']:.3f}"
        ng_ok = ng is not None and "wall" in ng
        sp_ok = sp is not None and "wall" in sp
        if ng_ok and sp_ok:
            ratio = f"{ng['wall'] / sp['wall']:.2f}"
        elif ng is not None and "timeout" in ng and sp_ok:
            ratio = f">={ng['timeout'] / sp['wall']:.1f}"
        dev = "-"
        if ng_ok and sp_ok:
            d, why = deviation(case, ng, sp)
            dev = "-" if d is None else f"{d:.2e}"
            notes.append(why)
        ng_pts = (ng or {}).get("timepoints") if case["kind"] == "tran" else None
        sp_pts = (sp or {}).get("timepoints") if case["kind"] == "tran" else None
        if ng_ok and case["kind"] == "tran":
            notes.append(f"ng rejected {fnum(ng.get('rejected'))}")
        print(f"{case['name']:12s} {fnum((ng or {}).get('equations')):>7s} {ng_wall:>10s} {sp_wall:>11s} "
              f"{ratio:>8s} {fnum(ng_pts):>10s} {fnum(sp_pts):>10s} {fnum((ng or {}).get('iterations')):>9s} "
              f"{fnum((sp or {}).get('iterations')):>9s} {fnum((ng or {}).get('lu_time'), '{:.3f}'):>8s} "
              f"{dev:>9s}  {'; '.join(notes)}", flush=True)
        for r in (ng, sp):
            if r:
                r.pop("data", None)
        results.append({"case": spec, "name": case["name"], "kind": case["kind"], "ngspice": ng,
                        "spinspice": sp, "ratio": ratio})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"k": args.k, "results": results}, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
