"""The plots people make of spinspice results (matplotlib; imported lazily, Agg when no display).

    ax = spinspice.plot_waveforms(result["tran1"], ["v(out)", "n1.mz"])
    ax = spinspice.plot_spectrum(result["tran1"], "v(out)")              # one-sided PSD, Welch-averaged
    ax = spinspice.plot_sweep(result["tran1"], "vw", "tswitch")          # a .meas against a .step parameter
    ax = spinspice.plot_histogram(states, exact={(0, 1): 0.4, ...})      # sampled states against a distribution
Each returns the matplotlib Axes it drew on (pass ax= to draw on your own).
"""

import collections
import os

import numpy as np


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib
    if not os.environ.get("DISPLAY") and matplotlib.get_backend().lower() not in ("agg", "pdf", "svg"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt.figure(figsize=(7, 4)).add_subplot(111)


def _sweep_label(analysis):
    units = {"time": "time (s)", "frequency": "frequency (Hz)"}
    return units.get(analysis.sweep, analysis.sweep)


def plot_waveforms(analysis, signals=None, *, ax=None):
    """Signals against the analysis' sweep variable (magnitude for .ac, on log axes)."""
    ax = _axes(ax)
    x = analysis[analysis.sweep] if analysis.sweep else None
    names = signals or [n for n in analysis if n != analysis.sweep][:12]
    if isinstance(names, str):
        names = [names]
    for name in names:
        y = analysis[name]
        if np.iscomplexobj(y):
            ax.loglog(x, np.abs(y), label=f"|{name}|")
        else:
            ax.plot(x, y, label=name)
    ax.set_xlabel(_sweep_label(analysis))
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def spectrum(t, y, segments=8):
    """One-sided power spectral density of a (possibly non-uniform) transient signal: resampled on a
    uniform grid, Hann-windowed, Welch-averaged over `segments` half-overlapping segments.
    Returns (frequency in Hz, PSD in units^2/Hz)."""
    t = np.asarray(t, float)
    y = np.asarray(y, float)
    n = max(64, len(t))
    grid = np.linspace(t[0], t[-1], n)
    u = np.interp(grid, t, y)
    dt = grid[1] - grid[0]
    length = max(16, 2 * n // (segments + 1))
    window = np.hanning(length)
    scale = 1.0 / (np.sum(window ** 2) / dt)
    psd = None
    count = 0
    for start in range(0, n - length + 1, length // 2):
        seg = u[start:start + length]
        p = np.abs(np.fft.rfft((seg - seg.mean()) * window)) ** 2 * scale
        psd = p if psd is None else psd + p
        count += 1
    psd = 2 * psd / count
    return np.fft.rfftfreq(length, dt), psd


def plot_spectrum(analysis, signal, *, ax=None, segments=8):
    """The PSD of one transient signal (log scale); returns the Axes."""
    ax = _axes(ax)
    f, p = spectrum(analysis["time"], analysis[signal], segments)
    ax.semilogy(f[1:], p[1:], label=signal)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("PSD (units$^2$/Hz)")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def plot_sweep(steps, param, measurement, *, ax=None, marker="o"):
    """A .meas result against a .step parameter (steps: result["tran1"] of a stepped run, or a list of
    (value, Result) pairs from simulate_many)."""
    ax = _axes(ax)
    if isinstance(steps, list):
        x = np.array([v for v, _ in steps], float)
        y = np.array([r.measurements.get(measurement.lower(), np.nan) for _, r in steps])
    else:
        x, y = steps.values(param), steps.measurement(measurement)
    ax.plot(x, y, marker=marker)
    ax.set_xlabel(param)
    ax.set_ylabel(measurement)
    ax.grid(alpha=0.3)
    return ax


def plot_histogram(samples, exact=None, *, ax=None):
    """Frequencies of sampled discrete states (a sequence of tuples or ints, e.g. p-bit configurations)
    against an exact distribution {state: probability}; returns the Axes."""
    ax = _axes(ax)
    counts = collections.Counter(tuple(s) if np.ndim(s) else s for s in samples)
    states = sorted(set(counts) | set(exact or {}))
    total = sum(counts.values())
    xs = np.arange(len(states))
    ax.bar(xs - 0.2, [counts.get(s, 0) / total for s in states], width=0.4, label=f"sampled ({total})")
    if exact:
        ax.bar(xs + 0.2, [exact.get(s, 0.0) for s in states], width=0.4, label="exact")
    ax.set_xticks(xs)
    ax.set_xticklabels(["".join(map(str, s)) if isinstance(s, tuple) else str(s) for s in states],
                       rotation=90 if len(states) > 16 else 0, fontsize="small")
    ax.set_ylabel("probability")
    ax.legend(fontsize="small")
    return ax
