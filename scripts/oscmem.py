#!/usr/bin/env python3
"""Coupled-oscillator associative memory (Hoppensteadt and Izhikevich, PRL 82, 2983 (1999); Nikonov et
al., IEEE JXCDC 1, 85 (2015)) with `stno` neurons: the stored patterns are phase patterns, pixel +1 at
phase 0 and -1 at phase pi relative to a reference, and the network phase-locks to the stored pattern
nearest its initial phases.

Phase model (the software reference, integrated here in numpy): N identical oscillators whose phases
obey
    dphi_i/dt = K sum_j W_ij sin(phi_j - phi_i),   W = (1/N) sum_mu xi^mu xi^mu^T, W_ii = 0,
a gradient flow of E = -(K/2) sum_ij W_ij cos(phi_i - phi_j): binary phase patterns +-xi^mu are its
minima at low load (Hoppensteadt-Izhikevich; Nishikawa, Lai, Hoppensteadt, PRL 92, 108101 (2004)).

The circuit (netlist): oscillator i is an `stno` (vortex-like, f0 = 300 MHz, isochronous: nshift = 0)
biased by a DC current source. Its RF voltage, v_i - Idc r0 = -Idc dr sqrt(p) cos(phi_i) (R = r0 - dr
Re c), is copied by two buffers as +u_i and -u_i. Hebb's weights are the conductances of a resistive
network: oscillator i's summing node `s<i>`, held at virtual ground (a 0 V source, the input of a
current amplifier), is connected to -u_j (W_ij > 0) or +u_j (W_ij < 0) of every other oscillator
through r_unit/(N |W_ij|), and the amplifier (a CCCS of gain `gain`) injects the summed current into
oscillator i (Nikonov et al., fig. 2: weights as conductances, signs from the inverted copies). The
attracting (positive) weight takes the inverted copy because the RF voltage is in antiphase with Re c.
The injected current drives oscillator i through the injection force lambdaf i(t) (device-physics eq.
4.3), whose resonant part lambdaf i_rf/2 turns the phase at (lambdaf i_rf/2)/sqrt(p) sin(phi_j - phi_i):
with all oscillators at the stationary power this is the phase model above with
    K = lambdaf gain Idc dr N / (2 r_unit)   (rad/s per unit weight; coupling_rate()).
What the circuit adds: the amplitudes respond to the injected current too (the phase model holds them
fixed), the oscillators can differ (detune=), and the injection is a real current that costs energy.

Readout: each oscillator's complex amplitude c_i = cr + i ci (its states) gives its phase; the pattern
is sign(cos(phi_i - phi_ref)), the reference being the mean direction of the doubled phases (the network
is invariant under a common phase shift, so +xi and -xi are the same memory).

Usage as a module: from oscmem import hebbian, corrupt, netlist, run_circuit, run_phase_model.
"""
from __future__ import annotations

import os
import sys

try:
    import numpy as np
except ImportError:  # re-run with the system interpreter (Debian python3-numpy)
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("oscmem.py: numpy is required (Debian: apt-get install python3-numpy)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hopfield import hopfield_binary, run_timed  # noqa: E402  (the netlist runner and the binary network)

# Vortex-like oscillator (device-physics 4.3: f ~ 250-400 MHz, quasi-isochronous, I_dc of several mA).
OSC = dict(f0=300e6, nshift=0.0, q=2.0, gammag=3e7, ith=4e-3, r0=100.0, dr=10.0, lambdaf=2e10)
IDC = 8e-3  # A: zeta = 2, p = (zeta - 1)/(zeta + q) = 0.25


def glyph(rows):
    """An image given as strings ('#' = +1, anything else = -1), flattened row by row."""
    return np.array([1.0 if c == "#" else -1.0 for row in rows for c in row])


# 8 x 8 letters whose pairwise overlaps are at most 1/16 (A, Z, L): Hebb's rule stores them without
# the crosstalk of similar images.
GLYPHS = {
    "A": ["..####..", ".##..##.", "##....##", "##....##", "########", "##....##", "##....##", "##....##"],
    "Z": ["########", "......##", ".....##.", "....##..", "..##....", ".##.....", "##......", "########"],
    "L": ["##......", "##......", "##......", "##......", "##......", "##......", "########", "########"],
    "X": ["##....##", ".##..##.", "..####..", "...##...", "...##...", "..####..", ".##..##.", "##....##"],
    "H": ["##....##", "##....##", "##....##", "########", "########", "##....##", "##....##", "##....##"],
}


hopfield = hopfield_binary  # the binary Hopfield network: the software reference of the same weights


def hebbian(patterns):
    """W = (1/N) sum_mu xi xi^T with a zero diagonal; patterns: (P, N) of +-1."""
    xi = np.asarray(patterns, float)
    w = xi.T @ xi / xi.shape[1]
    np.fill_diagonal(w, 0.0)
    return w


def corrupt(pattern, fraction, rng):
    """The pattern with round(fraction N) pixels flipped (chosen without repetition)."""
    out = np.array(pattern, float)
    flip = rng.choice(out.size, size=int(round(fraction * out.size)), replace=False)
    out[flip] *= -1
    return out


def stationary_power(idc=IDC, osc=OSC):
    zeta = idc / osc["ith"]
    return max(zeta - 1.0, 0.0) / (zeta + osc["q"])


def coupling_rate(n, r_unit, gain=1.0, idc=IDC, osc=OSC):
    """K (rad/s per unit weight) of the phase model the circuit realises (module docstring)."""
    return osc["lambdaf"] * gain * idc * osc["dr"] * n / (2.0 * r_unit)


def netlist(w, phases, r_unit=1e3, gain=1.0, tstop=300e-9, idc=IDC, osc=OSC, detune=None, title="oscillator memory"):
    """The circuit for weights w (N x N) starting from `phases` (rad). detune: per-oscillator f0 offsets
    (Hz, device variability). Saves every oscillator's cr, ci and what the energy needs."""
    n = w.shape[0]
    p0 = stationary_power(idc, osc)
    f0 = osc["f0"] + (np.zeros(n) if detune is None else np.asarray(detune, float))
    model = " ".join(f"{k}={v:.9g}" for k, v in osc.items() if k != "f0")
    lines = [title, f".model vortex stno ({model} dcrelax=1)", f"vref vref 0 dc {idc * osc['r0']:.9g}"]
    for i in range(n):
        lines += [f"ib{i} 0 h{i} dc {idc:.9g}",
                  f"n{i} h{i} 0 vortex f0={f0[i]:.12g} p0={p0:.9g} phi0={phases[i]:.12g}",
                  f"ep{i} up{i} 0 h{i} vref 1", f"em{i} um{i} 0 h{i} vref -1",
                  f"vs{i} s{i} 0 dc 0", f"f{i} 0 h{i} vs{i} {gain:.9g}"]
        for j in range(n):
            if j != i and w[i, j] != 0:
                src = f"um{j}" if w[i, j] > 0 else f"up{j}"
                lines.append(f"rc{i}_{j} {src} s{i} {r_unit / (n * abs(w[i, j])):.9g}")
    saves = [f"n{i}.cr n{i}.ci v(h{i}) i(vs{i})" for i in range(n)]
    lines += [".save " + " ".join(saves), f".tran {1 / (20 * osc['f0']):.6g} {tstop:.6g}", ".end"]
    return "\n".join(lines) + "\n"


run_circuit = run_timed  # (first analysis, wall seconds) of a netlist


def signal(analysis, name):
    s = analysis["signals"][name]
    return np.asarray(s["re"] if isinstance(s, dict) else s, float)


def circuit_phases(analysis, n):
    """(time, phases (T, N)) from the oscillators' states: phi = -arg(c) (c = sqrt(p) exp(-i phi))."""
    t = signal(analysis, "time")
    c = np.stack([signal(analysis, f"n{i}.cr") + 1j * signal(analysis, f"n{i}.ci") for i in range(n)], axis=1)
    return t, -np.angle(c)


def readout(phases):
    """Binary pattern(s) from phases (..., N): sign(cos(phi - phi_ref)) with phi_ref maximising the
    coherence |sum exp(i phi)| of the doubled phases (0 and pi are the same reference)."""
    z = np.exp(2j * phases).sum(axis=-1, keepdims=True)
    ref = np.angle(z) / 2
    s = np.sign(np.cos(phases - ref))
    s[s == 0] = 1
    return s


def overlaps(states, patterns):
    """|m_mu| = |xi^mu . s|/N for states (..., N) against patterns (P, N): (..., P)."""
    return np.abs(states @ np.asarray(patterns, float).T) / np.asarray(patterns).shape[1]


def run_phase_model(w, phases, k, tstop, dt=None, detune=None):
    """The phase model integrated by RK4, with per-oscillator frequency offsets `detune` (Hz) in the
    rotating frame: (times, phases (T, N))."""
    dt = dt or 0.02 / (k * max(np.abs(w).sum(axis=1).max(), 1e-30))
    offsets = np.zeros(len(phases)) if detune is None else 2 * np.pi * np.asarray(detune, float)
    steps = int(np.ceil(tstop / dt))
    dt = tstop / steps

    def rate(phi):
        return offsets + k * (w * np.sin(phi[None, :] - phi[:, None])).sum(axis=1)

    phi = np.array(phases, float)
    out = [phi.copy()]
    for _ in range(steps):
        k1 = rate(phi)
        k2 = rate(phi + 0.5 * dt * k1)
        k3 = rate(phi + 0.5 * dt * k2)
        k4 = rate(phi + dt * k3)
        phi = phi + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(phi.copy())
    return np.arange(steps + 1) * dt, np.array(out)


def retrieval_time(t, states, target):
    """The first time after which the readout equals +-target for good (None if it never does)."""
    m = overlaps(states, target[None, :])[:, 0]
    bad = np.nonzero(m < 1.0 - 1e-12)[0]
    if len(bad) == 0:
        return float(t[0])
    return float(t[bad[-1] + 1]) if bad[-1] + 1 < len(t) else None


def energy(analysis, w, r_unit, gain=1.0, until=None, idc=IDC, osc=OSC):
    """Joules spent from 0 to `until` (default: the end; integrals of v i dt): (bias sources, idc
    v(h_i); coupling, the buffers' power into the weight resistors, sum u_j^2/R_ij, plus the current
    amplifiers' output power, |gain i(vs_i) v(h_i)|)."""
    t = signal(analysis, "time")
    keep = t <= (t[-1] if until is None else until)
    t = t[keep]
    n = w.shape[0]
    h = np.stack([signal(analysis, f"v(h{i})")[keep] for i in range(n)], axis=1)
    bias = np.trapz(idc * h.sum(axis=1), t)
    u2 = (h - idc * osc["r0"]) ** 2
    resistors = np.trapz(u2 @ (n * np.abs(w).T / r_unit), t, axis=0).sum()  # sum_i sum_j u_j^2/R_ij
    amplifiers = sum(np.trapz(np.abs(gain * signal(analysis, f"i(vs{i})")[keep] * h[:, i]), t) for i in range(n))
    return float(bias), float(resistors + amplifiers)
