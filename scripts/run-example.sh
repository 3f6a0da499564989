#!/usr/bin/env bash
# The main job: build spinspice, simulate the default example and plot its waveforms.
#   scripts/run-example.sh [NETLIST]     (default: examples/showcase.cir)
# Writes out/<name>.json (waveforms) and out/<name>.png (plot).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_packages
build
NETLIST="${1:-$ROOT/examples/showcase.cir}"
NAME="$(basename "${NETLIST%.*}")"
mkdir -p "$ROOT/out"
"$BUILD/spinspice" --stats -o "$ROOT/out/$NAME.json" "$NETLIST"
"$PYTHON" "$ROOT/scripts/plot_waveforms.py" "$ROOT/out/$NAME.json" -o "$ROOT/out/$NAME.png"
echo "waveforms: out/$NAME.json   plot: out/$NAME.png"
