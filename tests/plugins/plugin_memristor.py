#!/usr/bin/env python3
"""Builds examples/plugins/memristor out of tree with find_package(spinspice) against this build,
loads it (.plugin card and --plugin flag) and checks the waveform against the closed form.

Usage: plugin_memristor.py SPINSPICE_BINARY SOURCE_DIR BUILD_DIR
HP memristor, constant current I, no window: x(t) = x0 + (muv Ron / D^2) I t and
v(t) = I (Roff + (Ron - Roff) x(t)) (Strukov et al., Nature 453, 80 (2008)).
Prints 'N passed, N failed' last and exits 1 on any failure.
"""
import json
import os
import subprocess
import sys

spinspice, source, build = sys.argv[1:4]
work = os.path.join(build, "plugin-memristor")
os.makedirs(work, exist_ok=True)
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failed += 1


plugin_src = os.path.join(source, "examples", "plugins", "memristor")
subprocess.run(["cmake", "-S", plugin_src, "-B", os.path.join(work, "b"), f"-Dspinspice_DIR={build}",
                "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
subprocess.run(["cmake", "--build", os.path.join(work, "b")], check=True, stdout=subprocess.DEVNULL)
lib = os.path.join(work, "b", "libmemristor.so")
check(os.path.exists(lib), "the plugin builds out of tree with find_package(spinspice)")

I, ron, roff, d, muv, x0 = 1e-3, 100.0, 16e3, 10e-9, 1e-14, 0.1
deck = f"""hp memristor
.model hp memristor (ron={ron} roff={roff} d={d} muv={muv} x0={x0})
i1 0 a {I}
n1 a 0 hp
.tran 0.1m 50m
.end
"""


def run(netlist_text, extra):
    path = os.path.join(work, "m.cir")
    with open(path, "w") as f:
        f.write(netlist_text)
    out = os.path.join(work, "m.json")
    r = subprocess.run([spinspice, *extra, "-o", out, path], capture_output=True, text=True)
    return r, (json.load(open(out)) if r.returncode == 0 else None)


for label, text, extra in [(".plugin card", deck.replace("\n", f'\n.plugin "{lib}"\n', 1), []),
                           ("--plugin flag", deck, ["--plugin", lib])]:
    r, doc = run(text, extra)
    check(r.returncode == 0, f"{label}: spinspice runs the plugin device (exit {r.returncode}) {r.stderr.strip()}")
    if doc is None:
        continue
    sig = doc["analyses"][0]["signals"]
    k = muv * ron / d ** 2
    worst_x = max(abs(x - (x0 + k * I * t)) for t, x in zip(sig["time"], sig["n1.x"]))
    worst_v = max(abs(v - I * (roff + (ron - roff) * (x0 + k * I * t))) / (I * roff)
                  for t, v in zip(sig["time"], sig["v(a)"]))
    check(worst_x < 1e-6, f"{label}: state n1.x follows x0 + k I t (max error {worst_x:.2e})")
    check(worst_v < 1e-6, f"{label}: v(a) = I R(x(t)) (max relative error {worst_v:.2e})")

for params in [[], ["p=2", "x0=0.3"]]:
    r = subprocess.run([spinspice, "--plugin", lib, "--check-device", "memristor", *params], capture_output=True,
                       text=True)
    check(r.returncode == 0 and "passed" in r.stdout,
          f"the Jacobian checker passes the plugin {' '.join(params)}: {r.stdout.strip()}")
r = subprocess.run([spinspice, "--plugin", lib, "--describe", "memristor"], capture_output=True, text=True)
check(r.returncode == 0 and "dopant mobility" in r.stdout, "--describe prints the plugin's parameter table")
r = subprocess.run([spinspice, "--plugin", os.path.join(work, "nope.so"), "x.cir"], capture_output=True, text=True)
check(r.returncode == 2 and "does not exist" in r.stderr, "a missing plugin is bad input (exit 2)")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
