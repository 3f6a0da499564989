#!/usr/bin/env python3
"""Command-line behaviour tests of spinspice: malformed netlists must give exit status 2 (bad
input) with a "file:line" diagnostic naming the offending card, never a crash.

Usage: cli_tests.py PATH_TO_SPINSPICE [-v]

Every netlist in tests/cli/bad/ is listed in CASES below with what is required of the run:
  - the exit status (2; the floating node and the voltage-source loop may also give 1, a
    simulation failure, but the message must name the node or one of the sources);
  - "file:line" of the offending card on stderr (the file's base name, the 1-based line number,
    then ':'), together with the word "error";
  - key words (regular expressions, case-insensitive), e.g. "did you mean" for near misses;
  - never a crash: no negative return code (signal), no "terminate called", "Segmentation",
    "core dumped", "AddressSanitizer" or "Assertion" on stderr, and no hang (timeout).
Also: --help and --version exit 0 and print something, a missing netlist file and a missing
argument exit 2, and a valid netlist (tests/cli/ok.cir) exits 0.
The last line printed is "N passed, N failed"; the exit status is 1 if anything failed.
Standard library only.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(HERE, "bad")
TIMEOUT = 30

# name: (allowed exit codes, allowed offending line numbers or None, required regexes)
CASES = {
    "missing_value":       ({2}, [3], [r"\br1\b"]),
    "unknown_element":     ({2}, [4], [r"\bz1?\b", r"unknown|unsupported|not supported"]),
    "unbalanced_paren":    ({2}, [2], [r"paren|\)|\("]),
    "unbalanced_brace":    ({2}, [4], [r"brace|\}|\{"]),
    "near_miss_model":     ({2}, [5], [r"dmdo", r"did you mean", r"\bdmod\b"]),
    "unknown_subckt":      ({2}, [7], [r"amplifier", r"subc"]),
    "near_miss_subckt":    ({2}, [7], [r"filtr", r"did you mean", r"\bfilter\b"]),
    "undefined_param":     ({2}, [5], [r"rload", r"undefined|unknown|not defined|undeclared"]),
    "bad_suffix":          ({2}, [4], [r"4\.7k%2|%2|%"]),
    # the error may be reported at the .subckt card or where the file ends
    "unterminated_subckt": ({2}, [5, 8, 9], [r"\.ends|subckt"]),
    "include_missing":     ({2}, [3], [r"no_such_file_xyz\.inc"]),
    # structural problems found when the matrix is built/factored: 2 or 1, but name the culprit
    "floating_node":       ({1, 2}, None, [r"floatnode"]),
    "vsource_loop":        ({1, 2}, None, [r"\bva1\b|\bvb2\b"]),
    "dc_unknown_source":   ({2}, [5], [r"vnope"]),
    "seed_fraction":       ({2}, None, [r"seed", r"integer"]),
    "pbit_bad_tau":        ({2}, [2], [r"\btau\b"]),
    "smtj_ic_and_i0":      ({2}, [4], [r"\bn1\b", r"\bic\b.*\bi0\b"]),
}

CRASH_MARKERS = ["terminate called", "Segmentation", "core dumped", "AddressSanitizer",
                 "Assertion", "Aborted", "stack smashing"]


def run(exe, args, cwd=None):
    try:
        r = subprocess.run([exe] + args, capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"(timed out after {TIMEOUT} s)"


def crash_problems(rc, err):
    probs = []
    if rc is None:
        probs.append("hung (timeout)")
    elif rc < 0:
        probs.append(f"killed by signal {-rc}")
    for m in CRASH_MARKERS:
        if m.lower() in err.lower():
            probs.append(f"crash marker '{m}' on stderr")
    return probs


class Results:
    def __init__(self, verbose):
        self.passed = self.failed = 0
        self.verbose = verbose

    def report(self, name, problems, rc, out, err):
        if problems:
            self.failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
            print(f"     exit {rc}; stderr: " + (err.strip().replace("\n", "\n             ")[:1500] or "(empty)"))
        else:
            self.passed += 1
            print(f"ok   {name} (exit {rc})")
            if self.verbose:
                print("     " + err.strip().replace("\n", "\n     "))


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    if len(args) != 1:
        print(__doc__)
        return 2
    exe = os.path.abspath(args[0]) if os.path.exists(args[0]) else args[0]
    res = Results("-v" in sys.argv)
    workdir = tempfile.mkdtemp(prefix="spinspice_cli_")

    # --help / --version
    for opt in ("--help", "--version"):
        rc, out, err = run(exe, [opt])
        probs = crash_problems(rc, err)
        if rc != 0:
            probs.append(f"exit {rc}, expected 0")
        if not (out.strip() or err.strip()):
            probs.append("printed nothing")
        if opt == "--version" and not re.search(r"\d+\.\d+", out + err):
            probs.append("no version number (d.d) in the output")
        res.report(opt, probs, rc, out, err)

    # no argument, missing file
    rc, out, err = run(exe, [])
    probs = crash_problems(rc, err)
    if rc != 2:
        probs.append(f"exit {rc}, expected 2 (usage error)")
    res.report("no netlist argument", probs, rc, out, err)

    missing = os.path.join(workdir, "does_not_exist.cir")
    rc, out, err = run(exe, [missing])
    probs = crash_problems(rc, err)
    if rc != 2:
        probs.append(f"exit {rc}, expected 2")
    if "does_not_exist.cir" not in err:
        probs.append("stderr does not name the missing file")
    res.report("missing netlist file", probs, rc, out, err)

    # a valid netlist must work (guards against a binary that rejects everything)
    ok_json = os.path.join(workdir, "ok.json")
    rc, out, err = run(exe, ["-o", ok_json, os.path.join(HERE, "ok.cir")])
    probs = crash_problems(rc, err)
    if rc != 0:
        probs.append(f"exit {rc}, expected 0")
    elif not os.path.isfile(ok_json):
        probs.append("no JSON written")
    res.report("valid netlist ok.cir", probs, rc, out, err)

    # malformed netlists
    for name, (codes, lines, patterns) in CASES.items():
        path = os.path.join(BAD, name + ".cir")
        rc, out, err = run(exe, ["-o", os.path.join(workdir, name + ".json"), path], cwd=BAD)
        probs = crash_problems(rc, err)
        if rc not in codes:
            probs.append(f"exit {rc}, expected {' or '.join(map(str, sorted(codes)))}")
        low = err.lower()
        if lines is not None:
            if not any(re.search(re.escape(name + ".cir") + f":{ln}:", err) for ln in lines):
                probs.append(f"stderr lacks '{name}.cir:{'|'.join(map(str, lines))}:'")
            if "error" not in low:
                probs.append("stderr lacks the word 'error'")
        for pat in patterns:
            if not re.search(pat, low):
                probs.append(f"stderr lacks /{pat}/")
        res.report(name, probs, rc, out, err)

    print(f"{res.passed} passed, {res.failed} failed")
    return 0 if res.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
