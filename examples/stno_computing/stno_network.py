"""Four coupled vortex-like STNOs driven by two RF sources (Romera et al., Nature 563, 230 (2018)), as a circuit.

Shared by vowels.py and the tests: the netlist, the oscillators' measured frequencies, the synchronisation
pattern (which oscillator is locked to which source), the free-running f(I) calibration of the circuit and
its inverse.

Circuit (one `.step` point per input): oscillator k is an `stno` from node nk to ground, biased by an ideal
DC current source Ik and coupled through a 100 pF capacitor (4.5 ohm at 350 MHz) to a common RF bus; the bus
has a 50 ohm load to ground and carries the two input currents iA sin(2 pi fA t) and iB sin(2 pi fB t).
Each device sees about a sixth of each input current (its r0 = 100 ohm against the other three and the
load), which the `lambdaf` force turns into injection locking, and the others' emitted RF currents (its own
EMF I_dc dr sqrt(p) cos(phi) drives the bus), which couples the oscillators mutually.

Vortex-like parameters (device-physics 4.3): nearly isochronous (nshift = 5 MHz, nu ~ 0.2) with the current
tuning of the frequency by the Oersted field, ftune = -10 MHz/mA, so that 2.5-9.5 mA spans 300-380 MHz.
"""
import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "oscillators"))
import osc_common as oc  # noqa: E402

import numpy as np  # noqa: E402

# e0 (thermal noise only): the gyrotropic mode's energy at full orbit, k R^2/2 with the confinement
# stiffness k ~ (20/9) mu0 Ms^2 L^2/R (Guslienko et al., JAP 91, 8037 (2002)) for FeB (Ms = 1.1e6 A/m,
# L = 6 nm, R = 187 nm): about 1e-17 J.
MODEL = dict(f0=400e6, nshift=5e6, q=1.0, gammag=3e7, ith=1.5e-3, ftune=-1e10, r0=100.0, dr=5.0,
             lambdaf=2e11, ppp=16, e0=1e-17)
N_OSC = 4
CURRENT_RANGE = (2.5e-3, 9.5e-3)  # A: the bias the learning rule may set
SETTLE, WINDOW = 1.0e-6, 2.0e-6    # s: locking transient, then the frequency measurement window
SAMPLE = 0.4e-9                    # s: output grid (7 samples per period at 350 MHz)


def model_card(thermal=False):
    params = " ".join(f"{k}={v:g}" for k, v in MODEL.items())
    return f".model vortex stno ({params}{' thermal=1' if thermal else ''})\n"


def import_spinspice():
    """The Python module: installed, or build/python of this checkout."""
    try:
        import spinspice
    except ImportError:
        sys.path.append(os.path.join(oc.ROOT, "build", "python"))
        try:
            import spinspice
        except ImportError as e:
            sys.exit(f"the spinspice Python module is not built ({e}): cmake --build build")
    return spinspice


def network_netlist(n_osc=N_OSC, irf=1.5e-3, thermal=False):
    """The network with parameters fa, fb (the sources' frequencies) and i0..i3 (the DC biases)."""
    lines = ["four coupled stno", model_card(thermal),
             f".param irf={irf:g} fa=350meg fb=350meg " + " ".join(f"i{k}=5m" for k in range(n_osc))]
    for k in range(n_osc):
        lines += [f"ib{k} 0 a{k} dc {{i{k}}}", f"n{k} a{k} 0 vortex p0=0.5 phi0={1.3 * k:.2f}", f"c{k} a{k} bus 100p"]
    lines += ["rbus bus 0 50", "ia 0 bus sin(0 {irf} {fa})", "ib 0 bus sin(0 {irf} {fb})",
              ".options interp", f".tran {SAMPLE:g} {SETTLE + WINDOW:g} {SETTLE:g}",
              ".save " + " ".join(f"n{k}.cr n{k}.ci" for k in range(n_osc)), ".end", ""]
    return "\n".join(lines)


def frequency(analysis, name):
    """Mean oscillation frequency (Hz) of stno `name` over the saved window: the slope of its phase."""
    t = np.asarray(analysis["time"])
    phase = np.unwrap(-np.arctan2(analysis[name + ".ci"], analysis[name + ".cr"]))
    return (phase[-1] - phase[0]) / (2 * math.pi * (t[-1] - t[0]))


def locked(f_osc, f_source):
    """Locked when the mean frequencies agree within a quarter of the window's one-slip resolution."""
    return np.abs(np.asarray(f_osc) - f_source) < 0.25 / WINDOW


class Network:
    """The circuit, parsed once; run() simulates it for a list of (fA, fB) inputs at given bias currents."""

    def __init__(self, irf=1.5e-3, thermal=False, seed=1, jobs=None):
        self.spinspice = import_spinspice()
        self.netlist = network_netlist(irf=irf, thermal=thermal)
        self.seed, self.jobs, self.thermal = seed, jobs, thermal
        self.seconds, self.transients = 0.0, 0

    def run(self, currents, inputs):
        """The oscillators' mean frequencies, shape (len(inputs), 4)."""
        base = {f"i{k}": c for k, c in enumerate(currents)}
        sets = [dict(base, fa=fa, fb=fb, **({"seed": self.seed + n} if self.thermal else {}))
                for n, (fa, fb) in enumerate(inputs)]
        t0 = time.perf_counter()
        results = self.spinspice.simulate_many(self.netlist, sets, jobs=self.jobs)
        self.seconds += time.perf_counter() - t0
        self.transients += len(sets)
        return np.array([[frequency(r["tran1"], f"n{k}") for k in range(len(currents))] for r in results])

    def calibrate(self, points=15):
        """Free-running f(I) of an oscillator in the network (no input; the others unbiased, so they decay
        to their mean resistance r0): the table the learning rule inverts. Returns a Tuning."""
        currents = np.linspace(*CURRENT_RANGE, points)
        sets = [dict({f"i{k}": 0.0 for k in range(1, N_OSC)}, i0=c, irf=0.0) for c in currents]
        results = self.spinspice.simulate_many(self.netlist, sets, jobs=self.jobs)
        return Tuning(currents, np.array([frequency(r["tran1"], "n0") for r in results]))


def locking_half_width(current, irf, frequency=350e6):
    """Adler's locking half-width (Hz) of an oscillator biased at `current` for one input of amplitude irf
    (device-physics 4.3): (F/sqrt(p0)) sqrt(1 + nu^2), F = lambdaf i_dev/2, with i_dev the share of the
    source current the bus sends through one device (its branch, r0 behind 100 pF, against the other three
    and the 50 ohm load), nu = N p0 / Gamma_p, Gamma_p = gammag (zeta - 1)."""
    omega = 2 * math.pi * frequency
    branch = 1 / (MODEL["r0"] + 1 / (1j * omega * 100e-12))
    share = abs(branch / (N_OSC * branch + 1 / 50))
    zeta = current / MODEL["ith"]
    p0 = (zeta - 1) / (zeta + MODEL["q"])
    nu = 2 * math.pi * MODEL["nshift"] * p0 / (MODEL["gammag"] * (zeta - 1))
    force = MODEL["lambdaf"] * irf * share / 2
    return force / math.sqrt(p0) * math.sqrt(1 + nu * nu) / (2 * math.pi)


def closed_form_frequency(current):
    """f = f0 + nshift p0 + ftune i, p0 = (zeta - 1)/(zeta + q): the isolated oscillator (device-physics 4.1)."""
    zeta = current / MODEL["ith"]
    p0 = max(zeta - 1, 0) / (zeta + MODEL["q"])
    return MODEL["f0"] + MODEL["nshift"] * p0 + MODEL["ftune"] * current


class Tuning:
    """The calibrated f(I) table and its inverse (f decreases with I: ftune < 0)."""

    def __init__(self, currents, frequencies):
        order = np.argsort(frequencies)
        self.f, self.i = np.asarray(frequencies)[order], np.asarray(currents)[order]

    def current(self, f):
        return float(np.interp(f, self.f, self.i))

    def frequency(self, i):
        return float(np.interp(i, self.i[::-1], self.f[::-1]))

    @property
    def band(self):
        return float(self.f[0]), float(self.f[-1])
