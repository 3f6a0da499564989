#!/usr/bin/env python3
"""Spin-diode rectification V_dc(f): the macrospin `mtj` and the behavioural `sdiode` side by side.

The junction (tests/oracles/test_mtj_oscillator.cpp, device-physics.md 5.1): an in-plane free layer along
x (mu0 H = 50 mT and mu0 Hk = 10 mT along x, mu0 M_eff = 0.8 T), reference and polariser in the plane at
45 degrees, R_P = 1 kOhm, TMR = 100 %, alpha = 0.01, driven by i_rf = 10 uA. Its resonance
f_r = 6.3657 GHz. For each frequency (`.step`) a transient (0.5 ps steps: the trapezoidal rule detunes the
lab-frame precession by (w h)^2/12, 3.4 MHz at 2 ps, visible on the flanks of the 129 MHz line); the DC voltage is read through two RC
low-passes (2 ns each, a DC voltmeter) and averaged over the last 20 ns (`.meas tran AVG`). Two torques:
damping-like only (xi = 0: a symmetric line, -13.015 uV at f_r), and with a field-like torque
(xi = 0.3: an antisymmetric part).
The exact linear response of the macrospin (eq. 5.2, evaluated here) is the reference for both devices.
The `sdiode` is calibrated to it: fres = f_r, alpha = half-width / f_r, and ksd, mix from a least-squares
fit of the linear response to ksd P [mix A(f) - (1 - mix) S(f)], P = r0 i_rf^2 / 2. Then the same
circuit with the sdiode in place of the mtj. Writes OUTDIR/spin_diode.png and OUTDIR/spin_diode_results.json.

usage: examples/oscillators/spin_diode.py [--outdir out/oscillators] [--points 15]
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

MU0, GAMMA, HBAR, QE = 4e-7 * math.pi, 1.76085963023e11, 1.054571817e-34, 1.602176634e-19
MS, VOLUME, ETA, ALPHA = 1e6, 1e-23, 0.5, 0.01
H, HK, MEFF, IRF, BETA = 0.05 / MU0, 0.01 / MU0, 0.8 / MU0, 10e-6, math.pi / 4
KAPPA = HBAR * ETA / (2 * QE * MU0 * MS * VOLUME)  # (A/m) per A
GP = GAMMA * MU0 / (1 + ALPHA ** 2)
W1, W2 = GP * (H + HK), GP * (H + HK + MEFF)
FR = math.sqrt((1 + ALPHA ** 2) * W1 * W2) / (2 * math.pi)
G_P, G_AP = 1e-3, 0.5e-3
G0, K = (G_P + G_AP) / 2, (G_P - G_AP) / (G_P + G_AP)
R0 = 1 / (G0 * (1 + K * math.cos(BETA)))  # the junction's resistance at 45 degrees
METER = "rf1 a f1 10meg\ncf1 f1 0 0.2f\nrf2 f1 f2 100meg\ncf2 f2 0 0.02f\n"


def linear_response(f, xi):
    """Eq. 5.2: the rectified voltage of the linearised macrospin (the test's closed form)."""
    ka, kb, p1, p2 = KAPPA, xi * KAPPA, math.sin(BETA), 0.0
    t1 = GP * ((kb - ALPHA * ka) * p2 + (ka + ALPHA * kb) * p1)
    t2 = GP * (-(kb - ALPHA * ka) * p1 + (ka + ALPHA * kb) * p2)
    iw = 2j * math.pi * np.asarray(f)
    a11, a12, a21, a22 = iw + ALPHA * W1, W2, -W1, iw + ALPHA * W2
    det = a11 * a22 - a12 * a21
    u, v = (a22 * t1 - a12 * t2) / det * IRF, (-a21 * t1 + a11 * t2) / det * IRF
    dr = -R0 * R0 * G0 * K * (p1 * u + p2 * v)
    return 0.5 * np.real(IRF * dr)


def calibrate(freqs, xi):
    """fres, alpha from the symmetric line's half width; ksd, mix by least squares."""
    dense = np.linspace(FR * 0.9, FR * 1.1, 20001)
    sym = linear_response(dense, 0.0)
    inside = dense[np.abs(sym) >= np.abs(sym).max() / 2]
    delta = (inside[-1] - inside[0]) / 2
    x = np.asarray(freqs) - FR
    a_line, s_line = 2 * delta * x / (delta ** 2 + x ** 2), delta ** 2 / (delta ** 2 + x ** 2)
    (c_a, c_s), *_ = np.linalg.lstsq(np.column_stack([a_line, s_line]), linear_response(freqs, xi), rcond=None)
    power = R0 * IRF ** 2 / 2
    ksd_p = c_a - c_s
    # mix is a weight in [0, 1] (the damping-like line's slight asymmetry fits -0.007: clipped).
    return dict(fres=FR, alpha=delta / FR, ksd=ksd_p / power, mix=min(max(c_a / ksd_p, 0.0), 1.0))


def mtj_netlist(freqs, xi):
    model = (f".model ip mtj (ms={MS:g} tf=1n area=1e-14 alpha={ALPHA:g} hk={HK:.9g} ux=1 uy=0 uz=0 "
             f"nz={MEFF / MS:.9g} hx={H:.9g} px={math.cos(BETA):.9g} py={math.sin(BETA):.9g} pz=0 eta={ETA:g} "
             f"rp=1k tmr=1 vh=1e6 xi={xi:g})\n")
    return (f"spin diode: macrospin mtj, xi = {xi}\n{model}.param frf={FR:g}\ni1 0 a sin(0 {IRF:g} {{frf}})\n"
            f"n1 a 0 ip theta0=0\n{METER}.tran 0.5p 50n\n.save v(f2)\n.meas tran vdc AVG v(f2) from=30n\n"
            ".step param frf list " + " ".join(f"{f:.9g}" for f in freqs) + "\n.end\n")


def sdiode_netlist(freqs, c):
    return (f"spin diode: behavioural sdiode\n.model sd sdiode (fres={c['fres']:.9g} alpha={c['alpha']:.6g} "
            f"ksd={c['ksd']:.6g} r0={R0:.9g} mix={c['mix']:.6g})\n.param frf={FR:g}\n"
            f"i1 0 a sin(0 {IRF:g} {{frf}})\nn1 a 0 sd\n{METER}.tran 2p 50n\n.save v(f2)\n"
            ".meas tran vdc AVG v(f2) from=30n\n.step param frf list " + " ".join(f"{f:.9g}" for f in freqs) +
            "\n.end\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", default=os.path.join(oc.ROOT, "out", "oscillators"))
    ap.add_argument("--spinspice")
    ap.add_argument("--check", action="store_true", help="exit 1 unless the results meet the closed forms")
    ap.add_argument("--points", type=int, default=15)
    args = ap.parse_args()
    freqs = np.linspace(FR - 0.5e9, FR + 0.5e9, args.points)
    dense = np.linspace(freqs[0], freqs[-1], 400)
    results = {"f_r": FR, "r0": R0, "i_rf": IRF, "cases": {}}
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, xi in zip(axes, (0.0, 0.3)):
        c = calibrate(dense, xi)
        mtj, _, t_mtj = oc.run(mtj_netlist(freqs, xi), f"spin_diode_mtj_xi{xi:g}", args.outdir, args.spinspice)
        sd, _, t_sd = oc.run(sdiode_netlist(freqs, c), f"spin_diode_sdiode_xi{xi:g}", args.outdir, args.spinspice)
        v_mtj = np.array([oc.measurement(a, "vdc") for a in mtj])
        v_sd = np.array([oc.measurement(a, "vdc") for a in sd])
        v_lin = linear_response(freqs, xi)
        scale = np.abs(v_lin).max()
        err_mtj = np.abs(v_mtj - v_lin).max() / scale
        err_sd = np.abs(v_sd - v_lin).max() / scale
        print(f"xi = {xi}: sdiode fres = {c['fres'] / 1e9:.4f} GHz, alpha = {c['alpha']:.5f}, ksd = {c['ksd']:.4g} "
              f"1/A, mix = {c['mix']:.4f}")
        print(f"  mtj    : {len(freqs)} frequencies in {t_mtj:.1f} s, largest deviation from eq. 5.2 "
              f"{100 * err_mtj:.2f} % of the peak")
        print(f"  sdiode : {len(freqs)} frequencies in {t_sd:.1f} s, largest deviation from eq. 5.2 "
              f"{100 * err_sd:.2f} % of the peak")
        results["cases"][f"xi={xi:g}"] = {"calibration": c, "freqs": freqs.tolist(), "mtj": v_mtj.tolist(),
                                          "sdiode": v_sd.tolist(), "linear_response": v_lin.tolist(),
                                          "mtj_error": err_mtj, "sdiode_error": err_sd, "mtj_seconds": t_mtj,
                                          "sdiode_seconds": t_sd}
        ax.plot(dense / 1e9, linear_response(dense, xi) * 1e6, "k-", lw=1, label="macrospin linear response (5.2)")
        ax.plot(freqs / 1e9, v_mtj * 1e6, "C0o", mfc="none", label="mtj (macrospin LLGS), .tran")
        ax.plot(freqs / 1e9, v_sd * 1e6, "C3x", label="sdiode (calibrated), .tran")
        ax.axhline(0, color="0.7", lw=0.5)
        ax.set_xlabel("frequency (GHz)")
        ax.set_ylabel("V_dc (uV)")
        ax.set_title(f"xi = {xi:g}" + (" (damping-like only)" if xi == 0 else " (with field-like torque)"))
        ax.legend(fontsize=8)
    fig.suptitle(f"spin-diode rectification, i_rf = {IRF * 1e6:g} uA, f_r = {FR / 1e9:.3f} GHz")
    fig.tight_layout()
    png = os.path.join(args.outdir, "spin_diode.png")
    fig.savefig(png, dpi=110)
    with open(os.path.join(args.outdir, "spin_diode_results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(f"wrote {png}")
    if args.check and (any(c['sdiode_error'] > 0.02 or c['mtj_error'] > 0.01 for c in results['cases'].values())):
        sys.exit("CHECK FAILED: expected sdiode within 2 % and mtj within 1 % of the peak of eq. 5.2")


if __name__ == "__main__":
    main()
