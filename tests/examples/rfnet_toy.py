#!/usr/bin/env python3
"""A two-class toy task through an RF spintronic layer (scripts/rfnet.py), trained on the equation model
(eq. 5.4) and verified through the circuit:
  1. the multi-tone steady state (.tones) of the generated netlist gives every chain voltage within 2 % of
     the equation model's (of the largest score), on 40 test inputs, and the same classification;
  2. the time-domain transient (time average after settling) gives the .tones scores within 2 % of each
     chain voltage on 3 inputs;
  3. negative control: with the resonances of the two chains swapped the circuit classifies the other
     way (the check can fail).
Usage: rfnet_toy.py SPINSPICE_BINARY SOURCE_DIR. Exits 1 on any failure.
"""
import sys

from checklist import Checklist

checks = Checklist(sys.argv)
check = checks.check
import numpy as np  # noqa: E402
import rfnet  # noqa: E402


rng = np.random.default_rng(7)
n, m, k = 8, 2, 4
freqs = rfnet.geometric_frequencies(n, 1.0e9, 1.4e9)
labels = rng.integers(0, 2, size=200)
pattern = np.where(np.arange(n)[None, :] < n // 2, 1.0, 0.2)
powers = np.where(labels[:, None] == 0, pattern, pattern[:, ::-1]) * (1 + 0.3 * rng.random((200, n)))
powers *= 1e-10  # W per tone: 0.45 uA per tone, the resonators stay linear
layer = rfnet.Layer(freqs, freqs[rng.integers(0, n, size=(m, k))] * 1.002, np.zeros(m), alpha=0.02)
rfnet.train_layer(layer, powers[:160], labels[:160], epochs=60, lr=3e-3)
test_p, test_y = powers[160:], labels[160:]
eq = layer.forward(test_p)
acc_eq = np.mean(np.argmax(eq, axis=1) == test_y)
check("equation model learns the toy task", acc_eq >= 0.95, f"test accuracy {acc_eq:.3f}")

circuit = np.array([rfnet.chain_voltages_tones(layer, p)[0] for p in test_p])
scale = np.abs(eq).max()
err = np.abs(circuit - eq).max() / scale
acc_c = np.mean(np.argmax(circuit, axis=1) == test_y)
check(".tones chain voltages equal the equation model", err < 0.02, f"largest deviation {100 * err:.3f} % of the largest score")
check(".tones classifies as the equation model", np.array_equal(np.argmax(circuit, axis=1), np.argmax(eq, axis=1)),
      f"accuracy {acc_c:.3f} vs {acc_eq:.3f}")

# A two-stage 10 ns low-pass (1 MOhm, 0.01 pF) and a 5 pF coupling capacitor (20 ns through the chain), so that
# the transient settles in 200 ns (with 1 nF the chain's DC output charges it for microseconds; with a
# 10 kOhm meter the chain's DC output settles through it more slowly, a few % off at 300 ns).
fast = dict(rmeter=1e6, cmeter=0.01e-12, ccouple=5e-12)
for i in range(3):
    tones, _ = rfnet.chain_voltages_tones(layer, test_p[i], **fast)
    tran, seconds = rfnet.chain_voltages_transient(layer, test_p[i], tstop=300e-9, window=100e-9, **fast)
    # within 2 % of each chain voltage (of a tenth of the largest for a chain near zero)
    dev = np.max(np.abs(tran - tones) / np.maximum(np.abs(tones), 0.1 * np.abs(tones).max()))
    check(f"transient {i} agrees with .tones", dev < 0.02, f"{100 * dev:.3f} % ({seconds:.2f} s for 300 ns)")

swapped = rfnet.Layer(layer.freqs, layer.fres[::-1].copy(), layer.bias[::-1].copy(), layer.alpha, layer.ksd)
flipped = np.array([rfnet.chain_voltages_tones(swapped, p)[0] for p in test_p[:10]])
check("negative control: swapped chains classify the other way",
      np.mean(np.argmax(flipped, axis=1) != np.argmax(circuit[:10], axis=1)) >= 0.9, "")
checks.finish()
