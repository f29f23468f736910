#!/usr/bin/env bash
# Builds and runs the benchmarks in bench/ (not part of ctest: they measure,
# they do not assert). JSON goes to stdout (and to bench/results/ with -s).
#
#   bench/run.sh                      # engine_vs_fio, 1 GiB per process, 3 reps
#   BUILD_DIR=build-x bench/run.sh --reps 5 --dir /scratch
#
# Extra arguments go to engine_vs_fio (--dir --size --transfer --reps
# --processes --fio --cases --goal). Needs fio (scripts/install-deps.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${BUILD_DIR:-$root/build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
command -v fio >/dev/null || { echo "fio not found (apt-get install fio, or scripts/install-deps.sh)" >&2; exit 1; }
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja >&2
fi
ninja -C "$build" -j"${JOBS:-2}" engine_vs_fio >&2
scratch="$(mktemp -d "${TMPDIR:-/tmp}/engine_vs_fio.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
has_dir=0
for arg in "$@"; do [ "$arg" = "--dir" ] && has_dir=1; done
if [ "$has_dir" = 1 ]; then
  "$build/bench/engine_vs_fio/engine_vs_fio" "$@"
else
  "$build/bench/engine_vs_fio/engine_vs_fio" --dir "$scratch" "$@"
fi
