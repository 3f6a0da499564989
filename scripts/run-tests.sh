#!/usr/bin/env bash
# Build everything and run every test (unit tests, ngspice regression suite, CLI error tests, examples).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_packages
build
cd "$BUILD"
ctest --output-on-failure
