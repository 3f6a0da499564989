#!/usr/bin/env python3
"""N x N MTJ crossbar read (.op): word-line drivers at 0.2 V, 2-ohm wire segments, 100-ohm sense
resistors on the bit lines, one MTJ per cell in P or AP at random (seeded). The MTJ is nonlinear
(TMR(V) = TMR0/(1 + V^2/Vh^2)); its state is held during the read.
  gen_mtj_crossbar.py N [seed] [--bsource] > f.cir
Default: spinspice `mtj` N elements (behavioural mode: binary state, no magnetisation unknowns).
--bsource: the same cell as an ngspice-compatible B source with the same I(V) law, for ngspice and for
checking that both simulators agree."""
import random
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
bsource = "--bsource" in sys.argv
n = int(args[0]) if args else 64
random.seed(int(args[1]) if len(args) > 1 else 1)
rp, tmr, vh, rwire, rsense = 5e3, 1.2, 0.5, 2.0, 100.0
print(f"* MTJ crossbar {n}x{n} read: Rp={rp} TMR0={tmr} Vh={vh} rwire={rwire} ({'B sources' if bsource else 'mtj'})")
if not bsource:
    print(f".model pmtj mtj (rp={rp} tmr={tmr} vh={vh} dynamics=1)")
for i in range(n):
    print(f"vw{i} wd{i} 0 dc 0.2")
    print(f"rdrv{i} wd{i} w_{i}_0 {rwire}")
for j in range(n):
    print(f"rs{j} b_{n-1}_{j} 0 {rsense}")
gp = 1.0 / rp
for i in range(n):
    for j in range(n):
        ap = random.random() < 0.5
        a, b = f"w_{i}_{j}", f"b_{i}_{j}"
        if bsource:
            # I = G(V) V, G = G_P (parallel) or G_P/(1 + TMR(V)) (antiparallel)
            g = f"{gp}/(1+{tmr}/(1+v({a},{b})*v({a},{b})/{vh*vh}))" if ap else f"{gp}"
            print(f"bm_{i}_{j} {a} {b} i={{{g}*v({a},{b})}}")
        else:
            print(f"nm_{i}_{j} {a} {b} pmtj" + (" theta0=3.14159" if ap else ""))
        if j + 1 < n: print(f"rw_{i}_{j} w_{i}_{j} w_{i}_{j+1} {rwire}")
        if i + 1 < n: print(f"rb_{i}_{j} b_{i}_{j} b_{i+1}_{j} {rwire}")
print(".op")
print(".end")
