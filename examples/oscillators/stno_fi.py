#!/usr/bin/env python3
"""STNO frequency and power against current, simulated as circuits (stno device, device-physics.md 4.2).

The oscillator: f0 = 5 GHz, nshift = -4 GHz, q = 2, ith = 1 mA, gammag = 5e8 1/s, r0 = 1 kOhm, dr = 100 Ohm,
driven by a DC current source. Two netlists:
  P(I)  `.dc` over the current with dcrelax=1: the stationary power of the time-averaged oscillator
        (0 below threshold, (zeta - 1)/(zeta + q) above, zeta = I/ith) from the DC solution.
  f(I)  one `.tran` of 400 ns per current (`.step`), the oscillation frequency measured from the
        device voltage with `.meas tran f PEAKFREQ v(a) from=100n` (Welch spectrum, section "Spectra"
        of the README), and the power from n1.cr, n1.ci averaged over the last 100 ns.
Both against the closed forms p0 = (zeta - 1)/(zeta + q), f = f0 + nshift p0. Writes OUTDIR/stno_fi.png
and OUTDIR/stno_fi.json (the numbers).

usage: examples/oscillators/stno_fi.py [--outdir out/oscillators] [--spinspice build/spinspice]
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osc_common as oc  # noqa: E402

import numpy as np  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

F0, NSHIFT, Q, ITH = 5e9, -4e9, 2.0, 1e-3
MODEL = f".model osc stno (f0={F0:g} nshift={NSHIFT:g} q={Q:g} ith={ITH:g} gammag=5e8 r0=1k dr=100 dcrelax=1)\n"


def closed_form(current):
    zeta = np.asarray(current) / ITH
    p = np.where(zeta > 1, (zeta - 1) / (zeta + Q), 0.0)
    return p, F0 + NSHIFT * p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", default=os.path.join(oc.ROOT, "out", "oscillators"))
    ap.add_argument("--spinspice")
    ap.add_argument("--check", action="store_true", help="exit 1 unless the results meet the closed forms")
    args = ap.parse_args()

    dc, _, dc_seconds = oc.run("stno P(I) by the DC relaxation of the averaged oscillator\n" + MODEL +
                               "i1 0 a dc 0\nn1 a 0 osc p0=0.1\n.dc i1 0 5m 0.05m\n.save n1.cr n1.ci v(a)\n.end\n",
                               "stno_pi", args.outdir, args.spinspice)
    sweep = np.array(dc[0]["signals"]["i1"])
    p_dc = np.array(dc[0]["signals"]["n1.cr"]) ** 2 + np.array(dc[0]["signals"]["n1.ci"]) ** 2

    currents = [1.2e-3, 1.5e-3, 2e-3, 2.5e-3, 3e-3, 3.5e-3, 4e-3, 4.5e-3, 5e-3]
    tran, _, tran_seconds = oc.run(
        "stno f(I) from transients\n" + MODEL + ".param ibias=2m\ni1 0 a dc {ibias}\nn1 a 0 osc p0=0.01\n"
        ".tran 0.1n 400n\n.save v(a) n1.cr n1.ci\n.meas tran f PEAKFREQ v(a) from=100n\n"
        ".step param ibias list " + " ".join(f"{i:g}" for i in currents) + "\n.end\n",
        "stno_fi", args.outdir, args.spinspice)
    f_sim, p_sim = [], []
    for a in tran:
        f_sim.append(oc.measurement(a, "f"))
        t = np.array(a["signals"]["time"])
        cr, ci = np.array(a["signals"]["n1.cr"]), np.array(a["signals"]["n1.ci"])
        last = t > 300e-9
        p_sim.append(float(np.mean(cr[last] ** 2 + ci[last] ** 2)))
    p_th, f_th = closed_form(currents)
    p_dc_th, _ = closed_form(sweep)
    f_err = np.abs(np.array(f_sim) - f_th) / f_th
    p_err = np.abs(np.array(p_sim) - p_th) / p_th
    print(f"P(I) by .dc: {len(sweep)} points in {dc_seconds:.2f} s, largest |p - p0| = "
          f"{np.max(np.abs(p_dc - p_dc_th)):.2e}")
    print(f"f(I) by .tran + PEAKFREQ: {len(currents)} currents in {tran_seconds:.2f} s")
    for i, f, p, ft, pt in zip(currents, f_sim, p_sim, f_th, p_th):
        print(f"  I = {i * 1e3:4.2f} mA: f = {f / 1e9:.5f} GHz (closed form {ft / 1e9:.5f}, "
              f"{100 * abs(f - ft) / ft:.3f} %), p = {p:.5f} ({pt:.5f}, {100 * abs(p - pt) / pt:.3f} %)")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(sweep * 1e3, p_dc_th, "k-", lw=1, label="closed form (zeta-1)/(zeta+q)")
    ax1.plot(sweep * 1e3, p_dc, "C0.", ms=4, label=".dc, dcrelax=1")
    ax1.plot(np.array(currents) * 1e3, p_sim, "C3s", mfc="none", label=".tran, last 100 ns")
    ax1.set_xlabel("current (mA)")
    ax1.set_ylabel("normalised power p = |c|^2")
    ax1.set_title("P(I)")
    ax1.legend(fontsize=8)
    i_line = np.linspace(ITH, 5e-3, 200)
    ax2.plot(i_line * 1e3, closed_form(i_line)[1] / 1e9, "k-", lw=1, label="closed form f0 + nshift p0")
    ax2.plot(np.array(currents) * 1e3, np.array(f_sim) / 1e9, "C3o", mfc="none", label=".meas PEAKFREQ v(a)")
    ax2.set_xlabel("current (mA)")
    ax2.set_ylabel("frequency (GHz)")
    ax2.set_title("f(I): red shift of the generated frequency")
    ax2.legend(fontsize=8)
    fig.suptitle("stno: f0 = 5 GHz, nshift = -4 GHz, q = 2, ith = 1 mA")
    fig.tight_layout()
    png = os.path.join(args.outdir, "stno_fi.png")
    fig.savefig(png, dpi=110)
    with open(os.path.join(args.outdir, "stno_fi_results.json"), "w") as f:
        json.dump({"currents": currents, "f_sim": f_sim, "f_closed_form": f_th.tolist(), "p_sim": p_sim,
                   "p_closed_form": p_th.tolist(), "max_f_error": float(f_err.max()),
                   "max_p_error": float(p_err.max()), "dc_max_abs_error": float(np.max(np.abs(p_dc - p_dc_th)))},
                  f, indent=1)
    print(f"largest errors: f {100 * f_err.max():.3f} %, p {100 * p_err.max():.3f} %; wrote {png}")
    if args.check and (f_err.max() > 2e-3 or p_err.max() > 5e-3 or np.max(np.abs(p_dc - p_dc_th)) > 1e-6):
        sys.exit("CHECK FAILED: expected f within 0.2 %, p within 0.5 %, the .dc power within 1e-6")


if __name__ == "__main__":
    main()
