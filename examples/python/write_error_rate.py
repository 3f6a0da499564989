"""Write error rate of a PMA MTJ against the write current, with thermal noise (README tutorial)."""
import numpy as np
import spinspice

deck = """MTJ write error rate
.model pma mtj (ms=1e6 tf=1.5n d=40n alpha=0.01 hk=159154.943 eta=0.5 thermal=1)
.param amp=34u
.temp 26.85
i1 a 0 pulse(0 {amp} 5n 1p 1p 10n 1)
n1 a 0 pma
.save n1.mz
.tran 1p 25n
"""
seeds = 100
for amp in (30e-6, 34e-6, 40e-6):  # 1.3, 1.5 and 1.75 Ic0
    runs = spinspice.simulate_many(deck, [{"amp": amp, "seed": s} for s in range(seeds)])
    fails = sum(r["tran1"]["n1.mz"][-1] > 0 for r in runs)  # still parallel (+z) after the pulse
    wer, sigma = fails / seeds, np.sqrt(max(fails, 1) * (1 - fails / seeds)) / seeds
    print(f"I = {amp * 1e6:.0f} uA: WER = {wer:.2f} +- {sigma:.2f}")
