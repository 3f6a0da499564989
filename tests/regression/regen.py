#!/usr/bin/env python3
"""Regenerate the ngspice reference results ref/NAME.txt of the regression suite.

Usage: regen.py [--ngspice PATH] [NAME ...]      (no NAME: every *.cir in this directory)

Each netlist NAME.cir is run by ngspice in batch mode through a wrapper deck (the method of
the project's validation notes):

    * wrapper
    .include NAME.cir
    .control
    set noinit
    set wr_singlescale
    set wr_vecnames
    set numdgt=12
    run
    rusage all
    wrdata ref/NAME.txt <the vectors listed in NAME.probes>
    quit
    .endc
    .end

`quit` matters: without it ngspice's batch mode runs the netlist's analysis a second time.
wrdata writes a header line (vector names), then one scale column (time, frequency, sweep
value; for .op the first vector of the plot, which compare.py ignores) and one column per
probe, two (re, im) for a complex AC vector. Every accepted internal time step is written,
no interpolation.

A netlist with .meas cards also gets ref/NAME.meas: one "name value" line per card, in deck order,
from the results ngspice prints after the analysis (NGSPICE_MEAS_PRECISION=12; ngspice 39 honours
it for some functions only, the others print 7 significant digits), "name failed" when ngspice
could not take the measurement.

ngspice 39 has no .step: a netlist with `.step param NAME list v1 v2 ...` (the only form handled
here; values as plain numbers) is run once per value, with the .step card removed and the value
written into its `.param NAME=...` definition, giving ref/NAME.step1.txt, ref/NAME.step2.txt, ...
(and .meas files likewise); compare.py compares spinspice's k-th run with the k-th of them.

The references in ref/ were made with Debian's ngspice 39; another version warns (its time
steps, and so the row count, may differ slightly) but still writes the files.
Needs only the Python standard library. Exits 1 with a message when ngspice is missing.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "ref")
EXPECTED_VERSION = "ngspice-39"

WRAPPER = """* wrapper
.include {netlist}
.control
set noinit
set wr_singlescale
set wr_vecnames
set numdgt=12
run
rusage all
wrdata {out} {probes}
quit
.endc
.end
"""


def ngspice_version(ngspice):
    try:
        r = subprocess.run([ngspice, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"ngspice-\S+", r.stdout + r.stderr)
    return m.group(0) if m else "unknown"


def rusage_value(log, key):
    m = re.search(re.escape(key) + r"\s*=\s*(\S+)", log)
    return m.group(1) if m else "?"


def measure_names(text):
    """Names of the .meas/.measure cards of netlist text, in deck order ('+' continuations joined)."""
    cards = []
    for raw in text.splitlines():
        if raw.startswith("+") and cards:
            cards[-1] += " " + raw[1:]
        else:
            cards.append(raw)
    return [c.split()[2].lower() for c in cards
            if len(c.split()) > 2 and c.split()[0].lower() in (".meas", ".measure")]


def measure_results(names, log):
    """{name: "value" or "failed"} from ngspice's batch output, or None if one is missing."""
    out = {}
    for n in names:
        m = re.search(r"^" + re.escape(n) + r"\s+=\s+(\S+)", log, re.M | re.I)
        if m:
            out[n] = m.group(1)
        elif re.search(r"^\s*\.meas\w*\s+\w+\s+" + re.escape(n) + r"\s.*failed!", log, re.M | re.I):
            out[n] = "failed"
        else:
            return None
    return out


STEP_CARD = re.compile(r"^\.step\s+(?:param\s+)?(\w+)\s+list\s+(.+)$", re.I | re.M)


def variants(name, text):
    """[(reference base name, netlist text)]: the netlist itself, or one per value of its .step card."""
    m = STEP_CARD.search(text)
    if not m:
        return [(name, text)]
    param, values = m.group(1), m.group(2).split()
    unstepped = text[:m.start()] + "* (.step removed by regen.py)" + text[m.end():]
    definition = re.compile(r"^(\.param\b.*?\b" + re.escape(param) + r"\s*=\s*)(\S+)", re.I | re.M)
    if not definition.search(unstepped):
        raise ValueError(f"{name}: .step parameter '{param}' has no .param {param}=value line")
    return [(f"{name}.step{k + 1}", definition.sub(lambda d: d.group(1) + v, unstepped, count=1))
            for k, v in enumerate(values)]


def regen_one(ngspice, name):
    netlist = os.path.join(HERE, name + ".cir")
    probes_file = os.path.join(HERE, name + ".probes")
    if not os.path.isfile(netlist) or not os.path.isfile(probes_file):
        print(f"{name}: missing {name}.cir or {name}.probes", file=sys.stderr)
        return False
    return all(regen_variant(ngspice, base, text, probes_file)
               for base, text in variants(name, open(netlist).read()))


def regen_variant(ngspice, name, text, probes_file):
    """Runs ngspice on one netlist text; writes ref/NAME.txt (and ref/NAME.meas)."""
    probes = open(probes_file).read().split()
    env = dict(os.environ, OMP_NUM_THREADS="1", NGSPICE_MEAS_PRECISION="12")
    with tempfile.TemporaryDirectory(prefix="spinspice_regen_") as tmp:
        # ngspice's command parser splits on blanks: copy the netlist to a blank-free path
        local = os.path.join(tmp, name + ".cir")
        with open(local, "w") as f:
            f.write(text)
        out = os.path.join(tmp, name + ".txt")
        wrapper = os.path.join(tmp, "wrapper.cir")
        with open(wrapper, "w") as f:
            f.write(WRAPPER.format(netlist=local, out=out, probes=" ".join(probes)))
        r = subprocess.run([ngspice, "-b", wrapper], cwd=tmp, capture_output=True, text=True,
                           env=env, timeout=600)
        log = r.stdout + r.stderr
        # a .meas that cannot be taken prints "Error: measure ..." (it is recorded as failed, below)
        errors = [l for l in log.splitlines()
                  if re.search(r"\berror\b", l, re.I) and not re.match(r"\s*Error: measure", l)]
        if r.returncode != 0 or errors or not os.path.isfile(out):
            print(f"{name}: ngspice failed (exit {r.returncode})", file=sys.stderr)
            print("\n".join(errors or log.splitlines()[-20:]), file=sys.stderr)
            return False
        with open(out) as f:
            header = f.readline().split()
            rows = sum(1 for line in f if line.strip())
        shutil.move(out, os.path.join(REF, name + ".txt"))
    meas_names = measure_names(text)
    if meas_names:
        results = measure_results(meas_names, log)
        if results is None:
            print(f"{name}: ngspice printed no result for some .meas card", file=sys.stderr)
            return False
        with open(os.path.join(REF, name + ".meas"), "w") as f:
            f.write(f"# ngspice .meas results of {name}.cir (regen.py)\n")
            f.writelines(f"{n} {v}\n" for n, v in results.items())
    ncols = len(header) - 1
    if ncols not in (len(probes), 2 * len(probes)):
        print(f"{name}: {ncols} data columns for {len(probes)} probes", file=sys.stderr)
        return False
    print(f"{name:18s} rows {rows:6d}  accepted {rusage_value(log, 'Accepted timepoints'):>6s}"
          f"  rejected {rusage_value(log, 'Rejected timepoints'):>4s}"
          f"  iterations {rusage_value(log, 'Total iterations'):>6s}  probes {' '.join(probes)}")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ngspice", default="ngspice", help="ngspice executable (default: ngspice on PATH)")
    ap.add_argument("names", nargs="*", help="case names (default: all *.cir here)")
    args = ap.parse_args()
    ngspice = shutil.which(args.ngspice)
    if ngspice is None:
        print(f"regen.py: ngspice not found ('{args.ngspice}'); install it (Debian: apt-get install "
              f"ngspice) or pass --ngspice PATH. The references in ref/ were left untouched.",
              file=sys.stderr)
        return 1
    version = ngspice_version(ngspice)
    if version != EXPECTED_VERSION:
        print(f"regen.py: warning: {ngspice} is {version}, the references were made with "
              f"{EXPECTED_VERSION}", file=sys.stderr)
    names = args.names or sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".cir"))
    os.makedirs(REF, exist_ok=True)
    ok = sum(regen_one(ngspice, n) for n in names)
    print(f"{ok} of {len(names)} references written to {REF} ({version})")
    return 0 if ok == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
