#!/usr/bin/env python3
"""The README's "Writing a device model in C++" is the whole walk-through: this test takes the code
block between <!-- readme-device:begin --> and <!-- readme-device:end --> from README.md as it is,
builds it as a plugin out of tree with the three-line CMakeLists.txt the README describes, runs the
Jacobian checker on it (`--check-device heater`, two parameter sets) and compares its transient with the
closed form the README gives:
  T(t) = A/(1 - tc A) (1 - exp(-(1 - tc A) t/tau)),  A = rth I^2 r0,  v = I r0 (1 + tc T).

Usage: readme_device.py SPINSPICE_BINARY SOURCE_DIR BUILD_DIR
"""
import json
import math
import os
import re
import subprocess
import sys

spinspice, source, build = sys.argv[1:4]
work = os.path.join(build, "readme-device")
os.makedirs(work, exist_ok=True)
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + what)
    passed, failed = passed + bool(ok), failed + (not ok)


readme = open(os.path.join(source, "README.md")).read()
block = re.search(r"<!-- readme-device:begin -->\n```cpp\n(.*?)```\n<!-- readme-device:end -->", readme, re.S)
check(block is not None, "README.md has the device walk-through code block")
if block is None:
    sys.exit(1)
src = os.path.join(work, "src")
os.makedirs(src, exist_ok=True)
open(os.path.join(src, "heater.cpp"), "w").write(block.group(1))
open(os.path.join(src, "CMakeLists.txt"), "w").write(
    "cmake_minimum_required(VERSION 3.20)\nproject(heater CXX)\nset(CMAKE_CXX_STANDARD 20)\n"
    "find_package(spinspice REQUIRED)\nadd_library(heater MODULE heater.cpp)\n"
    "target_link_libraries(heater PRIVATE spinspice::spinspice)\n")
r = subprocess.run(["cmake", "-S", src, "-B", os.path.join(work, "b"), f"-Dspinspice_DIR={build}",
                    "-DCMAKE_BUILD_TYPE=Release"], capture_output=True, text=True)
r2 = subprocess.run(["cmake", "--build", os.path.join(work, "b")], capture_output=True, text=True)
lib = os.path.join(work, "b", "libheater.so")
check(r.returncode == 0 and r2.returncode == 0 and os.path.exists(lib),
      "the README's device compiles as a plugin " + (r.stderr + r2.stdout[-2000:] if r2.returncode else ""))

for params in [[], ["tau=1e-3", "rth=50", "tc=0.02"]]:
    r = subprocess.run([spinspice, "--plugin", lib, "--check-device", "heater", *params], capture_output=True,
                       text=True)
    check(r.returncode == 0 and "passed" in r.stdout, f"--check-device heater {' '.join(params)}: {r.stdout.strip()}")

I, r0, tc, rth, tau = 10e-3, 100.0, 4e-3, 1e3, 1e-6
deck = f"""heater test
.plugin "{lib}"
.model h1 heater (r0={r0} tc={tc} rth={rth} tau={tau})
i1 0 a {I}
n1 a 0 h1
.tran 10n 10u
.end
"""
path = os.path.join(work, "heater.cir")
open(path, "w").write(deck)
out = os.path.join(work, "heater.json")
r = subprocess.run([spinspice, "-o", out, path], capture_output=True, text=True)
check(r.returncode == 0, f"the README's netlist runs (exit {r.returncode}) {r.stderr.strip()}")
if r.returncode == 0:
    sig = json.load(open(out))["analyses"][0]["signals"]
    a = rth * I * I * r0
    rate = (1 - tc * a) / tau

    def exact(t):
        return a / (1 - tc * a) * (1 - math.exp(-rate * t))

    worst_t = max(abs(T - exact(t)) for t, T in zip(sig["time"], sig["n1.t"])) / (a / (1 - tc * a))
    worst_v = max(abs(v - I * r0 * (1 + tc * exact(t))) for t, v in zip(sig["time"], sig["v(a)"])) / (I * r0)
    check(worst_t < 2e-3, f"n1.t follows the closed form (max error {worst_t:.2e} of the final rise)")
    check(worst_v < 1e-4, f"v(a) = I r0 (1 + tc T(t)) (max relative error {worst_v:.2e})")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
