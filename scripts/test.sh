#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: dependencies, build,
# every ctest label (unit, integration, crash, vm) with failures shown, then
# bounded fuzzing. Ends with one "N passed, N failed" line for the whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --timeout 900 "$@") 2>&1 | tee "$log"
# Bounded fuzzing of the parsers that read operator and file input.
scripts/fuzz.sh
total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
failed=$(sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -1)
echo "tests: $((total - failed)) passed, ${failed} failed"
