#!/usr/bin/env bash
# The main job on the embedded defaults: install only what the three
# binaries need, build only them (no tests, no benchmarks) into
# ./build-quick, start fta-hostd with the process backend (state in
# ./fta-state, sockets in a temp dir), allocate 4 FTAs, run a synchronised
# IOR write+read job on a temp directory, print the result table, then
# release the FTAs and stop the daemon. scripts/test.sh installs and builds
# everything else.
#
# Environment: FTAS (4), XFER (1m), BLOCK (64m), DATA_DIR (temp dir),
# BUILD_DIR (build-quick).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --runtime
BUILD_DIR=${BUILD_DIR:-build-quick}
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  GENERATOR=()
  command -v ninja >/dev/null && GENERATOR=(-G Ninja)
  cmake -S . -B "$BUILD_DIR" "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFTA_BUILD_TESTS=OFF -DFTA_BUILD_BENCH=OFF
fi
BUILD_DIR=$BUILD_DIR scripts/build.sh --target fta-hostd ftactl fta-agent
BIN=$PWD/$BUILD_DIR
FTAS=${FTAS:-4}
XFER=${XFER:-1m}
BLOCK=${BLOCK:-64m}
RUN_DIR=$(mktemp -d /tmp/fta-quickstart.XXXXXX)
# Process agents run as an unprivileged user (agents.run_as: fta, else
# nobody): they must reach the agent socket and write the job directory.
chmod 0711 "$RUN_DIR"
if [[ -z "${DATA_DIR:-}" ]]; then
  DATA_DIR=$RUN_DIR/data
  mkdir -p "$DATA_DIR"
  chmod 1777 "$DATA_DIR"
fi
mkdir -p "$DATA_DIR"
export FTA_HOST=unix:$RUN_DIR/control.sock

"$BIN/daemon/fta-hostd" --state-dir "$PWD/fta-state" --control-socket "$RUN_DIR/control.sock" \
  --agent-listen "unix:$RUN_DIR/agent.sock" >"$RUN_DIR/fta-hostd.log" 2>&1 &
HOSTD_PID=$!
cleanup() {
  "$BIN/client/ftactl" fta release --all >/dev/null 2>&1 || true
  kill -TERM "$HOSTD_PID" 2>/dev/null && wait "$HOSTD_PID" 2>/dev/null || true
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

# The daemon is ready when its control socket answers.
for _ in $(seq 1 300); do
  "$BIN/client/ftactl" --timeout 1 host show >/dev/null 2>&1 && break
  if ! kill -0 "$HOSTD_PID" 2>/dev/null; then cat "$RUN_DIR/fta-hostd.log"; exit 1; fi
  sleep 0.1
done

"$BIN/client/ftactl" host show
"$BIN/client/ftactl" fta allocate -n "$FTAS"
"$BIN/client/ftactl" ior run --on all -t "$XFER" -b "$BLOCK" -d "$DATA_DIR" -w -r -e
"$BIN/client/ftactl" ior run --on native --ranks-per-fta "$FTAS" -t "$XFER" -b "$BLOCK" -d "$DATA_DIR" -w -r -e
