#!/usr/bin/env python3
"""Tests of the MTJ-crossbar matrix-vector-multiplication example (examples/crossbar/gen_crossbar.py)
against oracles written here, independently of the example's own:

  1. 1-MTJ cells, no wire resistance: every cell sees exactly its row voltage, so the column currents
     must equal the closed form I_j = sum_i G_ij(V_i) V_i with the bias-dependent TMR (to 1e-9).
  2. Wire resistance with linear cells (vh = 1e9 makes the TMR bias-independent): the column currents
     must equal a numpy nodal solve of the same resistor network (to 1e-9), and differ from the ideal
     dot product by more than 1e-3 (so the wires are really there).
  3. Programming by write pulses, 1-MTJ (V/2 scheme) and 1T-1MTJ, with wire resistance, from random
     states to random targets: every cell's state equals its target afterwards, each cell that had to
     switch flipped exactly once and no other cell flipped, and the read slots that follow leave the
     states unchanged. Negative control: with 3 ns pulses (shorter than the switching time) the same
     check must report unprogrammed cells.
  4. 1T-1MTJ read with wire resistance: the column currents must equal a numpy Newton solve of the
     whole network with the level-1 MOSFET equations (bulk junctions with IS and gmin included, which
     move the currents by ~3.5e-10), to 1e-9.

Usage: crossbar_mvm.py SPINSPICE_BINARY SOURCE_DIR
Prints PASS/FAIL lines, then "N passed, N failed"; exits 1 on any failure. Takes about 2 s.
"""
import math
import os
import sys
import time

import numpy as np

spinspice, source = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(source, "examples", "crossbar"))
import gen_crossbar as gx  # noqa: E402  (the module under test)

passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + what, flush=True)
    if ok:
        passed += 1
    else:
        failed += 1


# ---- oracles (independent of gen_crossbar's) ------------------------------------------------------
RP, TMR0 = 5e3, 1.2


def g_mtj(state, v, vh):
    """MTJ conductance: 1/R_P (P, state +1) or 1/(R_P (1 + TMR0/(1 + V^2/Vh^2))) (AP)."""
    return 1.0 / RP if state > 0 else 1.0 / (RP * (1.0 + TMR0 / (1.0 + (v / vh) ** 2)))


def node_index(rows, cols, with_mid):
    """Unknown numbering: row nodes r_i_j, column nodes c_i_j (and the mid nodes m_i_j of 1T-1MTJ)."""
    idx, n = {}, 0
    for kind in ("r", "c", "m") if with_mid else ("r", "c"):
        for i in range(rows):
            for j in range(cols):
                idx[(kind, i, j)] = n
                n += 1
    return idx, n


def linear_network_currents(states, vin, rwire, vh):
    """Nodal analysis of the resistor network (cells are linear: G at V = 0 with the given vh): rows
    driven at vin from the left through one segment, columns held at 0 V below the last segment."""
    R, C = states.shape
    idx, n = node_index(R, C, False)
    A, b = np.zeros((n, n)), np.zeros(n)
    gw = 1.0 / rwire

    def stamp(a, bnode, g):      # conductance between unknowns (or fixed potentials given as floats)
        for p, q in ((a, bnode), (bnode, a)):
            if isinstance(p, int):
                A[p, p] += g
                if isinstance(q, int):
                    A[p, q] -= g
                else:
                    b[p] += g * q
    for i in range(R):
        for j in range(C):
            stamp(idx["r", i, j], float(vin[i]) if j == 0 else idx["r", i, j - 1], gw)
            stamp(idx["c", i, j], 0.0 if i == R - 1 else idx["c", i + 1, j], gw)
            stamp(idx["r", i, j], idx["c", i, j], g_mtj(states[i, j], 0.0, vh))
    x = np.linalg.solve(A, b)
    return np.array([x[idx["c", R - 1, j]] * gw for j in range(C)])   # into the 0 V sense source


# Level-1 NMOS (vto, kp, W/L as gen_crossbar's MosCard defaults), bulk junctions as SPICE.
VTO, BETA, ISAT, GMIN = 0.5, 2e-4 * 10.0, 1e-14, 1e-12
VT = 1.380649e-23 * 300.15 / 1.602176634e-19


def ids(vg, vd, vs):
    """Shichman-Hodges current drain -> source; symmetric (the lower terminal acts as source)."""
    if vd < vs:
        return -ids(vg, vs, vd)
    vgst, vds = vg - vs - VTO, vd - vs
    if vgst <= 0:
        return 0.0
    return 0.5 * BETA * vgst ** 2 if vgst <= vds else BETA * vds * (vgst - 0.5 * vds)


def junction(v):
    """Bulk junction current (bulk -> terminal) at v = v_bulk - v_terminal, with gmin in parallel."""
    if v <= -3 * VT:
        return GMIN * v - ISAT
    return ISAT * (math.exp(v / VT) - 1.0) + GMIN * v


def one_t_one_mtj_currents(states, vin, rwire, vgate, vh):
    """Newton solve of the 1T-1MTJ network (MTJ row -> mid, NMOS mid -> column, bulk at 0 V)."""
    R, C = states.shape
    idx, n = node_index(R, C, True)
    gw = 1.0 / rwire

    def residual(x):             # currents leaving each unknown node
        f = np.zeros(n)
        for i in range(R):
            for j in range(C):
                r, c, m = idx["r", i, j], idx["c", i, j], idx["m", i, j]
                left = vin[i] if j == 0 else x[idx["r", i, j - 1]]
                f[r] += (x[r] - left) * gw
                if j > 0:
                    f[idx["r", i, j - 1]] -= (x[r] - left) * gw
                below = 0.0 if i == R - 1 else x[idx["c", i + 1, j]]
                f[c] += (x[c] - below) * gw
                if i < R - 1:
                    f[idx["c", i + 1, j]] -= (x[c] - below) * gw
                v = x[r] - x[m]
                imtj = g_mtj(states[i, j], v, vh) * v
                f[r] += imtj
                f[m] -= imtj
                ich = ids(vgate, x[m], x[c])
                f[m] += ich - junction(-x[m])
                f[c] += -ich - junction(-x[c])
        return f

    x = np.zeros(n)
    for i in range(R):
        for j in range(C):
            x[idx["r", i, j]] = x[idx["m", i, j]] = vin[i]
    for _ in range(50):
        f = residual(x)
        J = np.zeros((n, n))
        for k in range(n):           # central differences: the Jacobian only sets the convergence rate
            h = 1e-7
            xp, xm = x.copy(), x.copy()
            xp[k] += h
            xm[k] -= h
            J[:, k] = (residual(xp) - residual(xm)) / (2 * h)
        dx = np.linalg.solve(J, -f)
        x += dx
        if np.max(np.abs(dx)) < 1e-16:
            break
    return np.array([x[idx["c", R - 1, j]] * gw for j in range(C)])


def rel(a, b):
    return float(np.max(np.abs(a - b) / np.abs(b)))


t_start = time.time()
rng = np.random.default_rng(2024)

# ---- 1. closed form, no wires ----------------------------------------------------------------------
states = gx.random_states(rng, 6, 5)
reads = rng.uniform(0.0, 0.1, (3, 6))
xb = gx.Crossbar(6, 5, "1mtj", 0.0, initial=states, reads=reads)
res = xb.run(spinspice)
closed = np.array([[sum(g_mtj(states[i, j], v[i], 0.5) * v[i] for i in range(6)) for j in range(5)] for v in reads])
e1 = rel(res.currents, closed)
check(e1 < 1e-9, f"1-MTJ, R_wire = 0: column currents = sum_i G_ij(V_i) V_i (max relative error {e1:.1e})")
bias_effect = rel(closed, np.array([[sum(g_mtj(states[i, j], 0.0, 0.5) * v[i] for i in range(6))
                                     for j in range(5)] for v in reads]))
check(bias_effect > 1e-3, f"  ... and the TMR bias dependence matters there ({bias_effect:.1e} vs the V = 0 conductances)")
check(bool(np.all(res.states_final == states)), "  ... the reads leave every state unchanged")

# ---- 2. nodal solve with wire resistance, linear cells ------------------------------------------------
for cell_rw in (0.5, 3.0):
    states = gx.random_states(rng, 7, 6)
    reads = rng.uniform(0.0, 0.1, (3, 7))
    xb = gx.Crossbar(7, 6, "1mtj", cell_rw, initial=states, reads=reads, mtj=gx.MtjCard(vh=1e9))
    res = xb.run(spinspice)
    nodal = np.array([linear_network_currents(states, v, cell_rw, 1e9) for v in reads])
    e2 = rel(res.currents, nodal)
    check(e2 < 1e-9, f"1-MTJ, linear cells, R_wire = {cell_rw} ohm: column currents = numpy nodal solve "
                     f"(max relative error {e2:.1e})")
    ideal = np.array([[sum(g_mtj(states[i, j], 0.0, 1e9) * v[i] for i in range(7)) for j in range(6)] for v in reads])
    check(rel(nodal, ideal) > 1e-3, f"  ... the wires change the currents ({rel(nodal, ideal):.1e} from the ideal dot product)")

# ---- 3. programming by write pulses -----------------------------------------------------------------
for cell, rows, cols in (("1mtj", 8, 6), ("1t1mtj", 6, 5)):
    initial, target = gx.random_states(rng, rows, cols), gx.random_states(rng, rows, cols)
    reads = rng.uniform(0.0, 0.1, (3, rows))
    xb = gx.Crossbar(rows, cols, cell, 1.0, initial=initial, target=target, reads=reads, save_progress=True)
    res = xb.run(spinspice)
    need = initial != target
    check(bool(np.all(res.states_programmed == target)),
          f"{cell} {rows}x{cols}, R_wire = 1 ohm: every state equals its target after the write pulses "
          f"({int(np.sum(res.states_programmed != target))} wrong, {int(need.sum())} had to switch)")
    check(bool(np.all(res.flips == need.astype(int))),
          f"  ... each cell that had to switch flipped once, no other cell flipped (total flips {int(res.flips.sum())})")
    check(bool(np.all(res.states_final == target)), "  ... and the read slots leave the states unchanged")
    check(res.max_halfselect_progress < 0.1,
          f"  ... no cell that was not pulsed got near switching (largest progress p {res.max_halfselect_progress:.1e})")
    # negative control: pulses far shorter than the switching time program nothing
    short = gx.Crossbar(rows, cols, cell, 1.0, initial=initial, target=target, reads=reads, t_pulse=3e-9)
    rs = short.run(spinspice)
    check(int(np.sum(rs.states_programmed != target)) == int(need.sum()),
          f"  ... negative control: 3 ns pulses leave all {int(need.sum())} cells unswitched "
          f"({int(np.sum(rs.states_programmed != target))} wrong)")

# ---- 4. 1T-1MTJ read against a Newton solve with the level-1 equations ----------------------------------
states = gx.random_states(rng, 4, 3)
reads = rng.uniform(0.0, 0.1, (2, 4))
xb = gx.Crossbar(4, 3, "1t1mtj", 1.0, initial=states, reads=reads, vgate=2.5)
assert xb.mos.vto == VTO and abs(xb.mos.beta - BETA) < 1e-18   # the oracle's transistor is the deck's
res = xb.run(spinspice)
newton = np.array([one_t_one_mtj_currents(states, v, 1.0, 2.5, 0.5) for v in reads])
e4 = rel(res.currents, newton)
check(e4 < 1e-9, f"1T-1MTJ 4x3, R_wire = 1 ohm: column currents = numpy Newton solve with level-1 MOSFETs "
                 f"(max relative error {e4:.1e})")
ideal = np.array([[sum(g_mtj(states[i, j], v[i], 0.5) * v[i] for i in range(4)) for j in range(3)] for v in reads])
check(rel(newton, ideal) > 1e-2, f"  ... the access transistors matter ({rel(newton, ideal):.1e} from the ideal dot product)")

print(f"({time.time() - t_start:.1f} s)")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
