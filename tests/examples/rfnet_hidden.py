#!/usr/bin/env python3
"""An RF spintronic network with a hidden layer of 8 spin-torque nano-oscillators (scripts/rfnet.py,
Ross et al. 2023): 16 input tones -> 8 chains of 16 sdiode resonators -> 8 transconductance stages
biasing 8 `stno`s -> their amplified emissions on a second RF line -> 2 chains of 8 resonators.
Checks, each of which can fail:
  1. the multi-tone steady state (.tones) gives every hidden neuron's input (layer 1's score at the
     transconductance stage) and both output
     scores as the equation model (eq. 5.4 per layer, p = (I/ith - 1)/(I/ith + q), P2 = A p R I^2),
     within 0.1 % (of the largest score), on 20 inputs whose hidden currents span below threshold,
     above it and the clamp;
  2. the time-domain transient (tones switched on over 20 ns, the time average of the outputs over
     the last 300 ns of 800 ns) gives each output score within 5 % of .tones (of the largest score),
     on 2 inputs;
  3. negative control: with every transconductance stage at its floor (all oscillators at threshold,
     p = 0) the outputs collapse to their biases (0), so the checks above see the hidden emissions;
  4. a 16-8-2 network trained on a two-class toy task with scripts/rfnet_mlp.py (analytic gradients,
     Adam) learns it (>= 90 %), and its generated circuit's .tones equals its equation model within
     0.1 % of the largest score, with the same classes, on 10 test inputs.
Usage: rfnet_hidden.py SPINSPICE_BINARY SOURCE_DIR. Exits 1 on any failure.
"""
import sys

from checklist import Checklist

checks = Checklist(sys.argv)
check = checks.check
import numpy as np  # noqa: E402
import rfnet  # noqa: E402


rng = np.random.default_rng(3)
n, h, m = 16, 8, 2
freqs = rfnet.geometric_frequencies(n, 1.0e9, 2.0e9)     # tone spacing >= 47 MHz
layer1 = rfnet.Layer(freqs, freqs[rng.integers(0, n, size=(h, n))] * (1 + 0.003 * rng.standard_normal((h, n))),
                     np.zeros(h), alpha=0.02)
powers = 1e-10 * (0.2 + rng.random((20, n)))             # W per tone: the resonators stay linear
v1 = layer1.forward(powers)
gm = 15e-6 / np.std(v1)                                  # A/V: currents spread by ~15 uA over the inputs
layer1.bias = 18e-6 / gm - v1.mean(axis=0)               # centred at 18 uA (ith = 10 uA)
layer1.bias[7] += 30e-6 / gm                             # neuron 7 mostly at the 40 uA clamp
hidden = rfnet.Hidden(rfnet.geometric_frequencies(h, 1.2e9, 2.4e9), gm, 0.0, gpow=1.25e-4)
layer2 = rfnet.Layer(hidden.freqs, hidden.freqs[rng.integers(0, h, size=(m, h))] * 1.01, np.zeros(m), alpha=0.02)
eq, p2 = rfnet.network_forward(layer1, hidden, layer2, powers)
currents = hidden.currents(layer1.forward(powers))
spread = f"{np.mean(currents <= hidden.ith):.2f} at or below threshold, {np.mean(currents >= hidden.iclamp):.2f} clamped"
print(f"hidden currents {1e6 * currents.min():.1f} - {1e6 * currents.max():.1f} uA ({spread})")

# 1. .tones against the equation model
fast = dict(rmeter=1e6, cmeter=0.01e-12, ccouple=0.2e-12)   # the DC ports settle in tens of ns
extra = [f"v(u{j}_2)" for j in range(h)]  # the stages' inputs, after their low-passes
scale, range1 = np.abs(eq).max(), np.ptp(v1)
worst_score, worst_input = 0.0, 0.0
for i, p in enumerate(powers):
    values, _ = rfnet.network_scores_tones(layer1, hidden, layer2, p, extra=extra, **fast)
    worst_score = max(worst_score, np.abs(values[:m] - eq[i]).max() / scale)
    worst_input = max(worst_input, np.abs(values[m:] - layer1.forward(p)).max() / range1)
check("hidden inputs from .tones equal the equation model", worst_input < 1e-3,
      f"largest deviation {100 * worst_input:.4f} % of their range")
check(".tones output scores equal the equation model", worst_score < 1e-3,
      f"largest deviation {100 * worst_score:.4f} % of the largest score")

# 2. the transient against .tones
for i in range(2):
    tones, _ = rfnet.network_scores_tones(layer1, hidden, layer2, powers[i], **fast)
    tran, seconds = rfnet.network_scores_transient(layer1, hidden, layer2, powers[i], tstop=800e-9, window=300e-9,
                                                   **fast)
    dev = np.abs(tran - tones).max() / np.abs(tones).max()
    check(f"transient {i} agrees with .tones", dev < 0.05,
          f"{100 * dev:.2f} % of the largest score (.tones {tones}, transient {tran}; {seconds:.1f} s)")

# 3. negative control
off_hidden = rfnet.Hidden(hidden.freqs, gm, -1.0, gpow=hidden.gpow)
off, _ = rfnet.network_scores_tones(layer1, off_hidden, layer2, powers[0], **fast)
check("negative control: without hidden emissions the outputs are the biases",
      np.abs(off).max() < 1e-3 * scale < np.abs(eq[0]).max(), f"outputs {off} against {eq[0]}")

# 4. a two-layer network trained on the equation model (scripts/rfnet_mlp.py) through the circuit
import rfnet_mlp  # noqa: E402

toy_freqs = rfnet.geometric_frequencies(n, 1.0e9, 2.0e9)
toy_labels = rng.integers(0, 2, size=200)
pattern = np.where(np.arange(n) < n // 2, 1.0, 0.2)
toy_x = np.where(toy_labels[:, None] == 0, pattern, pattern[::-1]) * (1 + 0.5 * rng.random((200, n)))
net = rfnet_mlp.make_network(toy_freqs, n_hidden=h, n_out=2, fmin2=1.2e9, fmax2=2.4e9, alpha=0.02, pscale=1e-10,
                             spread=2e7, seed=4)
# The anchor's vshift centres the drone's 256-resonator chains; 16-resonator chains need their own
# operating point: currents spread by ~15 uA around 20 uA at the start.
v_untrained = net.layer1.forward(toy_x[:160] * 1e-10) - net.layer1.bias
net.gm, net.vshift = 15e-6 / np.std(v_untrained), 0.0
net.layer1.bias = 20e-6 / net.gm - v_untrained.mean(axis=0)
rfnet_mlp.train_network(net, toy_x[:160] * 1e-10, toy_labels[:160], epochs=150, lr=1e-3, batch=32, seed=4,
                        scale="auto")
toy_eq = net.forward(toy_x[160:] * 1e-10)
acc = np.mean(np.argmax(toy_eq, axis=1) == toy_labels[160:])
check("two-layer equation model learns the toy task", acc >= 0.9, f"test accuracy {acc:.3f}")
toy_circuit = np.array([rfnet.network_scores_tones(*net.circuit(), x * 1e-10, **fast)[0] for x in toy_x[160:170]])
dev = np.abs(toy_circuit - toy_eq[:10]).max() / np.abs(toy_eq[:10]).max()
check("trained two-layer network: .tones equals its equation model", dev < 1e-3 and np.array_equal(
    np.argmax(toy_circuit, axis=1), np.argmax(toy_eq[:10], axis=1)), f"largest deviation {100 * dev:.4f} %")

checks.finish()
