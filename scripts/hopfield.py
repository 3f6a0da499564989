#!/usr/bin/env python3
"""Analog Hopfield network with domain-wall MTJ synapses (Borders et al., Appl. Phys. Express 10,
013007 (2017): 9 neurons, 3 x 3 patterns, learning by write pulses), as circuits.

The continuous Hopfield model (Hopfield, PNAS 81, 3088 (1984)),
    C du_i/dt = -u_i/R_i + sum_j T_ij V_j,   V_j = vs tanh(beta u_j),
is built from:
- neurons: behavioural amplifiers (B sources V = vs tanh(beta u) and its inverse -V) reading an input
  node u_i that carries a capacitance `cn` and a leak `rleak`. Behavioural rather than CMOS inverter
  pairs because what the study is about is the synapse: the amplifier only needs a sigmoid of high
  gain and a low-impedance output, and a transistor-level inverter pair would add two MOSFETs per
  neuron without changing the fixed points (its gain and offsets are the parameters kept here);
- synapses: `dwmtj` domain-wall memristors (mode=2: a depinning threshold, so read currents do not move
  the wall and write pulses do) in a crossbar. Weight T_ij = G+_ij - G-_ij: device (i, j, +) from the
  output line +V_j, device (i, j, -) from the inverted line -V_j, both into u_i. Each device conducts
  G(q) = f_P G_P + (1 - f_P) G_AP, f_P = (len - q)/len, so T_ij ranges over +-(G_P - G_AP) and the
  neuron's total input conductance sum_j (G+ + G-) is part of its 1/R_i.

Learning by pulses through the crossbar (program_netlist): in programming mode the neurons are off
and every row (the 2N output lines) and column (the N input lines) is driven. Device (i, j, s) is
written by a pulse of polarity p with the V/3 scheme: its row at p V, its column at 0, every other row
at p V/3 and every other column at 2 p V/3, so that it sees p V and every other device |V|/3, below the
depinning threshold. A positive pulse (current from row to column) moves the wall to larger q, lowering
G. One presentation of pattern xi applies to every pair i != j the Hebbian update of sign xi_i xi_j:
raise T_ij (G+ up: a negative pulse on (i, j, +); G- down: a positive pulse on (i, j, -)) when
xi_i xi_j = +1, lower it otherwise. The step each pulse makes depends on the device's conductance (the
drive current is V G(q)), and the walls stop at the track ends: the weights saturate, as Borders' did.
Presented every time (plain Hebbian learning), the saturating weights end as sign(sum xi_i xi_j) and
forget how many patterns agreed (a clipped Hebbian network); error-gated learning presents a pattern
to a neuron only when a recall through the circuit left that neuron wrong (the simulate -> read ->
program loop of examples/hopfield/hopfield.py), which stops writing once every pattern is recalled.

Recall (recall_netlist): the neurons start from a corrupted pattern (.ic on u_i) and the network
relaxes; the readout is a logic level per neuron: +1 above vs/2, -1 below -vs/2, undecided between.

Usage as a module: from hopfield import GLYPHS3, Crossbar, program, recall.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:  # re-run with the system interpreter (Debian python3-numpy)
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("hopfield.py: numpy is required (Debian: apt-get install python3-numpy)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# 3 x 3 letters a Hebbian network of 9 neurons recalls from every one-pixel corruption.
GLYPHS3 = {"L": "100100111", "+": "010111010", "7": "111001001"}

# The synapse: a 200 nm track over a 10 kOhm (P) / 20 kOhm (AP) junction; J = I/(50 nm x 1 nm).
# At 1 V the drive is 1e12 - 2e12 A/m^2, above the 0.8e12 depinning threshold; at 1/3 V (the V/3
# scheme's half-selected devices) and at the neurons' 0.2 V it is below.
DW = dict(mode=2, len=200e-9, rp=10e3, tmr=1.0, wtr=50e-9, ttr=1e-9, mu=2e-13, jdep=0.8e12)
NEURON = dict(vs=0.2, beta=1000.0, cn=1e-12, rleak=100e3)
VPROG, TPULSE, TEDGE, TGAP = 1.0, 10e-9, 0.2e-9, 1e-9


def glyph3(text):
    return np.array([1.0 if c == "1" else -1.0 for c in text])


def conductance(q, dw=DW):
    f_p = np.clip((dw["len"] - np.asarray(q, float)) / dw["len"], 0.0, 1.0)
    g_p = 1.0 / dw["rp"]
    return f_p * g_p + (1.0 - f_p) * g_p / (1.0 + dw["tmr"])


class Crossbar:
    """Wall positions q[i, j, s] (s = 0: device from +V_j, s = 1: from -V_j) and per-device mobility
    factors. Without `rng` every wall starts at mid-track (T = 0) and every device is the model; with
    it the walls start anywhere on the track (an unprogrammed array: random weights) and the mobilities
    spread lognormally by `mu_spread` (device-to-device variability of the depinning dynamics)."""

    def __init__(self, n, dw=DW, rng=None, mu_spread=0.0):
        self.n, self.dw = n, dw
        if rng is None:
            self.q = np.full((n, n, 2), dw["len"] / 2)
            self.mobility = np.ones((n, n, 2))
        else:
            self.q = rng.uniform(0.0, dw["len"], size=(n, n, 2))
            self.mobility = np.exp(mu_spread * rng.standard_normal((n, n, 2)))

    @staticmethod
    def from_weights(w, dw=DW, levels=0, spread=0.0, rng=None):
        """A crossbar programmed directly to the weights w (scaled so that max |w| is the largest T,
        G_P - G_AP): G+- = (G_P + G_AP)/2 +- T/2, each conductance rounded to `levels` equally spaced
        values (0: analog) and multiplied by 1 + spread * N(0, 1) (device variability), then turned
        into wall positions. The ideal programming the capacity study starts from."""
        n = w.shape[0]
        bar = Crossbar(n, dw)
        g_p = 1.0 / dw["rp"]
        g_ap = g_p / (1.0 + dw["tmr"])
        t = np.asarray(w, float) / max(np.abs(w).max(), 1e-300) * (g_p - g_ap)
        g = np.stack([(g_p + g_ap) / 2 + t / 2, (g_p + g_ap) / 2 - t / 2], axis=-1)
        f_p = (g - g_ap) / (g_p - g_ap)
        if levels > 1:
            f_p = np.round(f_p * (levels - 1)) / (levels - 1)
        if spread > 0:
            g = (f_p * g_p + (1 - f_p) * g_ap) * (1 + spread * rng.standard_normal(f_p.shape))
            f_p = (g - g_ap) / (g_p - g_ap)  # outside [0, 1]: the device's G_P/G_AP differ, clipped
        bar.q = dw["len"] * (1 - np.clip(f_p, 0.0, 1.0))
        return bar

    def device_line(self, i, j, s):
        mu = "" if self.mobility[i, j, s] == 1.0 else f" mu={self.dw['mu'] * self.mobility[i, j, s]:.9g}"
        return f"n{i}_{j}_{s} {_row(j, s)} u{i} syn q0={self.q[i, j, s]:.12g}{mu}"

    def devices(self):
        return [(i, j, s) for i in range(self.n) for j in range(self.n) if i != j for s in (0, 1)]

    def weights(self):
        """T = G+ - G- (S), zero diagonal."""
        g = conductance(self.q, self.dw)
        t = g[:, :, 0] - g[:, :, 1]
        np.fill_diagonal(t, 0.0)
        return t


def _model(dw):
    return ".model syn dwmtj (" + " ".join(f"{k}={v:.9g}" for k, v in dw.items()) + ")"


def _row(j, s):
    return f"vp{j}" if s == 0 else f"vm{j}"


def hebbian_pulses(pattern, neurons=None):
    """[(device, polarity)] of one presentation of `pattern` (module docstring), to the inputs of
    `neurons` (default: all)."""
    n = len(pattern)
    out = []
    for i in range(n) if neurons is None else neurons:
        for j in range(n):
            if i != j:
                c = pattern[i] * pattern[j]
                out += [((i, j, 0), -c), ((i, j, 1), c)]
    return out


def program_netlist(bar, pulses, vprog=VPROG, tpulse=TPULSE):
    """A transient writing `pulses` (each `tpulse` long) one after the other through the crossbar (V/3
    scheme)."""
    n = bar.n
    rows = [(j, s) for j in range(n) for s in (0, 1)]
    levels = {f"r{_row(j, s)}": [] for j, s in rows}
    levels.update({f"c{i}": [] for i in range(n)})
    t = TGAP
    points = {k: [(0.0, 0.0)] for k in levels}
    for (i, j, s), p in pulses:
        for key in levels:
            if key == f"r{_row(j, s)}":
                v = p * vprog
            elif key == f"c{i}":
                v = 0.0
            elif key.startswith("r"):
                v = p * vprog / 3
            else:
                v = 2 * p * vprog / 3
            if v != 0.0:
                points[key] += [(t, 0.0), (t + TEDGE, v), (t + TEDGE + tpulse, v), (t + 2 * TEDGE + tpulse, 0.0)]
        t += 2 * TEDGE + tpulse + TGAP
    lines = ["Hopfield crossbar: programming", _model(bar.dw)]
    for key, pts in points.items():
        node = key[1:] if key.startswith("r") else f"u{key[1:]}"
        pwl = " ".join(f"{a:.6g} {b:.6g}" for a, b in pts + [(t, 0.0)])
        lines.append(f"v{key} {node} 0 pwl({pwl})")
    lines += [bar.device_line(*d) for d in bar.devices()]
    lines += [".save " + " ".join(f"n{i}_{j}_{s}.q" for i, j, s in bar.devices()),
              f".tran {tpulse / 5:.6g} {t:.6g}", ".end"]
    return "\n".join(lines) + "\n"


def _wired(bar, wire):
    """Device lines and wire segments of the crossbar with `wire` ohms per cell pitch on every line. Row
    (j, s) (the output line +-V_j) runs from its amplifier across the columns i = 0 .. n-1; column i
    (neuron i's input line) runs across the 2n rows k = 2 j + s and ends at u_i. Device (i, j, s) sits at
    their crossing: the rows' far ends and the columns' far-from-neuron ends carry the largest IR drop."""
    n = bar.n
    lines = []
    for j in range(n):
        for s in (0, 1):
            prev = _row(j, s)
            for i in range(n):
                node = f"w{j}_{s}_{i}"
                lines.append(f"rw{j}_{s}_{i} {prev} {node} {wire:.9g}")
                prev = node
    for i in range(n):
        for k in range(2 * n):
            nxt = f"c{i}_{k + 1}" if k + 1 < 2 * n else f"u{i}"
            lines.append(f"rc{i}_{k} c{i}_{k} {nxt} {wire:.9g}")
    for i, j, s in bar.devices():
        mu = "" if bar.mobility[i, j, s] == 1.0 else f" mu={bar.dw['mu'] * bar.mobility[i, j, s]:.9g}"
        lines.append(f"n{i}_{j}_{s} w{j}_{s}_{i} c{i}_{2 * j + s} syn q0={bar.q[i, j, s]:.12g}{mu}")
    return lines


def recall_netlist(bar, start, u0=0.05, tstop=20e-9, neuron=NEURON, save_walls=True, points=200, save_power=False,
                   wire=0.0, start_params=False):
    """The network relaxing from u_i = u0 start_i (save_walls: also every wall position; save_power: the
    amplifiers' outputs and currents; wire > 0: the crossbar's lines have `wire` ohms per cell pitch,
    _wired; start_params: the start pattern as .param s<i>, for RecallCircuit)."""
    n = bar.n
    lines = ["Hopfield network: recall", _model(bar.dw)]
    for i in range(n):
        lines += [f"cn{i} u{i} 0 {neuron['cn']:.9g}", f"rl{i} u{i} 0 {neuron['rleak']:.9g}",
                  f"bp{i} vp{i} 0 v={neuron['vs']:.9g}*tanh({neuron['beta']:.9g}*v(u{i}))",
                  f"bm{i} vm{i} 0 v=-{neuron['vs']:.9g}*tanh({neuron['beta']:.9g}*v(u{i}))"]
    lines += _wired(bar, wire) if wire > 0 else [bar.device_line(*d) for d in bar.devices()]
    if start_params:
        lines.append(".param " + " ".join(f"s{i}={start[i]:.9g}" for i in range(n)))
        lines.append(".ic " + " ".join(f"v(u{i})={{{u0:.9g}*s{i}}}" for i in range(n)))
    else:
        lines.append(".ic " + " ".join(f"v(u{i})={u0 * start[i]:.9g}" for i in range(n)))
    walls = " ".join(f"n{i}_{j}_{s}.q" for i, j, s in bar.devices()) if save_walls else ""
    if save_power:
        walls += " " + " ".join(f"v(vm{i}) i(bp{i}) i(bm{i})" for i in range(n))
    lines += [".save " + " ".join(f"v(vp{i})" for i in range(n)) + " " + walls,
              f".tran {tstop / points:.6g} {tstop:.6g}", ".end"]
    return "\n".join(lines) + "\n"


def spinspice_binary():
    path = os.environ.get("SPINSPICE", os.path.join(ROOT, "build", "spinspice"))
    if not os.path.exists(path):
        sys.exit(f"{path} not found: build spinspice first")
    return path


def _module():
    """The spinspice Python module (build/python), unless $SPINSPICE names a binary to run."""
    if os.environ.get("SPINSPICE"):
        return None
    path = os.path.join(ROOT, "build", "python")
    if path not in sys.path and os.path.isdir(os.path.join(path, "spinspice")):
        sys.path.insert(0, path)
    try:
        import spinspice
        return spinspice
    except ImportError:
        return None


def run_timed(text):
    """Runs a netlist: (its first analysis as the JSON output has it, the wall seconds). In this process
    through the Python module when it is built (no process, no JSON: a 64-neuron recall 0.64 -> 0.4 s),
    else by the binary."""
    module = _module()
    if module is not None:
        t0 = time.perf_counter()
        try:
            a = module.simulate(text).analyses[0]
        except module.SimulationError as e:
            raise RuntimeError(f"spinspice failed: {e}") from None
        return {"signals": a.signals, "stats": a.stats, "measurements": a.measurements}, time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as d:
        cir, out = os.path.join(d, "net.cir"), os.path.join(d, "net.json")
        with open(cir, "w") as f:
            f.write(text)
        t0 = time.perf_counter()
        r = subprocess.run([spinspice_binary(), "-q", "--no-progress", "-o", out, cir], capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if r.returncode != 0:
            raise RuntimeError(f"spinspice failed ({r.returncode}): {r.stderr.strip()[:2000]}")
        with open(out) as f:
            return json.load(f)["analyses"][0], seconds


def run(text):
    """Runs a netlist: its first analysis (JSON)."""
    return run_timed(text)[0]


def final(analysis, name):
    s = analysis["signals"][name]
    return float((s["re"] if isinstance(s, dict) else s)[-1])


def program(bar, pulses, **kw):
    """Writes `pulses` through the circuit and stores the walls' final positions in `bar`."""
    a = run(program_netlist(bar, pulses, **kw))
    for i, j, s in bar.devices():
        bar.q[i, j, s] = final(a, f"n{i}_{j}_{s}.q")
    return a


def recall(bar, start, neuron=NEURON, save_walls=True, **kw):
    """The neurons' final states from `start` read as logic levels (+1 above vs/2, -1 below -vs/2, 0
    undecided), their voltages, and the largest wall displacement the recall caused (nan without
    save_walls)."""
    a = run(recall_netlist(bar, start, neuron=neuron, save_walls=save_walls, **kw))
    volts = np.array([final(a, f"v(vp{i})") for i in range(bar.n)])
    moved = max(abs(final(a, f"n{i}_{j}_{s}.q") - bar.q[i, j, s]) for i, j, s in bar.devices()) \
        if save_walls else float("nan")
    level = np.where(volts >= neuron["vs"] / 2, 1.0, np.where(volts <= -neuron["vs"] / 2, -1.0, 0.0))
    return level, volts, moved


class RecallCircuit:
    """The recall netlist parsed once (spinspice.Circuit, the Python module): each recall sets the start
    pattern (.param s<i>, read by the .ic) and every wall position (the device states n<i>_<j>_<s>.q)
    and runs again: the learning loop's reads without writing or parsing a netlist. Same results as
    recall() (a test checks it). The crossbar's mobilities are those of `bar` when built."""

    def __init__(self, bar, neuron=NEURON, **kw):
        module = _module()
        if module is None:
            raise RuntimeError("RecallCircuit needs the spinspice Python module (build/python)")
        self.bar, self.neuron = bar, neuron
        text = recall_netlist(bar, np.zeros(bar.n), neuron=neuron, save_walls=True, start_params=True, **kw)
        self.circuit = module.Circuit(text, jobs=1)

    def recall(self, bar, start):
        """As recall(bar, start): (levels, volts, largest wall displacement)."""
        self.circuit.set_param(**{f"s{i}": float(start[i]) for i in range(bar.n)})
        self.circuit.set_states({f"n{i}_{j}_{s}.q": bar.q[i, j, s] for i, j, s in bar.devices()})
        a = self.circuit.run()["tran1"]
        volts = np.array([a[f"v(vp{i})"][-1] for i in range(bar.n)])
        moved = max(abs(a[f"n{i}_{j}_{s}.q"][-1] - bar.q[i, j, s]) for i, j, s in bar.devices())
        vs = self.neuron["vs"]
        level = np.where(volts >= vs / 2, 1.0, np.where(volts <= -vs / 2, -1.0, 0.0))
        return level, volts, moved


def hopfield_binary(w, state, sweeps=50):
    """The binary Hopfield network (asynchronous sign updates in index order): the software reference."""
    s = np.array(state, float)
    for _ in range(sweeps):
        changed = False
        for i in range(len(s)):
            h = w[i] @ s
            if h != 0 and np.sign(h) != s[i]:
                s[i], changed = np.sign(h), True
        if not changed:
            break
    return s


def recall_energy(bar, start, target, neuron=NEURON, **kw):
    """One recall with its cost: (logic levels, retrieval time (the last time a neuron was not at the
    target's level beyond vs/2; None if it never got there), energy (J): the amplifiers' output power
    integrated, sum of |v i| over the 2N outputs; the synapses dissipate part of it)."""
    a = run(recall_netlist(bar, start, neuron=neuron, save_walls=False, save_power=True, **kw))

    def sig(name):
        v = a["signals"][name]
        return np.asarray(v["re"] if isinstance(v, dict) else v, float)

    t = sig("time")
    vp = np.stack([sig(f"v(vp{i})") for i in range(bar.n)], axis=1)
    power = sum(np.abs(vp[:, i] * sig(f"i(bp{i})")) + np.abs(sig(f"v(vm{i})") * sig(f"i(bm{i})"))
                for i in range(bar.n))
    right = np.all(vp * np.asarray(target)[None, :] >= neuron["vs"] / 2, axis=1)
    wrong = np.nonzero(~right)[0]
    t_ret = float(t[0]) if len(wrong) == 0 else (float(t[wrong[-1] + 1]) if wrong[-1] + 1 < len(t) else None)
    level = np.where(vp[-1] >= neuron["vs"] / 2, 1.0, np.where(vp[-1] <= -neuron["vs"] / 2, -1.0, 0.0))
    until = t <= (t[-1] if t_ret is None else t_ret)
    return level, t_ret, float(np.trapz(power[until], t[until]))
