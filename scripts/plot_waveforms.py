#!/usr/bin/env python3
"""Plot the results of a spinspice run (its -o FILE.json) to an image.

Usage: plot_waveforms.py FILE.json -o FILE.png [--signals SIG ...] [--analysis NAME ...]
                         [--max-signals N] [--title TEXT] [--dpi N]

One panel per analysis (all of them, or those named with --analysis):
  tran, dc  the signals against the sweep vector (time, or the first swept source); node voltages
            on the left y axis, currents (i(...)) on a right-hand axis. A nested .dc sweep
            (flattened, first source fastest) is drawn as one curve per outer step.
  ac        magnitude in dB (20 log10 |z|) and phase in degrees against log frequency, two axes.
  op        a horizontal bar chart of the values, voltages and currents in separate charts.
--signals selects signals by name (case-insensitive, shell wildcards allowed: 'v(x1.*)');
the default is every signal, up to --max-signals (default 12) per analysis.
Uses matplotlib with the Agg backend (no display needed). Works on any spinspice JSON.
"""
import argparse
import fnmatch
import json
import math
import os
import sys

try:
    import numpy as np
    import matplotlib
except ImportError:  # re-run with the system interpreter (Debian python3-numpy/-matplotlib)
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("plot_waveforms.py: numpy and matplotlib are required "
             "(Debian: apt-get install python3-numpy python3-matplotlib)")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import EngFormatter  # noqa: E402

SWEEP_UNITS = {"time": "s", "frequency": "Hz"}


def is_state(name):
    """Device-internal states ("n1.mz", "n1.x") are named without v()/i()."""
    return not (name.startswith("v(") or name.startswith("i(") or name.startswith("v-") or name.startswith("i-"))


def is_current(name):
    return name.lower().startswith("i(")


def select(names, patterns, limit):
    """Signal names to plot, in file order; (names, number left out)."""
    if patterns:
        pats = [p.lower() for p in patterns]
        chosen = [n for n in names if any(fnmatch.fnmatchcase(n.lower(), p) for p in pats)]
    else:
        chosen = list(names)
    return chosen[:limit], max(0, len(chosen) - limit)


def sweep_segments(x):
    """Index ranges of monotonic runs: a flattened nested sweep restarts the inner sweep."""
    if len(x) < 2:
        return [(0, len(x))]
    d = np.diff(x)
    direction = np.sign(d[np.nonzero(d)[0][0]]) if np.any(d) else 1.0
    breaks = np.nonzero(np.sign(d) == -direction)[0] + 1
    edges = [0] + list(breaks) + [len(x)]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def plot_sweep(ax, an, names, omitted, states=False):
    sweep = an.get("sweep") or "time"
    sig = an["signals"]
    x = np.asarray(sig.get(sweep, []), float)
    if x.size == 0:
        ax.text(0.5, 0.5, f"no sweep vector '{sweep}'", ha="center", transform=ax.transAxes)
        return
    segs = sweep_segments(x) if an.get("type") == "dc" else [(0, len(x))]
    volts = [n for n in names if n != sweep and not is_current(n)]
    amps = [n for n in names if n != sweep and is_current(n)]
    ax2 = ax.twinx() if amps and volts else None
    cur_ax = ax2 if ax2 is not None else ax
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    lines = []
    for k, n in enumerate(volts + amps):
        a = cur_ax if n in amps else ax
        y = np.asarray(sig[n], float)
        style = "--" if (n in amps and ax2 is not None) else "-"
        for s, (i0, i1) in enumerate(segs):
            ln, = a.plot(x[i0:i1], y[i0:i1], style, color=colors[k % len(colors)], lw=1.2,
                         label=n if s == 0 else None)
            if s == 0:
                lines.append(ln)
    ax.xaxis.set_major_formatter(EngFormatter(unit=SWEEP_UNITS.get(sweep, "V" if sweep.startswith("v") else "A" if sweep.startswith("i") else "")))
    ax.set_xlabel(sweep + (f"  ({len(segs)} outer sweep steps)" if len(segs) > 1 else ""))
    if volts and states:
        ax.set_ylabel("device state")
    elif volts:
        ax.set_ylabel("voltage")
        ax.yaxis.set_major_formatter(EngFormatter(unit="V"))
    if amps:
        cur_ax.set_ylabel("current" + (" (dashed)" if ax2 is not None else ""))
        cur_ax.yaxis.set_major_formatter(EngFormatter(unit="A"))
    ax.grid(True, alpha=0.3)
    if lines:
        extra = [f"(+{omitted} more)"] if omitted else []
        ax.legend(lines + [plt.Line2D([], [], lw=0)] * len(extra), [l.get_label() for l in lines] + extra,
                  fontsize=7, loc="best", ncol=2 if len(lines) > 6 else 1)


def complex_of(v):
    if isinstance(v, dict):
        return np.asarray(v["re"], float) + 1j * np.asarray(v["im"], float)
    return np.asarray(v, float).astype(complex)


def plot_ac(ax_mag, ax_ph, an, names, omitted):
    sig = an["signals"]
    f = np.asarray(complex_of(sig.get("frequency", [])).real)
    names = [n for n in names if n != "frequency"]
    for n in names:
        z = complex_of(sig[n])
        absz = np.abs(z)
        mag = np.full(absz.shape, np.nan)
        mag[absz > 0] = 20 * np.log10(absz[absz > 0])  # an exactly zero response is not drawn
        ph = np.degrees(np.unwrap(np.angle(z)))
        style = "--" if is_current(n) else "-"
        ax_mag.semilogx(f, mag, style, lw=1.2, label=n + (" (A)" if is_current(n) else ""))
        ax_ph.semilogx(f, ph, style, lw=1.2, label=n)
    lo, hi = ax_mag.get_ylim()
    if hi - lo > 300:  # keep 300 dB of range: -300 dB is numerical noise
        ax_mag.set_ylim(hi - 300, hi)
    ax_mag.set_ylabel("magnitude (dB)")
    ax_ph.set_ylabel("phase (deg)")
    ax_ph.set_xlabel("frequency")
    for a in (ax_mag, ax_ph):
        a.xaxis.set_major_formatter(EngFormatter(unit="Hz"))
        a.grid(True, which="both", alpha=0.3)
    if names:
        ax_mag.legend(fontsize=7, loc="best", title=f"+{omitted} more" if omitted else None)


def plot_op(ax, an, names, omitted):
    sig = an["signals"]
    vals = []
    for n in names:
        v = sig[n]
        if isinstance(v, dict):
            v = [math.hypot(v["re"][0], v["im"][0])]
        vals.append((n, float(v[0]) if len(v) else float("nan")))
    volts = [(n, v) for n, v in vals if not is_current(n)]
    amps = [(n, v) for n, v in vals if is_current(n)]
    labels = [f"{n} = {EngFormatter(unit='V', places=4)(v)}" for n, v in volts] + \
             [f"{n} = {EngFormatter(unit='A', places=4)(v)}" for n, v in amps]
    y = np.arange(len(labels))
    if not labels:
        ax.text(0.5, 0.5, "no values", ha="center", transform=ax.transAxes)
        return
    # voltages and currents have different scales: normalise each group to its own max |value|
    vmax = max([abs(v) for _, v in volts] or [1]) or 1
    imax = max([abs(v) for _, v in amps] or [1]) or 1
    widths = [v / vmax for _, v in volts] + [v / imax for _, v in amps]
    colors = ["tab:blue"] * len(volts) + ["tab:orange"] * len(amps)
    ax.barh(y, widths, color=colors)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7, family="monospace")
    ax.invert_yaxis()
    ax.axvline(0, color="k", lw=0.6)
    kinds = ([f"voltages: blue, max {EngFormatter(unit='V')(vmax)}"] if volts else []) + \
            ([f"currents: orange, max {EngFormatter(unit='A')(imax)}"] if amps else [])
    ax.set_xlabel("value / max |value| of its kind (" + "; ".join(kinds) + ")"
                  + (f"; {omitted} more not shown" if omitted else ""), fontsize=8)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json_file")
    ap.add_argument("-o", "--output", required=True, help="image file (.png, .svg, .pdf)")
    ap.add_argument("--signals", nargs="+", help="signal names or wildcards")
    ap.add_argument("--analysis", nargs="+", help="analysis names (e.g. tran1) or types (tran)")
    ap.add_argument("--max-signals", type=int, default=12)
    ap.add_argument("--title")
    ap.add_argument("--dpi", type=int, default=120)
    args = ap.parse_args()

    try:
        with open(args.json_file) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"plot_waveforms.py: cannot read {args.json_file}: {e}", file=sys.stderr)
        return 2
    analyses = doc.get("analyses", [])
    if args.analysis:
        want = [a.lower() for a in args.analysis]
        analyses = [a for a in analyses if a.get("name", "").lower() in want or a.get("type") in want]
    if not analyses:
        print("plot_waveforms.py: no analysis to plot" + (f" (have: {', '.join(a.get('name', '?') for a in doc.get('analyses', []))})"
                                                          if doc.get("analyses") else ""), file=sys.stderr)
        return 1

    # build the grid: one row per panel
    rows, row_h = [], []
    for an in analyses:
        if an.get("type") == "ac":
            rows += [(an, "mag"), (an, "phase")]
            row_h += [1.0, 0.8]
        elif an.get("type") == "op":
            n = min(len(an.get("signals", {})), args.max_signals)
            rows.append((an, "op"))
            row_h.append(max(1.3, 0.22 * n))
        else:
            sweep = an.get("sweep")
            names = [n for n in an.get("signals", {}) if n != sweep]
            if any(not is_state(n) for n in names) or not names:
                rows.append((an, "sweep"))
                row_h.append(1.4)
            if any(is_state(n) for n in names):  # device states get their own panel
                rows.append((an, "states"))
                row_h.append(1.1)
    fig, axes = plt.subplots(len(rows), 1, figsize=(9, 2.6 * sum(row_h)),
                             gridspec_kw={"height_ratios": row_h}, squeeze=False)
    axes = axes[:, 0]
    title = args.title or doc.get("title") or os.path.basename(args.json_file)
    fig.suptitle(title, fontsize=11)
    k = 0
    while k < len(rows):
        an, what = rows[k]
        sig = an.get("signals", {})
        sweep = an.get("sweep")
        names = [n for n in sig if n != sweep and n != "frequency"]
        chosen, omitted = select(names, args.signals, args.max_signals)
        head = f"{an.get('name', '?')} ({an.get('type', '?')})"
        st = an.get("stats") or {}
        if st:
            head += "  " + ", ".join(f"{key} {st[key]}" for key in ("accepted", "rejected", "iterations") if key in st)
        ax = axes[k]
        ax.set_title(head, fontsize=9, loc="left")
        if what == "mag":
            plot_ac(ax, axes[k + 1], an, chosen, omitted)
            k += 2
            continue
        if what == "op":
            plot_op(ax, an, chosen, omitted)
        elif what == "states":
            plot_sweep(ax, an, [n for n in chosen if is_state(n)], 0, states=True)
        else:
            plot_sweep(ax, an, [n for n in chosen if not is_state(n)], omitted)
        k += 1
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(args.output, dpi=args.dpi)
    print(f"wrote {args.output} ({len(analyses)} analyses)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
