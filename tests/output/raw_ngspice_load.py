#!/usr/bin/env python3
"""spinspice raw files against ngspice 39: written like ngspice's, read back by ngspice.

Usage: raw_ngspice_load.py PATH_TO_SPINSPICE WORKDIR

For each deck below (a tran, an ac, a dc and an op deck, three with two analyses so that the raw
file holds two plots) it
  1. runs `spinspice -o NAME.json -r NAME.bin.raw --csv NAME.csv` and `spinspice -r NAME.ascii.raw
     --ascii-raw`, and checks that the CSV files hold exactly the JSON's values;
  2. reads both raw files with the small reader below, which checks the layout strictly (header
     lines in ngspice's order, variable lines "\\t<i>\\t<name>\\t<type>", binary size exactly
     points x variables x 8 (x 2 complex), ascii " <point>" lines) and compares every value with
     spinspice's JSON output: binary bit for bit, ascii to the 16 digits of "%.15e";
  3. lets ngspice `load` each file and `write` every plot again as ascii, then compares what
     ngspice read (names, types, values) with the JSON: relative 1e-14;
  4. runs the same deck in ngspice (`run`, `write`) and compares the headers with spinspice's
     line by line: identical except Date, the order of the variables and, for tran, the number
     of points (the time steps differ).
Exits 0 when everything matches, 1 otherwise ("N passed, N failed" last); prints
"SKIPPED: ngspice not installed" and exits 0 when there is no ngspice.
"""
import json
import os
import re
import shutil
import subprocess
import sys

try:
    import numpy as np
except ImportError:  # re-run with the system interpreter, which has python3-numpy on Debian
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("raw_ngspice_load.py: numpy is required (Debian: apt-get install python3-numpy)")

TIMEOUT = 60

# Linear circuits only: their unknowns (node voltages, V-source and inductor currents) are named
# the same in both simulators. x1 checks hierarchical node names (v(x1.mid)).
CIRCUIT = """V1 in 0 DC 1 AC 1 PULSE(0 1 0.1u 10n 10n 1u 2u)
V2 ref 0 DC 0.5
I1 0 ref DC 1m
R1 in a 1k
C1 a 0 1n
L1 a out 10u
R2 out ref 2k
X1 out 0 half
.subckt half top bot
Ra top mid 1k
Rb mid bot 1k
.ends
"""

DECKS = {
    "tran": ".tran 20n 3u\n",
    "ac": ".ac dec 4 1k 100meg\n.ac lin 5 1k 5k\n",
    "dc": ".dc V1 0 1 0.25 V2 0 1 0.5\n.dc I1 0 2m 0.5m\n",
    "op": ".op\n",
}

PLOTNAMES = {"tran": "Transient Analysis", "ac": "AC Analysis", "dc": "DC transfer characteristic",
             "op": "Operating Point"}
HEADER_KEYS = ["Title", "Date", "Plotname", "Flags", "No. Variables", "No. Points", "Variables"]
DATE_RE = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d  \d{4}$")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def read_raw(path):
    """Independent raw-file reader: a list of plots {header lines, fields, variables, values}."""
    data = open(path, "rb").read()
    plots, pos = [], 0
    while pos < len(data):
        plot = {"lines": [], "fields": {}, "variables": []}
        for key in HEADER_KEYS:  # ngspice writes exactly these lines, in this order
            end = data.index(b"\n", pos)
            line = data[pos:end].decode()
            pos = end + 1
            check(line.startswith(key + ":"), f"{path}: expected '{key}:', got {line!r}")
            plot["lines"].append(line)
            plot["fields"][key] = line[len(key) + 1:].strip()
        f = plot["fields"]
        check(DATE_RE.match(f["Date"]), f"{path}: Date {f['Date']!r} is not ngspice's datestring()")
        check(f["Flags"] in ("real", "complex"), f"{path}: Flags {f['Flags']!r}")
        nvars, npoints = int(f["No. Variables"]), int(f["No. Points"])
        for k in range(nvars):
            end = data.index(b"\n", pos)
            line = data[pos:end].decode()
            pos = end + 1
            parts = line.split("\t")
            check(len(parts) == 4 and parts[0] == "" and parts[1] == str(k),
                  f"{path}: variable line {line!r} is not '\\t{k}\\t<name>\\t<type>'")
            plot["lines"].append(line)
            plot["variables"].append((parts[2], parts[3]))
        end = data.index(b"\n", pos)
        marker = data[pos:end].decode()
        pos = end + 1
        plot["lines"].append(marker)
        complex_ = f["Flags"] == "complex"
        width = 2 if complex_ else 1
        if marker == "Binary:":
            size = npoints * nvars * width * 8
            check(pos + size <= len(data), f"{path}: binary data is shorter than {size} bytes")
            raw = np.frombuffer(data[pos:pos + size], dtype="<f8").reshape(npoints, nvars, width)
            pos += size
        else:
            check(marker == "Values:", f"{path}: expected 'Binary:' or 'Values:', got {marker!r}")
            raw = np.zeros((npoints, nvars, width))
            for i in range(npoints):
                for k in range(nvars):
                    end = data.index(b"\n", pos)
                    line = data[pos:end].decode()
                    pos = end + 1
                    if k == 0:
                        check(line.startswith(f" {i}\t"), f"{path}: point line {line!r} should start ' {i}\\t'")
                        line = line[len(f" {i}"):]
                    check(line.startswith("\t"), f"{path}: value line {line!r}")
                    numbers = line[1:].split(",")
                    check(len(numbers) == width, f"{path}: {line!r} should hold {width} number(s)")
                    raw[i, k, :] = [float(x) for x in numbers]
                check(data[pos:pos + 1] == b"\n", f"{path}: no empty line after point {i}")
                pos += 1
        plot["values"] = raw[:, :, 0] + 1j * raw[:, :, 1] if complex_ else raw[:, :, 0]
        plots.append(plot)
    check(pos == len(data), f"{path}: {len(data) - pos} bytes after the last plot")
    return plots


def expected_variable(analysis, k, name):
    """How ngspice 39 names and types spinspice's signal `name` (index k) in a raw file."""
    if k == 0 and analysis.get("sweep"):
        if analysis["type"] == "tran":
            return "time", "time"
        if analysis["type"] == "ac":
            return "frequency", None  # "frequency" or "frequency grid=3", checked against ngspice
        return ("i(i-sweep)", "current") if analysis["sweep"].startswith("i") else ("v(v-sweep)", "voltage")
    return name, "voltage" if name.startswith("v(") else "current"


def json_vectors(analysis):
    out = []
    for k, (name, sig) in enumerate(analysis["signals"].items()):
        values = np.array(sig["re"]) + 1j * np.array(sig["im"]) if isinstance(sig, dict) else np.array(sig, float)
        out.append((expected_variable(analysis, k, name), values))
    return out


def compare_with_json(path, plots, doc, rtol, what):
    analyses = doc["analyses"]
    check(len(plots) == len(analyses), f"{what}: {len(plots)} plots, the JSON has {len(analyses)} analyses")
    for plot, analysis in zip(plots, analyses):
        f = plot["fields"]
        check(f["Plotname"] == PLOTNAMES[analysis["type"]], f"{what}: Plotname {f['Plotname']!r}")
        check(f["Title"] == doc["title"], f"{what}: Title {f['Title']!r} != {doc['title']!r}")
        check(f["Flags"] == ("complex" if analysis["type"] == "ac" else "real"), f"{what}: Flags {f['Flags']!r}")
        by_name = {name: (vtype, plot["values"][:, k]) for k, (name, vtype) in enumerate(plot["variables"])}
        vectors = json_vectors(analysis)
        check(plot["variables"][0][0] == vectors[0][0][0], f"{what}: scale {plot['variables'][0]} first")
        check(len(by_name) == len(vectors), f"{what}: {sorted(by_name)} vs {[v[0][0] for v in vectors]}")
        for (name, vtype), expected in vectors:
            check(name in by_name, f"{what}: no variable {name} in {analysis['name']}")
            got_type, got = by_name[name]
            check(vtype is None or got_type == vtype, f"{what}: {name} has type {got_type!r}, expected {vtype!r}")
            check(got.shape == expected.shape, f"{what}: {name}: {got.shape[0]} points, expected {expected.shape[0]}")
            if rtol == 0:
                check(np.array_equal(got, expected.astype(got.dtype)), f"{what}: {name} differs (bit-exact expected)")
            else:
                err = np.max(np.abs(got - expected) / np.maximum(np.abs(expected), 1e-300), initial=0)
                check(err <= rtol, f"{what}: {name} deviates by {err:.3g} (relative), limit {rtol:g}")


def compare_csv_with_json(workdir, deck, doc):
    """--csv: one file per analysis (DECK.<name>.csv, or DECK.csv for one), values exactly the JSON's."""
    analyses = doc["analyses"]
    for analysis in analyses:
        name = f"{deck}.csv" if len(analyses) == 1 else f"{deck}.{analysis['name']}.csv"
        lines = open(os.path.join(workdir, name)).read().splitlines()
        columns = []
        for signal, values in analysis["signals"].items():
            if isinstance(values, dict):
                columns += [(signal + ".re", values["re"]), (signal + ".im", values["im"])]
            else:
                columns.append((signal, values))
        check(lines[0].split(",") == [c[0] for c in columns], f"{name}: header {lines[0]!r}")
        rows = [[float(x) for x in line.split(",")] for line in lines[1:]]
        check(rows == [list(r) for r in zip(*[c[1] for c in columns])], f"{name}: values differ from the JSON")


def ngspice_plot_names(plots):
    """ngspice's names for loaded plots: type abbreviation + running count (tran1, ac1, ac2, ...)."""
    counts, names = {}, []
    for plot in plots:
        kind = {v: k for k, v in PLOTNAMES.items()}[plot["fields"]["Plotname"]]
        counts[kind] = counts.get(kind, 0) + 1
        names.append(f"{kind}{counts[kind]}")
    return names


def run_ngspice(workdir, deck_name, control):
    path = os.path.join(workdir, deck_name)
    with open(path, "w") as f:
        f.write(control)
    proc = subprocess.run(["ngspice", "-b", deck_name], cwd=workdir, capture_output=True, text=True,
                          timeout=TIMEOUT)
    check(proc.returncode == 0, f"ngspice {deck_name} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    bad = [l for l in (proc.stdout + proc.stderr).splitlines() if re.search(r"error|warning|bad rawfile", l, re.I)]
    check(not bad, f"ngspice {deck_name}: " + "; ".join(bad))


def ngspice_reload(workdir, raw_name, plots):
    """ngspice `load`s the file and writes each plot again (ascii, full precision)."""
    names = ngspice_plot_names(plots)
    lines = ["load test", ".control", "set filetype=ascii", f"load {raw_name}"]
    for name in names:
        lines += [f"setplot {name}", f"write {raw_name}.{name}.reload"]
    lines += ["quit", ".endc", ".end", ""]
    run_ngspice(workdir, raw_name + ".load.cir", "\n".join(lines))
    reloaded = []
    for name in names:
        got = read_raw(os.path.join(workdir, f"{raw_name}.{name}.reload"))
        check(len(got) == 1, f"ngspice wrote {len(got)} plots for {name}")
        reloaded += got
    return reloaded


def normalised_header(plot, ignore_points):
    """Header lines without Date (and No. Points), variables sorted and re-indexed after the scale."""
    lines = [l for l in plot["lines"] if not l.startswith("Date:")]
    if ignore_points:
        lines = [l for l in lines if not l.startswith("No. Points:")]
    variables = plot["variables"]
    body = [f"\t0\t{variables[0][0]}\t{variables[0][1]}"]
    body += [f"\t{k}\t{n}\t{t}" for k, (n, t) in enumerate(sorted(variables[1:]), start=1)]
    return [l for l in lines if not l.startswith("\t")][:-1] + body + [lines[-1]]


def compare_with_ngspice_run(workdir, deck, title, ours, binary):
    # ngspice runs a deck's analyses in reverse card order: with two .ac cards the last one is ac1.
    loaded_names = ngspice_plot_names(ours)
    totals = {}
    for name in loaded_names:
        kind = name.rstrip("0123456789")
        totals[kind] = totals.get(kind, 0) + 1
    names = []
    for name in loaded_names:
        kind = name.rstrip("0123456789")
        names.append(f"{kind}{totals[kind] - int(name[len(kind):]) + 1}")
    lines = [title] + CIRCUIT.splitlines() + DECKS[deck].splitlines()
    lines += [".control", f"set filetype={'binary' if binary else 'ascii'}", "run"]
    lines += [f"write {deck}.ngspice.{name}.raw {name}.all" for name in names]
    lines += ["quit", ".endc", ".end", ""]
    run_ngspice(workdir, f"{deck}.ngspice.cir", "\n".join(lines))
    for name, plot in zip(names, ours):
        theirs = read_raw(os.path.join(workdir, f"{deck}.ngspice.{name}.raw"))
        check(len(theirs) == 1, f"ngspice wrote {len(theirs)} plots for {name}")
        a = normalised_header(plot, ignore_points=name.startswith("tran"))
        b = normalised_header(theirs[0], ignore_points=name.startswith("tran"))
        check(a == b, f"{deck} {name}: header differs from ngspice's\n  spinspice: {a}\n  ngspice:   {b}")


def run_case(spinspice, workdir, deck):
    title = f"raw file test: {deck}"
    netlist = os.path.join(workdir, f"{deck}.cir")
    with open(netlist, "w") as f:
        f.write(title + "\n" + CIRCUIT + DECKS[deck] + ".end\n")
    json_path = os.path.join(workdir, f"{deck}.json")
    for args in (["-o", json_path, "-r", f"{deck}.bin.raw", "--csv", f"{deck}.csv"],
                 ["-r", f"{deck}.ascii.raw", "--ascii-raw"]):
        proc = subprocess.run([spinspice, "-q", "--no-progress"] + args + [netlist], cwd=workdir,
                              capture_output=True, text=True, timeout=TIMEOUT)
        check(proc.returncode == 0, f"spinspice {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    doc = json.load(open(json_path))
    compare_csv_with_json(workdir, deck, doc)
    for raw_name, binary in ((f"{deck}.bin.raw", True), (f"{deck}.ascii.raw", False)):
        plots = read_raw(os.path.join(workdir, raw_name))
        compare_with_json(raw_name, plots, doc, 0 if binary else 1e-15, raw_name)
        compare_with_json(raw_name, ngspice_reload(workdir, raw_name, plots), doc, 1e-14,
                          f"ngspice load {raw_name}")
        compare_with_ngspice_run(workdir, deck, title, plots, binary)
    return len(doc["analyses"])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    if shutil.which("ngspice") is None:
        print("SKIPPED: ngspice not installed")
        return 0
    spinspice, workdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(workdir, exist_ok=True)
    passed = failed = 0
    for deck in DECKS:
        try:
            plots = run_case(spinspice, workdir, deck)
            print(f"ok    {deck}: {plots} plot(s): raw (binary, ascii) and CSV hold the JSON's values, "
                  "ngspice loads them, headers as ngspice's")
            passed += 1
        except (Failure, subprocess.TimeoutExpired, OSError, ValueError) as e:
            print(f"FAIL  {deck}: {e}")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
