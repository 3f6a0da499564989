#!/usr/bin/env python3
"""Injection locking of an STNO: the Arnold tongue, simulated as a circuit (stno device, device-physics 4.1).

The oscillator (f0 = 1 GHz, nshift = -2 GHz, q = 2, gammag = 1e9 1/s, ith = 1 mA) is biased with 2 mA
(zeta = 2: p0 = 0.25, free-running f_g = 0.5 GHz, nu = nshift p0 / gammag = -3.14) and driven by an RF
current i_rf cos(2 pi f_rf t) in parallel with the bias; lambdaf = 1e11 1/(s A) turns it into the locking
force F = lambdaf i_rf / 2. One netlist, `.step` over f_rf and i_rf (first .step fastest), `.tran` to
1.5 us written from 0.5 us on the 0.4 ns grid (`.options interp`). The mean oscillation frequency over
the last microsecond is the slope of the unwrapped phase of c = n1.cr + i n1.ci; the map shows
|f_osc - f_rf| (0 inside the tongue) against Adler's boundary f_rf - f_g = +-Delta_lock/2pi with
Delta_lock = (F / sqrt(p0)) sqrt(1 + nu^2) (eq. 4.3). Writes OUTDIR/arnold_tongue.png and
OUTDIR/arnold_tongue_results.json (map, agreement with Adler's classification).

usage: examples/oscillators/arnold_tongue.py [--outdir out/oscillators] [--nf 31] [--na 12]
"""
import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osc_common as oc  # noqa: E402

import numpy as np  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

F0, NSHIFT, Q, GAMMAG, ITH, IDC, LAMBDAF = 1e9, -2e9, 2.0, 1e9, 1e-3, 2e-3, 1e11


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", default=os.path.join(oc.ROOT, "out", "oscillators"))
    ap.add_argument("--spinspice")
    ap.add_argument("--check", action="store_true", help="exit 1 unless the results meet the closed forms")
    ap.add_argument("--nf", type=int, default=31, help="detuning points")
    ap.add_argument("--na", type=int, default=12, help="RF amplitude points")
    args = ap.parse_args()

    zeta = IDC / ITH
    p0 = (zeta - 1) / (zeta + Q)
    fg = F0 + NSHIFT * p0
    nu = 2 * math.pi * NSHIFT * p0 / GAMMAG  # Gamma_p = gammag here (zeta = 2, q = 2: device-physics 4.2)
    irf_max = 0.2e-3
    half_max = LAMBDAF * irf_max / 2 / math.sqrt(p0) * math.sqrt(1 + nu * nu) / (2 * math.pi)  # Hz
    detunings = np.linspace(-2 * half_max, 2 * half_max, args.nf)
    amplitudes = np.linspace(irf_max / args.na, irf_max, args.na)
    netlist = (f"Arnold tongue of an stno\n.model osc stno (f0={F0:g} nshift={NSHIFT:g} q={Q:g} gammag={GAMMAG:g} "
               f"ith={ITH:g} lambdaf={LAMBDAF:g})\n.param frf={fg:g} irf=0.1m\n"
               f"i1 0 a dc {IDC:g}\ni2 0 a sin(0 {{irf}} {{frf}})\nn1 a 0 osc p0={p0:g}\n"
               ".options interp\n.tran 0.4n 1.5u 0.5u\n.save n1.cr n1.ci\n"
               ".step param frf list " + " ".join(f"{fg + d:.9g}" for d in detunings) + "\n"
               ".step param irf list " + " ".join(f"{a:.6g}" for a in amplitudes) + "\n.end\n")
    analyses, _, seconds = oc.run(netlist, "arnold_tongue", args.outdir, args.spinspice)
    beat = np.zeros((args.na, args.nf))
    for a in analyses:
        frf, irf = a["step"]["frf"], a["step"]["irf"]
        i = int(np.argmin(np.abs(amplitudes - irf)))
        j = int(np.argmin(np.abs(fg + detunings - frf)))
        t = np.array(a["signals"]["time"])
        phase = np.unwrap(-np.arctan2(a["signals"]["n1.ci"], a["signals"]["n1.cr"]))
        f_osc = (phase[-1] - phase[0]) / (2 * math.pi * (t[-1] - t[0]))
        beat[i, j] = abs(f_osc - frf)
    # Adler's classification against the simulated one (locked: beat below the 1 us window's resolution).
    resolution = 1 / 1e-6 / 3
    locked_sim = beat < resolution
    half = LAMBDAF * amplitudes[:, None] / 2 / math.sqrt(p0) * math.sqrt(1 + nu * nu) / (2 * math.pi)
    locked_adler = np.abs(detunings[None, :]) <= half
    margin = np.abs(np.abs(detunings[None, :]) - half) > 0.1 * half  # points not within 10 % of the edge
    agree = float(np.mean((locked_sim == locked_adler)[margin]))
    print(f"{len(analyses)} transients in {seconds:.1f} s ({seconds / len(analyses) * 1e3:.0f} ms each)")
    print(f"f_g = {fg / 1e9:.3f} GHz, nu = {nu:.3f}, Delta_lock/2pi at i_rf = {irf_max * 1e3:g} mA: "
          f"{half_max / 1e6:.3f} MHz")
    print(f"locked points: {int(locked_sim.sum())} simulated, {int(locked_adler.sum())} by Adler; "
          f"agreement away from the edge (10 %): {100 * agree:.1f} %")

    fig, ax = plt.subplots(figsize=(7, 4.5))
    extent = [detunings[0] / 1e6, detunings[-1] / 1e6, amplitudes[0] * 1e3, amplitudes[-1] * 1e3]
    im = ax.imshow(beat / 1e6, origin="lower", aspect="auto", extent=extent, cmap="magma")
    fig.colorbar(im, ax=ax, label="|f_osc - f_rf| (MHz)")
    line = np.linspace(0, irf_max, 50)
    edge = LAMBDAF * line / 2 / math.sqrt(p0) * math.sqrt(1 + nu * nu) / (2 * math.pi) / 1e6
    ax.plot(edge, line * 1e3, "c--", lw=1.5, label="Adler: Delta_lock = (F/sqrt(p0)) sqrt(1+nu^2)")
    ax.plot(-edge, line * 1e3, "c--", lw=1.5)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("detuning f_rf - f_g (MHz)")
    ax.set_ylabel("RF current amplitude (mA)")
    ax.set_title(f"stno injection locking: f_g = {fg / 1e9:.2f} GHz, nu = {nu:.2f}")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    png = os.path.join(args.outdir, "arnold_tongue.png")
    fig.savefig(png, dpi=110)
    with open(os.path.join(args.outdir, "arnold_tongue_results.json"), "w") as f:
        json.dump({"detunings": detunings.tolist(), "amplitudes": amplitudes.tolist(), "beat": beat.tolist(),
                   "agreement_away_from_edge": agree, "seconds": seconds}, f, indent=1)
    print(f"wrote {png}")
    if args.check and (agree < 0.95):
        sys.exit("CHECK FAILED: expected Adler's classification on 95 % of the points away from the edge")


if __name__ == "__main__":
    main()
