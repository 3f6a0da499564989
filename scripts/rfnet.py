#!/usr/bin/env python3
"""Frequency-multiplexed RF spintronic networks (Leroux et al., PRApplied 15, 034067 (2021); Ross et al.,
Nat. Nanotechnol. 18, 1273 (2023)): the equation model, its training, and the circuit it maps to.

Equation model (device-physics.md eq. 5.4). N input tones at frequencies f_i carry powers P_i; chain j
is K resonators connected head to tail, resonator k at f_res[j, k], so its sign is (-1)^k:
    V_j = sum_i P_i W_ji + b_j,   W_ji = sum_k (-1)^k ksd A(f_i; f_res[j, k]),
    A(f; fr) = 2 D (f - fr) / (D^2 + (f - fr)^2),  D = alpha fr.
The trainable parameters are the resonance frequencies and the biases (as in the anchor code).

The circuit (netlist_layer): the tones are SIN voltage sources in series, behind `rs` (50 ohm), on one RF
line `rf`. Each chain hangs from the line through a DC-blocking capacitor `cc` (1 nF) and is `sdiode`
resonators head to tail down to a DC source holding the bias b_j; the chain's DC voltage is read at
`o<j>` through a two-stage RC low-pass (`rmeter` 100 kOhm and `cmeter` 10 pF, then 100x the resistance
and 1/100 the capacitance: the DC port of a bias tee), so the scores are
v(o<j>) = b_j + the chain's rectified voltage. The tone amplitudes are chosen so that the current of
tone i through every resonator gives P_i = r0 |I_i|^2 / 2: the chains are in parallel on the line, so
each chain's current is the line voltage over its impedance K r0 (plus the meter, 100 kOhm, in
parallel), and the source resistance divides the line voltage by the parallel load (computed here; a
0.7 % drop with 10 chains of 64 resonators). What the circuit adds to the equation model: the chains
load the line (accounted for in the amplitudes, exact in the linear regime), the resonators'
resistance modulation changes their own current at large drive (|dR|/r0 ~ ksd |I|: the script keeps
the total RF current per resonator below `--imax`), and the tones beat in the time domain (the
transient averages them out through the low-pass).

Usage as a module: from rfnet import Layer, train_layer, netlist_layer, run_tones.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:  # re-run with the system interpreter (Debian python3-numpy)
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("rfnet.py: numpy is required (Debian: apt-get install python3-numpy)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KSD = 1e5 / (8 * math.sqrt(2.0))  # V/W: K_SD of device-physics 5.2 (I_th = 10 uA, tan(pi/4), beta_s = 1)


def geometric_frequencies(n, fmin, fmax):
    """Leroux 2021: f_i = fmin r^i, equal relative spacing (neighbouring channels overlap equally)."""
    return fmin * (fmax / fmin) ** (np.arange(n) / max(n - 1, 1))


def antisymmetric(f, fr, alpha):
    """A(f; fr) and its derivative with respect to fr (D = alpha fr)."""
    d, delta = f - fr, alpha * fr
    den = delta * delta + d * d
    a = 2 * delta * d / den
    # dA/dfr with dd/dfr = -1 and ddelta/dfr = alpha
    num_d = 2 * alpha * d - 2 * delta            # d(2 delta d)/dfr
    den_d = 2 * delta * alpha - 2 * d            # d(den)/dfr
    da = (num_d * den - 2 * delta * d * den_d) / (den * den)
    return a, da


class Layer:
    """A layer of M chains of K resonators under N tones (eq. 5.4)."""

    def __init__(self, freqs, fres, bias, alpha=0.01, ksd=KSD):
        self.freqs = np.asarray(freqs, float)   # (N,)
        self.fres = np.asarray(fres, float)     # (M, K)
        self.bias = np.asarray(bias, float)     # (M,)
        self.alpha, self.ksd = alpha, ksd

    def signs(self):
        return (-1.0) ** np.arange(self.fres.shape[1])

    def weights(self):
        """W (M, N) and dW/dfres (M, K, N)."""
        a, da = antisymmetric(self.freqs[None, None, :], self.fres[:, :, None], self.alpha)
        s = self.signs()[None, :, None] * self.ksd
        return (s * a).sum(axis=1), s * da

    def forward(self, powers):
        w, _ = self.weights()
        return powers @ w.T + self.bias

    def to_json(self):
        return dict(freqs=self.freqs.tolist(), fres=self.fres.tolist(), bias=self.bias.tolist(), alpha=self.alpha,
                    ksd=self.ksd)

    @staticmethod
    def from_json(d):
        return Layer(d["freqs"], d["fres"], d["bias"], d["alpha"], d["ksd"])


def train_layer(layer, powers, labels, epochs=200, lr=1e-3, batch=64, seed=0, scale=None, verbose=False):
    """Softmax cross-entropy on the scores V * scale, Adam on (fres in units of the input band, bias)."""
    rng = np.random.default_rng(seed)
    n, m = len(labels), layer.fres.shape[0]
    if scale is None:  # scores of order 1 at the start
        v0 = layer.forward(powers)
        scale = 1.0 / max(np.std(v0), 1e-30)
    band = layer.freqs.max() - layer.freqs.min()
    params = [layer.fres, layer.bias]
    moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            p, y = powers[idx], labels[idx]
            w, dw = layer.weights()
            z = (p @ w.T + layer.bias) * scale
            z -= z.max(axis=1, keepdims=True)
            prob = np.exp(z)
            prob /= prob.sum(axis=1, keepdims=True)
            g = prob
            g[np.arange(len(y)), y] -= 1
            g *= scale / len(y)                                  # dL/dV (B, M)
            grad_w = g.T @ p                                     # (M, N)
            grad_fres = np.einsum("mn,mkn->mk", grad_w, dw) * band  # per unit of the band
            grad_bias = g.sum(axis=0)
            step += 1
            for param, grad, mom, unit in ((layer.fres, grad_fres, moments[0], band), (layer.bias, grad_bias,
                                                                                       moments[1], 1.0 / scale)):
                mom[0] = 0.9 * mom[0] + 0.1 * grad
                mom[1] = 0.999 * mom[1] + 0.001 * grad * grad
                mhat, vhat = mom[0] / (1 - 0.9 ** step), mom[1] / (1 - 0.999 ** step)
                param -= lr * unit * mhat / (np.sqrt(vhat) + 1e-12)
            np.clip(layer.fres, layer.freqs.min() * 0.5, layer.freqs.max() * 1.5, out=layer.fres)
        if verbose and (epoch % 20 == 0 or epoch == epochs - 1):
            acc = np.mean(np.argmax(layer.forward(powers), axis=1) == labels)
            print(f"  epoch {epoch}: train accuracy {acc:.4f}")
    return scale


def line_amplitudes(layer, powers, r0=1000.0, rs=50.0, rmeter=100e3, ccouple=1e-9, **_):
    """Source amplitudes (V, peak) that put P_i into every resonator (see the module docstring): the
    chain current is the line voltage over the chain and its coupling capacitor; the chains and their
    meters load the line behind rs."""
    m, k = layer.fres.shape
    w = 2 * math.pi * layer.freqs
    z_branch = k * r0 + 1.0 / (1j * w * ccouple)            # the chain behind its coupling capacitor
    z_chain = z_branch * rmeter / (z_branch + rmeter)      # with its meter (AC ground at the meter's cap)
    z_load = z_chain / m
    current = np.sqrt(2.0 * np.asarray(powers) / r0)      # through each resonator
    v_line = current * np.abs(z_branch)
    return v_line * np.abs((z_load + rs) / z_load)


def netlist_layer(layer, powers, r0=1000.0, rs=50.0, rmeter=100e3, cmeter=10e-12, ccouple=1e-9,
                  title="RF spintronic layer", analysis=".tones"):
    """A netlist of one layer driven by one input (powers, W, per tone)."""
    m, k = layer.fres.shape
    amps = line_amplitudes(layer, powers, r0, rs, rmeter, ccouple)
    lines = [title, f".model sd sdiode (alpha={layer.alpha:.9g} ksd={layer.ksd:.12g} r0={r0:.9g})"]
    prev = "0"
    for i, (f, a) in enumerate(zip(layer.freqs, amps)):
        if a <= 0:
            continue
        lines.append(f"vin{i} s{i} {prev} sin(0 {a:.9g} {f:.12g})")
        prev = f"s{i}"
    lines.append(f"rs {prev} rf {rs:g}")
    for j in range(m):
        lines.append(f"cc{j} rf c{j}_0 {ccouple:.9g}")
        for q in range(k):
            top, bottom = f"c{j}_{q}", f"c{j}_{q + 1}"
            a, b = (top, bottom) if q % 2 == 0 else (bottom, top)  # head to tail: sign (-1)^q
            lines.append(f"n{j}_{q} {a} {b} sd fres={layer.fres[j, q]:.12g}")
        lines.append(f"vb{j} c{j}_{k} 0 dc {layer.bias[j]:.12g}")
        # Two RC stages (the second 100x the impedance of the first): an RF line carries tens of mV per
        # tone against chain voltages of microvolts, so the DC port must attenuate ~1e-5.
        lines.append(f"rm{j} c{j}_0 m{j} {rmeter:.9g}\ncm{j} m{j} 0 {cmeter:.9g}")
        lines.append(f"rn{j} m{j} o{j} {100 * rmeter:.9g}\ncn{j} o{j} 0 {cmeter / 100:.9g}")
    lines.append(".save " + " ".join(f"v(o{j})" for j in range(m)))
    lines.append(analysis)
    lines.append(".end")
    return "\n".join(lines) + "\n"


def spinspice_binary():
    path = os.environ.get("SPINSPICE", os.path.join(ROOT, "build", "spinspice"))
    if not os.path.exists(path):
        sys.exit(f"{path} not found: build spinspice first")
    return path


def run_netlist(text, workdir=None):
    """Runs a netlist, returns its analyses (JSON) and the wall time."""
    import time
    with tempfile.TemporaryDirectory(dir=workdir) as d:
        cir, out = os.path.join(d, "net.cir"), os.path.join(d, "net.json")
        with open(cir, "w") as f:
            f.write(text)
        t0 = time.perf_counter()
        r = subprocess.run([spinspice_binary(), "-q", "--no-progress", "--stats", "-o", out, cir], capture_output=True,
                           text=True)
        seconds = time.perf_counter() - t0
        if r.returncode != 0:
            raise RuntimeError(f"spinspice failed ({r.returncode}): {r.stderr.strip()[:2000]}")
        with open(out) as f:
            return json.load(f)["analyses"], seconds


def chain_voltages_tones(layer, powers, **kw):
    """The scores v(o_j) from the multi-tone steady state, and the analysis' own time (s)."""
    analyses, _ = run_netlist(netlist_layer(layer, powers, **kw))
    a = analyses[0]
    if "error" in a:
        raise RuntimeError(a["error"])
    m = layer.fres.shape[0]
    return np.array([a["signals"][f"v(o{j})"]["re"][0] for j in range(m)]), a["stats"].get("time_total", 0.0)


def chain_voltages_transient(layer, powers, tstop=300e-9, window=100e-9, **kw):
    """The scores as the transient's time average of v(o_j) over the last `window`."""
    m = layer.fres.shape[0]
    meas = "\n".join(f".meas tran s{j} AVG v(o{j}) from={tstop - window:.6g}" for j in range(m))
    fmax = float(np.max(layer.freqs))
    analysis = f".tran {1 / (20 * fmax):.6g} {tstop:.6g}\n{meas}"
    analyses, seconds = run_netlist(netlist_layer(layer, powers, analysis=analysis, **kw))
    meas = analyses[0]["measurements"]
    return np.array([meas[f"s{j}"] for j in range(m)]), seconds
