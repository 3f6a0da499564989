#!/usr/bin/env bash
# The sanitizer and fuzzing job of CI (.ci/run runs it after the README's test command):
#  1. a clang build with AddressSanitizer + UndefinedBehaviorSanitizer (and libFuzzer's coverage
#     instrumentation) runs the unit tests (the long statistical ones excluded: they run in the plain build);
#  2. the libFuzzer harness of the netlist front end (tests/fuzz/fuzz_netlist.cpp: parse, elaborate,
#     build, .op) runs for FUZZ_SECONDS (default 60) from the seed corpus tests/fuzz/corpus.
# Longer fuzzing: FUZZ_SECONDS=3600 scripts/run-sanitizers.sh, or build-sanitize/fuzz_netlist directly.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_packages clang libclang-rt-14-dev
SAN="${SPINSPICE_SANITIZE_DIR:-$ROOT/build-sanitize}"
cmake -S "$ROOT" -B "$SAN" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DSPINSPICE_FUZZ=ON >/dev/null
cmake --build "$SAN" -j"$(nproc)" --target spinspice_tests fuzz_netlist
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
echo "== unit tests under AddressSanitizer + UBSan"
"$SAN/tests/spinspice_tests" -tce="write error rate*,*Boltzmann*,*first-passage*,*full adder*,*AND gate*,*thermal linewidth*,*Adler*,*lock mutually*" --no-intro=true
echo "== fuzzing the netlist front end for ${FUZZ_SECONDS:-60} s"
CORPUS="$SAN/fuzz-corpus"
mkdir -p "$CORPUS"
"$SAN/fuzz_netlist" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 "$CORPUS" "$ROOT/tests/fuzz/corpus" 2>&1 | tail -20
