#!/usr/bin/env python3
"""Write error rate of an STT-MTJ against pulse width, by Monte Carlo in the netlist (issue 15).

The reference PMA junction (ms=1e6 tf=1.5n d=40n alpha=0.01 hk=159154.943 eta=0.5: Ic0 = 22.91 uA,
Delta = 45.5 at 300 K) with thermal noise, written by a current step of i = 1.5, 2 and 3 Ic0. Each trial
starts at a thermal initial angle (sin^2 theta0 exponential with mean 1/Delta, the Boltzmann
distribution near the easy axis: `.param th0` draws it per sample) and is run until the free layer
crosses the equator (`.meas tran tsw when n1.mz=0`, `.option autostop` ends the trial there,
`.options waveforms=0` keeps only the measurement). Once past the equator the layer falls into the
other well with the current off too (Delta = 45: no return), so the write error rate of a pulse of
width t is the fraction of trials with tsw > t: one run of N trials gives the whole curve.

Closed forms it is compared with (tau = (1 + alpha^2)/(alpha gamma mu0 Hk) = 2.84 ns):
  (a) the thermal-initial-angle form of the issue (Sun; Butler et al. 2012), noise-free during the pulse:
      WER(t) = 1 - exp(-Delta theta_c^2),  theta_c = (pi/2) exp(-t (i - 1)/tau);
  (b) the same with theta_c from the macrospin's own deterministic trajectory: the angle that reaches
      pi/2 at t under d theta/dt = sin theta (i - cos theta)/tau (Sun 2000), theta_c -> K(i) exp(-t(i-1)/tau)
      with K(1.5) = 0.98, K(2) = 1.26, K(3) = 1.52 (pi/2 only as i -> infinity);
  (c) (b) with the thermal field acting during the pulse as well: near the axis each transverse component
      obeys dx = (i - 1) x dt/tau + sigma dW with sigma^2 = 1/(Delta tau) (the equilibrium variance
      1/(2 Delta) at i = 0), so the noise adds sigma^2 tau/(2 (i - 1)) to the initial variance seen at
      long times: Delta -> Delta (i - 1)/i in the tail.
All three share the long-pulse slope d ln WER/dt = -2 (i - 1)/tau; they differ in the prefactor.

usage: examples/wer/wer_pulse_width.py [--trials 100000] [--jobs 2] [--timing] [--out out/wer]
  --timing: also the wall time of the 3 Ic0 curve on 1 thread, 2 threads and 2 MPI ranks (mpirun).
  --check: a small run (3 Ic0, 4000 trials) that fails unless the tail agrees with (c) (ctest).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists("/usr/bin/python3"):
    os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)  # Debian's numpy/scipy/matplotlib

import numpy as np  # noqa: E402
from scipy.integrate import quad  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "build", "python"))

GAMMA, MU0, HK, ALPHA, MS, KB = 1.76085963023e11, 4e-7 * np.pi, 159154.943, 0.01, 1e6, 1.380649e-23
VOLUME, TEMPERATURE = np.pi * (20e-9) ** 2 * 1.5e-9, 300.0
DELTA = 0.5 * MU0 * MS * HK * VOLUME / (KB * TEMPERATURE)  # Ku V/kB T, Ku = mu0 Ms Hk/2
TAU = (1 + ALPHA**2) / (ALPHA * GAMMA * MU0 * HK)
IC0 = 22.91e-6  # (2e/hbar) alpha mu0 Ms Hk V/eta: the model's small-angle threshold (tests/devices)
CURRENTS = (1.5, 2.0, 3.0)
TSTOP = {1.5: 60e-9, 2.0: 30e-9, 3.0: 15e-9}  # past WER 1e-5 of (c)

DECK = """MTJ write error rate at {i} Ic0, {n} trials
.param delta={delta:.6g}
* thermal initial angle: sin^2 theta0 ~ exponential, mean 1/delta (unif(0.5, 1) is uniform on (0, 1))
.param th0={{asin(sqrt(min(-ln(unif(0.5, 1))/delta, 1)))}}
.model pma mtj (ms=1e6 tf=1.5n d=40n alpha=0.01 hk=159154.943 eta=0.5 thermal=1)
.temp 26.85
i1 a 0 pulse(0 {amp:.6g} 0 1p 1p 1 2)
n1 a 0 pma theta0={{th0}}
.option autostop waveforms=0 seed={seed}
.tran 5p {tstop:.6g} sweep monte={n}
.meas tran tsw when n1.mz=0 cross=1
.end
"""


def deck(i, n, seed=1):
    return DECK.format(i=i, n=n, delta=DELTA, amp=i * IC0, tstop=TSTOP[i], seed=seed)


def sun_kappa(i):
    """K(i): theta_c(t) -> K exp(-t (i-1)/tau) along d theta/dt = sin theta (i - cos theta)/tau."""
    f = lambda th: 1.0 / (np.sin(th) * (i - np.cos(th)))  # noqa: E731
    theta = 1e-7
    return theta * np.exp((i - 1) * quad(f, theta, np.pi / 2, limit=400)[0])


def theta_c_exact(i, t):
    """The initial angle that reaches pi/2 at t on the deterministic trajectory (b)."""
    f = lambda th: 1.0 / (np.sin(th) * (i - np.cos(th)))  # noqa: E731
    lo, hi = 1e-12, np.pi / 2
    for _ in range(80):  # bisection on the time to the equator (decreasing in theta)
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if TAU * quad(f, mid, np.pi / 2, limit=400)[0] > t else (lo, mid)
    return 0.5 * (lo + hi)


def closed_forms(i, t):
    theta_a = (np.pi / 2) * np.exp(-t * (i - 1) / TAU)
    theta_b = np.array([theta_c_exact(i, x) for x in t])
    return dict(a=1 - np.exp(-DELTA * theta_a**2), b=1 - np.exp(-DELTA * theta_b**2),
                c=1 - np.exp(-DELTA * (i - 1) / i * theta_b**2))


def run_curve(i, n, jobs, seed=1):
    """Switching times of n trials (nan: not switched by tstop) and the wall time."""
    import spinspice
    t0 = time.perf_counter()
    result = spinspice.simulate(deck(i, n, seed), jobs=jobs, check=False)
    seconds = time.perf_counter() - t0
    return result["tran1"].measurement("tsw"), seconds


def wer_curve(tsw, times):
    """WER(t) = fraction of trials not past the equator at t, and its binomial standard error."""
    n = len(tsw)
    late = np.where(np.isnan(tsw), np.inf, tsw)
    wer = np.array([np.count_nonzero(late > t) / n for t in times])
    return wer, np.sqrt(np.maximum(wer * (1 - wer), 1.0 / n) / n)


def tail_fit(times, wer, n, lo=1e-4, hi=1e-2):
    """Least-squares line through ln WER where lo <= WER <= hi (at least 10 failures): slope, intercept."""
    keep = (wer >= max(lo, 10.0 / n)) & (wer <= hi)
    if keep.sum() < 3:
        return None
    weights = np.sqrt(wer[keep] * n)  # ~ 1/(relative error) of each point
    slope, intercept = np.polyfit(times[keep], np.log(wer[keep]), 1, w=weights)
    return float(slope), float(intercept)


def timing(n):
    """Wall time of the 3 Ic0 curve: 1 thread, 2 threads (in-process), 2 MPI ranks of the CLI."""
    out = {}
    for jobs in (1, 2):
        out[f"{jobs} thread{'s' if jobs > 1 else ''}"] = run_curve(3.0, n, jobs)[1]
    mpirun = shutil.which("mpirun")
    exe = os.environ.get("SPINSPICE", os.path.join(ROOT, "build", "spinspice"))
    if mpirun:
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "wer.cir")
            with open(path, "w") as f:
                f.write(deck(3.0, n))
            env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
            for label, cmd in (("CLI, 1 process, 2 threads", [exe, "-j", "2"]),
                               ("2 MPI ranks x 1 thread", [mpirun, "--oversubscribe", "-n", "2", exe, "-j", "1"])):
                t0 = time.perf_counter()
                subprocess.run(cmd + ["-q", "--no-progress", "-o", os.path.join(d, "o.json"), path], env=env,
                               check=True, capture_output=True)
                out[label] = time.perf_counter() - t0
    return out


def plot(curves, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 5))
    for (i, c), color in zip(curves.items(), ("C0", "C1", "C2")):
        t = np.array(c["times"]) * 1e9
        wer, err = np.array(c["wer"]), np.array(c["stderr"])
        ok = wer > 0
        ax.errorbar(t[ok], wer[ok], yerr=err[ok], fmt="o", ms=3, color=color, label=f"circuit, {i} Ic0")
        ax.plot(t, c["closed_form_a"], ":", color=color, lw=1)
        ax.plot(t, c["closed_form_c"], "-", color=color, lw=1)
    ax.plot([], [], "k:", label="(a) initial angle, K = pi/2")
    ax.plot([], [], "k-", label="(c) Sun K(i), noise during pulse")
    ax.set_yscale("log")
    ax.set_ylim(1e-5, 1.2)
    ax.set_xlabel("pulse width (ns)")
    ax.set_ylabel("write error rate")
    ax.set_title(f"STT-MTJ write error rate, {curves[CURRENTS[0]]['trials']} thermal trials per curve")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def check():
    """ctest: 3 Ic0, 4000 trials on two seeds: WER at the pulse widths where (c) gives 0.3, 0.1, 0.03
    and 0.01 within 4 binomial standard errors (plus 10 % of the value: (c) is an asymptote), and the
    tail's slope within 15 % of -2 (i - 1)/tau."""
    i, n, failures = 3.0, 4000, 0
    times = np.linspace(0.5e-9, 8e-9, 76)
    form = closed_forms(i, times)["c"]
    for seed in (1, 2):
        tsw, seconds = run_curve(i, n, 2, seed)
        wer, err = wer_curve(tsw, times)
        for target in (0.3, 0.1, 0.03, 0.01):
            k = int(np.argmin(np.abs(form - target)))
            ok = abs(wer[k] - form[k]) <= 4 * err[k] + 0.1 * form[k]
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} seed {seed}: WER({times[k] * 1e9:.1f} ns) = {wer[k]:.4f} +- "
                  f"{err[k]:.4f}, closed form (c) {form[k]:.4f}")
        fit = tail_fit(times, wer, n, lo=3e-3, hi=0.1)
        expected = -2 * (i - 1) / TAU
        ok = fit is not None and abs(fit[0] / expected - 1) < 0.15
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} seed {seed}: tail slope {fit and fit[0]:.4g} /s against {expected:.4g} "
              f"({seconds:.1f} s for {n} trials)")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=100000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "wer"))
    ap.add_argument("--timing", action="store_true")
    ap.add_argument("--timing-trials", type=int, default=20000)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if args.check:
        return check()
    os.makedirs(args.out, exist_ok=True)
    print(f"Delta = {DELTA:.2f}, tau = {TAU * 1e9:.3f} ns, Ic0 = {IC0 * 1e6:.2f} uA, {args.trials} trials per "
          f"current, {args.jobs} threads")
    curves = {}
    for i in CURRENTS:
        tsw, seconds = run_curve(i, args.trials, args.jobs)
        times = np.linspace(0, TSTOP[i], 121)[1:]
        wer, err = wer_curve(tsw, times)
        forms = closed_forms(i, times)
        fit = tail_fit(times, wer, args.trials)
        expected = -2 * (i - 1) / TAU
        kappa = sun_kappa(i)
        # Prefactor of the fitted tail, as the K of WER ~ Delta_eff K^2 exp(-2 t (i-1)/tau) at the fitted slope.
        curves[i] = dict(trials=args.trials, seconds=seconds, times=times.tolist(), wer=wer.tolist(),
                         stderr=err.tolist(), closed_form_a=forms["a"].tolist(), closed_form_b=forms["b"].tolist(),
                         closed_form_c=forms["c"].tolist(), switched=int(np.count_nonzero(~np.isnan(tsw))),
                         median_tsw=float(np.nanmedian(tsw)), kappa_sun=kappa, slope_expected=expected,
                         slope_fit=fit and fit[0], intercept_fit=fit and fit[1])
        lowest = wer[wer > 0].min() if np.any(wer > 0) else 0
        print(f"{i} Ic0: {args.trials} trials in {seconds:.1f} s ({1e3 * seconds / args.trials:.2f} ms each), median "
              f"switching {np.nanmedian(tsw) * 1e9:.2f} ns, {args.trials - curves[i]['switched']} not switched by "
              f"{TSTOP[i] * 1e9:.0f} ns; lowest WER resolved {lowest:.1e}")
        if fit:
            print(f"   tail slope {fit[0]:.4g} /s, closed form -2(i-1)/tau = {expected:.4g} /s (ratio "
                  f"{fit[0] / expected:.3f}); Sun K(i) = {kappa:.3f}")
        for target in (1e-1, 1e-2, 1e-3, 1e-4):
            k = int(np.argmin(np.abs(np.log(np.maximum(forms["c"], 1e-30) / target))))
            print(f"   t = {times[k] * 1e9:5.2f} ns: circuit {wer[k]:.2e} +- {err[k]:.1e}; closed forms "
                  f"(a) {forms['a'][k]:.2e}, (b) {forms['b'][k]:.2e}, (c) {forms['c'][k]:.2e}")
    results = dict(delta=DELTA, tau=TAU, ic0=IC0, curves={str(k): v for k, v in curves.items()})
    if args.timing:
        results["timing"] = timing(args.timing_trials)
        for label, seconds in results["timing"].items():
            print(f"timing, 3 Ic0, {args.timing_trials} trials: {label}: {seconds:.2f} s")
    with open(os.path.join(args.out, "wer.json"), "w") as f:
        json.dump(results, f, indent=1)
    plot(curves, os.path.join(args.out, "wer.png"))
    print(f"wrote {args.out}/wer.json and wer.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
