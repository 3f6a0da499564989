#!/usr/bin/env python3
"""Exact (enumeration) checks of the p-bit gate library in scripts/pbitnet.py (no simulator needed).

* AND: the reference J, h (device-physics.md 3.3-4) and its probabilities at I0 = 1
  (0.246612 x4 valid, 0.004517 x3, 1.5e-6 for (-,-,+)).
* AND, OR, half adder, full adder: the ground states are exactly the truth table.
* Array multipliers 2x2, 2x3, 3x2, 3x3: the ground states are exactly the 2^(n+m) assignments
  (p, q, internal bits) with product bits = p*q, one per (p, q).
* A circuit's Hamiltonian is the sum of its gates' (composition over shared nodes).
* Clamping by a large bias equals conditioning; the netlist text has the documented elements.
"""
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import pbitnet as pn  # noqa: E402

failures = []


def check(cond, msg):
    print(("ok   " if cond else "FAIL ") + msg)
    if not cond:
        failures.append(msg)


# AND: reference values
check(np.array_equal(pn.AND.J, [[0, -1, 2], [-1, 0, 2], [2, 2, 0]]) and np.array_equal(pn.AND.h, [1, 1, -2]),
      "AND J, h = reference (Rosenberg penalty x 4)")
p = pn.boltzmann(pn.AND.J, pn.AND.h, 1.0)
st = pn.all_states(3)
want = {(-1, -1, -1): 0.246612, (-1, 1, -1): 0.246612, (1, -1, -1): 0.246612, (1, 1, 1): 0.246612,
        (-1, 1, 1): 0.004517, (1, -1, 1): 0.004517, (1, 1, -1): 0.004517, (-1, -1, 1): 1.5e-6}
check(all(abs(p[k] - want[tuple(st[k])]) < 5e-7 if want[tuple(st[k])] > 1e-5 else
          abs(p[k] - want[tuple(st[k])]) < 5e-8 for k in range(8)),
      "AND Boltzmann probabilities at I0 = 1 = reference 3.3-4")

# gates: ground states = truth tables
for g in (pn.AND, pn.OR, pn.HALF_ADDER, pn.FULL_ADDER):
    E, idx = pn.ground_states(g.J, g.h)
    gs = {tuple(s) for s in pn.all_states(g.n)[idx].tolist()}
    Es = np.sort(pn.energy(g.J, g.h, pn.all_states(g.n)))
    gap = Es[len(gs)] - Es[0]
    check(gs == set(g.truth) and len(gs) == len(g.truth),
          f"{g.name}: {len(gs)} ground states = truth table; gap to the first excited state {gap:g}")
    check(abs(gap - 4) < 1e-12, f"{g.name}: smallest violation costs 4 (units of 1/I0)")

# full adder truth table spelled out (a, b, cin, s, cout)
fa = {tuple(int(x > 0) for x in s) for s in pn.FULL_ADDER.truth}
check(fa == {(a, b, c, (a + b + c) & 1, (a + b + c) >> 1) for a in (0, 1) for b in (0, 1) for c in (0, 1)},
      "full adder truth table: s = a xor b xor cin, cout = majority")

# composition: the circuit Hamiltonian is the sum of gate Hamiltonians over shared nodes
c = pn.Circuit()
c.add(pn.AND, "x", "y", "z")
c.add(pn.AND, "z", "w", "v")
J, h = c.ising()
rng = np.random.default_rng(1)
ms = rng.choice([-1, 1], size=(50, 5))
i1, i2 = [0, 1, 2], [2, 3, 4]
lhs = pn.energy(J, h, ms)
rhs = pn.energy(pn.AND.J, pn.AND.h, ms[:, i1]) + pn.energy(pn.AND.J, pn.AND.h, ms[:, i2])
check(np.allclose(lhs, rhs), "composition: H(circuit) = sum of gate H over shared nodes")

# multipliers
for n, m in ((2, 2), (2, 3), (3, 2), (3, 3)):
    t0 = time.time()
    mc = pn.multiplier(n, m)
    J, h = mc.ising()
    E, idx = pn.ground_states(J, h)
    ms = np.where((idx[:, None] >> np.arange(mc.n)) & 1, 1, -1)
    P = pn.circuit_words(mc, ms, "P", n + m)
    a = pn.circuit_words(mc, ms, "p", n)
    b = pn.circuit_words(mc, ms, "q", m)
    ok = (len(idx) == 2 ** (n + m) and np.all(P == a * b)
          and len(set(zip(a.tolist(), b.tolist()))) == 2 ** (n + m))
    check(ok, f"multiplier {n}x{m} ({mc.n} p-bits): {len(idx)} ground states = all (p, q, p*q) "
              f"({time.time() - t0:.1f} s)")

# clamping by a large bias = conditioning (exactly, to ~e^-40)
mc = pn.multiplier(2, 2)
J, h = mc.ising()
cl = pn.factor_clamp(mc, 6, 4)
hb = pn.clamped_h(J, h, cl)
pb = pn.boltzmann(J, hb, 1.0)
pc = pn.conditional(pn.boltzmann(J, h, 1.0), cl)
check(np.abs(pb - pc).max() < 1e-12, "clamp bias: Boltzmann(J, h + bias) = Boltzmann(J, h | clamp)")
E, idx = pn.ground_states(J, hb)
ms = np.where((idx[:, None] >> np.arange(mc.n)) & 1, 1, -1)
fac = sorted(zip(pn.circuit_words(mc, ms, "p", 2).tolist(), pn.circuit_words(mc, ms, "q", 2).tolist()))
check(fac == [(2, 3), (3, 2)], f"2x2 multiplier clamped to 6: ground states factor it as {fac}")

# netlist text
txt = pn.write_network(None, pn.AND.J, pn.AND.h, i0=1.0, tstop=1e-6, seed=3, clamp={2: 1}, g=2e-6, vout=0.5)
lines = txt.lower().splitlines()
check("g0_1 0 in0 o1 0 -2e-06" in lines and "g2_0 0 in2 o0 0 4e-06" in lines, "netlist: G_ij = J_ij g from o<j> into in<i>")
check("i0 0 in0 dc 1e-06" in lines, "netlist: I_i = h_i g vout into in<i>")
check("i2 0 in2 dc 2.4e-05" in lines and "n2 in2 o2 pbc m0=1" in lines,
      "netlist: clamped bit: h = -2 + (20 + |h| + sum|J|) = 24 -> 24 g vout, own model, m0 = clamp")
check(".model pb pbit (beta=1000000 vout=0.5 tau=1e-09 input=0 update=0)" in lines, "netlist: beta = I0/(g vout)")
check(".options seed=3" in lines and ".save n0.m n1.m n2.m" in lines, "netlist: seed and .save")
txt = pn.write_network(None, pn.AND.J, pn.AND.h, tstop=1e-6, seed=3, anneal=[(0, 0), (1e-6, 2)])
check("vbeta beta 0 pwl(0 0 1e-06 2)" in txt.lower() and "n0 in0 o0 beta pb m0=1" in txt.lower(),
      "netlist: anneal = PWL on the ctrl node 'beta'")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
