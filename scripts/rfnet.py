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

# One BLAS thread: the training's sums then add in one order, so a run reproduces its accuracy (with
# threads, round-off differences grow through the training into a different final network).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
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
    """Softmax cross-entropy on the scores V * scale, Adam on (fres in units of the input band, bias) with a
    cosine-decaying learning rate (without the decay the last epochs oscillate by several % of accuracy)."""
    rng = np.random.default_rng(seed)
    n, m = len(labels), layer.fres.shape[0]
    if scale is None:  # scores of order 1 at the start
        v0 = layer.forward(powers)
        scale = 1.0 / max(np.std(v0), 1e-30)
    band = layer.freqs.max() - layer.freqs.min()
    params = [layer.fres, layer.bias]
    moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    step, total = 0, epochs * ((n + batch - 1) // batch)
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
            rate = lr * 0.5 * (1 + math.cos(math.pi * step / total))  # cosine decay: the last epochs settle
            for param, grad, mom, unit in ((layer.fres, grad_fres, moments[0], band), (layer.bias, grad_bias,
                                                                                       moments[1], 1.0 / scale)):
                mom[0] = 0.9 * mom[0] + 0.1 * grad
                mom[1] = 0.999 * mom[1] + 0.001 * grad * grad
                mhat, vhat = mom[0] / (1 - 0.9 ** step), mom[1] / (1 - 0.999 ** step)
                param -= rate * unit * mhat / (np.sqrt(vhat) + 1e-12)
            np.clip(layer.fres, layer.freqs.min() * 0.5, layer.freqs.max() * 1.5, out=layer.fres)
        if verbose and (epoch % 20 == 0 or epoch == epochs - 1):
            acc = np.mean(np.argmax(layer.forward(powers), axis=1) == labels)
            print(f"  epoch {epoch}: train accuracy {acc:.4f}")
    return scale


def line_loading(freqs, m, k, r0=1000.0, rs=50.0, rmeter=100e3, ccouple=1e-9):
    """|z_branch| (a chain behind its coupling capacitor) and |(z_load + rs)/z_load| (the source
    divider of the line loaded by m chains and their meters) at each frequency."""
    w = 2 * math.pi * np.asarray(freqs, float)
    z_branch = k * r0 + 1.0 / (1j * w * ccouple)
    z_chain = z_branch * rmeter / (z_branch + rmeter)      # with its meter (AC ground at the meter's cap)
    z_load = z_chain / m
    return np.abs(z_branch), np.abs((z_load + rs) / z_load)


def line_amplitudes(layer, powers, r0=1000.0, rs=50.0, rmeter=100e3, ccouple=1e-9, **_):
    """Source amplitudes (V, peak) that put P_i into every resonator (see the module docstring): the
    chain current is the line voltage over the chain and its coupling capacitor; the chains and their
    meters load the line behind rs."""
    m, k = layer.fres.shape
    z_branch, divider = line_loading(layer.freqs, m, k, r0, rs, rmeter, ccouple)
    current = np.sqrt(2.0 * np.asarray(powers) / r0)      # through each resonator
    return current * z_branch * divider


def _chains(layer, line, prefix, r0, rmeter, cmeter, ccouple):
    """Chains of `layer` hanging from node `line`; chain j's DC score at node {prefix}o{j} (the prefix
    goes after each element's type letter)."""
    m, k = layer.fres.shape
    out = [f".model {prefix}sd sdiode (alpha={layer.alpha:.9g} ksd={layer.ksd:.12g} r0={r0:.9g})"]
    for j in range(m):
        c, o, mid = f"{prefix}c{j}_", f"{prefix}o{j}", f"{prefix}m{j}"
        out.append(f"cc{prefix}{j} {line} {c}0 {ccouple:.9g}")
        for q in range(k):
            a, b = (f"{c}{q}", f"{c}{q + 1}") if q % 2 == 0 else (f"{c}{q + 1}", f"{c}{q}")  # sign (-1)^q
            out.append(f"n{prefix}{j}_{q} {a} {b} {prefix}sd fres={layer.fres[j, q]:.12g}")
        out.append(f"vb{prefix}{j} {c}{k} 0 dc {layer.bias[j]:.12g}")
        # Two RC stages (the second 100x the impedance of the first): an RF line carries tens of mV per
        # tone against chain voltages of microvolts, so the DC port must attenuate ~1e-5.
        out.append(f"rm{prefix}{j} {c}0 {mid} {rmeter:.9g}\ncm{prefix}{j} {mid} 0 {cmeter:.9g}")
        out.append(f"rn{prefix}{j} {mid} {o} {100 * rmeter:.9g}\ncn{prefix}{j} {o} 0 {cmeter / 100:.9g}")
    return out


def _input_line(layer, powers, r0, rs, rmeter, ccouple, gate=0.0, amplitude_params=False):
    """The input tones as SIN sources in series behind rs, on node `rf`. gate > 0 (transients): the
    tones are switched on over `gate` seconds by a raised-cosine gate (a behavioural source): a hard
    start kicks every chain's DC output by ~a/w per tone (a/w ~ 1e-12 V s against scores of ~1e-5 V),
    which the hidden layer's gain would amplify; the gate is identity after `gate`. amplitude_params:
    every tone's amplitude is a .param a<i> (input_params gives them for an input), so that one parsed
    netlist (spinspice.Circuit) runs every input."""
    amps = line_amplitudes(layer, powers, r0, rs, rmeter, ccouple)
    out, prev = [], "0"
    if amplitude_params:
        out.append(".param " + " ".join(f"a{i}={a:.9g}" for i, a in enumerate(amps)))
    for i, (f, a) in enumerate(zip(layer.freqs, amps)):
        if amplitude_params:
            out.append(f"vin{i} s{i} {prev} sin(0 {{a{i}}} {f:.12g})")
        elif a <= 0:
            continue
        else:
            out.append(f"vin{i} s{i} {prev} sin(0 {a:.9g} {f:.12g})")
        prev = f"s{i}"
    if gate > 0:
        out.append(f"bgate sg 0 v=v({prev})*0.5*(1-cos(pi*min(time/{gate:.6g},1)))")
        prev = "sg"
    out.append(f"rs {prev} rf {rs:g}")
    return out


def input_params(layer, powers, r0=1000.0, rs=50.0, rmeter=100e3, ccouple=1e-9):
    """The .param values a<i> of a netlist written with amplitude_params=True for one input."""
    amps = line_amplitudes(layer, powers, r0, rs, rmeter, ccouple)
    return {f"a{i}": float(a) for i, a in enumerate(amps)}


def netlist_layer(layer, powers, r0=1000.0, rs=50.0, rmeter=100e3, cmeter=10e-12, ccouple=1e-9,
                  title="RF spintronic layer", analysis=".tones", gate=0.0, amplitude_params=False):
    """A netlist of one layer driven by one input (powers, W, per tone); scores v(o<j>)."""
    m = layer.fres.shape[0]
    lines = [title] + _input_line(layer, powers, r0, rs, rmeter, ccouple, gate, amplitude_params)
    lines += _chains(layer, "rf", "", r0, rmeter, cmeter, ccouple)
    lines.append(".save " + " ".join(f"v(o{j})" for j in range(m)))
    return "\n".join(lines + [analysis, ".end"]) + "\n"


class Hidden:
    """Hidden neurons (Ross et al. 2023; anchor networks.py LayerOscillators): chain j's DC score V_j
    drives, through a transconductance stage saturating at 0 and iclamp, the DC bias of an STNO whose
    stationary power is p = (I/ith - 1)/(I/ith + q) (device-physics eq. 4.1 above threshold):
        I_j = clip(gm (V_j + vshift), ith, iclamp),   P2_j = gain_j gpow r_osc p_j I_j^2,
    P2_j being the power each resonator of the next layer receives at the neuron's frequency freqs[j]
    (the anchor's P = A p R I^2 with its amplification A; gain_j a per-neuron spread)."""

    def __init__(self, freqs, gm, vshift, ith=10e-6, iclamp=40e-6, q=2.0, r_osc=1e3, gpow=1.25, gain=None,
                 dr=100.0, gammag=5e8, nshift=0.0):
        self.freqs = np.asarray(freqs, float)
        self.gm, self.vshift, self.ith, self.iclamp, self.q = gm, vshift, ith, iclamp, q
        self.r_osc, self.gpow, self.dr, self.gammag = r_osc, gpow, dr, gammag
        self.nshift = nshift  # Hz: the circuit's oscillators emit at freqs + nshift p (the equations: freqs)
        self.gain = np.ones(len(self.freqs)) if gain is None else np.asarray(gain, float)

    def currents(self, v):
        # clamped at ith from below as in the anchor: the power is 0 there either way, and the circuit's
        # oscillator then stays at the edge of oscillation (from p ~ 0 it would regrow only slowly)
        return np.clip(self.gm * (v + self.vshift), self.ith, self.iclamp)

    def stno_power(self, current):
        xi = current / self.ith
        return np.where(xi > 1, (xi - 1) / (xi + self.q), 0.0)

    def forward(self, v):
        current = self.currents(v)
        return self.gain * self.gpow * self.r_osc * self.stno_power(current) * current ** 2

    def to_json(self):
        return dict(freqs=self.freqs.tolist(), gm=self.gm, vshift=self.vshift, ith=self.ith, iclamp=self.iclamp,
                    q=self.q, r_osc=self.r_osc, gpow=self.gpow, gain=self.gain.tolist(), dr=self.dr,
                    gammag=self.gammag, nshift=self.nshift)

    @staticmethod
    def from_json(d):
        return Hidden(**d)


def network_forward(layer1, hidden, layer2, powers):
    """The two-layer equation model: scores V2 (and the hidden powers P2)."""
    p2 = hidden.forward(layer1.forward(powers))
    return layer2.forward(p2), p2


def _hidden_neurons(hidden, layer2, r0, rs, rmeter, ccouple, lp_tau=50e-9, lp_stages=2, hp_tau=0.3e-9,
                    hp_stages=3):
    """The hidden layer between layer 1's scores o<j> and the second RF line `rf2`.

    Neuron j: a transconductance stage, a behavioural current source I_j = clip(gm (v + vshift), ith,
    iclamp) into STNO j, reads o<j> through its input bandwidth (a unity buffer and `lp_stages` RC
    low-passes of lp_tau). The bandwidth must lie far below the smallest tone spacing: a chain's output
    beats at every difference of two tones with an amplitude of the order of its DC score, and gm
    (~1e5 A/V per V of score range) would turn that into oscillator current. The STNO's emission,
    I dr sqrt(p) (R = r0 - dr Re c at |c|^2 = p), goes through an RF amplifier: `hp_stages` buffered RC
    high-passes of hp_tau (the amplifier's lower band edge: the stno's DC, I r0, and its slow changes
    must not reach the next line) and a gain (an E source in series on `rf2`) chosen so that every
    resonator of layer 2 receives P2_j (the line amplitude of line_amplitudes, divided by the RF voltage
    and the high-passes' transmission at the neuron's frequency)."""
    m2, k2 = layer2.fres.shape
    z_branch, divider = line_loading(hidden.freqs, m2, k2, r0, rs, rmeter, ccouple)
    zc = 1.0 / (1j * 2 * math.pi * hidden.freqs * (hp_tau / 1e3))       # the 1 kOhm high-passes' capacitors
    transmission = np.abs(1e3 / (1e3 + hidden.r_osc + zc)) * np.abs(1e3 / (1e3 + zc)) ** (hp_stages - 1)
    gains = np.sqrt(2 * hidden.gpow * hidden.r_osc * hidden.gain / r0) * z_branch * divider / (hidden.dr * transmission)
    out = [f".model osc stno (ith={hidden.ith:.9g} q={hidden.q:.9g} r0={hidden.r_osc:.9g} dr={hidden.dr:.9g} "
           f"gammag={hidden.gammag:.9g} nshift={hidden.nshift:.9g})"]
    prev = "0"
    for j, f in enumerate(hidden.freqs):
        for st in range(lp_stages):  # buffered: each stage a pole at 1/lp_tau (an unbuffered ladder's
            # slowest pole would sit at 0.38/lp_tau for two stages, 0.12/lp_tau for four)
            source = f"o{j}" if st == 0 else f"u{j}_{st}"
            out.append(f"eu{j}_{st} u{j}_{st}b 0 {source} 0 1\nru{j}_{st} u{j}_{st}b u{j}_{st + 1} 1k\n"
                       f"cu{j}_{st} u{j}_{st + 1} 0 {lp_tau / 1e3:.9g}")
        out.append(f"bh{j} 0 h{j} i=min(max({hidden.gm:.12g}*(v(u{j}_{lp_stages})+{hidden.vshift:.12g}),"
                   f"{hidden.ith:.9g}),{hidden.iclamp:.9g})")
        out.append(f"nh{j} h{j} 0 osc f0={f:.12g}")  # from p0 = 1e-4 its tone grows smoothly
        node = f"h{j}"
        for st in range(hp_stages):
            if st > 0:
                out.append(f"ek{j}_{st} x{j}_{st} 0 {node} 0 1")
                node = f"x{j}_{st}"
            out.append(f"ck{j}_{st} {node} k{j}_{st} {hp_tau / 1e3:.9g}\nrk{j}_{st} k{j}_{st} 0 1k")
            node = f"k{j}_{st}"
        out.append(f"ea{j} t{j} {prev} {node} 0 {gains[j]:.12g}")
        prev = f"t{j}"
    out.append(f"rs2 {prev} rf2 {rs:g}")
    return out


def netlist_network(layer1, hidden, layer2, powers, r0=1000.0, rs=50.0, rmeter=100e3, cmeter=10e-12,
                    ccouple=1e-9, title="RF spintronic network with a hidden layer of STNOs", analysis=".tones",
                    gate=0.0, saves=(), **stages):
    """Input tones on `rf` -> layer-1 chains (scores o<j>) -> hidden STNOs (Hidden; `stages`: the
    transconductance and RF amplifier bandwidths of _hidden_neurons) -> their amplified emissions in
    series on `rf2` -> layer-2 chains (scores qo<j>)."""
    m2 = layer2.fres.shape[0]
    lines = [title] + _input_line(layer1, powers, r0, rs, rmeter, ccouple, gate)
    lines += _chains(layer1, "rf", "", r0, rmeter, cmeter, ccouple)
    lines += _hidden_neurons(hidden, layer2, r0, rs, rmeter, ccouple, **stages)
    lines += _chains(layer2, "rf2", "q", r0, rmeter, cmeter, ccouple)
    lines.append(".save " + " ".join([f"v(qo{j})" for j in range(m2)] + list(saves)))
    return "\n".join(lines + [analysis, ".end"]) + "\n"


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


def scores_tones(text, names):
    """The DC values of `names` (e.g. v(o0)) from a netlist's .tones, and the analysis' own time (s)."""
    analyses, _ = run_netlist(text)
    a = analyses[0]
    if "error" in a:
        raise RuntimeError(a["error"])
    return np.array([a["signals"][n]["re"][0] for n in names]), a["stats"].get("time_total", 0.0)


def scores_transient(text, names, tstop, window, weighting="box"):
    """The time averages of `names` over the transient's last `window` (text ends in `.tran ...`):
    weighting "box" (.meas AVG) or "blackman-harris" (windowed_average)."""
    if weighting not in ("box", "blackman-harris"):
        raise ValueError(f"weighting {weighting!r}: use 'box' or 'blackman-harris'")
    if weighting == "blackman-harris":
        analyses, seconds = run_netlist(text)
        return windowed_average(analyses[0], names, tstop - window, tstop), seconds
    meas = "\n".join(f".meas tran s{j} AVG {n} from={tstop - window:.6g}" for j, n in enumerate(names))
    analyses, seconds = run_netlist(text.replace("\n.end\n", "\n" + meas + "\n.end\n"))
    values = analyses[0]["measurements"]
    return np.array([values[f"s{j}"] for j in range(len(names))]), seconds


def windowed_average(analysis, names, tstart, tstop):
    """Averages of `names` over [tstart, tstop] of a transient (its JSON), weighted by the 4-term
    Blackman-Harris window (Harris, Proc. IEEE 66, 51 (1978), table 1: side lobes -92 dB): a beat at
    f >= 4/(tstop - tstart) leaves < 1e-4 of its amplitude, where a plain average leaves
    1/(pi f (tstop - tstart)) (the outputs beat at every difference of two tones)."""
    def real(name):
        signal = analysis["signals"][name]
        return np.asarray(signal["re"] if isinstance(signal, dict) else signal)
    t = real("time")
    keep = t >= tstart
    u = (t[keep] - tstart) / (tstop - tstart)
    w = 0.35875 - 0.48829 * np.cos(2 * np.pi * u) + 0.14128 * np.cos(4 * np.pi * u) - 0.01168 * np.cos(6 * np.pi * u)
    norm = np.trapz(w, t[keep])
    return np.array([np.trapz(w * real(n)[keep], t[keep]) / norm for n in names])


def tran_card(fmax, tstop):
    return f".tran {1 / (20 * fmax):.6g} {tstop:.6g}"


def chain_voltages_tones(layer, powers, **kw):
    """The scores v(o_j) of one layer from the multi-tone steady state, and the analysis' time (s)."""
    names = [f"v(o{j})" for j in range(layer.fres.shape[0])]
    return scores_tones(netlist_layer(layer, powers, **kw), names)


def chain_voltages_transient(layer, powers, tstop=300e-9, window=100e-9, gate=0.0, **kw):
    """The scores as the transient's time average of v(o_j) over the last `window`, and the wall time."""
    names = [f"v(o{j})" for j in range(layer.fres.shape[0])]
    text = netlist_layer(layer, powers, analysis=tran_card(np.max(layer.freqs), tstop), gate=gate, **kw)
    return scores_transient(text, names, tstop, window)


def network_scores_tones(layer1, hidden, layer2, powers, extra=(), **kw):
    """The output scores v(qo_j) of a network with a hidden layer from .tones (then the DC values of
    the `extra` signals), and the analysis' time."""
    names = [f"v(qo{j})" for j in range(layer2.fres.shape[0])] + list(extra)
    return scores_tones(netlist_network(layer1, hidden, layer2, powers, saves=extra, **kw), names)


def network_scores_transient(layer1, hidden, layer2, powers, tstop=400e-9, window=100e-9, gate=20e-9,
                             weighting="box", **kw):
    names = [f"v(qo{j})" for j in range(layer2.fres.shape[0])]
    fmax = max(np.max(layer1.freqs), np.max(hidden.freqs))
    text = netlist_network(layer1, hidden, layer2, powers, analysis=tran_card(fmax, tstop), gate=gate, **kw)
    return scores_transient(text, names, tstop, window, weighting)
