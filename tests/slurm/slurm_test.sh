#!/bin/bash
# The `slurm` test label: fta-host driven by a real Slurm (Debian's 22.05)
# on one machine. A private munged, slurmctld and three `slurmd -N ftaN`
# (slurm_cluster.sh), three fta-hostd (process FTAs; fta3's capped at 2),
# the project's prolog/epilog; then
#   1. `sbatch -N3 --gres=fta:2`: one `ftactl ior run --on owner:slurm:ID
#      --start-at T` per node through srun, merged and stored on fta1;
#      checked: each hostd ran its own FTAs under the job's owner, the
#      stored merge equals the aggregate recomputed from the three stored
#      jobs, the epilog released everything;
#   2. `sbatch -N3 --gres=fta:3`: fta3's prolog cannot allocate 3 FTAs, so
#      the node drains with the prolog's reason; the other nodes' epilogs
#      release what their prologs got;
#   3. no daemon and no FTA is left (also when a step fails: trap).
# Prints allocation-to-first-GO and the cross-host skew as JSON; no timing
# is asserted. Exit 77 (ctest: skipped) when not root or Slurm is missing.
#
#   slurm_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

BUILD="$(cd "$1" && pwd)"
SOURCE="$(cd "$2" && pwd)"
skip() {
  echo "slurm_test: SKIPPED: $1"
  exit 77
}
[[ "$(id -u)" -eq 0 ]] || skip "needs root (slurmd runs the prolog and epilog as root)"
for program in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch /usr/bin/srun \
    /usr/bin/scontrol /usr/bin/sinfo /usr/bin/squeue /usr/bin/scancel /usr/bin/python3; do
  [[ -x "$program" ]] || skip "$program is missing (scripts/install-deps.sh installs slurmctld slurmd slurm-client munge python3)"
done

SLURM_TEST_DIR="$(mktemp -d /tmp/fta-slurm-test.XXXXXX)"
chmod 0755 "$SLURM_TEST_DIR"
export SLURM_TEST_DIR FTA_SLURM_LIBEXEC="$BUILD/deploy/slurm"
FTACTL="$BUILD/client/ftactl"
CHECK=("/usr/bin/python3" "$SOURCE/tests/slurm/check_slurm_run.py")
# shellcheck source=slurm_cluster.sh
. "$SOURCE/tests/slurm/slurm_cluster.sh"

HOSTD_PIDS=()
endpoint() { echo "unix:$SLURM_TEST_DIR/hostd/$1/control.sock"; }

start_hostds() {
  local node max
  : >"$SLURM_TEST_DIR/slurm-nodes"
  for node in fta1 fta2 fta3; do
    max=4
    [[ "$node" == fta3 ]] && max=2  # too few for --gres=fta:3: its prolog must fail
    mkdir -p "$SLURM_TEST_DIR/hostd/$node/state"
    "$BUILD/daemon/fta-hostd" --config /dev/null --state-dir "$SLURM_TEST_DIR/hostd/$node/state" \
      --control-socket "$SLURM_TEST_DIR/hostd/$node/control.sock" \
      --agent-listen "unix:$SLURM_TEST_DIR/hostd/$node/agent.sock" --max-ftas "$max" \
      --agents-run-as root \
      >>"$SLURM_TEST_DIR/log/hostd-$node.log" 2>&1 &
    HOSTD_PIDS+=("$!")
    echo "$node $(endpoint "$node")" >>"$SLURM_TEST_DIR/slurm-nodes"
  done
  for node in fta1 fta2 fta3; do
    wait_until 30 "fta-hostd of $node" "$FTACTL" --host "$(endpoint "$node")" --timeout 1 host show
  done
  cat >"$SLURM_TEST_DIR/fta-slurm.conf" <<CONF
ftactl = $FTACTL
scontrol = /usr/bin/scontrol
node_map = $SLURM_TEST_DIR/slurm-nodes
state_dir = $SLURM_TEST_DIR/fta-slurm-state
connect_timeout_s = 60
CONF
  # For the batch script and its steps (sbatch passes the environment on).
  export FTA_SLURM_CONFIG="$SLURM_TEST_DIR/fta-slurm.conf"
}

# Every FTA released, hostds and Slurm stopped, then nothing of ours may run.
cleanup() {
  local status=$? node pid leftovers
  trap - EXIT
  if ((status != 0)); then
    echo "slurm_test: failed; logs in $SLURM_TEST_DIR/log (kept)" >&2
    tail -n 20 "$SLURM_TEST_DIR"/log/*.log "$SLURM_TEST_DIR"/*.out 2>/dev/null >&2 || true
  fi
  stop_cluster
  for node in fta1 fta2 fta3; do
    "$FTACTL" --host "$(endpoint "$node")" --timeout 30 fta release --all >/dev/null 2>&1 || true
  done
  for pid in "${HOSTD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${HOSTD_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Anything still running from our directory (an agent, a daemon) is a leak.
  leftovers="$(pgrep -a -f "$SLURM_TEST_DIR" || true)"
  if [[ -n "$leftovers" ]]; then
    echo "slurm_test: FAIL: left running: $leftovers" >&2
    for pid in $(pgrep -f "$SLURM_TEST_DIR" || true); do kill -KILL "$pid" 2>/dev/null || true; done
    status=1
  fi
  if ((status == 0)); then rm -rf -- "$SLURM_TEST_DIR"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # ctest's timeout: still clean up

mkdir -p "$SLURM_TEST_DIR/log" "$SLURM_TEST_DIR/data" "$SLURM_TEST_DIR/out"
start_hostds
start_cluster

# ---- 1. one synchronised job across three hosts ---------------------------
cat >"$SLURM_TEST_DIR/job.sh" <<JOB
#!/bin/bash
set -euo pipefail
start_at=\$(( \$(/usr/bin/date +%s) + 5 ))
srun --ntasks-per-node=1 "$FTA_SLURM_LIBEXEC/fta-slurm-run" "$SLURM_TEST_DIR/out" -o json ior run \\
  --on "owner:slurm:\$SLURM_JOB_ID" --start-at "\$start_at" -t 256k -b 4m -d "$SLURM_TEST_DIR/data" \\
  --file-name "ior.{node}" -w -r
"$FTACTL" --host "$(endpoint fta1)" -o json results merge --store "$SLURM_TEST_DIR"/out/fta*.json \\
  >"$SLURM_TEST_DIR/merged.json"
JOB
chmod 0755 "$SLURM_TEST_DIR/job.sh"
job_id="$(sbatch --parsable -N3 --gres=fta:2 -o "$SLURM_TEST_DIR/log/job.out" "$SLURM_TEST_DIR/job.sh")"
# Finished, or held after a failed prolog (sbatch --wait would wait forever).
job_state() { scontrol show job "$job_id" | sed -n 's/^ *JobState=\([A-Z_]*\) Reason=\([^ ]*\).*/\1 \2/p'; }
job_settled() { [[ "$(job_state)" =~ ^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)\ |_held ]]; }
wait_until 300 "job $job_id to finish" job_settled
if [[ "$(job_state)" != COMPLETED* ]]; then
  echo "slurm_test: FAIL: the synchronised job ended $(job_state):" >&2
  cat "$SLURM_TEST_DIR/log/job.out" >&2 || true
  exit 1
fi
owner="slurm:$job_id"
echo "slurm_test: job $job_id done"
# The epilog runs after the job is reported complete: wait for it on every node.
epilog_done() { [[ "$(wc -l <"$SLURM_TEST_DIR/epilog.started" 2>/dev/null || echo 0)" -ge 3 ]] &&
  [[ -z "$(ls -A "$SLURM_TEST_DIR/fta-slurm-state" 2>/dev/null)" ]]; }
wait_until 60 "the epilogs of job $job_id" epilog_done

merged_id="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["job"]["id"])' "$SLURM_TEST_DIR/merged.json")"
"$FTACTL" --host "$(endpoint fta1)" -o json job show "$merged_id" >"$SLURM_TEST_DIR/stored-merged.json"
host_jobs=()
for node in fta1 fta2 fta3; do
  host_job="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$SLURM_TEST_DIR/out/$node.json")"
  "$FTACTL" --host "$(endpoint "$node")" -o json job show "$host_job" >"$SLURM_TEST_DIR/stored-$node.json"
  host_jobs+=("$SLURM_TEST_DIR/stored-$node.json")
  "$FTACTL" --host "$(endpoint "$node")" -o json fta list --all --owner "$owner" >"$SLURM_TEST_DIR/ftas-$node.json"
  "${CHECK[@]}" ftas "$owner" 2 "$SLURM_TEST_DIR/ftas-$node.json" "$SLURM_TEST_DIR/stored-$node.json"
  "$FTACTL" --host "$(endpoint "$node")" -o json fta list >"$SLURM_TEST_DIR/active-$node.json"
  "${CHECK[@]}" empty "$SLURM_TEST_DIR/active-$node.json"
done
"${CHECK[@]}" merge "$owner" "$SLURM_TEST_DIR/merged.json" "$SLURM_TEST_DIR/stored-merged.json" "${host_jobs[@]}"
"${CHECK[@]}" timing "$SLURM_TEST_DIR/merged.json" "$SLURM_TEST_DIR/prolog.started"

# ---- 2. a failing prolog drains its node with the reason ------------------
fail_id="$(sbatch --parsable -N3 --gres=fta:3 -o /dev/null --wrap /bin/true)"
drained_with_reason() {
  local node
  node="$(scontrol show node fta3)"
  [[ "$node" == *State=*DRAIN* && "$node" == *Reason=fta-slurm-prolog:* ]]
}
wait_until 90 "fta3 drained by its prolog" drained_with_reason
scontrol show node fta3 | sed -n 's/^ *\(Reason=.*\)$/slurm_test: fta3 \1/p'
scancel "$fail_id"
job_gone() { [[ -z "$(squeue -h -j "$fail_id" 2>/dev/null)" ]]; }
wait_until 60 "job $fail_id to leave the queue" job_gone
no_owner_ftas() {
  local node
  for node in fta1 fta2 fta3; do
    "$FTACTL" --host "$(endpoint "$node")" -o json fta list --owner "slurm:$fail_id" >"$SLURM_TEST_DIR/left.json"
    "${CHECK[@]}" empty "$SLURM_TEST_DIR/left.json" || return 1
  done
}
wait_until 60 "the epilogs to release job $fail_id's FTAs" no_owner_ftas
echo "slurm_test: PASS"
