#!/usr/bin/env python3
"""The four-oscillator vowel network (examples/stno_computing/stno_network.py) on known two-tone inputs.

1. The calibrated free-running f(I) of the circuit against the closed form f0 + nshift p0 + ftune i of the
   isolated oscillator
   (up to the pull of its own emitted current returning through it), with the slope ftune.
2. Locking configurations: with the free frequencies spread 16 MHz apart, an input pair placed at a fraction
   of the predicted locking half-width from oscillators a and b must give the configuration (a: A, b: B,
   the others free); 2.5 half-widths outside the band, all free. The half-width is Adler's
   (F/sqrt(p0)) sqrt(1 + nu^2) with F = lambdaf i_dev/2 and i_dev the share of the source current the
   coupling network sends through one device (its impedance against the other branches and the load).

usage: stno_vowel_locking.py SOURCE_DIR
"""
import math
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1] if len(sys.argv) > 1 else ".", "examples", "stno_computing"))
import stno_network as sn  # noqa: E402
import vowels  # noqa: E402

import numpy as np  # noqa: E402

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


irf = 1.5e-3
net = sn.Network(irf=irf)
tuning = net.calibrate(points=8)
closed = np.array([sn.closed_form_frequency(i) for i in tuning.i])
# The oscillator's own emitted current returns through it (its EMF i dr sqrt(p) cos(phi) behind r0 drives
# the bus): a self-injection that can pull it by at most Adler's half-width for that current.
pull = []
for current in tuning.i:
    zeta = current / sn.MODEL["ith"]
    p0 = (zeta - 1) / (zeta + sn.MODEL["q"])
    z_bus = 1 / (1 / 50 + (sn.N_OSC - 1) / (sn.MODEL["r0"] + 1 / (2j * math.pi * 350e6 * 100e-12)))
    z_loop = abs(sn.MODEL["r0"] + 1 / (2j * math.pi * 350e6 * 100e-12) + z_bus)
    i_self = current * sn.MODEL["dr"] * math.sqrt(p0) / z_loop
    nu = 2 * math.pi * sn.MODEL["nshift"] * p0 / (sn.MODEL["gammag"] * (zeta - 1))
    pull.append(sn.MODEL["lambdaf"] * i_self / 2 / math.sqrt(p0) * math.sqrt(1 + nu * nu) / (2 * math.pi))
deviation = np.abs(tuning.f - closed)
check(np.all(deviation < np.array(pull)),
      f"calibrated f(I) within the self-injection pull of the closed form (worst {deviation.max() / 1e6:.3f} MHz, "
      f"bound {min(pull) / 1e6:.2f}-{max(pull) / 1e6:.2f} MHz)")
slope = np.polyfit(tuning.i, tuning.f, 1)[0]
check(abs(slope / sn.MODEL["ftune"] - 1) < 0.05,
      f"f(I) slope {slope / 1e9:.3f} MHz/mA (ftune {sn.MODEL['ftune'] / 1e9:g})")

free = np.array([322e6, 338e6, 354e6, 370e6])
currents = [tuning.current(f) for f in free]
half = [sn.locking_half_width(current, irf) for current in currents]
half = np.array(half)
print("predicted locking half-widths (MHz):", (half / 1e6).round(2))
cases = []
for a, b in [(0, 2), (1, 3), (3, 0), (2, 1)]:
    cases.append(((free[a] + 0.3 * half[a], free[b] - 0.3 * half[b]), {a: vowels.TO_A, b: vowels.TO_B}))
# 2.5 half-widths below the lowest and above the highest oscillator: no locking.
cases.append(((free[0] - 2.5 * half[0], free[3] + 2.5 * half[3]), {}))
inputs = [c[0] for c in cases]
freqs = net.run(currents, inputs)
configs = vowels.configurations(freqs, [p[0] for p in inputs], [p[1] for p in inputs])
for (inp, expected), config, fr in zip(cases, configs, freqs):
    want = [expected.get(k, vowels.FREE) for k in range(sn.N_OSC)]
    check(list(config) == want, f"fA={inp[0] / 1e6:.2f} fB={inp[1] / 1e6:.2f} MHz: configuration "
          f"{''.join('.AB'[s] for s in config)} (expected {''.join('.AB'[s] for s in want)}); oscillators at "
          + " ".join(f"{f / 1e6:.3f}" for f in fr))
# The edge: at 2 half-widths from its oscillator a single source does not lock it.
far = net.run(currents, [(free[1] + 2.0 * half[1], free[3] - 2.0 * half[3])])
config = vowels.configurations(far, [free[1] + 2.0 * half[1]], [free[3] - 2.0 * half[3]])[0]
check(config[1] == vowels.FREE and config[3] == vowels.FREE,
      f"2 half-widths away: oscillators 1 and 3 free ({''.join('.AB'[s] for s in config)})")
print(f"{net.transients} transients in {net.seconds:.1f} s")
sys.exit(1 if failures else 0)
