#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: dependencies, build,
# then every ctest label (unit, integration) with failures shown.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd "${BUILD_DIR:-build}" && ctest --output-on-failure --timeout 900 "$@")
# Bounded fuzzing of the parsers that read operator and file input.
scripts/fuzz.sh
