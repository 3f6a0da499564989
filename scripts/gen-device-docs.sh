#!/usr/bin/env bash
# Regenerate docs/devices.md from the device parameter tables.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
build >/dev/null
mkdir -p "$ROOT/docs"
"$BUILD/spinspice" --describe all > "$ROOT/docs/devices.md"
echo "wrote docs/devices.md"
