"""Shared by the oscillator examples: run a netlist through spinspice and read its JSON results."""
import json
import os
import subprocess
import sys
import time

try:
    import numpy as np  # noqa: F401
    import matplotlib
except ImportError:  # re-run with the system interpreter (Debian python3-numpy/-matplotlib)
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("numpy and matplotlib are required (Debian: apt-get install python3-numpy python3-matplotlib)")
matplotlib.use("Agg")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def spinspice_path(given=None):
    path = given or os.path.join(ROOT, "build", "spinspice")
    if not os.path.exists(path):
        sys.exit(f"{path} not found: build spinspice first (bash scripts/run-tests.sh or cmake --build build)")
    return path


def run(netlist, stem, outdir, spinspice=None, extra=()):
    """Writes OUTDIR/STEM.cir, runs it, returns (analyses of the JSON results, stdout, seconds)."""
    os.makedirs(outdir, exist_ok=True)
    cir, out = os.path.join(outdir, stem + ".cir"), os.path.join(outdir, stem + ".json")
    with open(cir, "w") as f:
        f.write(netlist)
    t0 = time.perf_counter()
    r = subprocess.run([spinspice_path(spinspice), "-q", "--no-progress", "-o", out, *extra, cir],
                       capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"spinspice failed on {cir} ({r.returncode}): {r.stderr.strip()}")
    with open(out) as f:
        return json.load(f)["analyses"], r.stdout, seconds


def measurement(analysis, name):
    value = analysis.get("measurements", {})[name]
    if isinstance(value, dict):
        raise RuntimeError(f"{name}: {value['error']}")
    return value
