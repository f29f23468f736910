#!/usr/bin/env bash
# Start skew of synchronised jobs over process FTAs (README "Start skew"):
# a private fta-hostd (process backend) in a temp dir, N FTAs allocated
# (timed), J tiny jobs (-t 4k -b 4k -w -r) over all of them, and one JSON
# object on stdout:
#   {"ftas":N,"jobs":J,"data_fs":..,"allocate_s":..,"skew_p50_ms":..,"skew_p99_ms":..,
#    "go_late_p50_ms":..,"go_late_p99_ms":..,"lead_ms_p50":..}
# skew: max - min open start over the ranks of one phase, from the stored
# rank results (what `ftactl job show -o json` prints); go_late: when the
# last agent got its GO relative to the common start (negative: before it,
# as planned); lead: how far ahead of the GO the start was set. go_late and
# lead are live figures, taken from the job `ftactl ior run -o json` prints
# (the store keeps no column for them). Percentiles (nearest rank) over the
# write and read phases of all jobs. The load average goes to stderr.
#
#   bench/start_skew.sh                    # 8 FTAs, 20 jobs
#   bench/start_skew.sh --ftas 64 --jobs 20
#   BUILD_DIR=build-x bench/start_skew.sh --ftas 256
#   bench/start_skew.sh --ftas 64 --data-dir /mnt/ram   # files on a tmpfs
# (data_fs in the JSON: the file system type the job files went to.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${BUILD_DIR:-$root/build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
ftas=8
jobs=20
data_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --ftas) ftas="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--ftas N] [--jobs J] [--data-dir DIR]" >&2; exit 2 ;;
  esac
done
[ "$jobs" -ge 1 ] && [ "$ftas" -ge 1 ] || { echo "--ftas and --jobs: at least 1" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 not found (scripts/install-deps.sh)" >&2; exit 1; }
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
ninja -C "$build" -j"${JOBS:-2}" fta-hostd fta-agent ftactl >&2

scratch="$(mktemp -d "${TMPDIR:-/tmp}/start_skew.XXXXXX")"
# Agents run unprivileged by default: they must reach the socket and write
# the job directory.
chmod 0711 "$scratch"
[ -n "$data_dir" ] || data_dir="$scratch/data"
mkdir -p "$data_dir" "$scratch/out"
chmod 1777 "$data_dir"
ftactl=("$build/client/ftactl" --host "unix:$scratch/control.sock")
"$build/daemon/fta-hostd" --config /dev/null --state-dir "$scratch/state" --control-socket "$scratch/control.sock" \
  --agent-listen "unix:$scratch/agent.sock" --backend process --max-ftas "$((ftas + 8))" --log-level info \
  >"$scratch/hostd.log" 2>&1 &
hostd=$!
cleanup() {
  "${ftactl[@]}" fta release --all >/dev/null 2>&1 || true
  kill -TERM "$hostd" 2>/dev/null && wait "$hostd" 2>/dev/null || true
  if [ -n "${KEEP_SCRATCH:-}" ]; then echo "kept $scratch" >&2; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
for _ in $(seq 1 300); do
  "${ftactl[@]}" --timeout 1 host show >/dev/null 2>&1 && break
  kill -0 "$hostd" 2>/dev/null || { cat "$scratch/hostd.log" >&2; exit 1; }
  sleep 0.1
done

begin=$(date +%s%N)
"${ftactl[@]}" fta allocate -n "$ftas" >/dev/null
end=$(date +%s%N)
echo "allocated $ftas FTAs in $(( (end - begin) / 1000000 )) ms; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

for i in $(seq 1 "$jobs"); do
  "${ftactl[@]}" -o json ior run --on all -t 4k -b 4k -w -r -d "$data_dir" >"$scratch/out/run-$i.json"
  id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$scratch/out/run-$i.json")"
  "${ftactl[@]}" -o json job show "$id" >"$scratch/out/show-$i.json"
done
echo "load average after the jobs: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$ftas" "$jobs" "$(( end - begin ))" "$scratch/out" "$(stat -f -c %T "$data_dir")" <<'PY'
import glob, json, math, sys

ftas, jobs, allocate_ns, out, data_fs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
MEASURED = ("write", "read")  # ftactl prints enum words; remove has no aggregate

def phase(value):
    return str(value).lower().replace("phase_", "")

def pct(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 3)

skews, late, lead = [], [], []
for path in sorted(glob.glob(out + "/show-*.json")):
    opens = {}
    for r in json.load(open(path)).get("rank_results", []):
        if phase(r.get("phase")) in MEASURED:
            opens.setdefault((r.get("iteration", 0), phase(r["phase"])), []).append(int(r.get("open_start_ns", 0)))
    skews += [(max(v) - min(v)) / 1e6 for v in opens.values()]
for path in sorted(glob.glob(out + "/run-*.json")):
    for a in json.load(open(path)).get("aggregates", []):
        if phase(a.get("phase")) in MEASURED:
            late.append(float(a.get("go_late_seconds", 0)) * 1e3)
            lead.append(float(a.get("start_lead_seconds", 0)) * 1e3)
print(json.dumps({"ftas": ftas, "jobs": jobs, "data_fs": data_fs, "allocate_s": round(allocate_ns / 1e9, 3),
                  "skew_p50_ms": pct(skews, 50), "skew_p99_ms": pct(skews, 99),
                  "go_late_p50_ms": pct(late, 50), "go_late_p99_ms": pct(late, 99),
                  "lead_ms_p50": pct(lead, 50)}))
PY
