#!/usr/bin/env python3
"""A stand-in for the spinspice CLI built on ngspice, to test the comparison and plotting scripts
without spinspice and to measure how far an independent, correct solution lies from the
references (the basis of the tolerances in compare.py).

Usage: ngspice_as_spinspice.py [--stats] [-o FILE.json] NETLIST

Runs every analysis card of NETLIST (.op .dc .ac .tran) with ngspice in batch mode and writes
spinspice's JSON format: {"title", "analyses": [{"name", "type", "sweep", "signals", "stats"}]}
(AC signals as {"re": [...], "im": [...]}, nested .dc sweep named after the first source), with the
netlist's .meas results as "measurements" ({"error": ...} for a failed one) when it has .meas cards.
The numerics can be perturbed through the environment, to play "another simulator":
  NGFAKE_RELTOL=1e-5      .options reltol (default: the netlist's own)
  NGFAKE_TMAX_DIV=4       divide the .tran TMAX (default 1: unchanged)
  NGFAKE_METHOD=gear      integration method (default: the netlist's own)
Exit status: 0 ok, 1 ngspice failed, 2 unreadable netlist. Standard library only.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SUFFIX = [("meg", 1e6), ("mil", 25.4e-6), ("t", 1e12), ("g", 1e9), ("k", 1e3), ("m", 1e-3),
          ("u", 1e-6), ("n", 1e-9), ("p", 1e-12), ("f", 1e-15), ("a", 1e-18)]


def spice_number(tok):
    m = re.match(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)([a-z]*)", tok.lower())
    if not m:
        raise ValueError(f"not a number: {tok}")
    value, rest = float(m.group(1)), m.group(2)
    for s, f in SUFFIX:
        if rest.startswith(s):
            return value * f
    return value


def logical_lines(text):
    """Netlist lines with '+' continuations joined (the first line is the title)."""
    out = []
    for raw in text.splitlines():
        if raw.startswith("+") and out:
            out[-1] += " " + raw[1:]
        else:
            out.append(raw)
    return out


def parse_raw(path):
    """ngspice ASCII rawfile -> (plotname, [names], {name: list}) ; complex values as (re, im)."""
    with open(path) as f:
        text = f.read()
    head, _, values = text.partition("Values:\n")
    plotname = re.search(r"^Plotname:\s*(.*)$", head, re.M).group(1).strip()
    nvars = int(re.search(r"^No\. Variables:\s*(\d+)", head, re.M).group(1))
    complex_ = "complex" in re.search(r"^Flags:\s*(.*)$", head, re.M).group(1)
    names = []
    in_vars = False
    for line in head.splitlines():
        if line.startswith("Variables:"):
            in_vars = True
            continue
        if in_vars and line.strip():
            names.append(line.split()[1].lower())
    names = names[:nvars]
    tokens = values.split()
    data = {n: [] for n in names}
    step = nvars + 1
    for p in range(len(tokens) // step):
        chunk = tokens[p * step + 1:(p + 1) * step]
        for n, tok in zip(names, chunk):
            if complex_:
                re_, im_ = tok.split(",")
                data[n].append((float(re_), float(im_)))
            else:
                data[n].append(float(tok))
    return plotname, names, data


def measurement_results(lines, log):
    """{analysis type: {name: value or {"error": ...}}} for the .meas cards, from ngspice's log."""
    out = {}
    for line in lines:
        tok = line.split()
        if len(tok) < 3 or tok[0].lower() not in (".meas", ".measure"):
            continue
        kind, name = tok[1].lower(), tok[2].lower()
        m = re.search(r"^" + re.escape(name) + r"\s+=\s+(\S+)", log, re.M | re.I)
        # spinspice measures vp in degrees, ngspice 39 in radians
        scale = 180 / 3.141592653589793 if "vp(" in line.lower() else 1.0
        out.setdefault(kind, {})[name] = scale * float(m.group(1)) if m else {"error": "failed in ngspice"}
    return out


def main(argv):
    out_json, netlist = None, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-o":
            out_json = argv[i + 1]
            i += 2
            continue
        if a in ("--stats",):
            i += 1
            continue
        if a in ("--help", "-h"):
            print(__doc__)
            return 0
        if a == "--version":
            print("ngspice_as_spinspice (stand-in)")
            return 0
        netlist = a
        i += 1
    if netlist is None:
        print("usage: ngspice_as_spinspice.py [-o FILE.json] NETLIST", file=sys.stderr)
        return 2
    try:
        lines = logical_lines(open(netlist).read())
    except OSError as e:
        print(f"{netlist}: error: {e}", file=sys.stderr)
        return 2
    title = lines[0].lstrip("*").strip() if lines else ""
    tmax_div = float(os.environ.get("NGFAKE_TMAX_DIV", "1"))
    reltol = os.environ.get("NGFAKE_RELTOL")
    method = os.environ.get("NGFAKE_METHOD")

    deck, analyses = [], []
    in_control = False
    for line in lines:
        low = line.strip().lower()
        if low.startswith(".control"):
            in_control = True
        if in_control:
            if low.startswith(".endc"):
                in_control = False
            continue
        card = low.split()[0] if low.split() else ""
        if card in (".op", ".dc", ".ac", ".tran"):
            toks = line.split()
            if card == ".tran" and tmax_div != 1:
                nums = [t for t in toks[1:] if t.lower() != "uic"]
                uic = len(nums) != len(toks) - 1
                tstep, tstop = spice_number(nums[0]), spice_number(nums[1])
                tstart = spice_number(nums[2]) if len(nums) > 2 else 0.0
                tmax = spice_number(nums[3]) if len(nums) > 3 else min(tstep, (tstop - tstart) / 50)
                toks = [".tran", nums[0], nums[1], repr(tstart), repr(tmax / tmax_div)] + (["uic"] if uic else [])
            analyses.append((card[1:], toks))
            continue
        deck.append(line)

    env = dict(os.environ, OMP_NUM_THREADS="1", NGSPICE_MEAS_PRECISION="12")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ngfake_") as tmp:
        local = os.path.join(tmp, "deck.cir")
        with open(local, "w") as f:
            f.write("\n".join(l for l in deck if l.strip().lower() != ".end") + "\n.end\n")
        ctl = [f"* {title}", f".include {local}", ".control", "set noinit", "set filetype=ascii"]
        if reltol:
            ctl.append(f"option reltol={reltol}")
        if method:
            ctl.append(f"option method={method}")
        for k, (kind, toks) in enumerate(analyses):
            ctl.append(" ".join([kind] + toks[1:]))
            ctl.append(f"write {tmp}/a{k}.raw")
        ctl += ["quit", ".endc", ".end"]
        wrapper = os.path.join(tmp, "wrapper.cir")
        with open(wrapper, "w") as f:
            f.write("\n".join(ctl) + "\n")
        r = subprocess.run(["ngspice", "-b", wrapper], cwd=os.path.dirname(os.path.abspath(netlist)),
                           capture_output=True, text=True, env=env)
        log = r.stdout + r.stderr
        result = {"title": title, "analyses": []}
        measurements = measurement_results(lines, log)
        counts = {}
        for k, (kind, toks) in enumerate(analyses):
            raw = os.path.join(tmp, f"a{k}.raw")
            if not os.path.isfile(raw):
                sys.stderr.write(log)
                print(f"{netlist}: error: ngspice did not produce the {kind} analysis", file=sys.stderr)
                return 1
            plotname, names, data = parse_raw(raw)
            counts[kind] = counts.get(kind, 0) + 1
            signals, sweep = {}, None
            if kind == "tran":
                sweep = "time"
            elif kind == "ac":
                sweep = "frequency"
            elif kind == "dc":
                sweep = toks[1].lower()
            for n in names:
                vals = data[n]
                if kind == "ac":
                    if n == "frequency":
                        signals[n] = [v[0] for v in vals]
                    else:
                        signals[n] = {"re": [v[0] for v in vals], "im": [v[1] for v in vals]}
                elif kind == "dc" and re.fullmatch(r"(?:v\()?[a-z]*-sweep\)?", n):
                    signals[sweep] = vals
                else:
                    signals[n] = vals
            npts = len(signals.get(sweep, [0])) if sweep else 1
            result["analyses"].append({
                "name": f"{kind}{counts[kind]}", "type": kind, "sweep": sweep, "signals": signals,
                "stats": {"accepted": npts if kind == "tran" else 0, "rejected": 0, "iterations": 0,
                          "factorizations": 0, "refactorizations": 0, "solves": 0, "time_eval": 0.0,
                          "time_factor": 0.0, "time_solve": 0.0,
                          "time_total": time.perf_counter() - t0}})
            if kind in measurements:
                result["analyses"][-1]["measurements"] = measurements[kind]
    if out_json:
        with open(out_json, "w") as f:
            json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
