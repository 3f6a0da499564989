#!/usr/bin/env python3
"""pbitnet -- p-bit networks (Boltzmann machines) as spinspice netlists.

Importable module and command-line tool.

Conventions (README "pbit"; device-physics.md section 3.3-4)
------------------------------------------------------------
Spins m_i in {-1, +1}. A network (J, h) (J symmetric, zero diagonal) samples

    P(m) ∝ exp(-I0 H(m)),   H(m) = -(sum_i h_i m_i + 1/2 sum_ij J_ij m_i m_j)

(I0 = inverse temperature). State index convention everywhere in this module:
index(m) = sum_i 2**i [m_i = +1], so bit i of the index is p-bit i (1 = +1).

The netlist (current-mode p-bits, `input=0`): p-bit i is `Ni in<i> o<i> pb` (its state is the signal
`ni.m`); every nonzero J_ij becomes `Gi_j 0 in<i> o<j> 0 {J_ij*g}` (injects J_ij g v(o<j>) into in<i>)
and every nonzero h_i a current source `Ii 0 in<i> dc {h_i*g*vout}`, so the input current is
u_i = g vout (h_i + sum_j J_ij m_j) and beta = I0/(g vout) gives P(m_i=+1) = (1+tanh(I0 (h_i+...)))/2.
With `anneal=[(t, I0), ...]` every free p-bit gets a third node `beta` driven by
`Vbeta beta 0 PWL(t I0 ...)` and beta = 1/(g vout), so beta_eff = I0(t)/(g vout).

Clamping (`clamp={i: +1|-1}`): p-bit i gets the extra bias h_i += s_i * clamp_bias, where
clamp_bias = clamp_margin + |h_i| + sum_j |J_ij| (default margin 20). A clamped p-bit uses its own
model (no ctrl node, fixed beta = 1/(g vout), i.e. I0 = 1 even while the others are annealed) and starts
at m0 = s_i, so the probability that it ever leaves s_i at one update is <= (1 - tanh(20))/2 ~ 4e-18.
As clamp_bias -> inf this is exact conditioning of the Boltzmann distribution on m_i = s_i.

Sampling: the pbit device updates at Poisson times (update=0); m is piecewise constant and spinspice
writes, at an accepted time point t_k, the state that held over (t_{k-1}, t_k] (an update at t_k
becomes visible at the next point). `sample_histogram` therefore weights state m[k] by t_k - t_{k-1}
(time average), or samples it on a regular grid (dt_sample). For a continuous-time Markov chain with
Poisson updates both converge to the stationary (Boltzmann) distribution.

Gate library: bit-level penalty functions (QUBOs, >= 0, zero exactly on the truth table) turned into
Ising (J, h) with `qubo_to_ising(..., scale=4)`. scale = 4 makes the AND penalty
ab - 2ac - 2bc + 3c (Rosenberg) exactly the reference AND (J = [[0,-1,2],[-1,0,2],[2,2,0]], h = [1,1,-2]),
so every gate's smallest violation costs 4 (units of 1/I0). Full adder: (a + b + cin - s - 2 cout)^2.
Circuits (class Circuit) add gate Hamiltonians over shared named nodes; `multiplier(n, m)` is an
array multiplier (AND partial products reduced column by column with full/half adders).
"""
from __future__ import annotations

import argparse
import io
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time as _time
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "write_network", "clamped_h", "conditional", "marginal", "read_states", "sample_histogram", "run_network", "find_spinspice",
    "boltzmann", "kl_divergence", "energy", "all_states", "state_index", "ground_states",
    "qubo_to_ising", "AND", "OR", "HALF_ADDER", "FULL_ADDER", "Gate", "Circuit", "multiplier",
    "gibbs_reference", "batch_means_sigma",
]

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------------------------
# Exact helpers
# ----------------------------------------------------------------------------------------------
def all_states(n: int) -> np.ndarray:
    """(2**n, n) array of +-1; row k has m_i = +1 iff bit i of k is set."""
    k = np.arange(1 << n, dtype=np.int64)[:, None]
    return np.where((k >> np.arange(n)) & 1, 1, -1).astype(np.int8)


def state_index(m) -> np.ndarray:
    """Index of +-1 state(s) m (shape (..., n)): sum_i 2**i [m_i > 0]."""
    m = np.asarray(m)
    w = (np.int64(1) << np.arange(m.shape[-1], dtype=np.int64))
    return ((m > 0).astype(np.int64) * w).sum(axis=-1)


def energy(J, h, m) -> np.ndarray:
    """H(m) = -(h.m + 1/2 m J m) for state(s) m (shape (..., n))."""
    J = np.asarray(J, float)
    h = np.asarray(h, float)
    m = np.asarray(m, float)
    return -(m @ h + 0.5 * np.einsum("...i,ij,...j->...", m, J, m))


def _check_Jh(J, h):
    J = np.asarray(J, float)
    h = np.asarray(h, float)
    n = len(h)
    if J.shape != (n, n):
        raise ValueError(f"J must be {n}x{n}, got {J.shape}")
    if not np.allclose(J, J.T):
        raise ValueError("J must be symmetric")
    if np.any(np.diag(J) != 0):
        raise ValueError("J must have a zero diagonal")
    return J, h


def boltzmann(J, h, i0: float = 1.0) -> np.ndarray:
    """Exact P(m) ∝ exp(-i0 H(m)) over all 2**n states (index convention above); n <= ~22."""
    J, h = _check_Jh(J, h)
    n = len(h)
    if n > 24:
        raise ValueError("too many bits to enumerate")
    E = energy(J, h, all_states(n))
    w = np.exp(-i0 * (E - E.min()))
    return w / w.sum()


def ground_states(J, h, tol: float = 1e-9, chunk_bits: int = 20):
    """(E_min, array of ground-state indices) by exhaustive enumeration, chunked (fine up to ~28 bits)."""
    J, h = _check_Jh(J, h)
    n = len(h)
    lo = min(n, chunk_bits)
    base = all_states(lo).astype(np.float64)
    # split H into the low-bit part (vectorised) and the high-bit part (per chunk)
    Jll, Jlh, Jhh = J[:lo, :lo], J[:lo, lo:], J[lo:, lo:]
    El = -(base @ h[:lo] + 0.5 * np.einsum("ki,ij,kj->k", base, Jll, base))
    best, idx = np.inf, []
    for hi in range(1 << (n - lo)):
        mh = np.where((hi >> np.arange(n - lo)) & 1, 1.0, -1.0)
        E = El - (mh @ h[lo:] + 0.5 * mh @ Jhh @ mh) - base @ (Jlh @ mh)
        emin = E.min()
        if emin < best - tol:
            best, idx = emin, []
        if emin <= best + tol:
            sel = np.nonzero(E <= best + tol)[0]
            idx.extend((sel + (hi << lo)).tolist())
    return best, np.array(sorted(idx), dtype=np.int64)


def kl_divergence(p, q) -> float:
    """KL(p || q) = sum p log(p/q) (nats); terms with p = 0 contribute 0; inf if q = 0 < p."""
    p = np.asarray(p, float)
    q = np.asarray(q, float)
    p = p / p.sum()
    q = q / q.sum()
    s = p > 0
    if np.any(q[s] <= 0):
        return math.inf
    return float(np.sum(p[s] * np.log(p[s] / q[s])))


def marginal(p, bits, n=None) -> np.ndarray:
    """Marginal distribution of a full-state distribution p (2**n) over the bit subset `bits`
    (result index: bit k of the index = bits[k])."""
    p = np.asarray(p, float)
    n = n or int(round(math.log2(len(p))))
    k = np.arange(len(p), dtype=np.int64)
    sub = np.zeros(len(p), dtype=np.int64)
    for j, b in enumerate(bits):
        sub |= ((k >> b) & 1) << j
    return np.bincount(sub, weights=p, minlength=1 << len(bits))


# ----------------------------------------------------------------------------------------------
# Netlists
# ----------------------------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return f"{x:.12g}"


def clamped_h(J, h, clamp, clamp_margin: float = 20.0) -> np.ndarray:
    """The biases write_network uses: h_i + s_i (clamp_margin + |h_i| + sum_j |J_ij|) for clamped bits
    (at I0 = 1 their local field then has the sign s_i and magnitude >= clamp_margin)."""
    J, h = _check_Jh(J, h)
    hb = h.copy()
    for k, s in (clamp or {}).items():
        s = 1 if s > 0 else -1
        hb[int(k)] += s * (clamp_margin + abs(h[int(k)]) + np.abs(J[int(k)]).sum())
    return hb


def conditional(p, clamp, n=None) -> np.ndarray:
    """Exact conditional distribution of p (2**n) given {index: +-1}, over all 2**n states
    (zero where the condition fails)."""
    p = np.asarray(p, float).copy()
    k = np.arange(len(p), dtype=np.int64)
    for i, s in clamp.items():
        p[((k >> int(i)) & 1) != (1 if s > 0 else 0)] = 0.0
    return p / p.sum()


def write_network(path_or_file, J, h, *, i0: float = 1.0, tau: float = 1e-9, tstop: float, seed: int = 42,
                  tstep: float | None = None, anneal=None, clamp=None, save: str = "states",
                  title: str | None = None, g: float = 1e-6, vout: float = 1.0, m0=None,
                  clamp_margin: float = 20.0, names=None, update: int = 0, interp: bool = False,
                  options: str = "") -> str:
    """Write (and return) the spinspice netlist of the Boltzmann machine (J, h).

    path_or_file: a path, an open text file, or None (just return the text).
    i0: inverse temperature (ignored for free bits when `anneal` is given).
    anneal: [(t, I0), ...] PWL schedule of I0 on node `beta` (shared ctrl node of the free p-bits).
    clamp: {index: +1|-1}: large bias on those bits (see module docstring).
    save: 'states' (.save of the n<i>.m signals only) or 'all'.
    m0: initial states (sequence of +-1, default all +1; clamped bits start at their clamp value).
    names: optional labels written as comments.
    update: 0 Poisson (default), 1 clocked (all p-bits on the same clock: NOT Gibbs sampling).
    interp: write the states every tstep only (.options interp=1), not at every update.
    options: more `.options` text ("maxpoints=1e9").
    """
    J, h = _check_Jh(J, h)
    n = len(h)
    clamp = {int(k): (1 if v > 0 else -1) for k, v in (clamp or {}).items()}
    for k in clamp:
        if not 0 <= k < n:
            raise ValueError(f"clamp index {k} out of range")
    if save not in ("states", "all"):
        raise ValueError("save must be 'states' or 'all'")
    if tstep is None:
        tstep = tau
    m0 = [1] * n if m0 is None else [1 if v >= 0 else -1 for v in m0]
    hb = clamped_h(J, h, clamp, clamp_margin)
    for k, s in clamp.items():
        m0[k] = s
    beta1 = 1.0 / (g * vout)
    out = io.StringIO()
    w = out.write
    w((title or f"p-bit network ({n} p-bits)") + "\n")
    w(f"* generated by scripts/pbitnet.py: P(m) ~ exp(I0 (h.m + m.J.m/2)); g={_fmt(g)} S, vout={_fmt(vout)} V\n")
    if anneal:
        pts = " ".join(f"{_fmt(t)} {_fmt(b)}" for t, b in anneal)
        w("* anneal: I0(t) = v(beta) (PWL), beta = 1/(g vout)\n")
        w(f".model pb pbit (beta={_fmt(beta1)} vout={_fmt(vout)} tau={_fmt(tau)} input=0 update={update})\n")
        w(f"Vbeta beta 0 PWL({pts})\n")
    else:
        w(f".model pb pbit (beta={_fmt(i0 * beta1)} vout={_fmt(vout)} tau={_fmt(tau)} input=0 update={update})\n")
    if clamp:
        w(f"* clamped p-bits: fixed I0 = 1, bias h += s*({_fmt(clamp_margin)} + |h| + sum|J|)\n")
        w(f".model pbc pbit (beta={_fmt(beta1)} vout={_fmt(vout)} tau={_fmt(tau)} input=0 update={update})\n")
    for i in range(n):
        label = f" ; {names[i]}" if names is not None else ""
        if i in clamp:
            w(f"N{i} in{i} o{i} pbc m0={m0[i]}{label}\n")
        elif anneal:
            w(f"N{i} in{i} o{i} beta pb m0={m0[i]}{label}\n")
        else:
            w(f"N{i} in{i} o{i} pb m0={m0[i]}{label}\n")
    for i in range(n):
        for j in np.flatnonzero(J[i]):  # (a Python loop over all n^2 pairs took minutes at 20 000 p-bits)
            if i != j:
                w(f"G{i}_{j} 0 in{i} o{j} 0 {_fmt(J[i, j] * g)}\n")
        if hb[i] != 0:
            w(f"I{i} 0 in{i} dc {_fmt(hb[i] * g * vout)}\n")
    w(f".options seed={int(seed)}{' interp=1' if interp else ''}{' ' + options if options else ''}\n")
    if save == "states":
        w(".save " + " ".join(f"n{i}.m" for i in range(n)) + "\n")
    w(f".tran {_fmt(tstep)} {_fmt(tstop)}\n.end\n")
    text = out.getvalue()
    if path_or_file is not None:
        if hasattr(path_or_file, "write"):
            path_or_file.write(text)
        else:
            with open(path_or_file, "w") as f:
                f.write(text)
    return text


def _read_raw(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = data.index(b"Binary:\n") if b"Binary:\n" in data else -1
    header = data[: pos if pos >= 0 else data.index(b"Values:\n")].decode()
    names = []
    npts = None
    lines = header.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("No. Points:"):
            npts = int(line.split(":")[1])
        if line.startswith("Variables:"):
            for v in lines[i + 1:]:
                parts = v.split()
                if len(parts) >= 2:
                    names.append(parts[1])
    if pos < 0:
        raise ValueError("only binary raw files are supported")
    arr = np.frombuffer(data[pos + 8: pos + 8 + 8 * npts * len(names)], dtype="<f8").reshape(npts, len(names))
    return {nm: arr[:, k] for k, nm in enumerate(names)}


def read_signals(path, analysis: int = 0) -> dict:
    """All signals of one analysis of a spinspice .json (or binary .raw, first plot) file."""
    if str(path).endswith(".raw"):
        return _read_raw(path)
    with open(path) as f:
        d = json.load(f)
    a = d["analyses"][analysis]
    if "error" in a:
        raise RuntimeError(f"analysis failed: {a['error']}")
    return {k: np.asarray(v, float) for k, v in a["signals"].items()}


def read_states(json_path, n: int | None = None, analysis: int = 0):
    """(times (T,), m (T, n) int8) from a spinspice output of a write_network netlist
    (signals n0.m, n1.m, ...)."""
    s = read_signals(json_path, analysis)
    if n is None:
        n = 0
        while f"n{n}.m" in s:
            n += 1
    t = s["time"]
    m = np.stack([s[f"n{i}.m"] for i in range(n)], axis=1)
    return t, np.where(m > 0, 1, -1).astype(np.int8)


def sample_histogram(times, m, t_burn: float = 0.0, dt_sample: float | None = None, bits=None,
                     t_end: float | None = None):
    """Empirical distribution of the states over [t_burn, t_end] (index convention above).

    dt_sample None: time-weighted (state m[k] held over (t_{k-1}, t_k]); otherwise the state sampled
    every dt_sample from t_burn. bits: restrict to a subset of bits (marginal histogram; index bit k =
    bits[k]). Returns (p, total weight): p sums to 1; weight = time span or number of samples.
    """
    times = np.asarray(times, float)
    m = np.asarray(m)
    if bits is not None:
        m = m[:, list(bits)]
    nb = m.shape[1]
    idx = state_index(m)
    t_end = times[-1] if t_end is None else t_end
    if dt_sample is None:
        lo = np.maximum(times[:-1], t_burn)
        hi = np.minimum(times[1:], t_end)
        wts = np.clip(hi - lo, 0, None)
        hist = np.bincount(idx[1:], weights=wts, minlength=1 << nb)
        total = wts.sum()
    else:
        ts = np.arange(t_burn + dt_sample, t_end + 1e-30, dt_sample)
        k = np.searchsorted(times, ts, side="left")
        k = np.clip(k, 0, len(times) - 1)
        hist = np.bincount(idx[k], minlength=1 << nb).astype(float)
        total = float(len(ts))
    return hist / max(hist.sum(), 1e-300), total


def state_at(times, m, t):
    """State(s) at time(s) t (the value holding over (t_{k-1}, t_k] containing t)."""
    k = np.clip(np.searchsorted(np.asarray(times), t, side="left"), 0, len(times) - 1)
    return np.asarray(m)[k]


def batch_means_sigma(times, m, t_burn=0.0, nbatch=20, bits=None):
    """Per-state standard error of the time-weighted histogram by batch means (nbatch equal time
    windows): returns (p, sigma) arrays."""
    t_end = times[-1]
    edges = np.linspace(t_burn, t_end, nbatch + 1)
    ps = np.array([sample_histogram(times, m, a, bits=bits, t_end=b)[0] for a, b in zip(edges[:-1], edges[1:])])
    p, _ = sample_histogram(times, m, t_burn, bits=bits)
    return p, ps.std(axis=0, ddof=1) / math.sqrt(nbatch)


def find_spinspice() -> str:
    env = os.environ.get("SPINSPICE")
    if env:
        return env
    return os.path.join(os.path.dirname(HERE), "build", "spinspice")


def spinspice_module():
    """The Python module (build/python, or installed), or None: then the binary runs."""
    try:
        import spinspice as module
        return module
    except ImportError:
        pass
    path = os.path.join(os.path.dirname(HERE), "build", "python")
    if os.path.isdir(os.path.join(path, "spinspice")):
        sys.path.insert(0, path)
        try:
            import spinspice as module
            return module
        except ImportError:
            sys.path.remove(path)
    return None


def run_network(J, h, *, workdir=None, stem="net", spinspice=None, fmt=None, **kw):
    """Write the netlist (write_network keywords), simulate it, return (times, m, info) with
    info = {'netlist', 'output', 'seconds', 'workdir'} (a fresh temporary directory unless given). fmt: 'json' or 'raw' (binary raw, faster to read).
    Without an explicit `spinspice` binary (argument or $SPINSPICE) or output format the Python module
    runs the netlist in this process when it is built: no output file is written (info['output'] is
    None); otherwise the binary writes `fmt` (default json)."""
    workdir = workdir or tempfile.mkdtemp(prefix="pbitnet_")
    os.makedirs(workdir, exist_ok=True)
    cir = os.path.join(workdir, stem + ".cir")
    text = write_network(cir, J, h, **kw)
    module = None if (spinspice or fmt or os.environ.get("SPINSPICE")) else spinspice_module()
    if module is not None:
        t0 = _time.perf_counter()
        r = module.simulate(text)["tran1"]
        dt = _time.perf_counter() - t0
        m = np.stack([r[f"n{i}.m"] for i in range(len(h))], axis=1)
        info = {"netlist": cir, "output": None, "seconds": dt, "workdir": workdir}
        return r["time"], np.where(m > 0, 1, -1).astype(np.int8), info
    spinspice = spinspice or find_spinspice()
    fmt = fmt or "json"
    outp = os.path.join(workdir, stem + (".raw" if fmt == "raw" else ".json"))
    t0 = _time.perf_counter()
    args = [spinspice, "-q", "--no-progress", ("-r" if fmt == "raw" else "-o"), outp, cir]
    r = subprocess.run(args, capture_output=True, text=True)
    dt = _time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"spinspice failed ({r.returncode}): {r.stderr.strip()}")
    t, m = read_states(outp, n=len(h))
    info = {"netlist": cir, "output": outp, "seconds": dt, "workdir": workdir}
    return t, m, info


# ----------------------------------------------------------------------------------------------
# Reference sampler (pure Python, same process: Poisson updates, sequential Gibbs)
# ----------------------------------------------------------------------------------------------
def gibbs_reference(J, h, i0, n_updates, rng=None, m0=None):
    """Random-order sequential Gibbs sampling (what Poisson-updated p-bits do); returns the state
    after each update, shape (n_updates, n). Event samples of this chain, and time averages of the
    continuous-time chain, have the Boltzmann distribution as their stationary law."""
    J, h = _check_Jh(J, h)
    rng = np.random.default_rng(rng)
    n = len(h)
    m = np.ones(n) if m0 is None else np.asarray(m0, float).copy()
    who = rng.integers(0, n, n_updates)
    r = rng.uniform(-1, 1, n_updates)
    out = np.empty((n_updates, n), np.int8)
    for k in range(n_updates):
        i = who[k]
        m[i] = 1.0 if math.tanh(i0 * (h[i] + J[i] @ m)) > r[k] else -1.0
        out[k] = m
    return out


def reference_histograms(J, h, i0, n_events, nchains, rng=None, m0=None):
    """Time-weighted state histograms of `nchains` independent exact simulations of the p-bit
    network's continuous-time process (each update event picks a uniformly random p-bit, holding
    times are exponential), each over `n_events` update events, starting from m0 (default all +1).
    Vectorised over chains. Returns an (nchains, 2**n) array of probabilities: the null
    distribution of any statistic of a spinspice run of the same length (n_events = n tstop/tau)."""
    J, h = _check_Jh(J, h)
    rng = np.random.default_rng(rng)
    n = len(h)
    m = np.ones((nchains, n)) if m0 is None else np.tile(np.asarray(m0, float), (nchains, 1))
    w = (1 << np.arange(n)).astype(np.int64)
    hist = np.zeros((nchains, 1 << n))
    rows = np.arange(nchains)
    block = 4096
    for start in range(0, n_events, block):
        nb = min(block, n_events - start)
        who = rng.integers(0, n, (nb, nchains))
        r = rng.uniform(-1, 1, (nb, nchains))
        hold = rng.exponential(1.0, (nb, nchains))
        for k in range(nb):
            idx = (m > 0).astype(np.int64) @ w
            hist[rows, idx] += hold[k]
            i = who[k]
            u = h[i] + np.einsum("cj,cj->c", J[i], m)
            m[rows, i] = np.where(np.tanh(i0 * u) > r[k], 1.0, -1.0)
    return hist / hist.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------------------------------------
# Gates and circuits
# ----------------------------------------------------------------------------------------------
def qubo_to_ising(Q, const=0.0, scale=4.0):
    """Bit penalty E(x) = const + sum_i Q_ii x_i + sum_{i<j} (Q_ij + Q_ji) x_i x_j (x in {0,1}),
    x = (1 + m)/2, times `scale`, as an Ising H(m) = -(h.m + 1/2 m J m) + offset.
    Returns (J, h, offset)."""
    Q = np.asarray(Q, float)
    Qs = np.triu(Q, 1) + np.tril(Q, -1).T  # upper-triangular pair coefficients
    lin = np.diag(Q).copy()
    # x_i = (1+m_i)/2; x_i x_j = (1 + m_i + m_j + m_i m_j)/4
    hh = -(lin / 2 + (Qs.sum(axis=1) + Qs.sum(axis=0)) / 4) * scale + 0.0
    Jup = -(Qs / 4) * scale
    J = Jup + Jup.T + 0.0
    offset = scale * (const + lin.sum() / 2 + Qs.sum() / 4)
    return J, hh, offset


@dataclass
class Gate:
    """A Boltzmann-machine gate: terminals (named, in order) and optional auxiliary bits."""
    name: str
    terminals: tuple
    J: np.ndarray
    h: np.ndarray
    truth: list = field(default_factory=list)  # valid terminal assignments (+-1 tuples)

    @property
    def n(self):
        return len(self.h)


def _gate_from_penalty(name, terminals, Q, const, truth_fn, scale=4.0):
    J, h, _ = qubo_to_ising(Q, const, scale)
    truth = []
    for bits in itertools.product((0, 1), repeat=len(terminals)):
        if truth_fn(*bits):
            truth.append(tuple(2 * b - 1 for b in bits))
    return Gate(name, tuple(terminals), J, h, truth)


def _square_penalty(w, c=0.0):
    """(c + sum_i w_i x_i)^2 as (Q, const), using x_i^2 = x_i."""
    w = np.asarray(w, float)
    Q = 2 * np.triu(np.outer(w, w), 1)
    np.fill_diagonal(Q, w * w + 2 * c * w)
    return Q, c * c


# AND: Rosenberg penalty ab - 2ac - 2bc + 3c -> the reference J = [[0,-1,2],[-1,0,2],[2,2,0]], h = [1,1,-2]
AND = _gate_from_penalty("and", ("a", "b", "c"),
                         np.array([[0, 1, -2], [0, 0, -2], [0, 0, 3]], float), 0.0,
                         lambda a, b, c: c == (a & b))
# OR: a + b + c - 2ac - 2bc ... standard penalty: ab + a + b + c - 2ac - 2bc  (zero iff c = a|b)
OR = _gate_from_penalty("or", ("a", "b", "c"),
                        np.array([[1, 1, -2], [0, 1, -2], [0, 0, 1]], float), 0.0,
                        lambda a, b, c: c == (a | b))
# Half adder: (a + b - s - 2 cout)^2
HALF_ADDER = _gate_from_penalty("ha", ("a", "b", "s", "cout"), *_square_penalty([1, 1, -1, -2]),
                                lambda a, b, s, co: a + b == s + 2 * co)
# Full adder: (a + b + cin - s - 2 cout)^2 -> h = 0, J_ij = -2 w_i w_j, w = (1, 1, 1, -1, -2)
FULL_ADDER = _gate_from_penalty("fa", ("a", "b", "cin", "s", "cout"), *_square_penalty([1, 1, 1, -1, -2]),
                                lambda a, b, c, s, co: a + b + c == s + 2 * co)


class Circuit:
    """A sum of gate Hamiltonians over named nodes (one p-bit per node)."""

    def __init__(self):
        self.names: list[str] = []
        self._index: dict[str, int] = {}
        self.gates: list[tuple[Gate, tuple]] = []
        self._aux = 0

    def node(self, name: str) -> int:
        if name not in self._index:
            self._index[name] = len(self.names)
            self.names.append(name)
        return self._index[name]

    def index(self, name: str) -> int:
        return self._index[name]

    def fresh(self, prefix: str = "t") -> str:
        self._aux += 1
        name = f"{prefix}{self._aux}"
        self.node(name)
        return name

    def add(self, gate: Gate, *nodes: str, weight: float = 1.0):
        if len(nodes) != gate.n:
            raise ValueError(f"{gate.name} needs {gate.n} nodes")
        idx = tuple(self.node(nm) for nm in nodes)
        self.gates.append((gate, idx, weight))
        return idx

    @property
    def n(self):
        return len(self.names)

    def ising(self):
        """(J, h) of the whole circuit."""
        n = self.n
        J = np.zeros((n, n))
        h = np.zeros(n)
        for gate, idx, wgt in self.gates:
            ix = np.array(idx)
            J[np.ix_(ix, ix)] += wgt * gate.J
            h[ix] += wgt * gate.h
        return J, h

    def clamp(self, values: dict) -> dict:
        """{node name: 0/1 or -1/+1 or bool} -> {index: +-1}."""
        out = {}
        for k, v in values.items():
            s = 1 if (v is True or v == 1) else -1 if (v is False or v in (0, -1)) else None
            if s is None:
                raise ValueError(f"clamp value for {k} must be 0/1 or -1/+1")
            out[self.index(k)] = s
        return out

    def word(self, prefix: str, width: int):
        return [self.index(f"{prefix}{k}") for k in range(width)]


def multiplier(n: int, m: int) -> Circuit:
    """Array multiplier of an n-bit p and an m-bit q: nodes p0.., q0.., product bits P0..P{n+m-1}.

    Partial products pp_i_j = p_i AND q_j (weight 2^(i+j)); each column is reduced with full adders
    (three bits -> sum in the column, carry to the next) and half adders (two bits), lowest column
    first, until one bit per column remains; those bits are the product. Each gate's penalty is >= 0
    and zero iff it is consistent, so the ground states are exactly the (p, q, p*q) assignments."""
    c = Circuit()
    for i in range(n):
        c.node(f"p{i}")
    for j in range(m):
        c.node(f"q{j}")
    ncol = n + m
    cols = [[] for _ in range(ncol + 1)]
    for j in range(m):
        for i in range(n):
            nm = f"pp{i}_{j}"
            c.add(AND, f"p{i}", f"q{j}", nm)
            cols[i + j].append(nm)
    final = []
    for w in range(ncol):
        col = cols[w]
        while len(col) > 1:
            if len(col) >= 3:
                a, b, ci = col.pop(0), col.pop(0), col.pop(0)
                s, co = c.fresh("s"), c.fresh("c")
                c.add(FULL_ADDER, a, b, ci, s, co)
            else:
                a, b = col.pop(0), col.pop(0)
                s, co = c.fresh("s"), c.fresh("c")
                c.add(HALF_ADDER, a, b, s, co)
            col.append(s)
            cols[w + 1].append(co)
        final.append(col[0] if col else None)
    if cols[ncol]:
        raise AssertionError("product overflow column not empty")
    # name the product bits: P<w> is an alias of the column's last node -> rename in place
    for w, nm in enumerate(final):
        if nm is None:
            continue
        k = c._index.pop(nm)
        c.names[k] = f"P{w}"
        c._index[f"P{w}"] = k
    return c


def circuit_words(c: Circuit, m_state, prefix: str, width: int) -> np.ndarray:
    """Integer value(s) of the word prefix0..prefix{width-1} in state(s) m (shape (..., n))."""
    m_state = np.asarray(m_state)
    v = np.zeros(m_state.shape[:-1], dtype=np.int64)
    for k in range(width):
        v += (m_state[..., c.index(f"{prefix}{k}")] > 0).astype(np.int64) << k
    return v


def factor_clamp(c: Circuit, N: int, width: int) -> dict:
    """Clamp of the product bits P0..P{width-1} to the integer N."""
    if N >= (1 << width):
        raise ValueError(f"{N} does not fit in {width} bits")
    return c.clamp({f"P{k}": (N >> k) & 1 for k in range(width)})


def linear_anneal(t_anneal, i0_max, i0_min=0.0, t_hold=0.0):
    """PWL points of a linear ramp of I0 from i0_min at t = 0 to i0_max at t_anneal, held t_hold."""
    pts = [(0.0, i0_min), (t_anneal, i0_max)]
    if t_hold > 0:
        pts.append((t_anneal + t_hold, i0_max))
    return pts


# ----------------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------------
GATES = {"and": AND, "or": OR, "ha": HALF_ADDER, "fa": FULL_ADDER}
_SUFFIX = {"t": 1e12, "g": 1e9, "meg": 1e6, "k": 1e3, "m": 1e-3, "u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15}


def spice_number(text: str) -> float:
    """'10u' -> 1e-05, '2.5meg' -> 2.5e6, '1e-6' -> 1e-6 (SPICE suffixes)."""
    t = text.strip().lower()
    try:
        return float(t)
    except ValueError:
        pass
    for suf in ("meg", "t", "g", "k", "m", "u", "n", "p", "f"):
        if t.endswith(suf):
            return float(t[: -len(suf)]) * _SUFFIX[suf]
    raise argparse.ArgumentTypeError(f"not a number: {text!r}")


def _parse_clamp(spec, names):
    clamp = {}
    for item in filter(None, spec.split(",")):
        k, v = item.split("=")
        if k not in names:
            raise SystemExit(f"unknown bit {k!r}; bits: {' '.join(names)}")
        clamp[names.index(k)] = 1 if int(v) > 0 else -1
    return clamp


def _gate_or_multiplier(spec):
    if spec in GATES:
        g = GATES[spec]
        return g.J, g.h, list(g.terminals)
    if spec.startswith("mult"):
        n, m = (int(x) for x in spec[4:].split("x"))
        c = multiplier(n, m)
        J, h = c.ising()
        return J, h, c.names
    raise SystemExit(f"unknown network {spec!r} (and, or, ha, fa, mult<n>x<m>)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("netlist", help="write the netlist of a gate / multiplier")
    a.add_argument("network", help="and | or | ha | fa | mult<n>x<m>")
    a.add_argument("-o", "--output", default="-")
    a.add_argument("--i0", type=float, default=1.0)
    a.add_argument("--tau", type=spice_number, default=1e-9)
    a.add_argument("--tstop", type=spice_number, required=True)
    a.add_argument("--seed", type=int, default=42)
    a.add_argument("--clamp", default="", help="name=0|1,...")
    a.add_argument("--anneal", default="", help="t1:I0,t2:I0,... (I0 schedule on the ctrl node)")
    e = sub.add_parser("enumerate", help="ground states / exact distribution of a gate")
    e.add_argument("network")
    e.add_argument("--i0", type=float, default=1.0)
    s = sub.add_parser("histogram", help="time-weighted state histogram of a simulation output vs exact")
    s.add_argument("output")
    s.add_argument("network")
    s.add_argument("--i0", type=float, default=1.0)
    s.add_argument("--burn", type=spice_number, default=0.0)
    s.add_argument("--clamp", default="", help="name=0|1,... (compare with the conditional distribution)")
    args = ap.parse_args(argv)

    J, h, names = _gate_or_multiplier(args.network)
    if args.cmd == "netlist":
        clamp = _parse_clamp(args.clamp, names)
        anneal = [tuple(spice_number(x) for x in p.split(":")) for p in filter(None, args.anneal.split(","))] or None
        txt = write_network(None, J, h, i0=args.i0, tau=args.tau, tstop=args.tstop, seed=args.seed,
                            clamp=clamp, anneal=anneal, names=names, title=f"p-bit {args.network}")
        if args.output == "-":
            sys.stdout.write(txt)
        else:
            with open(args.output, "w") as f:
                f.write(txt)
    elif args.cmd == "enumerate":
        E, idx = ground_states(J, h)
        print(f"{len(h)} bits ({' '.join(names)}); H_min = {E:g}; {len(idx)} ground states:")
        for k in idx:
            print("  " + " ".join(f"{nm}={(int(k) >> i) & 1}" for i, nm in enumerate(names)))
        if len(h) <= 12:
            p = boltzmann(J, h, args.i0)
            print(f"P(ground states) at I0={args.i0:g}: {p[idx].sum():.6f}")
    elif args.cmd == "histogram":
        t, m = read_states(args.output, n=len(h))
        p, T = sample_histogram(t, m, args.burn)
        q = boltzmann(J, h, args.i0)
        clamp = _parse_clamp(args.clamp, names)
        if clamp:
            q = conditional(q, clamp)
        print(f"time span {T:g} s, KL(sim || exact) = {kl_divergence(p, q):.3g}")
        st = all_states(len(h))
        for k in np.argsort(-q)[:16]:
            print("  " + "".join("+" if x > 0 else "-" for x in st[k]) + f"  sim {p[k]:.4f}  exact {q[k]:.4f}")


if __name__ == "__main__":
    main()
