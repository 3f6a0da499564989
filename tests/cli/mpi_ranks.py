#!/usr/bin/env python3
"""`mpirun -n 2 spinspice deck.cir -o out.json` on localhost (issue 15): the ranks split the .step points
and Monte-Carlo samples, rank 0 writes one output byte-identical to the single-process run's (JSON, raw
and CSV, stdout's tables and .meas summary); bad input is reported once with exit status 2; --stream is
refused; a .step-only deck and a deck with fewer tasks than ranks work too.

Usage: mpi_ranks.py PATH_TO_SPINSPICE [WORKDIR]
The last line printed is "N passed, N failed"; the exit status is 1 if anything failed. Without mpirun
(OpenMPI: openmpi-bin) it prints SKIPPED and passes.
"""
import os
import shutil
import subprocess
import sys
import tempfile

EXE = os.path.abspath(sys.argv[1])
WORK = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="spinspice_mpi_")
os.makedirs(WORK, exist_ok=True)
MPIRUN = shutil.which("mpirun")
# OpenMPI refuses root unless told (CI runs as root); --oversubscribe: 2 ranks on a 1-core runner.
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_btl="self,vader,tcp")
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


def run(args, ranks=None):
    cmd = ([MPIRUN, "--oversubscribe", "-n", str(ranks)] if ranks else []) + [EXE] + args
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=ENV, cwd=WORK)
    return r.returncode, r.stdout, r.stderr


def read(name):
    """A file's bytes; a raw file's "Date:" lines (the time it was written) left out."""
    with open(os.path.join(WORK, name), "rb") as f:
        data = f.read()
    if name.endswith(".raw"):
        data = b"".join(line for line in data.splitlines(keepends=True) if not line.startswith(b"Date:"))
    return data


MONTE = """monte carlo under .step
.param rv=agauss(1k, 100, 1)
.param scale=1
v1 in 0 pulse(0 1 0 1n 1n 1u 2u)
r1 in out {rv}
r2 out 0 {1k*scale}
c1 out 0 1n
.step param scale list 1 2 3
.op
.tran 10n 2u sweep monte=11
.meas tran vo find v(out) at=1u
.options seed=5
.end
"""
# Thermal noise: each sample's device streams are keyed by its index, not by the rank that ran it.
NOISY = """stochastic MTJ switching (examples/mtj_wer_monte.cir, shorter)
.model pma mtj (ms=1e6 tf=1.5n d=40n alpha=0.01 hk=159154.943 eta=0.5 thermal=1)
.temp 26.85
i1 a 0 pulse(0 34u 1n 1p 1p 5n 1)
n1 a 0 pma
.tran 1p 6n sweep monte=6
.meas tran mz find n1.mz at=6n
.end
"""
STEP = """step only
v1 a 0 1
r1 a b {r}
r2 b 0 1k
.param r=1k
.step param r list 1k 2k 3k 4k 5k
.dc v1 0 1 0.25
.end
"""


def compare(name, text, ranks=2, outputs=("-o", "o.json")):
    path = deck(name + ".cir", text)
    args_one = ["-j", "1", "--no-progress"]
    produced = []
    for tag, r in (("one", None), ("mpi", ranks)):
        args = list(args_one)
        for i in range(0, len(outputs), 2):
            args += [outputs[i], f"{tag}_{name}_{outputs[i + 1]}"]
        produced.append(run(args + [path], r))
    (rc1, out1, err1), (rc2, out2, err2) = produced
    check(rc1 == 0 and rc2 == 0, f"{name}: both runs succeed", f"{rc1} {rc2}\n{err1}\n{err2}")
    check(out1 == out2, f"{name}: stdout (operating points, .meas summary) identical with {ranks} ranks",
          f"--- one\n{out1[:600]}\n--- mpi\n{out2[:600]}")
    for i in range(0, len(outputs), 2):  # --csv writes one file per analysis: x.op1.csv, ...
        stem = os.path.splitext(outputs[i + 1])[0]
        files = sorted(f[len("one_"):] for f in os.listdir(WORK) if f.startswith(f"one_{name}_{stem}."))
        same = bool(files) and all(read("one_" + f) == read("mpi_" + f) and read("one_" + f) for f in files)
        check(same, f"{name}: {outputs[i]} output byte-identical with {ranks} ranks ({', '.join(files)})")


def main():
    if MPIRUN is None:
        print("SKIPPED: no mpirun (apt-get install openmpi-bin libopenmpi-dev)")
        print("0 passed, 0 failed")
        return 0
    compare("monte", MONTE, 2, ("-o", "o.json", "-r", "r.raw", "--csv", "c.csv"))
    compare("noisy", NOISY, 2)
    compare("step", STEP, 2)
    compare("step3", STEP, 3)
    compare("fewer_tasks", "one task\nv1 a 0 1\nr1 a 0 1k\n.op\n.end\n", 3)

    bad = deck("bad.cir", "bad\nv1 a 0 1\nr1 a 0 {agauss(1k)}\n.op sweep monte=3\n.end\n")
    rc, out, err = run(["-o", "bad.json", bad], 2)
    check(rc == 2, "bad input under mpirun: exit status 2", f"rc={rc}\n{err}")
    check(err.count("bad.cir:3") == 1, "bad input under mpirun: reported once, with its location", err)

    rc, out, err = run(["--stream", "s.csv", deck("s.cir", STEP)], 2)
    check(rc == 2 and "--stream" in err, "--stream under mpirun is refused with a reason", f"rc={rc}\n{err}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
