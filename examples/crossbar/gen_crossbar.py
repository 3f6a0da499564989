#!/usr/bin/env python3
"""MTJ crossbar for in-memory matrix-vector multiplication: netlist generator, runner and oracles.

The array has `rows` input lines (horizontal) and `cols` output lines (vertical). Cell (i, j) joins row
line i to column line j:
  1mtj    the MTJ alone: free layer on the row, reference layer on the column;
  1t1mtj  the MTJ in series with an NMOS access transistor (level 1) whose gate is the word line of row i:
          row -> MTJ (free -> ref) -> mid node -> NMOS (drain mid, source column, bulk 0) -> column.
Each row is driven from its left end and each column is sensed at its bottom end by a voltage source
`vc<j>` (0 V during reads: a virtual ground, its current i(vc<j>) is the output I_j). With a wire
resistance R_w every line is a chain of R_w segments: driver -> cell 0 -> cell 1 ... on a row, and
cell 0 -> cell 1 ... -> sense source on a column. R_w = 0 joins the cells directly to the driver/sense node.

The MTJ is spinspice's `mtj` with dynamics=1 (binary P/AP state `n<i>_<j>.state` = +1/-1 and switching
progress `n<i>_<j>.p`), reference PMA card (Ic0 = 22.9 uA, Delta = 45.5 at 27 C), R_P = 5 kOhm, TMR0 = 1.2,
Vh = 0.5 V. Orientation matters for read disturb: a read drives current from the row (free layer) into
the column (reference layer), I > 0, which can only push AP cells toward P -- and AP cells carry the
smaller current (9.3 uA = 0.41 Ic0 at 0.1 V), whereas P cells would see 20 uA = 0.87 Ic0 the other way.

One transient does everything (all sources are PWL, so every phase is a time slot):
  programming  row by row, two write pulses per row: phase A (P -> AP, needs I < 0: column above row)
               pulses the cells whose target is AP, phase B (AP -> P, I > 0: row above column) the cells
               whose target is P. Write without verify: every cell is pulsed toward its target; a cell
               already there is not driven (the current has the polarity that holds its state).
               1mtj, V/2 scheme: the selected row and columns take the write levels, every other line
               sits at V/2, so half-selected cells see V/2 and the rest 0 V. In phase A only P cells are
               pushed by the half-select (at V_A/2), in phase B only AP cells (at V_B/2). Defaults:
               V_A = 0.18 V (selected P cell 36 uA = 1.57 Ic0, half-selected 0.79 Ic0), V_B = 0.35 V
               (selected AP cell 39 uA = 1.69 Ic0, half-selected 0.74 Ic0), 30 ns pulses. (A V/3
               scheme does not fit this TMR: in its phase B the unselected cells see -V_B/3 in the
               P -> AP direction, and a P cell at V_B/3 = 0.12 V already carries ~Ic0.)
               1t1mtj: only the selected row's word line opens; the unselected columns sit at the
               selected row's level (0 V across those cells) and the other rows are gated off. The
               lines move only while every word line is off (a setup plateau before and a release
               plateau after each pulse): a word line opening while its row line still moves would
               drive the cells with a partial pulse. Defaults V_A = 0.30 V, V_B = 0.50 V, 20 ns.
               Consecutive pulses are joined by ramps (t_gap = 0; with idle gaps at 0 V between pulses
               the behavioural MTJ makes Newton chatter, see README.md) and one idle plateau (all lines
               at 0 V) opens and closes the programming; the states are sampled at its end.
               Checks (check_programming): every state equals its target, each cell that had to switch
               flipped exactly once and no other cell flipped (a half-select disturb corrected later
               by its own row's pulse would show as an extra flip), the reads leave the states alone,
               and, with save_progress, the largest switching progress p of a cell not pulsed.
  read         one time slot per input vector: rows at the input voltages (<= 0.1 V), columns at 0 V,
               all word lines on; the column currents are sampled at the end of each plateau (a PWL corner,
               where the transient lands exactly; the network is resistive, so that is the DC solution).
               Without a target the run is read-only, the states set by theta0 from `initial`.

Oracles (numpy): the ideal dot product I_j = sum_i G_ij(V_i) V_i with G = G_P (P) or
G_P/(1 + TMR0/(1 + V^2/Vh^2)) (AP), and for 1t1mtj the "cell ideal": each cell solved alone with its
transistor (no wires), so that wire effects and the access transistor can be told apart.

Usage as a command (prints the netlist, or runs it and reports):
  gen_crossbar.py --rows 8 [--cols 8] [--cell 1mtj|1t1mtj] [--rwire 1] [--reads 4] [--program]
                  [--seed 1] [--vread 0.1] > xb.cir
  gen_crossbar.py --rows 16 --cell 1mtj --rwire 1 --program --run [--json out.json] [--png out.png]
As a module: Crossbar(...).netlist(), Crossbar(...).run() -> ReadResult, ideal_currents(...).
Binary: --binary, else $SPINSPICE, else build/spinspice of this repository.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BINARY = os.path.join(HERE, "..", "..", "build", "spinspice")

# SI constants (CODATA 2018, mu0 pinned as in models/constants.hpp)
Q_E = 1.602176634e-19
HBAR = 1.054571817e-34
K_B = 1.380649e-23
MU0 = 4e-7 * math.pi


def spinspice_binary(explicit: str | None = None) -> str:
    """The simulator: an explicit path, else $SPINSPICE, else build/spinspice of this repository."""
    path = explicit or os.environ.get("SPINSPICE") or DEFAULT_BINARY
    if not os.path.exists(path):
        sys.exit(f"spinspice binary not found at {path} (build the project or pass --binary / $SPINSPICE)")
    return os.path.abspath(path)


@dataclass
class MtjCard:
    """The `mtj` model card (dynamics=1) and its conductance law."""
    rp: float = 5e3          # parallel resistance (ohm)
    tmr: float = 1.2         # zero-bias TMR
    vh: float = 0.5          # bias at which the TMR halves (V); 1e9 makes the cell linear
    ms: float = 1e6          # free layer: Ms (A/m), thickness, diameter, damping, Hk (A/m), STT efficiency
    tf: float = 1.5e-9
    d: float = 40e-9
    alpha: float = 0.01
    hk: float = 159154.943
    eta: float = 0.5
    tau0: float = 1e-9       # Neel-Brown attempt time

    def card(self, name: str = "xmtj") -> str:
        return (f".model {name} mtj (rp={self.rp!r} tmr={self.tmr!r} vh={self.vh!r} dynamics=1 "
                f"tau0={self.tau0!r} ms={self.ms!r} tf={self.tf!r} d={self.d!r} alpha={self.alpha!r} "
                f"hk={self.hk!r} eta={self.eta!r})")

    def conductance(self, state, v):
        """G(state, V): G_P for state +1 (P), G_P/(1 + TMR0/(1 + V^2/Vh^2)) for state -1 (AP)."""
        gp = 1.0 / self.rp
        gap = gp / (1.0 + self.tmr / (1.0 + (np.asarray(v, float) / self.vh) ** 2))
        return np.where(np.asarray(state) > 0, gp, gap)

    def current(self, state, v):
        return self.conductance(state, v) * np.asarray(v, float)

    @property
    def volume(self) -> float:
        return math.pi * self.d ** 2 / 4 * self.tf

    @property
    def ic0(self) -> float:
        """PMA critical current 2e/hbar (alpha/eta) mu0 Ms V Hk (the device's own formula, no field)."""
        return 2 * Q_E / HBAR * (self.alpha / self.eta) * MU0 * self.ms * self.volume * self.hk

    def delta(self, temp_c: float = 27.0) -> float:
        """Thermal stability mu0 Ms Hk V / (2 kB T)."""
        return MU0 * self.ms * self.hk * self.volume / (2 * K_B * (temp_c + 273.15))


@dataclass
class MosCard:
    """Level-1 NMOS access transistor (no body effect, no channel-length modulation, no capacitances)."""
    vto: float = 0.5
    kp: float = 2e-4         # A/V^2
    w: float = 1e-6
    l: float = 0.1e-6

    def card(self, name: str = "xnch") -> str:
        return f".model {name} nmos (level=1 vto={self.vto!r} kp={self.kp!r})"

    @property
    def beta(self) -> float:
        return self.kp * self.w / self.l

    def ids(self, vg, vd, vs):
        """Shichman-Hodges drain current (drain -> source), symmetric in drain and source."""
        vg, vd, vs = (np.asarray(x, float) for x in (vg, vd, vs))
        swap = vd < vs
        hi, lo = np.where(swap, vs, vd), np.where(swap, vd, vs)
        vgst = vg - lo - self.vto
        vds = hi - lo
        i = np.where(vgst <= 0, 0.0,
                     np.where(vgst <= vds, 0.5 * self.beta * vgst ** 2, self.beta * vds * (vgst - 0.5 * vds)))
        return np.where(swap, -i, i)


def ideal_currents(mtj: MtjCard, states: np.ndarray, vin: np.ndarray) -> np.ndarray:
    """Ideal dot product I_j = sum_i G_ij(V_i) V_i for every input vector: vin (K x rows) -> (K x cols)."""
    vin = np.atleast_2d(vin)
    return np.stack([(mtj.conductance(states, v[:, None]) * v[:, None]).sum(axis=0) for v in vin])


def cell_ideal_currents(mtj: MtjCard, mos: MosCard, vgate: float, states: np.ndarray,
                        vin: np.ndarray) -> np.ndarray:
    """1T-1MTJ without wires: each cell solved alone (row at V_i, column at 0 V, gate at vgate) by
    bisection on the mid-node voltage, then summed per column. vin (K x rows) -> (K x cols)."""
    vin = np.atleast_2d(vin)
    out = []
    for v in vin:
        vr = np.broadcast_to(v[:, None], states.shape).astype(float)
        lo, hi = np.zeros_like(vr), vr.copy()          # the mid node lies between the column and the row
        for _ in range(80):
            vm = 0.5 * (lo + hi)
            excess = mtj.current(states, vr - vm) - mos.ids(vgate, vm, 0.0)  # > 0: vm too low
            lo, hi = np.where(excess > 0, vm, lo), np.where(excess > 0, hi, vm)
        vm = 0.5 * (lo + hi)
        out.append(mos.ids(vgate, vm, 0.0).sum(axis=0))
    return np.array(out)


@dataclass
class ReadResult:
    """What one run of a crossbar deck gives back."""
    currents: np.ndarray            # K x cols: i(vc<j>) at the end of each read slot
    read_times: np.ndarray          # the K sample instants
    states_programmed: np.ndarray | None  # rows x cols at the end of programming (or at t = 0 without it)
    states_final: np.ndarray | None       # rows x cols at the end of the run
    flips: np.ndarray | None              # rows x cols: state changes during programming
    max_read_progress: float | None       # largest switching progress p during the reads (save_progress)
    max_halfselect_progress: float | None  # largest p of a cell not selected by a write pulse, at its end
    wall: float                     # seconds spinspice ran
    points: int                     # accepted time points
    stats: dict


@dataclass
class Crossbar:
    """One crossbar deck: geometry, cells, states, optional programming, read vectors and timing."""
    rows: int
    cols: int
    cell: str = "1mtj"                  # "1mtj" or "1t1mtj"
    rwire: float = 0.0                  # ohm per wire segment (rows and columns)
    initial: np.ndarray | None = None   # rows x cols, +1 P / -1 AP before the run (default all P)
    target: np.ndarray | None = None    # rows x cols, programmed by write pulses when given
    reads: np.ndarray | None = None     # K x rows input voltages
    mtj: MtjCard = field(default_factory=MtjCard)
    mos: MosCard = field(default_factory=MosCard)
    vgate: float = 2.5                  # word-line voltage when on (1t1mtj)
    v_ap: float | None = None           # phase-A (P -> AP) write voltage; default by cell type
    v_p: float | None = None            # phase-B (AP -> P) write voltage
    t_ramp: float = 1e-9
    t_pulse: float | None = None        # write pulse plateau; default by cell type
    t_gap: float = 0.0                  # idle after each write pulse (0: pulses joined by ramps)
    t_idle: float = 10e-9               # idle before and after programming
    t_setup: float = 1e-9               # 1t1mtj: lines settle with the word lines off before/after a pulse
    t_slot: float = 5e-9                # read plateau per input vector
    save_states: bool = True            # save n<i>_<j>.state (needed for the programming checks)
    save_progress: bool = False         # also save n<i>_<j>.p (margins; large JSON for large arrays)
    options: dict = field(default_factory=dict)
    title: str = ""

    def __post_init__(self):
        if self.cell not in ("1mtj", "1t1mtj"):
            raise ValueError(f"cell must be 1mtj or 1t1mtj, not {self.cell}")
        if self.initial is None:
            self.initial = np.ones((self.rows, self.cols), int)
        one = self.cell == "1mtj"
        # 1mtj (V/2 scheme): selected P cell at 0.18 V -> 36 uA = 1.57 Ic0, half-selected P at 0.09 V -> 0.79
        # Ic0; selected AP at 0.35 V -> 39 uA = 1.69 Ic0, half-selected AP at 0.175 V -> 0.74 Ic0.
        # 1t1mtj: no half-selection, so larger margins: selected P cell at 0.30 V -> ~56 uA = 2.5 Ic0,
        # selected AP cell at 0.50 V -> ~59 uA = 2.6 Ic0 (the transistor takes ~250 ohm of it).
        self.v_ap = self.v_ap if self.v_ap is not None else (0.18 if one else 0.30)
        self.v_p = self.v_p if self.v_p is not None else (0.35 if one else 0.50)
        self.t_pulse = self.t_pulse if self.t_pulse is not None else (30e-9 if one else 20e-9)
        if self.reads is None:
            self.reads = np.zeros((0, self.rows))
        self.reads = np.atleast_2d(np.asarray(self.reads, float))
        self._build_schedule()

    # ---- names -------------------------------------------------------------------------------------
    def row_node(self, i, j):
        return f"r{i}_{j}" if self.rwire > 0 else f"rd{i}"

    def col_node(self, i, j):
        return f"c{i}_{j}" if self.rwire > 0 else f"cs{j}"

    # ---- time line ---------------------------------------------------------------------------------
    def _build_schedule(self):
        """A list of plateaus (levels of every row, column and word-line source, hold time); consecutive
        plateaus are joined by ramps of t_ramp. Records the end of programming and the read instants."""
        R, C = self.rows, self.cols
        plateaus = []   # (rows[R], cols[C], gates[R], hold, kind)
        masks = []      # per plateau: the cells a write pulse drives (rows x cols bool), else None
        zeros_r, zeros_c = np.zeros(R), np.zeros(C)
        on = np.full(R, self.vgate) if self.cell == "1t1mtj" else zeros_r
        if self.target is not None:
            target = np.asarray(self.target)
            plateaus.append((zeros_r, zeros_c, zeros_r, self.t_idle, "idle"))
            for i in range(R):
                for phase, want in (("A", -1), ("B", +1)):
                    sel = target[i] == want
                    if not sel.any():
                        continue
                    rv, cv, gv = self._write_levels(i, sel, phase)
                    if self.cell == "1t1mtj":   # lines settle while every word line is off
                        plateaus.append((rv, cv, zeros_r, self.t_setup, "setup"))
                    plateaus.append((rv, cv, gv, self.t_pulse, f"write{phase}{i}"))
                    m = np.zeros((R, C), bool)
                    m[i] = sel
                    masks.append((len(plateaus) - 1, m))
                    if self.cell == "1t1mtj":   # the word line closes before the lines move again
                        plateaus.append((rv, cv, zeros_r, self.t_setup, "release"))
                    if self.t_gap > 0:
                        plateaus.append((zeros_r, zeros_c, zeros_r, self.t_gap, "idle"))
            if self.t_gap <= 0:   # pulses joined by ramps: one idle plateau closes the programming
                plateaus.append((zeros_r, zeros_c, zeros_r, self.t_idle, "idle"))
        self.n_program_plateaus = len(plateaus)
        for v in self.reads:
            plateaus.append((np.asarray(v, float), zeros_c, on, self.t_slot, "read"))
        if not plateaus:
            raise ValueError("nothing to simulate: no target and no read vectors")
        # Times: plateau k spans [start_k, end_k]; the first starts at t = 0. Counted in integer
        # femtoseconds so that the corners print as short exact decimals (1.1e-08, not 1.1000000000000001e-08).
        fs = lambda x: int(round(x * 1e15))  # noqa: E731
        t, starts, ends = 0, [], []
        for k, p in enumerate(plateaus):
            if k > 0:
                t += fs(self.t_ramp)
            starts.append(t / 1e15)
            t += fs(p[3])
            ends.append(t / 1e15)
        self.plateaus, self.starts, self.ends = plateaus, starts, ends
        self.write_masks = [None] * len(plateaus)
        for k, m in masks:
            self.write_masks[k] = m
        self.t_stop = ends[-1]
        npg = self.n_program_plateaus
        self.t_program_end = ends[npg - 1] if npg else 0.0
        self.read_times = np.array(ends[npg:])

    def _write_levels(self, i, sel, phase):
        """Row, column and word-line levels while row i is written (sel: the columns pulsed)."""
        R, C = self.rows, self.cols
        va, vb = self.v_ap, self.v_p
        if self.cell == "1mtj":
            if phase == "A":   # P -> AP: selected row 0, selected columns V_A, the rest V_A/2
                rv, cv = np.full(R, va / 2), np.where(sel, va, va / 2)
                rv[i] = 0.0
            else:              # AP -> P: selected row V_B, selected columns 0, the rest V_B/2
                rv, cv = np.full(R, vb / 2), np.where(sel, 0.0, vb / 2)
                rv[i] = vb
            return rv, cv, np.zeros(R)
        gv = np.zeros(R)
        gv[i] = self.vgate
        if phase == "A":       # row i at 0, selected columns V_A, others at the row's 0 V
            return np.zeros(R), np.where(sel, va, 0.0), gv
        return np.full(R, vb), np.where(sel, 0.0, vb), gv   # row i (and the gated-off rows) at V_B

    def _pwl(self, values):
        """PWL text for one source: its level on every plateau (both corners of each)."""
        pts = []
        for s, e, v in zip(self.starts, self.ends, values):
            pts.append(f"{s!r} {float(v)!r}")
            pts.append(f"{e!r} {float(v)!r}")
        lines, per = [], 6
        for k in range(0, len(pts), per):
            lines.append(("pwl(" if k == 0 else "+ ") + " ".join(pts[k:k + per]))
        lines[-1] += ")"
        return "\n".join(lines)

    # ---- netlist -----------------------------------------------------------------------------------
    def netlist(self) -> str:
        R, C, rw = self.rows, self.cols, self.rwire
        out = [f"* {self.title or 'MTJ crossbar'}: {R}x{C} {self.cell}, R_wire={rw} ohm/segment, "
               f"{len(self.reads)} read vectors, programming {'on' if self.target is not None else 'off'}",
               self.mtj.card("xmtj")]
        if self.cell == "1t1mtj":
            out.append(self.mos.card("xnch"))
        for i in range(R):
            out.append(f"vr{i} rd{i} 0 " + self._pwl([p[0][i] for p in self.plateaus]))
            if self.cell == "1t1mtj":
                out.append(f"vwl{i} wl{i} 0 " + self._pwl([p[2][i] for p in self.plateaus]))
        for j in range(C):
            out.append(f"vc{j} cs{j} 0 " + self._pwl([p[1][j] for p in self.plateaus]))
        if rw > 0:
            for i in range(R):
                for j in range(C):
                    left = f"rd{i}" if j == 0 else f"r{i}_{j - 1}"
                    out.append(f"rwr{i}_{j} {left} r{i}_{j} {rw!r}")
            for j in range(C):
                for i in range(R):
                    below = f"cs{j}" if i == R - 1 else f"c{i + 1}_{j}"
                    out.append(f"rwc{i}_{j} c{i}_{j} {below} {rw!r}")
        mos = self.mos
        for i in range(R):
            for j in range(C):
                ap = " theta0=3.14159" if self.initial[i, j] < 0 else ""
                if self.cell == "1mtj":
                    out.append(f"n{i}_{j} {self.row_node(i, j)} {self.col_node(i, j)} xmtj{ap}")
                else:
                    out.append(f"n{i}_{j} {self.row_node(i, j)} m{i}_{j} xmtj{ap}")
                    out.append(f"mx{i}_{j} m{i}_{j} wl{i} {self.col_node(i, j)} 0 xnch w={mos.w!r} l={mos.l!r}")
        saves = [f"i(vc{j})" for j in range(C)]
        if self.save_states:
            saves += [f"n{i}_{j}.state" for i in range(R) for j in range(C)]
        if self.save_progress:
            saves += [f"n{i}_{j}.p" for i in range(R) for j in range(C)]
        for k in range(0, len(saves), 16):
            out.append(".save " + " ".join(saves[k:k + 16]))
        if self.options:
            out.append(".options " + " ".join(f"{k}={v}" for k, v in self.options.items()))
        # tmax: no step longer than the shortest plateau (the corners are breakpoints anyway)
        tmax = min(self.t_slot if len(self.reads) else self.t_pulse, self.t_pulse)
        out.append(f".tran {tmax!r} {self.t_stop!r} 0 {tmax!r}")
        out.append(".end")
        return "\n".join(out) + "\n"

    # ---- run ---------------------------------------------------------------------------------------
    def run(self, binary: str | None = None, workdir: str | None = None, keep: str | None = None) -> ReadResult:
        """Write the deck, run spinspice on it and pick the column currents and the states. The deck
        and its JSON go to a temporary directory unless `workdir` is given; `keep` names the deck file."""
        binary = spinspice_binary(binary)
        tmp = None
        if workdir is None:
            tmp = tempfile.TemporaryDirectory(prefix="crossbar-")
            workdir = tmp.name
        try:
            cir = keep or os.path.join(workdir, "crossbar.cir")
            js = os.path.join(workdir, "crossbar.json")
            with open(cir, "w") as f:
                f.write(self.netlist())
            t0 = time.perf_counter()
            r = subprocess.run([binary, "-q", "--no-progress", "-o", js, cir], capture_output=True, text=True)
            wall = time.perf_counter() - t0
            if r.returncode != 0:
                raise RuntimeError(f"spinspice exit {r.returncode} on {cir}:\n{r.stderr[-3000:]}")
            with open(js) as f:
                doc = json.load(f)
        finally:
            if tmp is not None:
                tmp.cleanup()
        an = doc["analyses"][0]
        if "error" in an:
            raise RuntimeError(f"transient failed: {an['error']}")
        sig = an["signals"]
        t = np.array(sig["time"])

        def at(instant):
            k = int(np.argmin(np.abs(t - instant)))
            if abs(t[k] - instant) > 1e-6 * self.t_ramp:
                raise RuntimeError(f"no time point at {instant} (nearest {t[k]})")
            return k

        idx = [at(x) for x in self.read_times]
        cur = np.array([[sig[f"i(vc{j})"][k] for j in range(self.cols)] for k in idx]).reshape(-1, self.cols)
        R, C = self.rows, self.cols
        sp = sf = flips = pread = phalf = None
        kp = at(self.t_program_end)
        if self.save_states:
            st = np.sign(np.array([sig[f"n{i}_{j}.state"] for i in range(R) for j in range(C)]))  # cells x time
            sp = st[:, kp].reshape(R, C).astype(int)
            sf = st[:, -1].reshape(R, C).astype(int)
            flips = np.sum(st[:, 1:kp + 1] != st[:, :kp], axis=1).reshape(R, C)
        if self.save_progress:
            pr = np.array([sig[f"n{i}_{j}.p"] for i in range(R) for j in range(C)])
            if len(self.reads):
                pread = float(np.max(pr[:, kp:]))
            for k, mask in enumerate(self.write_masks):
                if mask is not None:   # p at the end of the pulse plateau, cells not pulsed
                    p_end = pr[:, at(self.ends[k])].reshape(R, C)
                    worst = float(np.max(np.where(mask, -np.inf, p_end)))
                    phalf = worst if phalf is None else max(phalf, worst)
        return ReadResult(cur, self.read_times, sp, sf, flips, pread, phalf, wall, len(t), an.get("stats", {}))

    def ideal(self, states: np.ndarray | None = None) -> np.ndarray:
        """Ideal dot product for the read vectors with the given (default: target or initial) states."""
        states = self._states(states)
        return ideal_currents(self.mtj, states, self.reads)

    def cell_ideal(self, states: np.ndarray | None = None) -> np.ndarray:
        """Per-cell solution without wires (1t1mtj: with the transistor; 1mtj: equals ideal())."""
        states = self._states(states)
        if self.cell == "1mtj":
            return ideal_currents(self.mtj, states, self.reads)
        return cell_ideal_currents(self.mtj, self.mos, self.vgate, states, self.reads)

    def _states(self, states):
        if states is not None:
            return states
        return self.target if self.target is not None else self.initial


def relative_errors(sim: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Per-column relative error (sim - ref)/ref."""
    return (sim - ref) / ref


def check_programming(res: ReadResult, initial: np.ndarray, target: np.ndarray, reads: bool = True) -> dict:
    """The programming and read-disturb checks of one run: a dict of numbers and 'ok'."""
    out = {"cells": int(target.size), "needed_switch": int(np.sum(initial != target))}
    if res.states_programmed is None:
        raise ValueError("the run did not save the states (save_states=False)")
    out["wrong_after_programming"] = int(np.sum(res.states_programmed != target))
    out["flips"] = int(res.flips.sum())
    out["cells_flipped_more_than_once"] = int(np.sum(res.flips > 1))
    out["read_disturbed"] = int(np.sum(res.states_final != res.states_programmed)) if reads else None
    out["max_halfselect_progress"] = res.max_halfselect_progress
    out["max_read_progress"] = res.max_read_progress
    out["ok"] = (out["wrong_after_programming"] == 0 and out["cells_flipped_more_than_once"] == 0
                 and out["flips"] == out["needed_switch"] and not out["read_disturbed"])
    return out


def describe_programming(c: dict) -> str:
    s = (f"programming: {c['wrong_after_programming']} of {c['cells']} cells differ from their target; "
         f"{c['flips']} flips for {c['needed_switch']} cells that had to switch, "
         f"{c['cells_flipped_more_than_once']} cells flipped more than once")
    if c["max_halfselect_progress"] is not None:
        s += f"; largest progress p of a cell not pulsed: {c['max_halfselect_progress']:.2e}"
    if c["read_disturbed"] is not None:
        s += f"\nread disturb: {c['read_disturbed']} cells changed during the reads"
        if c["max_read_progress"] is not None:
            s += f" (largest progress p {c['max_read_progress']:.2e})"
    return s


def random_states(rng: np.random.Generator, rows: int, cols: int, p_ap: float = 0.5) -> np.ndarray:
    return np.where(rng.random((rows, cols)) < p_ap, -1, 1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=8)
    ap.add_argument("--cols", type=int, default=None, help="default: rows")
    ap.add_argument("--cell", choices=["1mtj", "1t1mtj"], default="1mtj")
    ap.add_argument("--rwire", type=float, default=0.0, help="ohm per wire segment")
    ap.add_argument("--reads", type=int, default=4, help="number of random input vectors")
    ap.add_argument("--vread", type=float, default=0.1, help="largest read voltage (V)")
    ap.add_argument("--program", action="store_true",
                    help="start from random states and program random targets by write pulses")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--run", action="store_true", help="run spinspice and report instead of printing the deck")
    ap.add_argument("--binary", default=None)
    ap.add_argument("--json", default=None, help="with --run: write the results here")
    ap.add_argument("--png", default=None, help="with --run: plot simulated vs ideal column currents")
    a = ap.parse_args(argv)
    cols = a.cols or a.rows
    rng = np.random.default_rng(a.seed)
    initial = random_states(rng, a.rows, cols)
    target = random_states(rng, a.rows, cols) if a.program else None
    reads = rng.uniform(0, a.vread, (a.reads, a.rows))
    xb = Crossbar(a.rows, cols, a.cell, a.rwire, initial=initial, target=target, reads=reads,
                  save_progress=a.rows * cols <= 1024, title=f"gen_crossbar.py seed {a.seed}")
    if not a.run:
        sys.stdout.write(xb.netlist())
        return 0
    res = xb.run(a.binary)
    states = target if target is not None else initial
    ideal, cell = xb.ideal(states), xb.cell_ideal(states)
    err = relative_errors(res.currents, ideal)
    print(f"{a.rows}x{cols} {a.cell}, R_wire = {a.rwire} ohm: spinspice {res.wall:.2f} s, {res.points} time points")
    print(f"Ic0 = {xb.mtj.ic0 * 1e6:.2f} uA, Delta = {xb.mtj.delta():.1f}")
    ok, prog = True, None
    if target is not None:
        prog = check_programming(res, initial, target, reads=len(reads) > 0)
        print(describe_programming(prog))
        ok = prog["ok"]
    else:
        disturbed = int(np.sum(res.states_final != initial))
        print(f"read disturb: {disturbed} cells changed during the reads")
        ok = disturbed == 0
    print(f"column currents vs ideal dot product: mean |err| = {np.mean(np.abs(err)):.3e}, "
          f"max |err| = {np.max(np.abs(err)):.3e}")
    if a.cell == "1t1mtj":
        ec = relative_errors(res.currents, cell)
        print(f"column currents vs per-cell solution (with transistor, no wires): mean |err| = "
              f"{np.mean(np.abs(ec)):.3e}, max |err| = {np.max(np.abs(ec)):.3e}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": a.rows, "cols": cols, "cell": a.cell, "rwire": a.rwire, "seed": a.seed,
                       "reads": reads.tolist(), "states": states.tolist(), "currents": res.currents.tolist(),
                       "ideal": ideal.tolist(), "cell_ideal": cell.tolist(),
                       "programming": prog,
                       "wall_s": res.wall, "time_points": res.points}, f, indent=1)
    if a.png:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(5, 4.5))
        ax.plot(ideal.ravel() * 1e6, res.currents.ravel() * 1e6, "o", ms=3, label="spinspice")
        lim = [0, ideal.max() * 1.05e6]
        ax.plot(lim, lim, "k--", lw=0.8, label="ideal")
        ax.set_xlabel("ideal dot product (uA)")
        ax.set_ylabel("simulated column current (uA)")
        ax.set_title(f"{a.rows}x{cols} {a.cell}, R_wire={a.rwire} ohm")
        ax.legend()
        fig.tight_layout()
        fig.savefig(a.png, dpi=120)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
