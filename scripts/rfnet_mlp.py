#!/usr/bin/env python3
"""Two-layer frequency-multiplexed RF spintronic network (Ross et al., Nat. Nanotechnol. 18, 1273 (2023);
anchor code neurophysics-cnrsthales/rf_spintronic_nn, src/networks.py, class spinMLP): the equation
model, its analytic gradients and Adam training in numpy.

The model, SI units (what the circuit generator implements):
    V1 = P @ W1.T + bias1                          layer 1: rfnet.Layer, 256 tones -> 128 chains (V)
    I  = clip(gm (V1 + vshift), 0, iclamp)         transconductance amplifier (A)
    p  = max(0, (I/ith - 1) / (I/ith + q))         normalised STNO power (anchor LayerOscillators)
    P2 = gain gpow r_osc p I^2                     power each layer-2 resonator receives (W)
    V2 = P2 @ W2.T + bias2                         layer 2: rfnet.Layer, 128 oscillator tones -> classes
W = sum_k (-1)^k ksd A(f; fres[j, k]) (rfnet.py). Softmax cross-entropy on V2 * scale, scale a fixed
score scale (scores O(1)). Trainable: fres1, bias1, fres2, bias2; the hidden parameters are fixed.

Scaling (make_network): the anchor's input powers are in uW (data in [0.001, 0.99]); here P = pscale X
W with pscale = 1e-10 by default so the resonators stay linear. With s = pscale / 1e-6 every voltage
scales by s; the anchor's gm = 3.388 uA/mV and vshift = 11.085 mV become gm / s and vshift s, and its
power amplification (1.25e-6 with I in uA, i.e. max 1 uW at 40 uA) becomes gpow = 1.25 s.

Usage as a module: from rfnet_mlp import Network, make_network, train_network, perturbed.
Self-check: python3 scripts/rfnet_mlp.py --selftest (analytic gradients vs central differences).
"""
from __future__ import annotations

import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rfnet  # noqa: E402  (re-executes under /usr/bin/python3 when numpy is missing)
import numpy as np  # noqa: E402

ANCHOR_GM = 3.388370758630916e-3     # A/V  (config_spinMLP.yaml: voltage_to_current_factors 3.388 uA/mV)
ANCHOR_VSHIFT = 0.011084586710145186  # V   (config_spinMLP.yaml: add_voltage_bias)
HIDDEN_KEYS = ("gm", "vshift", "ith", "iclamp", "q", "r_osc", "gpow")


class Network:
    """layer1 (rfnet.Layer, M1 chains), the hidden STNO neurons (one per chain of layer 1, oscillating at
    layer2.freqs), layer2 (rfnet.Layer, M2 chains = classes). pscale (W per data unit) and scale (score
    scale of the loss) are stored for convenience; forward() takes powers in W."""

    def __init__(self, layer1, layer2, gm, vshift, ith=10e-6, iclamp=40e-6, q=2.0, r_osc=1e3, gpow=1.25,
                 gain=None, pscale=1e-10, scale=1.0):
        assert layer2.freqs.shape[0] == layer1.fres.shape[0], "one oscillator tone per layer-1 chain"
        self.layer1, self.layer2 = layer1, layer2
        self.gm, self.vshift, self.ith, self.iclamp, self.q = gm, vshift, ith, iclamp, q
        self.r_osc, self.gpow, self.pscale, self.scale = r_osc, gpow, pscale, scale
        self.gain = np.ones(layer1.fres.shape[0]) if gain is None else np.asarray(gain, float)

    @property
    def freqs_hidden(self):
        return self.layer2.freqs

    def hidden(self, v1, derivative=False):
        """I, p, P2 of the neurons for chain voltages v1 (and dP2/dV1 when derivative)."""
        drive = self.gm * (v1 + self.vshift)
        current = np.clip(drive, 0.0, self.iclamp)
        xi = current / self.ith
        above = xi > 1
        p = np.where(above, (xi - 1) / (xi + self.q), 0.0)  # anchor LayerOscillators.normalized_stno_power
        amp = self.gain * self.gpow * self.r_osc
        p2 = amp * p * current ** 2                         # anchor: P = A p R I^2 (TMR, shape factor 1)
        if not derivative:
            return current, p, p2
        dp = np.where(above, (1 + self.q) / (self.ith * (xi + self.q) ** 2), 0.0)  # dp/dI
        active = (drive > 0) & (drive < self.iclamp)        # zero gradient where clipped
        dp2 = amp * (dp * current ** 2 + 2 * p * current) * self.gm * active
        return current, p, p2, dp2

    def forward(self, powers, return_all=False):
        """Scores V2 (B, M2); with return_all: (V2, V1, I, p, P2)."""
        v1 = self.layer1.forward(powers)
        current, p, p2 = self.hidden(v1)
        v2 = self.layer2.forward(p2)
        return (v2, v1, current, p, p2) if return_all else v2

    def predict(self, powers):
        return np.argmax(self.forward(powers), axis=1)

    def accuracy(self, powers, labels):
        return float(np.mean(self.predict(powers) == labels))

    def loss_and_grads(self, powers, labels, scale=None):
        """Mean softmax cross-entropy of V2 * scale and its gradient with respect to fres1, bias1, fres2,
        bias2 (dict of arrays shaped like the parameters)."""
        scale = self.scale if scale is None else scale
        w1, dw1 = self.layer1.weights()
        w2, dw2 = self.layer2.weights()
        v1 = powers @ w1.T + self.layer1.bias
        _, _, p2, dp2 = self.hidden(v1, derivative=True)
        z = (p2 @ w2.T + self.layer2.bias) * scale
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        rows = np.arange(len(labels))
        loss = -float(np.mean(logp[rows, labels]))
        g2 = np.exp(logp)
        g2[rows, labels] -= 1
        g2 *= scale / len(labels)                      # dL/dV2 (B, M2)
        g1 = (g2 @ w2) * dp2                           # dL/dV1 (B, M1)
        grads = dict(fres2=np.einsum("mn,mkn->mk", g2.T @ p2, dw2), bias2=g2.sum(axis=0),
                     fres1=np.einsum("mn,mkn->mk", g1.T @ powers, dw1), bias1=g1.sum(axis=0))
        return loss, grads

    def circuit(self):
        """The network as scripts/rfnet.py's circuit: (layer1, rfnet.Hidden, layer2) for netlist_network.
        The hidden neurons oscillate at layer2.freqs with the per-neuron gains as amplifier gains;
        rfnet.Hidden floors the stage's current at ith where this model floors it at 0 (the STNO power
        is 0 either way)."""
        hidden = rfnet.Hidden(self.layer2.freqs, self.gm, self.vshift, ith=self.ith, iclamp=self.iclamp, q=self.q,
                              r_osc=self.r_osc, gpow=self.gpow, gain=self.gain)
        return self.layer1, hidden, self.layer2

    def params(self):
        return dict(fres1=self.layer1.fres, bias1=self.layer1.bias, fres2=self.layer2.fres, bias2=self.layer2.bias)

    def to_json(self):
        d = {k: getattr(self, k) for k in HIDDEN_KEYS + ("pscale", "scale")}
        return dict(layer1=self.layer1.to_json(), layer2=self.layer2.to_json(), gain=self.gain.tolist(), **d)

    @staticmethod
    def from_json(d):
        d = dict(d)
        return Network(rfnet.Layer.from_json(d.pop("layer1")), rfnet.Layer.from_json(d.pop("layer2")), **d)

    def save(self, path):
        with open(path, "w") as f:
            json.dump(self.to_json(), f)

    @staticmethod
    def load(path):
        with open(path) as f:
            return Network.from_json(json.load(f))


def make_network(freqs1, n_hidden=128, n_out=10, fmin2=2e9, fmax2=12e9, alpha=0.01, pscale=1e-10, spread=1e8,
                 seed=0):
    """The anchor's network rescaled to pscale (module docstring). fres start on the input tones (layer 1)
    and on the oscillator tones (geometric grid, layer 2) plus N(0, spread / sqrt(K)) Hz: the anchor's
    weight_scaling 1e-3 / sqrt(K) with frequencies in units of 100 GHz (0.02-0.12 = 2-12 GHz), i.e.
    6 MHz for K = 256 against linewidths alpha f = 20-120 MHz. Biases: layer 1 N(0, 0.01 s / sqrt(M1)) V
    (anchor bias_scaling 0.01 / sqrt(M)), layer 2 zero."""
    rng = np.random.default_rng(seed)
    s = pscale / 1e-6
    freqs1 = np.asarray(freqs1, float)
    freqs2 = rfnet.geometric_frequencies(n_hidden, fmin2, fmax2)
    fres1 = freqs1[None, :] + spread / np.sqrt(len(freqs1)) * rng.standard_normal((n_hidden, len(freqs1)))
    fres2 = freqs2[None, :] + spread / np.sqrt(n_hidden) * rng.standard_normal((n_out, n_hidden))
    layer1 = rfnet.Layer(freqs1, fres1, 0.01 * s / np.sqrt(n_hidden) * rng.standard_normal(n_hidden), alpha)
    layer2 = rfnet.Layer(freqs2, fres2, np.zeros(n_out), alpha)
    return Network(layer1, layer2, gm=ANCHOR_GM / s, vshift=ANCHOR_VSHIFT * s, gpow=1.25 * s, pscale=pscale)


def train_network(net, powers, labels, epochs=100, lr=1e-3, batch=256, seed=0, verbose=False, scale=None,
                  lr_bias1=None, lr_bias2=None, log_every=10):
    """Adam (b1 0.9, b2 0.999) on the softmax cross-entropy of V2 * scale, minibatches of `batch`.

    Parameters move in natural units, as rfnet.train_layer: a step of lr moves fres by lr times its
    layer's input band (Hz), bias1 by lr_bias1 times the hidden neuron's input range iclamp / gm (V) and
    bias2 by lr_bias2 / scale (V) (both default to lr). scale: None keeps net.scale, 'auto' sets it to
    1 / std(V2) of the initial network (rfnet.train_layer), a number sets it. Returns the history of
    (epoch, mean loss, train accuracy) every log_every epochs."""
    rng = np.random.default_rng(seed)
    if scale == "auto":
        net.scale = 1.0 / max(float(np.std(net.forward(powers))), 1e-300)
    elif scale is not None:
        net.scale = float(scale)
    lr_bias1 = lr if lr_bias1 is None else lr_bias1
    lr_bias2 = lr if lr_bias2 is None else lr_bias2
    band1, band2 = np.ptp(net.layer1.freqs), np.ptp(net.layer2.freqs)
    units = dict(fres1=band1, fres2=band2, bias1=net.iclamp / net.gm, bias2=1.0 / net.scale)
    rates = dict(fres1=lr, fres2=lr, bias1=lr_bias1, bias2=lr_bias2)
    params = net.params()
    moments = {k: [np.zeros_like(v), np.zeros_like(v)] for k, v in params.items()}
    history, t, n = [], 0, len(labels)
    for epoch in range(epochs):
        order, losses = rng.permutation(n), []
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            loss, grads = net.loss_and_grads(powers[idx], labels[idx])
            losses.append(loss)
            t += 1
            for k, param in params.items():
                g, (m, v) = grads[k] * units[k], moments[k]   # gradient per natural unit
                m *= 0.9
                m += 0.1 * g
                v *= 0.999
                v += 0.001 * g * g
                param -= rates[k] * units[k] * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-12)
        for layer in (net.layer1, net.layer2):  # keep the resonators near the band (as train_layer)
            np.clip(layer.fres, layer.freqs.min() * 0.5, layer.freqs.max() * 1.5, out=layer.fres)
        if epoch % log_every == 0 or epoch == epochs - 1:
            acc = net.accuracy(powers, labels)
            history.append((epoch, float(np.mean(losses)), acc))
            if verbose:
                print(f"  epoch {epoch}: loss {np.mean(losses):.4f}, train accuracy {acc:.4f}", flush=True)
    return history


def perturbed(net, freq_var, power_var, seed=0):
    """A copy with device variability (anchor networks.py add_nonidealities, t' = t (1 + eps N(0,1))):
    every resonance frequency, input tone and oscillator frequency times (1 + freq_var N(0,1)), each
    neuron's output power times (1 + power_var N(0,1)) (stored in gain, clamped at 0 as the anchor's
    LayerOscillators). Here every resonator draws its own factor; the anchor draws one per position k,
    shared by all chains of a layer, and adds it to the untrained initial frequencies only."""
    rng = np.random.default_rng(seed)
    out = copy.deepcopy(net)
    for layer in (out.layer1, out.layer2):
        layer.freqs = layer.freqs * (1 + freq_var * rng.standard_normal(layer.freqs.shape))
        layer.fres = layer.fres * (1 + freq_var * rng.standard_normal(layer.fres.shape))
    out.gain = np.clip(out.gain * (1 + power_var * rng.standard_normal(out.gain.shape)), 0.0, None)
    return out


def gradient_check(seed=1, verbose=True):
    """Analytic gradients of a tiny network (6 tones, 5 neurons, 3 classes, 4 samples) against central
    differences. The neurons are spread over the three regimes (below threshold, active, clamped) and
    kept away from the kinks. Returns the largest relative error (|fd - analytic| / max|.| per array)."""
    rng = np.random.default_rng(seed)
    pscale = 1e-10
    while True:
        freqs = np.linspace(2e9, 4e9, 6)
        net = make_network(freqs, n_hidden=5, n_out=3, fmin2=2.5e9, fmax2=5e9, pscale=pscale, spread=3e8,
                           seed=int(rng.integers(1 << 30)))
        net.layer2.bias = 1e-8 * rng.standard_normal(3)
        powers = pscale * rng.uniform(0.0, 1.0, (4, 6))
        # spread the drive over [-0.3, 1.4] iclamp: the bias puts each neuron's mean drive there
        v1 = net.layer1.forward(powers) - net.layer1.bias
        target = rng.uniform(-0.3, 1.4, 5) * net.iclamp / net.gm - net.vshift
        net.layer1.bias = target - v1.mean(axis=0)
        drive = net.gm * (net.layer1.forward(powers) + net.vshift)
        margin = 0.02 * net.iclamp
        kinks = np.array([0.0, net.ith, net.iclamp])
        if np.min(np.abs(drive[..., None] - kinks)) > margin:
            break
    labels = rng.integers(0, 3, 4)
    net.scale = 1.0 / np.std(net.forward(powers))
    _, grads = net.loss_and_grads(powers, labels)
    steps = dict(fres1=1e3, fres2=1e3, bias1=1e-6 * net.iclamp / net.gm, bias2=1e-6 / net.scale)
    worst = 0.0
    for name, param in net.params().items():
        fd = np.zeros_like(param)
        for i in np.ndindex(param.shape):
            keep = param[i]
            param[i] = keep + steps[name]
            up, _ = net.loss_and_grads(powers, labels)
            param[i] = keep - steps[name]
            down, _ = net.loss_and_grads(powers, labels)
            param[i] = keep
            fd[i] = (up - down) / (2 * steps[name])
        err = np.max(np.abs(fd - grads[name])) / max(np.max(np.abs(fd)), np.max(np.abs(grads[name])), 1e-300)
        worst = max(worst, err)
        if verbose:
            print(f"  {name:5s} {str(param.shape):8s} max |grad| {np.max(np.abs(grads[name])):.3e}  "
                  f"relative error {err:.2e}")
    if verbose:
        regimes = [int(np.sum(drive <= net.ith)), int(np.sum((drive > net.ith) & (drive < net.iclamp))),
                   int(np.sum(drive >= net.iclamp))]
        print(f"  neuron-samples below threshold / active / clamped: {regimes}")
    return worst


if __name__ == "__main__":
    if "--selftest" in sys.argv[1:]:
        e = gradient_check()
        print(f"gradient check: largest relative error {e:.2e} ({'ok' if e < 1e-5 else 'FAILED'})")
        sys.exit(0 if e < 1e-5 else 1)
    print(__doc__)
