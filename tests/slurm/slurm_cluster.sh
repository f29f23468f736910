# A private Slurm cluster on one machine for the `slurm` test label (sourced
# by slurm_test.sh): munged, slurmctld and three `slurmd -N ftaN` with their
# config, sockets, spool and logs under $SLURM_TEST_DIR, ports from a free
# range, the fta-host prolog/epilog wired in through small wrappers that set
# their config (Slurm hands hooks a bare environment). Every daemon is
# started in the foreground (-D/-F) as a child, so cleanup stops exactly
# those pids.

SLURM_TEST_PIDS=()

# A base port with `count` free ports after it (nothing listening).
free_port_base() {
  local count="$1" base port busy
  for base in $(seq 21000 200 39000); do
    busy=0
    for ((port = base; port < base + count; port++)); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then busy=1; break; fi
    done
    ((busy == 0)) && { echo "$base"; return 0; }
  done
  return 1
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND (every 0.1 s)
# until it succeeds; fails naming DESCRIPTION after SECONDS.
wait_until() {
  local limit="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "slurm_test: timed out after ${limit}s waiting for $what" >&2
      return 1
    fi
    sleep 0.1
  done
}

start_bg() {  # start_bg LOG COMMAND...: a child daemon, remembered for cleanup
  local log="$1"
  shift
  "$@" >>"$log" 2>&1 &
  SLURM_TEST_PIDS+=("$!")
}

stop_cluster() {
  local pid
  for pid in "${SLURM_TEST_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SLURM_TEST_PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SLURM_TEST_PIDS=()
}

# write_hook NAME SCRIPT: $SLURM_TEST_DIR/NAME runs SCRIPT with the test's
# config, after recording when it started (allocation-to-first-GO timing).
write_hook() {
  local name="$1" script="$2"
  cat >"$SLURM_TEST_DIR/$name" <<HOOK
#!/bin/bash
set -euo pipefail
printf '%s %s\n' "\$(/usr/bin/date +%s%N)" "\${SLURMD_NODENAME:-?}" >>"$SLURM_TEST_DIR/$name.started"
export FTA_SLURM_CONFIG="$SLURM_TEST_DIR/fta-slurm.conf" SLURM_CONF="$SLURM_TEST_DIR/slurm.conf"
exec "$script"
HOOK
  chmod 0755 "$SLURM_TEST_DIR/$name"
}

start_cluster() {
  local dir="$SLURM_TEST_DIR" host base
  host="$(hostname -s)"
  base="$(free_port_base 4)" || { echo "slurm_test: no free port range" >&2; return 1; }
  mkdir -p "$dir/munge" "$dir/ctld" "$dir/spool" "$dir/log"
  chmod 0700 "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 0400 "$dir/munge/munge.key"
  start_bg "$dir/log/munged.out" /usr/sbin/munged -F --force --socket="$dir/munge/munge.socket" \
    --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed"
  wait_until 20 munged test -S "$dir/munge/munge.socket"
  write_hook prolog "$FTA_SLURM_LIBEXEC/fta-slurm-prolog"
  write_hook epilog "$FTA_SLURM_LIBEXEC/fta-slurm-epilog"
  cat >"$dir/slurm.conf" <<CONF
ClusterName=ftatest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
SlurmdTimeout=30
MinJobAge=600
PrologFlags=Alloc,DeferBatch
Prolog=$dir/prolog
Epilog=$dir/epilog
GresTypes=fta
NodeName=fta[1-3] NodeHostname=$host NodeAddr=127.0.0.1 Port=$((base + 1))-$((base + 3)) CPUs=2 Gres=fta:4 State=UNKNOWN
PartitionName=test Nodes=fta[1-3] Default=YES MaxTime=INFINITE State=UP
CONF
  echo "NodeName=fta[1-3] Name=fta Count=4" >"$dir/gres.conf"
  export SLURM_CONF="$dir/slurm.conf"
  start_bg "$dir/log/slurmctld.out" /usr/sbin/slurmctld -D -i -f "$dir/slurm.conf"
  local node
  for node in fta1 fta2 fta3; do
    mkdir -p "$dir/spool/$node"
    start_bg "$dir/log/slurmd-$node.out" /usr/sbin/slurmd -D -N "$node" -f "$dir/slurm.conf"
  done
  wait_until 60 "three idle nodes" nodes_idle 3
}

nodes_idle() {  # nodes_idle N: sinfo shows N nodes idle
  [[ "$(sinfo -h -N -t idle -o '%N' | sort -u | wc -l)" -eq "$1" ]]
}
