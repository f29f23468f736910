# Shared by the fta-host Slurm prolog, epilog and step helper (sourced, not
# run). Slurm runs prologs and epilogs as root with almost no environment
# and no PATH, so every program is called by absolute path, taken from the
# config file (key=value lines, read here, never sourced):
#
#   ftactl = /usr/local/bin/ftactl      (default: where the project installed it)
#   scontrol = /usr/bin/scontrol
#   node_map = /etc/fta-host/slurm-nodes  (NODENAME ENDPOINT lines, "*" = any node)
#   state_dir = /run/fta-slurm          (per-job FTA counts, prolog -> epilog)
#   connect_timeout_s = 300             (how long allocate waits for the FTAs)
#
# The config path is $FTA_SLURM_CONFIG, else /etc/fta-host/slurm.conf; a
# missing file means all defaults.

# Slurm gives hooks no PATH: coreutils (mkdir, rm) from the system's own.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
FTA_SLURM_FTACTL="@FTA_BINDIR@/ftactl"
FTA_SLURM_SCONTROL=/usr/bin/scontrol
FTA_SLURM_NODE_MAP=/etc/fta-host/slurm-nodes
FTA_SLURM_STATE_DIR=/run/fta-slurm
FTA_SLURM_CONNECT_TIMEOUT_S=300

# fta_slurm_fail MESSAGE: the reason on stderr (Slurm logs it; the prolog
# also puts it in the node's drain reason), then exit 1.
fta_slurm_fail() {
  printf '%s: %s\n' "${FTA_SLURM_SELF:-fta-slurm}" "$1" >&2
  exit 1
}

fta_slurm_trim() {
  local value="$1"
  value="${value#"${value%%[![:space:]]*}"}"
  value="${value%"${value##*[![:space:]]}"}"
  printf '%s' "$value"
}

fta_slurm_read_config() {
  local config="${FTA_SLURM_CONFIG:-/etc/fta-host/slurm.conf}"
  [[ -e "$config" ]] || return 0
  [[ -r "$config" ]] || fta_slurm_fail "config $config is not readable"
  local line key value number=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    number=$((number + 1))
    line="${line%%#*}"
    [[ -n "$(fta_slurm_trim "$line")" ]] || continue
    [[ "$line" == *=* ]] || fta_slurm_fail "$config:$number: expected key = value"
    key="$(fta_slurm_trim "${line%%=*}")"
    value="$(fta_slurm_trim "${line#*=}")"
    case "$key" in
      ftactl) FTA_SLURM_FTACTL="$value" ;;
      scontrol) FTA_SLURM_SCONTROL="$value" ;;
      node_map) FTA_SLURM_NODE_MAP="$value" ;;
      state_dir) FTA_SLURM_STATE_DIR="$value" ;;
      connect_timeout_s)
        [[ "$value" =~ ^[0-9]+$ ]] || fta_slurm_fail "$config:$number: connect_timeout_s must be a number"
        FTA_SLURM_CONNECT_TIMEOUT_S="$value" ;;
      *) fta_slurm_fail "$config:$number: unknown key '$key'" ;;
    esac
  done <"$config"
  [[ -x "$FTA_SLURM_FTACTL" ]] || fta_slurm_fail "ftactl $FTA_SLURM_FTACTL is not executable (set ftactl in $config)"
}

# fta_slurm_endpoint NODE: the fta-hostd control endpoint of NODE from the
# node map (its own line, else the "*" line); fails naming the node.
fta_slurm_endpoint() {
  local node="$1" name endpoint rest fallback=""
  [[ -r "$FTA_SLURM_NODE_MAP" ]] || fta_slurm_fail "node map $FTA_SLURM_NODE_MAP is not readable"
  while read -r name endpoint rest || [[ -n "$name" ]]; do
    [[ -n "$name" && "$name" != \#* ]] || continue
    if [[ "$name" == "$node" ]]; then
      printf '%s' "$endpoint"
      return 0
    fi
    [[ "$name" == "*" ]] && fallback="$endpoint"
  done <"$FTA_SLURM_NODE_MAP"
  [[ -n "$fallback" ]] || fta_slurm_fail "node $node has no fta-hostd in $FTA_SLURM_NODE_MAP"
  printf '%s' "$fallback"
}

# The environment every Slurm hook gets: job id and this node's name
# (SLURMD_NODENAME: `hostname` is the same for every slurmd of a
# one-machine test cluster).
fta_slurm_job_env() {
  [[ "${SLURM_JOB_ID:-}" =~ ^[0-9]+$ ]] || fta_slurm_fail "SLURM_JOB_ID is not set (run me as a Slurm prolog/epilog)"
  [[ -n "${SLURMD_NODENAME:-}" ]] || fta_slurm_fail "SLURMD_NODENAME is not set (run me as a Slurm prolog/epilog)"
  FTA_SLURM_OWNER="slurm:$SLURM_JOB_ID"
  FTA_SLURM_COUNT_FILE="$FTA_SLURM_STATE_DIR/$SLURMD_NODENAME.job-$SLURM_JOB_ID"
}

# fta_slurm_has_line WORD TEXT: TEXT has a line that is exactly WORD.
fta_slurm_has_line() {
  local line
  while IFS= read -r line; do
    [[ "$line" == "$1" ]] && return 0
  done <<<"$2"
  return 1
}
