#!/usr/bin/env python3
"""Coupled-oscillator associative memory (scripts/oscmem.py): 16 `stno` oscillators whose resistive
coupling network stores 2 random phase patterns by Hebb's rule. Checks, each of which can fail:
  1. from each of 3 inputs with 20 % of the pixels flipped (3 of 16), the circuit phase-locks to the
     stored pattern the input came from (overlap 1 at the end, up to the common phase);
  2. the phase model (Hoppensteadt-Izhikevich, integrated by RK4 in oscmem.py with the coupling
     constant derived from the circuit's parameters) ends in the same pattern, and the circuit's
     retrieval time is within a factor 2.5 of the model's (the circuit's amplitudes respond to the
     injection too);
  3. negative control: with the current amplifiers off (gain 0) the corrupted input stays corrupted
     (so the locking above is the coupling's work, not the readout's);
  4. sign control: with every weight's sign reversed (the anti-Hebbian network) the circuit does not
     end in the stored pattern.
Usage: oscmem_small.py SPINSPICE_BINARY SOURCE_DIR. Exits 1 on any failure.
"""
import sys

from checklist import Checklist

checks = Checklist(sys.argv)
check = checks.check
import numpy as np  # noqa: E402
import oscmem  # noqa: E402

n, p, gain, r_unit, tstop = 16, 2, 3.0, 1e3, 300e-9
k = oscmem.coupling_rate(n, r_unit, gain)
for seed in range(3):
    rng = np.random.default_rng(seed)
    patterns = rng.choice([-1.0, 1.0], size=(p, n))
    w = oscmem.hebbian(patterns)
    target = patterns[seed % p]
    corrupted = oscmem.corrupt(target, 0.2, rng)
    phases = np.where(corrupted > 0, 0.0, np.pi) + 0.1 * rng.standard_normal(n)
    start = oscmem.overlaps(corrupted, target[None, :])[0]

    analysis, seconds = oscmem.run_circuit(oscmem.netlist(w, phases, r_unit=r_unit, gain=gain, tstop=tstop))
    t, phi = oscmem.circuit_phases(analysis, n)
    states = oscmem.readout(phi)
    t_circuit = oscmem.retrieval_time(t, states, target)
    final = oscmem.overlaps(states[-1], target[None, :])[0]
    check(f"seed {seed}: the circuit retrieves the stored pattern", final == 1.0 and t_circuit is not None,
          f"overlap {start:.3f} -> {final:.3f}, retrieved at {t_circuit} s ({seconds:.2f} s wall)")

    tm, phim = oscmem.run_phase_model(w, phases, k, tstop)
    model_states = oscmem.readout(phim)
    t_model = oscmem.retrieval_time(tm, model_states, target)
    ratio = t_circuit / t_model if t_circuit and t_model else float("inf")
    def aligned(s):  # +-s, whichever has the positive overlap with the target
        return s * (1.0 if s @ target >= 0 else -1.0)

    check(f"seed {seed}: the phase model agrees", np.array_equal(aligned(model_states[-1]), aligned(states[-1]))
          and 1 / 2.5 <= ratio <= 2.5, f"model retrieved at {t_model} s, circuit/model {ratio:.2f}")

    if seed == 0:
        off, _ = oscmem.run_circuit(oscmem.netlist(w, phases, r_unit=r_unit, gain=0.0, tstop=tstop))
        stuck = oscmem.overlaps(oscmem.readout(oscmem.circuit_phases(off, n)[1][-1]), target[None, :])[0]
        check("negative control: without coupling the input stays corrupted", stuck == start,
              f"overlap {start:.3f} -> {stuck:.3f}")
        anti, _ = oscmem.run_circuit(oscmem.netlist(-w, phases, r_unit=r_unit, gain=gain, tstop=tstop))
        wrong = oscmem.overlaps(oscmem.readout(oscmem.circuit_phases(anti, n)[1][-1]), target[None, :])[0]
        check("sign control: the anti-Hebbian network does not retrieve it", wrong < 1.0,
              f"overlap {start:.3f} -> {wrong:.3f}")
checks.finish()
