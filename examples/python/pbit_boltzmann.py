"""A p-bit network (the invertible AND gate of Camsari et al. 2017) sampled against its Boltzmann
distribution P(m) ~ exp(h.m + m.J.m/2) (README tutorial)."""
import itertools
import numpy as np
import spinspice

J = np.array([[0, -1, 2], [-1, 0, 2], [2, 2, 0]])  # bits A, B, C = A AND B
h = np.array([1, 1, -2])
g = 1e-6  # S: weight J_ij is a VCCS of J_ij g from p-bit j's output into p-bit i's input
deck = ["p-bit AND gate", f".model pb pbit (beta={1 / g} vout=1 tau=1n input=0)"]
deck += [f"n{i} in{i} o{i} pb" for i in range(3)] + [f"i{i} 0 in{i} dc {h[i] * g}" for i in range(3)]
deck += [f"g{i}{j} 0 in{i} o{j} 0 {J[i, j] * g}" for i in range(3) for j in range(3) if J[i, j]]
r = spinspice.simulate("\n".join(deck + [".tran 1n 20u"]) + "\n", seed=42)["tran1"]
grid = np.arange(0, 20e-6, 1e-9)  # the states are piecewise constant: read them every ns
at = np.searchsorted(r["time"], grid, side="right") - 1
samples = [tuple(s) for s in np.stack([r[f"n{i}.m"][at] for i in range(3)], 1).astype(int)]
states = list(itertools.product((-1, 1), repeat=3))
weight = {s: np.exp(h @ s + np.array(s) @ J @ np.array(s) / 2) for s in states}
exact = {s: w / sum(weight.values()) for s, w in weight.items()}
sampled = {s: samples.count(s) / len(samples) for s in states}
print("  A  B  C   sampled  exact\n" + "\n".join(f"{s} {sampled[s]:8.3f} {exact[s]:6.3f}" for s in states))
spinspice.plot_histogram(samples, exact).figure.savefig("pbit_boltzmann.png")
