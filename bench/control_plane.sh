#!/usr/bin/env bash
# The control plane at scale (issue 15), one JSON object on stdout:
#   - N simulated agents (bench/agent_load: real gRPC clients on the real
#     agent endpoint of a real fta-hostd, one process) streaming 10 Hz samples
#     during a job; hostd CPU (% of one core) and RSS at 100, 500, 1000 agents
#     (the steps up to --agents), connect time, control reads p50/p99 under
#     that load;
#   - start skew at 8, 64 and 256 process FTAs from bench/start_skew.sh when
#     that script exists (null with a note otherwise);
#   - telemetry overhead: built-in engine throughput with 10 Hz samples on
#     (jobs.sample_interval_ms = 100) against off (60000: only each phase's
#     last sample), runs alternating between two daemons, ratio of medians.
#
#   bench/control_plane.sh                          # 1000 agents, 10 s windows
#   bench/control_plane.sh --agents 100 --seconds 5 # quick
#   BUILD_DIR=build-x bench/control_plane.sh ...   (NO_BUILD=1: use what is built)
#   --parts load,skew,telemetry: which of the three to run (default all; the
#     fields of the others are null), e.g. to rerun one under quieter load
#   --skew-data-dir DIR: the start-skew jobs' files there (e.g. a tmpfs mount,
#     to measure the start without the disk's create cost; default: under TMPDIR)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${BUILD_DIR:-$root/build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
agents=1000
seconds=10
reps=5
skew_data_dir=()
parts="load,skew,telemetry"
while [ $# -gt 0 ]; do
  case "$1" in
    --agents) agents="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --skew-data-dir) skew_data_dir=(--data-dir "$2"); shift 2 ;;
    --parts) parts="$2"; shift 2 ;;
    *) echo "usage: bench/control_plane.sh [--agents N] [--seconds S] [--reps R] [--skew-data-dir DIR] [--parts load,skew,telemetry]" >&2; exit 2 ;;
  esac
done
for part in ${parts//,/ }; do
  case "$part" in load | skew | telemetry) ;; *) echo "--parts: unknown part '$part' (load, skew, telemetry)" >&2; exit 2 ;; esac
done
wanted() { [[ ",$parts," == *",$1,"* ]]; }
if [ ! -f "$build/build.ninja" ]; then cmake -S "$root" -B "$build" -G Ninja >&2; fi
[ -n "${NO_BUILD:-}" ] || ninja -C "$build" -j"${JOBS:-2}" fta-hostd fta-agent ftactl agent_load fta-agent-parked >&2

scratch="$(mktemp -d "${TMPDIR:-/tmp}/control_plane.XXXXXX")"
pids=()
# Agents and stand-ins outlive their daemon, as FTAs do: ours dial $scratch.
stop_agents() { for pid in $(pgrep -f "unix:$scratch/" || true); do kill -TERM "$pid" 2>/dev/null || true; done; }
cleanup() {
  stop_agents
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

# start_hostd NAME SAMPLE_MS AGENT_BINARY: a daemon of its own under $scratch/NAME.
start_hostd() {
  local dir="$scratch/$1"
  mkdir -p "$dir/data"
  cat >"$dir/config.toml" <<TOML
[daemon]
control_socket = "$dir/control.sock"
control_socket_group = ""
state_dir = "$dir/state"
log_level = "warn"
shutdown_grace_s = 2
[agents]
listen = "unix:$dir/agent.sock"
agent_binary = "$3"
run_as = "root"
max_connections = 1100
connect_timeout_s = 600
[provisioner]
backend = "process"
max_ftas = 1024
stop_grace_s = 1
[jobs]
sample_interval_ms = $2
TOML
  "$build/daemon/fta-hostd" --config "$dir/config.toml" >"$dir/hostd.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
}


wait_up() {
  for _ in $(seq 1 300); do "$build/client/ftactl" --host "unix:$scratch/$1/control.sock" host show >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "fta-hostd $1 did not come up" >&2; cat "$scratch/$1/hostd.log" >&2; return 1
}

# 1. Simulated agents.
load_json='{"steps": []}'
if wanted load; then
steps=""
for n in 100 500 1000; do [ "$n" -lt "$agents" ] && steps="$steps$n,"; done
steps="$steps$agents"
start_hostd load 100 "$build/bench/agent_load/fta-agent-parked"
hostd_pid=$started_pid
wait_up load
load_json="$("$build/bench/agent_load/agent_load" --control "unix:$scratch/load/control.sock" \
  --agents-endpoint "unix:$scratch/load/agent.sock" --state-dir "$scratch/load/state" \
  --hostd-pid "$hostd_pid" --dir "$scratch/load/data" --steps "$steps" --seconds "$seconds")"
kill -TERM "$hostd_pid"; wait "$hostd_pid" 2>/dev/null || true
stop_agents
fi

# 2. Start skew.
skew_json="null"
if wanted skew; then
  skew_json="{"
  for n in 8 64 256; do
    one="$("$here/start_skew.sh" --ftas "$n" --jobs 20 "${skew_data_dir[@]}" 2>/dev/null | tail -1)" || one="null"
    [ -n "$one" ] || one="null"
    skew_json="$skew_json\"$n\": $one,"
  done
  skew_json="${skew_json%,}}"
fi

# 3. Telemetry overhead: two daemons, two real agents each, alternating runs.
: >"$scratch/telemetry.txt"
if wanted telemetry; then
start_hostd on 100 "$build/agent/fta-agent"
start_hostd off 60000 "$build/agent/fta-agent"
wait_up on; wait_up off
timeout 120 "$build/client/ftactl" --host "unix:$scratch/on/control.sock" fta allocate -n 2 >/dev/null
timeout 120 "$build/client/ftactl" --host "unix:$scratch/off/control.sock" fta allocate -n 2 >/dev/null
run_job() { timeout 300 "$build/client/ftactl" --host "unix:$scratch/$1/control.sock" -o json ior run --on all -t 1m -b 512m -w -r -d "$scratch/$1/data" 2>/dev/null || true; }
for _ in 1; do run_job on >/dev/null; run_job off >/dev/null; done  # warm-up
for _ in $(seq 1 "$reps"); do
  for mode in on off; do echo "$mode $(run_job "$mode" | tr -d '\n')" >>"$scratch/telemetry.txt"; done
done
fi

python3 - "$load_json" "$skew_json" "$scratch/telemetry.txt" "$agents" "$seconds" "$parts" <<'PY'
import json, os, statistics, sys
load = json.loads(sys.argv[1]); skew = json.loads(sys.argv[2])
agents = int(sys.argv[4])

def bandwidths(text):
    """Per-phase bandwidth_mib of the finished job in ftactl's JSON."""
    found = {}
    def walk(node):
        if isinstance(node, dict):
            if "bandwidth_mib" in node and "phase" in node and "iteration" in node:
                found[str(node["phase"])] = float(node["bandwidth_mib"])
            for v in node.values(): walk(v)
        elif isinstance(node, list):
            for v in node: walk(v)
    dec = json.JSONDecoder(); i = 0
    while i < len(text):
        j = text.find("{", i)
        if j < 0: break
        try:
            obj, i = dec.raw_decode(text, j)
            walk(obj)
        except ValueError:
            i = j + 1
    return found

runs = {"on": [], "off": []}
for line in open(sys.argv[3]):
    mode, _, text = line.partition(" ")
    bw = bandwidths(text)
    if bw: runs[mode].append(sum(bw.values()))
tele = {"runs_mib": runs,
        "median_mib_on": statistics.median(runs["on"]) if runs["on"] else None,
        "median_mib_off": statistics.median(runs["off"]) if runs["off"] else None,
        "what": "sum of write and read bandwidth_mib, 2 process FTAs, -t 1m -b 512m -w -r, alternating"}
ratio = (tele["median_mib_on"] / tele["median_mib_off"]) if tele["median_mib_on"] and tele["median_mib_off"] else None

steps = {str(s["agents"]): s for s in load["steps"]}
top = steps.get(str(agents)) or (load["steps"][-1] if load["steps"] else {})
def skew_at(n, key):
    if not isinstance(skew, dict) or not isinstance(skew.get(str(n)), dict): return None
    return skew[str(n)].get(key)
out = {
    "agents": agents,
    "seconds": int(sys.argv[5]),
    "hostd_cpu_pct_of_one_core": top.get("hostd_cpu_pct_of_one_core"),
    "hostd_rss_mib": top.get("hostd_rss_mib"),
    "connect_all_s": top.get("connect_all_s"),
    "control_read_p50_ms": (top.get("control_reads") or {}).get("p50_ms"),
    "control_read_p99_ms": (top.get("control_reads") or {}).get("p99_ms"),
    "skew_p50_ms_at_64": skew_at(64, "skew_p50_ms"),
    "skew_p99_ms_at_64": skew_at(64, "skew_p99_ms"),
    "skew_p99_ms_at_256": skew_at(256, "skew_p99_ms"),
    "telemetry_overhead_ratio": ratio,
    "by_agents": steps,
    "skew": skew,
    "telemetry": tele,
    "load_average": open("/proc/loadavg").read().split()[:3],
    "cores": os.cpu_count(),
    "parts": sys.argv[6].split(","),
}
print(json.dumps(out))
PY
