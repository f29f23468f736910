#!/usr/bin/env bash
# Builds and runs a benchmark of bench/ (not part of ctest: they measure,
# they do not assert). JSON goes to stdout.
#
#   bench/run.sh                      # engine_vs_fio, 1 GiB per process, 3 reps
#   bench/run.sh fio --reps 5 --dir /scratch
#   bench/run.sh ior --reps 5         # engine_vs_ior: builds IOR first (scripts/build-ior.sh)
#   bench/run.sh ior --mode hostd     # fta-hostd's engine ior against a direct mpirun
#   BUILD_DIR=build-x bench/run.sh ...
#
# Extra arguments go to the benchmark (engine_vs_fio: --dir --size --transfer
# --reps --processes --fio --cases --goal; engine_vs_ior: --dir --size
# --transfer --reps --warmup --ranks --ior --mpirun --cases --goal --mode --build).
# engine_vs_fio needs fio, engine_vs_ior OpenMPI (scripts/install-deps.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${BUILD_DIR:-$root/build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
which=fio
case "${1:-}" in fio|ior) which="$1"; shift ;; esac
extra=()
if [ "$which" = fio ]; then
  command -v fio >/dev/null || { echo "fio not found (apt-get install fio, or scripts/install-deps.sh)" >&2; exit 1; }
else
  has_ior=0
  for arg in "$@"; do [ "$arg" = "--ior" ] && has_ior=1; done
  if [ "$has_ior" = 0 ]; then
    ior="$("$root/scripts/build-ior.sh")" || { echo "no ior: scripts/build-ior.sh failed" >&2; exit 1; }
    extra+=(--ior "$ior")
  fi
fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja >&2
fi
targets=("engine_vs_$which")
for arg in "$@"; do [ "$arg" = "hostd" ] && targets+=(fta-hostd fta-agent fta-mpi-relay ftactl); done
ninja -C "$build" -j"${JOBS:-2}" "${targets[@]}" >&2
scratch="$(mktemp -d "${TMPDIR:-/tmp}/engine_vs_$which.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
has_dir=0
for arg in "$@"; do [ "$arg" = "--dir" ] && has_dir=1; done
[ "$has_dir" = 1 ] || extra+=(--dir "$scratch")
"$build/bench/engine_vs_$which/engine_vs_$which" "${extra[@]}" "$@"
