#!/usr/bin/env python3
"""Reliability of the command line (issue 10): each finding of the sanitizer/fuzzing review has a
regression test here that failed before its fix.

Usage: reliability_tests.py PATH_TO_SPINSPICE [WORKDIR]
The last line printed is "N passed, N failed"; the exit status is 1 if anything failed.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

EXE = os.path.abspath(sys.argv[1])
WORK = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="spinspice_rel_")
os.makedirs(WORK, exist_ok=True)
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what + ("" if ok or not detail else "\n     " + detail[:1500]))
    passed, failed = passed + bool(ok), failed + (not ok)


def deck(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(args, timeout=60):
    t0 = time.time()
    try:
        r = subprocess.run([EXE] + args, capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr, time.time() - t0
    except subprocess.TimeoutExpired:
        return None, "", "(timed out)", time.time() - t0


# 1. Ctrl-C keeps what was computed: valid JSON, raw and CSV with the same points, a message, exit != 0.
long_rc = deck("long.cir", "long rc\nv1 a 0 sin(0 1 1meg)\nr1 a b 1k\nc1 b 0 1n\n.tran 1n 20m\n.end\n")
out = {k: os.path.join(WORK, "int." + k) for k in ("json", "raw", "csv")}
for path in out.values():
    if os.path.exists(path):
        os.remove(path)
p = subprocess.Popen([EXE, "-o", out["json"], "-r", out["raw"], "--ascii-raw", "--csv", out["csv"], long_rc],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(1.5)
p.send_signal(signal.SIGINT)
try:
    _, err = p.communicate(timeout=30)
    rc = p.returncode
except subprocess.TimeoutExpired:
    p.kill()
    rc, err = None, "(did not stop after SIGINT)"
check(rc not in (0, None) and rc > 0, f"SIGINT ends the run with a non-zero exit status ({rc})", err)
check(re.search(r"interrupted at t = [0-9.e+-]+", err) is not None, "SIGINT says 'interrupted at t = ...'", err)
points = -1
try:
    doc = json.load(open(out["json"]))
    tran = doc["analyses"][0]
    points = len(tran["signals"]["time"])
    check(points > 1000 and "interrupted" in tran.get("error", ""),
          f"the JSON is valid and holds the {points} points computed before the interrupt", str(tran.get("error")))
except Exception as e:  # noqa: BLE001
    check(False, "the JSON is valid after SIGINT", repr(e))
try:
    rows = sum(1 for _ in open(out["csv"])) - 1
    check(rows == points, f"the CSV holds the same points as the JSON ({rows} vs {points})")
    raw = open(out["raw"]).read()
    m = re.search(r"No\. Points:\s*(\d+)", raw)
    check(m is not None and int(m.group(1)) == points, f"the raw file's header counts the same points ({m and m.group(1)})")
except Exception as e:  # noqa: BLE001
    check(False, "the raw and CSV files are written after SIGINT", repr(e))

# 2. A failed -o write is reported (exit != 0), as -r and --csv already were.
ok_cir = deck("ok.cir", "ok\nv1 a 0 1\nr1 a 0 1k\n.op\n.end\n")
if os.path.exists("/dev/full"):
    for flag in ("-o", "-r", "--csv"):
        rc, _, err, _ = run([flag, "/dev/full", ok_cir])
        check(rc not in (0, None), f"{flag} /dev/full is an error (exit {rc})", err)

# 3. Outputs are checked before the run: a missing directory fails at once, nothing simulated.
rc, _, err, dt = run(["-o", os.path.join(WORK, "no", "such", "dir", "x.json"), long_rc])
check(rc == 2 and dt < 2.0 and "does not exist" in err,
      f"an uncreatable output fails before the simulation (exit {rc}, {dt:.2f} s)", err)

# 4. The tokenizer is linear in the card length: a PWL of 200,000 points on '+' lines parses quickly.
rows = ["+ " + " ".join(f"{(k + j) * 1e-9:.9g} {(k + j) % 2}" for j in range(8)) for k in range(0, 200000, 8)]
big = deck("pwl.cir", "pwl\nv1 a 0 pwl(\n" + "\n".join(rows) + "\n+ )\nr1 a 0 1k\n.op\n.end\n")
rc, _, err, dt = run([big])
check(rc == 0 and dt < 5.0, f"a 200,000-point PWL parses in {dt:.2f} s (quadratic: ~40 s)", err)

# 5. Out-of-range counts in .options are input errors with the line (no float-to-int overflow).
for opt in ("itl1=1e10", "itl4=-3", "gminsteps=2.5", "maxord=1e300", "seed=1e300"):
    path = deck("opt.cir", f"opts\n.options {opt}\nv1 a 0 1\nr1 a 0 1k\n.op\n.end\n")
    rc, _, err, _ = run([path])
    check(rc == 2 and "opt.cir:2:" in err and ".options" in err, f".options {opt}: input error at its line (exit {rc})",
          err)

# 6. Parameters whose derived quantities overflow are refused at the instance, with its line.
for param in ("hk", "ku", "ki", "nx", "ny", "nz", "hx", "hy", "hz"):
    for value in ("1e308", "-1e308"):
        path = deck("nan.cir", f"nan\n.model m1 mtj (thermal=1 {param}={value})\ni1 a 0 -10u\nn1 a 0 m1\n"
                               ".tran 1p 100p\n.end\n")
        rc, _, err, _ = run([path])
        check(rc == 2 and "nan.cir:4:" in err and "n1 a 0 m1" in err, f"mtj thermal=1 {param}={value}: input error at n1 "
              f"(exit {rc})", err)

# 7. No hang: unresolvable events and absurd parameters end in a clear error or in bounded time.
hangs = {
    "pulse period 1e-308": ("v1 a 0 pulse(0 1 1u 1u 1u 1m 1e-308)\nr1 a 0 1k\n.tran 1u 10m\n", {2}),
    "pbit tau=1e-308": (".model pb pbit (tau=1e-308)\nn1 in o pb\nrin in 0 1k\n.tran 1n 10n\n", {1}),
    # anisotropy and DMI fields of ~1e9 A/m (1000 T): refused at the instance
    "mtj ki=-1": (".model m1 mtj (ki=-1)\ni1 a 0 pulse(0 -50u 1n 1n 1n 5n)\nn1 a 0 m1\n.tran 10p 20n\n", {2}),
    "sotmtj ki=-1": (".model m1 sotmtj (ki=-1)\ni1 a 0 pulse(0 -1m 1n 1n 1n 5n)\nn1 a 0 b m1\nrb b 0 1k\n"
                     ".tran 10p 20n\n", {2}),
    "dwmtj dmi=-1": (".model m1 dwmtj (dmi=-1)\ni1 a 0 pulse(0 -1m 1n 1n 1n 5n)\nn1 a 0 m1\n.tran 10p 20n\n", {2}),
    "dwmtj pol=-1": (".model m1 dwmtj (pol=-1)\ni1 a 0 pulse(0 -1m 1n 1n 1n 5n)\nn1 a 0 m1\n.tran 10p 20n\n", {0, 1}),
}
for name, (body, codes) in hangs.items():
    rc, _, err, dt = run([deck("hang.cir", "hang\n" + body + ".end\n")], timeout=60)
    check(rc in codes and dt < 30, f"{name}: exit {rc} after {dt:.1f} s", err)

# 8. Output size is bounded: runs that would write gigabytes stop at once with a message.
for tran in (".tran 1n 100m", ".tran 1u 1e308"):
    rc, _, err, dt = run([deck("huge.cir", f"huge\nv1 a 0 pulse(0 1 0 1n 1n 1m 2m)\nr1 a b 1k\nc1 b 0 1n\n{tran}\n.end\n")])
    check(rc == 1 and dt < 5 and ("maxpoints" in err or "maxoutput" in err), f"{tran}: stops at once naming the limit (exit {rc}, {dt:.2f} s)",
          err)
rc, _, err, _ = run([deck("cap.cir", "cap\n.options maxpoints=100\nv1 a 0 sin(0 1 1meg)\nr1 a b 1k\nc1 b 0 1n\n"
                                     ".tran 1n 20u 0 1u\n.end\n"), "-o", os.path.join(WORK, "cap.json")])
doc = json.load(open(os.path.join(WORK, "cap.json")))
n = len(doc["analyses"][0]["signals"]["time"])
check(rc == 1 and 0 < n <= 101 and "maxpoints" in err, f".options maxpoints=100 stops the run keeping {n} points", err)

# 9. Same seed, same bytes: the JSON holds no wall times unless --stats asks for them.
noisy = deck("noisy.cir", "noisy\n.model m1 mtj (alpha=0.1 thermal=1 tnoise=1p)\ni1 a 0 -10u\nn1 a 0 m1\n"
                          ".options seed=3\n.tran 1p 1n\n.end\n")
blobs = []
for k in range(2):
    path = os.path.join(WORK, f"seed{k}.json")
    run(["-o", path, noisy])
    blobs.append(open(path, "rb").read())
check(blobs[0] == blobs[1] and b"time_total" not in blobs[0], "two runs with the same seed write identical bytes")
run(["--stats", "-o", os.path.join(WORK, "stats.json"), noisy])
check(b"time_total" in open(os.path.join(WORK, "stats.json"), "rb").read(), "--stats adds the wall times to the JSON")

# 12. Clocked p-bits on one phase: a warning (they do not sample the Boltzmann distribution).
ring = ".model pb pbit (beta=2 tau=1n update=1)\n" + "".join(
    f"n{k} in{k} o{k} pb\ng{k} 0 in{k} o{(k + 1) % 4} 0 1\n" for k in range(4))
rc, _, err, _ = run([deck("ring.cir", "ring\n" + ring + ".tran 0.1n 20n\n.end\n")])
check(rc == 0 and "same instant" in err and "phase" in err, "coupled clocked p-bits on one phase are warned about", err)
rc, _, err, _ = run([deck("ring2.cir", "ring\n" + ring.replace("n1 in1 o1 pb", "n1 in1 o1 pb phase=0.5n") +
                          ".tran 0.1n 20n\n.end\n")])
check(rc == 0 and "same instant" in err, "still warned while two of them share a phase", err)

# 13. Small ones.
rc, _, err, _ = run([deck("empty.cir", "just a title\n")])
check(rc == 2 and "no elements" in err, f"an empty netlist is an input error (exit {rc})", err)
rc, _, err, _ = run([deck("zero.cir", "zero\nv1 a 0 1\nr1 a b 0\nr2 b 0 1k\n.op\n.end\n")])
check(rc == 0 and re.search(r"zero\.cir:3:\d+: r1: a 0-ohm resistor.*\(r1 a b 0\)", err) is not None,
      "a 0-ohm resistor warns with its line", err)
rc, outp, err, _ = run([deck("stepop.cir", "step op\n.param r=1k\nv1 a 0 1\nr1 a 0 {r}\n.step param r list 1k 2k\n"
                                          ".op\n.end\n")])
check(rc == 0 and "op1: operating point (step r=1000)" in outp and "(step r=2000)" in outp,
      ".op under .step labels each block with its step value", outp)
rc, _, err, _ = run([deck("save.cir", "save\nv1 a 0 1\nr1 a 0 1k\n.save v(nope)\n.op\n.end\n")])
check(rc == 2 and "save.cir:4:" in err and ".save v(nope)" in err, ".save of an unknown node quotes the line", err)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
