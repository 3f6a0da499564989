#!/usr/bin/env python3
"""N independent macrospin MTJs (reference PMA MTJ), each driven by its own constant current between
0.5 and 3 Ic0 and started at its own angle; 10 ns transient. Usage: gen_mtj_array.py N [TSTOP] > f.cir"""
import sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
tstop = sys.argv[2] if len(sys.argv) > 2 else "10n"
ic0 = 22.91e-6
print(f"* {n} independent macrospin MTJs, {tstop} transient")
print(".model pma mtj (ms=1e6 tf=1.5n d=40n alpha=0.01 hk=159154.943 eta=0.5 rp=5k tmr=1.2 vh=0.5)")
for k in range(n):
    ratio = 0.5 + 2.5 * k / max(n - 1, 1)
    theta = 0.05 + 0.1 * ((k * 7919) % n) / n
    print(f"i{k} a{k} 0 {ratio * ic0:.6e}")
    print(f"n{k} a{k} 0 pma theta0={theta:.6f}")
print(f".save v(a0) n0.mz n{n - 1}.mz")
print(f".tran 10p {tstop}")
print(".end")
