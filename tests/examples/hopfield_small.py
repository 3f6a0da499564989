#!/usr/bin/env python3
"""Analog Hopfield network of 9 neurons with 144 `dwmtj` synapses (scripts/hopfield.py), trained by write
pulses through its crossbar. Checks, each of which can fail:
  1. the V/3 programming scheme writes one device: a +1 V pulse moves its wall by the fitted law's
     distance, mu (J - J_dep) t (within 2 %: J changes with G(q) during the pulse), and no other wall;
  2. a recall (neurons at 0.2 V) moves no wall (the read current is below the depinning threshold);
  3. before training (every wall mid-track: T = 0) no input is recalled; after 3 iterations of
     Hebbian pulses for the letters L, +, 7, every letter is recalled from itself and from each of its
     9 one-pixel corruptions (30 of 30), as the binary Hopfield network with the Hebbian weights does;
  4. the trained weights have the signs of the Hebbian sums, and one magnitude per |sum| (identical
     devices, started equal, see identical pulse sequences);
  5. at low load (32 neurons, 2 random patterns programmed directly, 4 inputs with 4 pixels flipped)
     the circuit ends where the binary Hopfield network on the same weights does, on every input;
     negative control: with every weight's sign reversed it does not recall.
Usage: hopfield_small.py SPINSPICE_BINARY SOURCE_DIR. Exits 1 on any failure.
"""
import sys

from checklist import Checklist

checks = Checklist(sys.argv)
check = checks.check
import numpy as np  # noqa: E402
import hopfield as hf  # noqa: E402

patterns = np.array([hf.glyph3(v) for v in hf.GLYPHS3.values()])
n = patterns.shape[1]

# 1. one pulse through the crossbar
bar = hf.Crossbar(n)
before = bar.q.copy()
hf.program(bar, [((2, 5, 1), 1.0)], tpulse=10e-9)
moved = bar.q - before
dw = hf.DW
g = hf.conductance(dw["len"] / 2)
section = dw["wtr"] * dw["ttr"]
expected = dw["mu"] * (hf.VPROG * g / section - dw["jdep"]) * 10e-9  # at the starting conductance
others = np.abs(np.delete(moved.ravel(), np.ravel_multi_index((2, 5, 1), moved.shape))).max()
check("V/3 scheme: the selected wall moves by mu (J - J_dep) t", abs(moved[2, 5, 1] / expected - 1) < 0.02,
      f"{moved[2, 5, 1] * 1e9:.3f} nm against {expected * 1e9:.3f} nm")
check("V/3 scheme: no other wall moves", others < 1e-15, f"largest other displacement {others:.1e} m")

# 2 and 3. recall before and after training
inputs = [(p, x) for p, x in enumerate(patterns)]
inputs += [(p, np.where(np.arange(n) == b, -x, x)) for p, x in enumerate(patterns) for b in range(n)]
ideal = patterns.T @ patterns / n
np.fill_diagonal(ideal, 0.0)


def success(bar):
    ok, disturb = 0, 0.0
    for p, x in inputs:
        level, _, moved = hf.recall(bar, x)
        ok += np.array_equal(level, patterns[p])
        disturb = max(disturb, moved)
    return ok, disturb


bar = hf.Crossbar(n)
ok0, _ = success(bar)
check("untrained (T = 0): nothing recalled", ok0 == 0, f"{ok0} of {len(inputs)}")
for _ in range(3):
    hf.program(bar, [x for p in patterns for x in hf.hebbian_pulses(p)], tpulse=5e-9)
ok, disturb = success(bar)
software = sum(np.array_equal(hf.hopfield_binary(ideal, x), patterns[p]) for p, x in inputs)
check("trained: every letter recalled from itself and its one-pixel corruptions",
      ok == len(inputs) == software, f"circuit {ok}, binary Hopfield {software} of {len(inputs)}")
check("recalls do not move the walls", disturb < 1e-15, f"largest displacement {disturb:.1e} m")

# 4. the weights
t = bar.weights()
off = ~np.eye(n, dtype=bool)
h = (patterns.T @ patterns)[off]
check("trained weights have the Hebbian signs", np.all(np.sign(t[off]) == np.sign(h)),
      f"{np.sum(np.sign(t[off]) != np.sign(h))} of {off.sum()} differ")
spread = max(np.ptp(np.abs(t[off][np.abs(h) == k])) / np.abs(t[off][np.abs(h) == k]).mean() for k in (1, 3))
check("equal weights per |Hebbian sum| (identical devices)", spread < 0.05,
      f"relative spread {spread:.3f}; |T| = {1e6 * np.abs(t[off][np.abs(h) == 3]).mean():.2f} uS (|sum| 3), "
      f"{1e6 * np.abs(t[off][np.abs(h) == 1]).mean():.2f} uS (|sum| 1)")

# 5. low load at 32 neurons against the software network
rng = np.random.default_rng(7)
big = rng.choice([-1.0, 1.0], size=(2, 32))
w = big.T @ big / 32
np.fill_diagonal(w, 0.0)
agree, recalled, anti = 0, 0, 0
for k in range(4):
    x = big[k % 2].copy()
    x[rng.choice(32, 4, replace=False)] *= -1
    level, _, _ = hf.recall(hf.Crossbar.from_weights(w), x, save_walls=False, tstop=5e-9, points=50)
    agree += np.array_equal(level, hf.hopfield_binary(w, x))
    recalled += np.array_equal(level, big[k % 2])
    wrong, _, _ = hf.recall(hf.Crossbar.from_weights(-w), x, save_walls=False, tstop=5e-9, points=50)
    anti += np.array_equal(wrong, big[k % 2])
check("low load: the circuit ends where the binary Hopfield network does", agree == 4 and recalled == 4,
      f"{agree} of 4 equal to the software network, {recalled} of 4 the stored pattern")
check("negative control: the sign-reversed network does not recall", anti == 0, f"{anti} of 4 recalled")
checks.finish()
