#!/usr/bin/env python3
"""spinspice vs ngspice 39 regression comparison.

Usage: compare.py --spinspice PATH --workdir DIR [--timeout S] [--no-run] [--list] [NAME ...]

For each case NAME (default: every NAME.cir in this directory) runs `spinspice -o DIR/NAME.json
NAME.cir`, loads ngspice's reference ref/NAME.txt (made by regen.py) and compares every vector
listed in NAME.probes. A case fails when spinspice exits non-zero or crashes, a probe is missing,
the sweep points differ, or any probe's deviation exceeds its tolerance. Exit status 1 on any
failure, 0 otherwise; the last line is "N passed, N failed" (cases).

Tolerances (defaults; per-case settings and the reason for each are in CASES below and in
README.md, `compare.py --list` prints them):
  tran  max |spinspice(t) - ngspice(t)| over ngspice's time points (spinspice's waveform is
        linearly interpolated at ngspice's accepted steps: ngspice writes every accepted step)
        <= 1 % of the reference signal's peak-to-peak + an absolute floor (1 uV for voltages,
        1 nA for currents). Both decks use the same explicit TMAX. Smooth signals where a 1 %
        error would go unnoticed (rectifier and multiplier node voltages, the transformer) are
        held to 0.1 %. Independent ngspice solutions (Gear instead of trap, 2x coarser or finer
        TMAX, reltol 1e-5) use at most 0.4 of any tolerance (0.7 for the bridge rectifier's
        current with Gear and a 2x coarser step, two changes at once); a wrong element value,
        source parameter, breakpoint or companion model does not (README.md lists the
        mutations checked).
        For the rectifier cases (sharp diode-current pulses) the deviation is measured in a time
        window: spinspice's value at t must lie within the reference's [min, max] over
        [t - ttol, t + ttol], widened by the same tolerance. ttol is 2 TMAX, 0.1-0.2 % of the
        period, so a wrong amplitude, conduction angle or a phase error larger than ttol still
        fails; the pointwise deviation is printed alongside.
  dc/op |spinspice - ngspice| <= 1e-6 |ngspice| + 1e-9 V (voltages) / 1e-12 A (currents), at
        the same sweep points (the sweep values must agree to 1e-9 of the sweep range). The
        nonlinear cases set reltol 1e-7 in the netlist: a diode solution converged at the
        default 1e-3 is only good to ~1e-4.
  ac    | |z_s| - |z_n| | <= 1e-6 |z_n| + 1e-9 max|z_n|, and |arg z_s - arg z_n| <= 1e-4 rad
        wherever |z_n| > 1e-9 max|z_n| (the phase of a vanishing quantity is not defined).

Needs numpy (Debian: python3-numpy). Cost is dominated by spinspice itself; the whole suite
takes a few seconds of Python.
"""
import argparse
import json
import os
import re
import subprocess
import sys

try:
    import numpy as np
except ImportError:  # re-run with the system interpreter, which has python3-numpy on Debian
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("compare.py: numpy is required (Debian: apt-get install python3-numpy)")

HERE = os.path.dirname(os.path.abspath(__file__))

TRAN_TOL = {"rel_pp": 1e-2, "abs_v": 1e-6, "abs_i": 1e-9, "ttol": 0.0}
DC_TOL = {"rel": 1e-6, "abs_v": 1e-9, "abs_i": 1e-12}
AC_TOL = {"mag_rel": 1e-6, "mag_floor": 1e-9, "phase": 1e-4}
# .meas results (ref/NAME.meas, written by regen.py from ngspice's printed results):
# |spinspice - scale * ngspice| <= rel * |scale * ngspice| + abs. Per case under "meas", per
# measurement under "meas_each" (scale converts units: ngspice 39 measures vp in radians).
MEAS_TOL = {"rel": 1e-4, "abs": 0.0, "scale": 1.0}

# Per-case tolerance settings and why. Keys under "tran"/"dc"/"ac" override the defaults above for
# every probe of the case; "signals" overrides them for single probes.
CASES = {
    "a_rc_pulse": {"why": "linear RC; the pulse corners are breakpoints both simulators must hit: "
                          "default 1 % p-p (independent ngspice runs: <= 0.03 %)"},
    "b_rlc_sin": {"why": "linear resonant RLC (Q = 3.2), smooth: default 1 % p-p (independent "
                         "ngspice runs: <= 0.21 %)"},
    "c_diode_rect": {"tran": {"rel_pp": 1e-3, "ttol": 2e-6},
                     "signals": {"i(v1)": {"rel_pp": 1e-2}},
                     "why": "half-wave rectifier; all signals in a 2 us window (2 TMAX, 0.2 % of the "
                            "1 ms period): pointwise, the step placement at diode turn-on moves "
                            "i(v1) by up to 1.2 % p-p and v(out) by 0.04 % between independent "
                            "runs (2x TMAX, Gear), in the window <= 0.18 % / 0.002 %. v(out): 0.1 % "
                            "p-p (IS x3 gives 0.67 %, CL +3 % gives 0.21 %); i(v1), a ~0.1 ms "
                            "charging pulse per period: 1 % p-p (CL +3 % gives 2.9 %)"},
    "d_divider_dc": {"why": "linear DC: exact up to round-off, default 1e-6 relative"},
    "e_graetz": {"tran": {"rel_pp": 1e-3, "ttol": 20e-6},
                 "signals": {"i(vs)": {"rel_pp": 1e-2}},
                 "why": "bridge rectifier; all signals in a 20 us window (2 TMAX, 0.1 % of the 20 ms "
                        "period): pointwise, a 2x coarser step moves i(vs) by 1.3 % p-p and the "
                        "node voltages by 0.06 %, in the window by <= 0.7 % / 0.003 %. Voltages: "
                        "0.1 % p-p (IS x4 gives 0.5 %, N +3 % 0.24 %, CF +3 % 0.19 %); i(vs), "
                        "~1.5 ms conduction pulses: 1 % p-p (CF +3 % gives 2.2 %)"},
    "f_ac_bandpass": {"why": "linear small-signal solve (diode linearised at an OP converged at "
                             "reltol 1e-7, set in the netlist): default 1e-6 relative magnitude, "
                             "1e-4 rad"},
    "g_subckt_ladder": {"why": "linear RC ladder; a wrong parameter (default vs override, 2*r, "
                               "c/2) changes the waveform by >= 2 %: default 1 % p-p (independent "
                               "runs: <= 0.07 %)"},
    "h_mul": {"tran": {"rel_pp": 1e-3, "ttol": 20e-9},
              "signals": {"i(vs)": {"rel_pp": 1e-2}},
              "why": "Gear-2 diode multiplier, 10 ns TMAX; all signals in a 20 ns window (2 TMAX, "
                     "0.2 % of the 10 us period): pointwise a 2x coarser step moves v(y1) by 0.13 % "
                     "p-p and i(vs) by 0.2 %, in the window <= 0.004 % / 0.03 %. Voltages: 0.1 % "
                     "p-p (C4 +3 % gives 0.26-0.45 %); i(vs), sharp current pulses: 1 % p-p"},
    "i_diode_op": {"why": "nonlinear OP at reltol 1e-7 (set in the netlist; ngspice at reltol "
                          "1e-9..1e-12 moves it < 1e-12): default 1e-6 relative"},
    "j_transformer": {"tran": {"rel_pp": 1e-3},
                      "why": "linear, smooth (independent runs, trap or Gear: <= 0.005 % p-p): "
                             "0.1 % p-p, so that a coupling error of 1 % shows"},
    "k_controlled_dc": {"why": "linear controlled sources: exact, default 1e-6 relative"},
    "l_exp_pwl": {"why": "linear; PWL corners and EXP delays are breakpoints: default 1 % p-p "
                         "(independent runs: <= 0.4 %, the EXP source itself sampled 2x coarser)"},
    "n_cmos_inverter": {"why": "MOS level-1 DC transfer at reltol 1e-7 (set in the netlist): default "
                               "1e-6 relative, so the channel, body-effect and lambda equations must "
                               "match ngspice's"},
    "o_cmos_nand": {"why": "series NMOS stack (body effect on the upper device) at reltol 1e-7: "
                           "default 1e-6 relative"},
    "p_ring9": {"tran": {"rel_pp": 2e-2, "ttol": 0.2e-9},
                "frequency": {"signal": "v(n1)", "level": 1.65, "after": 10e-9, "rel": 1e-2},
                "why": "free-running oscillator: the frequency (rising crossings of v(n1) at "
                       "vdd/2 after 10 ns) must agree within 1 %; the waveforms, whose phase "
                       "drifts with any frequency difference, within 2 % p-p in a 0.2 ns "
                       "(2 TMAX) window"},
    "q_bsource_dc": {"why": "B sources (cubic + tanh .func conductance, V controlled by v() and i()) at "
                            "reltol 1e-7: default 1e-6 relative; exact derivatives matter for "
                            "convergence, the values for the comparison"},
    "r_bsource_tran": {"why": "B sources with time, pow and a ternary branch in a transient: default "
                              "1 % p-p (the branch switch is at v(a,b) = 0, where both sides agree)"},
    "s_sample_hold": {"tran": {"rel_pp": 1e-2, "ttol": 2e-6},
                      "why": "switches: the held samples must agree (1 % p-p); the switching instants "
                             "may differ by a step (spinspice locates them, ngspice lands within its "
                             "step), so the comparison uses a 2 us (2 TMAX) window"},
    "meas_rc_tran": {"meas": {"rel": 1e-3}, "meas_each": {"minout": {"abs": 1e-5}},
                     "why": ".meas tran on the RC of a_rc_pulse (delays, AVG/RMS/PP/INTEG windows, "
                            "FIND/WHEN, LAST, TD, PARAM, a failing WHEN): 1e-3 relative, minout (6.8 mV) 1e-5 V "
                            "absolute; independent ngspice runs (Gear, TMAX x2 and /2, reltol 1e-5 with "
                            "TMAX/4): <= 2.1e-4 relative, minout 1.4e-6 V"},
    "meas_rlc_tran": {"meas": {"rel": 2e-3}, "meas_each": {"avgb": {"abs": 3e-3}},
                      "why": ".meas tran on the RLC of b_rlc_sin over whole periods: 2e-3 relative "
                             "(independent ngspice runs: <= 5.6e-4, the zero-crossing lag with Gear); "
                             "avgb (~0 V) 3e-3 V absolute (independent runs: 1.1e-3 V; ngspice's AVG "
                             "does not interpolate FROM/TO, its window is [2.000045 ms, 3 ms])"},
    "meas_diode_dc": {"meas": {"rel": 1e-5}, "meas_each": {"integd": {"rel": 5e-5}},
                      "why": ".meas dc on a diode I-V sweep at reltol 1e-7: 1e-5 relative (independent "
                             "runs: <= 4.3e-7, at reltol 1e-5); integd 5e-5: ngspice integrates with "
                             "Simpson's rule, "
                             "spinspice with the trapezoid rule, 9e-6 apart on 0.05 V steps"},
    "step_rc_tran": {"meas": {"rel": 1e-3},
                     "why": ".step param cval list 0.5n 1n 2n; every run against its own ngspice run with "
                            "the value substituted (ngspice 39 has no .step): waveforms 1 % p-p, .meas 1e-3 "
                            "relative, as a_rc_pulse and meas_rc_tran"},
    "meas_ac": {"meas": {"rel": 1e-5}, "meas_each": {"ph1k": {"scale": 57.29577951308232}},
                "why": ".meas ac on an RC-RC low-pass (WHEN vdb, FIND vdb/vp/vm/vr/vi AT, MAX vm): 1e-5 "
                       "relative (a linear solve at the same frequencies); vp: ngspice 39 measures "
                       "radians, spinspice degrees (as .print), hence the scale"},
    "m_diode_dc": {"why": "nonlinear DC sweep incl. breakdown at reltol 1e-7 (set in the netlist; "
                          "the converged points differ by < 1e-7 relative from a reltol 1e-12 "
                          "run): default 1e-6 relative"},
}


# ------------------------------------------------------------------------------------ loading
def analysis_type(netlist):
    """The analysis card of a regression netlist (one per netlist)."""
    with open(netlist) as f:
        for line in f:
            tok = line.strip().lower().split()
            if tok and tok[0] in (".op", ".dc", ".ac", ".tran"):
                return tok[0][1:]
    raise ValueError(f"{netlist}: no analysis card")


def load_ref(path, probes, kind):
    """ngspice wrdata file -> (scale array, {probe: real or complex array})."""
    with open(path) as f:
        header = f.readline().split()
    data = np.loadtxt(path, skiprows=1, ndmin=2)
    scale = data[:, 0]
    cols = data[:, 1:]
    out = {}
    if kind == "ac":
        if cols.shape[1] != 2 * len(probes):
            raise ValueError(f"{path}: {cols.shape[1]} columns for {len(probes)} complex probes")
        for k, p in enumerate(probes):
            out[p] = cols[:, 2 * k] + 1j * cols[:, 2 * k + 1]
    else:
        if cols.shape[1] != len(probes):
            raise ValueError(f"{path}: {cols.shape[1]} columns for {len(probes)} probes")
        for k, p in enumerate(probes):
            out[p] = cols[:, k]
    names = [h.lower() for h in header[1:]]
    for p in probes:
        if p not in names:
            raise ValueError(f"{path}: header {header} lacks {p}")
    return scale, out


def spin_signal(an, name):
    v = an["signals"].get(name)
    if v is None:
        return None
    if isinstance(v, dict):
        return np.asarray(v["re"], float) + 1j * np.asarray(v["im"], float)
    return np.asarray(v, float)


def pick_analysis(doc, kind, index=0):
    """The index-th analysis of that type (the index-th .step run)."""
    found = [an for an in doc.get("analyses", []) if an.get("type") == kind]
    return found[index] if index < len(found) else None


def step_list(netlist):
    """[(param, value)] of a `.step param NAME list v1 v2 ...` card (plain numbers), or None."""
    m = re.search(r"^\.step\s+(?:param\s+)?(\w+)\s+list\s+(.+)$", open(netlist).read(), re.I | re.M)
    return [(m.group(1).lower(), float(v)) for v in m.group(2).split()] if m else None


# ------------------------------------------------------------------------------ comparisons
class RangeMinMax:
    """Sparse tables for O(1) min/max over index ranges [lo, hi)."""

    def __init__(self, y):
        self.mins, self.maxs = [y], [y]
        k = 1
        while 2 * k <= len(y):
            a, b = self.mins[-1], self.maxs[-1]
            self.mins.append(np.minimum(a[:-k], a[k:]))
            self.maxs.append(np.maximum(b[:-k], b[k:]))
            k *= 2

    def query(self, lo, hi):
        n = hi - lo
        j = np.floor(np.log2(np.maximum(n, 1))).astype(int)
        w = 1 << j
        mn = np.empty(len(lo))
        mx = np.empty(len(lo))
        for jj in np.unique(j):
            sel = j == jj
            ww = 1 << jj
            mn[sel] = np.minimum(self.mins[jj][lo[sel]], self.mins[jj][hi[sel] - ww])
            mx[sel] = np.maximum(self.maxs[jj][lo[sel]], self.maxs[jj][hi[sel] - w[sel]])
        return mn, mx


def tran_deviation(t_ref, y_ref, t_sp, y_sp, ttol):
    """Max deviation of spinspice (interpolated at ngspice's points) from ngspice; with ttol > 0
    the distance to the reference's [min, max] over [t - ttol, t + ttol]. Returns (dev, t_at)."""
    ys = np.interp(t_ref, t_sp, y_sp)
    if ttol <= 0:
        d = np.abs(ys - y_ref)
    else:
        lo = np.searchsorted(t_ref, t_ref - ttol, "left")
        hi = np.searchsorted(t_ref, t_ref + ttol, "right")
        mn, mx = RangeMinMax(y_ref).query(lo, hi)
        e1 = np.interp(np.clip(t_ref - ttol, t_ref[0], t_ref[-1]), t_ref, y_ref)
        e2 = np.interp(np.clip(t_ref + ttol, t_ref[0], t_ref[-1]), t_ref, y_ref)
        mn = np.minimum(mn, np.minimum(e1, e2))
        mx = np.maximum(mx, np.maximum(e1, e2))
        d = np.maximum(0.0, np.maximum(ys - mx, mn - ys))
    k = int(np.argmax(d))
    return float(d[k]), float(t_ref[k])


def is_current(name):
    return name.startswith("i(")


def fmt(x):
    return f"{x:.3e}"


class Row:
    def __init__(self, case, signal, dev, tol, ok, pts, note=""):
        self.case, self.signal, self.dev, self.tol, self.ok, self.pts, self.note = \
            case, signal, dev, tol, ok, pts, note


def compare_step(name, json_path, kind, probes, spec, k, param, value):
    """Rows for the k-th .step run against ref/NAME.step<k+1>.* (ngspice run with the value)."""
    rows = compare_case(name, json_path, kind, probes, spec, step=(k, param, value))
    for r in rows:
        r.case = f"{name}.step{k + 1}"
    return rows


def compare_case(name, json_path, kind, probes, spec, step=None):
    """Returns a list of Rows for one case (spinspice already run); `step` = (k, param, value)."""
    rows = []
    ref_name = name if step is None else f"{name}.step{step[0] + 1}"
    scale_ref, ref = load_ref(os.path.join(HERE, "ref", ref_name + ".txt"), probes, kind)
    try:
        with open(json_path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return [Row(name, "-", None, None, False, "", f"cannot read {json_path}: {e}")]
    an = pick_analysis(doc, kind, 0 if step is None else step[0])
    if an is None:
        return [Row(name, "-", None, None, False, "", f"no '{kind}' analysis in the JSON")]
    if step is not None and \
            abs(an.get("step", {}).get(step[1], float("nan")) - step[2]) > 1e-12 * abs(step[2]):
        return [Row(name, "step", None, None, False, "",
                    f"step values {an.get('step')} != {step[1]}={step[2]:g}")]
    n_ref = len(scale_ref)

    if kind == "tran":
        t_sp = spin_signal(an, "time")
        if t_sp is None:
            return [Row(name, "-", None, None, False, "", "no 'time' vector")]
        pts = f"{len(t_sp)}/{n_ref}"
        if np.any(np.diff(t_sp) < 0):
            return [Row(name, "time", None, None, False, pts, "time not monotonic")]
        span = scale_ref[-1] - scale_ref[0]
        if abs(t_sp[0] - scale_ref[0]) > 1e-9 * span or abs(t_sp[-1] - scale_ref[-1]) > 1e-9 * span:
            return [Row(name, "time", None, None, False, pts,
                        f"time range [{t_sp[0]:g}, {t_sp[-1]:g}] != [{scale_ref[0]:g}, {scale_ref[-1]:g}]")]
    else:
        pts = None

    for p in probes:
        ys = spin_signal(an, p)
        if ys is None:
            rows.append(Row(name, p, None, None, False, pts or "", "missing in spinspice output"))
            continue
        yr = ref[p]
        tol_spec = dict({"tran": TRAN_TOL, "dc": DC_TOL, "op": DC_TOL, "ac": AC_TOL}[kind])
        tol_spec.update(spec.get(kind, {}))
        tol_spec.update(spec.get("signals", {}).get(p, {}))

        if kind == "tran":
            floor = tol_spec["abs_i"] if is_current(p) else tol_spec["abs_v"]
            tol = tol_spec["rel_pp"] * float(np.ptp(yr)) + floor
            dev, t_at = tran_deviation(scale_ref, yr, t_sp, ys, tol_spec["ttol"])
            note = f"{tol_spec['rel_pp'] * 100:g}% p-p, at t={t_at:.4g}"
            if tol_spec["ttol"] > 0:
                plain, _ = tran_deviation(scale_ref, yr, t_sp, ys, 0.0)
                note += f", ttol {tol_spec['ttol']:g} s (pointwise {fmt(plain)})"
            rows.append(Row(name, p, dev, tol, dev <= tol, pts, note))
            continue

        if len(ys) != n_ref:
            rows.append(Row(name, p, None, None, False, f"{len(ys)}/{n_ref}", "point count differs"))
            continue
        pts = f"{len(ys)}/{n_ref}"
        if kind == "dc":
            sw = spin_signal(an, an.get("sweep") or "")
            rng = float(np.ptp(scale_ref)) or 1.0
            if sw is None or len(sw) != n_ref or np.max(np.abs(sw - scale_ref)) > 1e-9 * rng:
                rows.append(Row(name, p, None, None, False, pts, "sweep values differ"))
                continue
        if kind == "ac":
            f_sp = spin_signal(an, "frequency")
            if f_sp is None or np.max(np.abs(np.real(f_sp) - scale_ref) / scale_ref) > 1e-9:
                rows.append(Row(name, p, None, None, False, pts, "frequencies differ"))
                continue
            mr, ms = np.abs(yr), np.abs(ys)
            tol_m = tol_spec["mag_rel"] * mr + tol_spec["mag_floor"] * mr.max()
            ratio = np.abs(ms - mr) / tol_m
            k = int(np.argmax(ratio))
            rows.append(Row(name, f"|{p}|", float(abs(ms[k] - mr[k])), float(tol_m[k]),
                            bool(ratio[k] <= 1), pts, f"rel {abs(ms[k] - mr[k]) / max(mr[k], 1e-300):.2e} "
                                                      f"at f={scale_ref[k]:.4g}"))
            sel = mr > 1e-9 * mr.max()
            dph = np.abs(np.angle(ys[sel] * np.conj(yr[sel])))
            k = int(np.argmax(dph)) if dph.size else 0
            dmax = float(dph[k]) if dph.size else 0.0
            rows.append(Row(name, f"arg {p}", dmax, tol_spec["phase"], dmax <= tol_spec["phase"], pts,
                            f"rad at f={scale_ref[sel][k]:.4g}" if dph.size else "no defined phase"))
            continue
        # dc / op
        floor = tol_spec["abs_i"] if is_current(p) else tol_spec["abs_v"]
        tol = tol_spec["rel"] * np.abs(yr) + floor
        d = np.abs(ys - yr)
        k = int(np.argmax(d / tol))
        at = f"at {an.get('sweep')}={scale_ref[k]:.4g}, " if kind == "dc" else ""
        rows.append(Row(name, p, float(d[k]), float(tol[k]), bool(d[k] <= tol[k]), pts,
                        f"{at}rel {d[k] / abs(yr[k]):.2e}" if abs(yr[k]) > 1e-30 else f"{at}ref 0"))
    if kind == "tran" and "frequency" in spec:
        rows.append(frequency_row(name, spec["frequency"], scale_ref, ref, t_sp, an, pts))
    return rows + compare_measurements(ref_name, an, spec)


def load_ref_meas(name):
    """ref/NAME.meas -> {name: float or None (ngspice failed)}, or None without .meas cards."""
    path = os.path.join(HERE, "ref", name + ".meas")
    if not os.path.isfile(path):
        return None
    out = {}
    for line in open(path):
        tok = line.split()
        if tok and not tok[0].startswith("#"):
            out[tok[0].lower()] = None if tok[1] == "failed" else float(tok[1])
    return out


def meas_tol(spec, meas_name):
    tol = dict(MEAS_TOL)
    tol.update(spec.get("meas", {}))
    tol.update(spec.get("meas_each", {}).get(meas_name, {}))
    return tol


def compare_measurements(name, an, spec):
    """One Row per .meas result of ref/NAME.meas against the analysis' "measurements"."""
    ref = load_ref_meas(name)
    if ref is None:
        return []
    rows = []
    got = an.get("measurements", {})
    for m, ng in ref.items():
        label = f"meas {m}"
        sp = got.get(m)
        if sp is None:
            rows.append(Row(name, label, None, None, False, "", "missing in spinspice output"))
            continue
        if ng is None or isinstance(sp, dict):
            ok = ng is None and isinstance(sp, dict)
            note = ("failed in both" if ok else
                    f"ngspice failed, spinspice {sp}" if ng is None else f"spinspice: {sp.get('error')}")
            rows.append(Row(name, label, None, None, ok, "", note))
            continue
        tol = meas_tol(spec, m)
        expected = tol["scale"] * ng
        dev = abs(sp - expected)
        limit = tol["rel"] * abs(expected) + tol["abs"]
        rows.append(Row(name, label, dev, limit, dev <= limit, "",
                        f"spinspice {sp:.7g}, ngspice {expected:.7g}" +
                        (f" (x{tol['scale']:.6g})" if tol["scale"] != 1.0 else "")))
    return rows


def oscillation_frequency(t, y, level, after):
    """Mean frequency from the rising crossings of `level` after time `after` (interpolated)."""
    k = np.nonzero((y[:-1] < level) & (y[1:] >= level))[0]
    tc = t[k] + (t[k + 1] - t[k]) * (level - y[k]) / (y[k + 1] - y[k])
    tc = tc[tc > after]
    if len(tc) < 3:
        return None
    return (len(tc) - 1) / (tc[-1] - tc[0])


def frequency_row(name, fspec, t_ref, ref, t_sp, an, pts):
    sig = fspec["signal"]
    f_ref = oscillation_frequency(t_ref, ref[sig], fspec["level"], fspec["after"])
    ys = spin_signal(an, sig)
    f_sp = oscillation_frequency(t_sp, ys, fspec["level"], fspec["after"]) if ys is not None else None
    if f_ref is None or f_sp is None:
        return Row(name, f"freq {sig}", None, None, False, pts, "fewer than 3 crossings")
    dev = abs(f_sp - f_ref) / f_ref
    return Row(name, f"freq {sig}", dev, fspec["rel"], dev <= fspec["rel"], pts,
               f"relative; spinspice {f_sp:.6g} Hz, ngspice {f_ref:.6g} Hz")


def run_spinspice(exe, netlist, json_path, timeout):
    """Returns None when spinspice ran fine, else a failure description."""
    if os.path.exists(json_path):
        os.remove(json_path)
    try:
        r = subprocess.run([exe, "-o", json_path, netlist], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout} s"
    except OSError as e:
        return f"cannot run {exe}: {e}"
    err = (r.stderr or "").strip().splitlines()
    if r.returncode < 0:
        return f"crashed (signal {-r.returncode}) " + " | ".join(err[-2:])
    if r.returncode != 0:
        return f"exit {r.returncode}: " + " | ".join(err[-3:])
    if "terminate called" in r.stderr or "Segmentation" in r.stderr:
        return "crash message on stderr: " + " | ".join(err[-2:])
    if not os.path.isfile(json_path):
        return f"exit 0 but no {json_path}"
    return None


def describe_meas_tol(name, spec):
    """"; .meas 1e-3 rel (x: ...)" for a case with .meas references, else ""."""
    refs = [f for f in os.listdir(os.path.join(HERE, "ref"))
            if f.startswith(name + ".") and f.endswith(".meas")]
    if not refs:
        return ""
    tol = meas_tol(spec, "")
    each = ", ".join(f"{m}: " + " ".join(f"{k} {v:g}" for k, v in over.items())
                     for m, over in spec.get("meas_each", {}).items())
    return f"; .meas {tol['rel']:g} rel" + (f" ({each})" if each else "")


def describe_tol(kind, spec):
    def one(t):
        if kind == "tran":
            d = f"{t['rel_pp'] * 100:g}% p-p + {t['abs_v']:g} V/{t['abs_i']:g} A"
            return d + (f", ttol {t['ttol']:g} s" if t["ttol"] > 0 else "")
        if kind == "ac":
            return f"|z| {t['mag_rel']:g} rel + {t['mag_floor']:g} max|z|, phase {t['phase']:g} rad"
        return f"{t['rel']:g} rel + {t['abs_v']:g} V/{t['abs_i']:g} A"
    base = dict({"tran": TRAN_TOL, "dc": DC_TOL, "op": DC_TOL, "ac": AC_TOL}[kind])
    base.update(spec.get(kind, {}))
    out = one(base)
    for sig, over in spec.get("signals", {}).items():
        out += f"; {sig}: {one(dict(base, **over))}"
    return out


def main():
    ap = argparse.ArgumentParser(description="Compare spinspice with ngspice 39 references.")
    ap.add_argument("--spinspice", help="spinspice executable")
    ap.add_argument("--workdir", help="directory for spinspice's JSON output")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per spinspice run")
    ap.add_argument("--no-run", action="store_true", help="compare the JSON already in --workdir")
    ap.add_argument("--list", action="store_true", help="list cases and tolerances, then exit")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    all_names = sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".cir"))
    names = args.names or all_names
    unknown = [n for n in names if n not in all_names]
    if unknown:
        ap.error(f"unknown case(s): {' '.join(unknown)} (known: {' '.join(all_names)})")
    if args.list:
        for n in names:
            kind = analysis_type(os.path.join(HERE, n + ".cir"))
            spec = CASES.get(n, {})
            print(f"{n:18s} {kind:4s} {describe_tol(kind, spec)}{describe_meas_tol(n, spec)}\n"
                  f"{'':23s}{spec.get('why', '')}")
        return 0
    if not args.workdir or (not args.spinspice and not args.no_run):
        ap.error("--spinspice and --workdir are required")
    os.makedirs(args.workdir, exist_ok=True)

    print("spinspice vs ngspice-39 references (tests/regression/ref)")
    print("tolerances: tran max|dev| <= 1% (0.1% where stated) of ngspice peak-to-peak + 1uV/1nA, "
          "spinspice interpolated at ngspice's steps (ttol: +-time window); dc/op <= 1e-6 rel + "
          "1e-9 V/1e-12 A; ac |z| <= 1e-6 rel + 1e-9 max|z|, phase <= 1e-4 rad")
    hdr = f"{'case':18s} {'signal':14s} {'max|dev|':>10s} {'tolerance':>10s} {'result':6s} " \
          f"{'points sp/ng':>13s}  note"
    print(hdr)
    print("-" * len(hdr))
    passed = failed = 0
    for n in names:
        netlist = os.path.join(HERE, n + ".cir")
        kind = analysis_type(netlist)
        probes = [p.lower() for p in open(os.path.join(HERE, n + ".probes")).read().split()]
        json_path = os.path.join(args.workdir, n + ".json")
        failure = None if args.no_run else run_spinspice(args.spinspice, netlist, json_path,
                                                         args.timeout)
        if failure:
            rows = [Row(n, "-", None, None, False, "", "spinspice " + failure)]
        else:
            try:
                steps = step_list(netlist)
                if steps is None:
                    rows = compare_case(n, json_path, kind, probes, CASES.get(n, {}))
                else:
                    spec = CASES.get(n, {})
                    rows = [r for k, (param, value) in enumerate(steps)
                            for r in compare_step(n, json_path, kind, probes, spec, k, param, value)]
            except (ValueError, KeyError, TypeError) as e:
                rows = [Row(n, "-", None, None, False, "", f"comparison error: {e}")]
        for r in rows:
            dev = fmt(r.dev) if r.dev is not None else "-"
            tol = fmt(r.tol) if r.tol is not None else "-"
            print(f"{r.case:18s} {r.signal:14s} {dev:>10s} {tol:>10s} {'PASS' if r.ok else 'FAIL':6s} "
                  f"{r.pts or '':>13s}  {r.note}")
        ok = all(r.ok for r in rows)
        print(f"{'':18s} => {n}: {'PASS' if ok else 'FAIL'} ({kind}; {describe_tol(kind, CASES.get(n, {}))}"
              f"{describe_meas_tol(n, CASES.get(n, {}))})")
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
