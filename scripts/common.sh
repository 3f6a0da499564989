#!/usr/bin/env bash
# Shared by run-example.sh and run-tests.sh: install missing Debian packages, configure and build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${SPINSPICE_BUILD_DIR:-$ROOT/build}"
# Debian's interpreter, which has python3-numpy and python3-matplotlib (not a pyenv one on PATH).
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
PACKAGES=(cmake g++ make libeigen3-dev libsuitesparse-dev libboost-dev nlohmann-json3-dev doctest-dev
          python3 python3-numpy python3-matplotlib python3-dev pybind11-dev python3-pybind11 python3-pytest
          libopenmpi-dev openmpi-bin libmetis-dev)

ensure_packages() {
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing missing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

build() {
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j"$(nproc)"
}
