# bash completion for ftactl (fta-host): nouns, verbs, options, their fixed
# values, directories and files, and FTA, job and sweep ids from the
# daemon itself (asked with a 1 s deadline; nothing is offered when it does
# not answer). ctest `completion_test` checks these tables against
# `ftactl --help` of every noun and verb.

# The verbs of each noun ("" = the noun takes options itself).
declare -gA _ftactl_verbs=(
  [host]="show"
  [vf]="list"
  [fta]="allocate list show release"
  [vm]="allocate list show release"
  [ior]="run"
  [job]="list show watch cancel import"
  [sweep]="watch resume cancel list show export compare"
  [results]="list show export compare import merge"
  [report]=""
)

# The options of each "noun verb" (or of a noun that takes options itself).
declare -gA _ftactl_options=(
  [fta allocate]="-n --count --timeout-connect --kind --owner"
  [fta list]="--all --owner"
  [fta release]="--all --owner"
  [ior run]="--on -t --transfer-size -b --block-size -d --directory -s --segments -i --iterations -w --write
    -r --read -e --fsync -k --keep-files -C --reorder-tasks -Q --task-offset -E --use-existing --file-name
    --engine --ranks-per-fta --ready-timeout --deadline --max-ftas --start-at -Y --fsync-per-write
    -z --random-offset --random-seed -D --deadline-stonewall --stonewall-wear-out --delay -T --max-minutes
    -g --intra-test-barriers -u --unique-dir --odirect"
  [job list]="--limit"
  [sweep]="--ftas --vms -t --transfer-sizes -b --block-size -d --directory --native --reps --kind --backend
    -e --fsync --ready-timeout"
  [sweep list]="--limit"
  [sweep export]="--format --file"
  [results list]="--limit"
  [results export]="--format --file"
  [results merge]="--part --store"
  [report]="--out"
)

_ftactl_global_options="--host -o --output --timeout --help --version"

# Ids of `noun` (fta, job, sweep) the daemon knows, from `ftactl -o json NOUN list`.
_ftactl_ids() {
  local host_args=()
  [[ -n ${_ftactl_host:-} ]] && host_args=(--host "$_ftactl_host")
  ftactl "${host_args[@]}" --timeout 1 -o json "$1" list 2>/dev/null |
    grep -o '"id": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
}

_ftactl() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion || return
  else
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
  fi

  # The noun and verb typed so far (global options and their values skipped).
  local noun="" verb="" i word
  _ftactl_host=""
  for ((i = 1; i < cword; i++)); do
    word=${words[i]}
    case $word in
      --host) _ftactl_host=${words[i + 1]:-}; ((i++)); continue ;;
      -o | --output | --timeout) ((i++)); continue ;;
      -*) continue ;;
    esac
    if [[ -z $noun ]]; then
      noun=$word
    elif [[ -z $verb && " ${_ftactl_verbs[$noun]:-} " == *" $word "* ]]; then
      verb=$word
    fi
  done

  case $prev in
    --host) COMPREPLY=($(compgen -W "unix:/run/fta-hostd/control.sock" -- "$cur")); return ;;
    -o | --output) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
    --kind) COMPREPLY=($(compgen -W "process vm container" -- "$cur")); return ;;
    --backend) COMPREPLY=($(compgen -W "process libvirt lxc" -- "$cur")); return ;;
    --engine) COMPREPLY=($(compgen -W "builtin ior" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "csv json" -- "$cur")); return ;;
    --on) COMPREPLY=($(compgen -W "all native owner: $(_ftactl_ids fta)" -- "$cur")); return ;;
    -d | --directory | --out) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --timeout | -n | --count | --timeout-connect | --owner | -t | --transfer-size | --transfer-sizes | \
      -b | --block-size | -s | --segments | -i | --iterations | -Q | --task-offset | --file-name | \
      --ranks-per-fta | --ready-timeout | --deadline | --max-ftas | --start-at | --random-seed | \
      -D | --deadline-stonewall | --delay | -T | --max-minutes | --limit | --ftas | --vms | --reps | --part)
      return ;;  # a value only the operator knows
  esac

  if [[ -z $noun ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$_ftactl_global_options" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "${!_ftactl_verbs[*]}" -- "$cur"))
    fi
    return
  fi
  local key=${noun/#vm/fta}
  [[ -n $verb ]] && key="$key $verb"
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "${_ftactl_options[$key]:-} $_ftactl_global_options" -- "$cur"))
    return
  fi
  if [[ -z $verb && -n ${_ftactl_verbs[$noun]:-} ]]; then
    COMPREPLY=($(compgen -W "${_ftactl_verbs[$noun]}" -- "$cur"))
    return
  fi
  # Positional arguments: ids, or files to import and merge.
  case $key in
    "fta show" | "fta release") COMPREPLY=($(compgen -W "$(_ftactl_ids fta)" -- "$cur")) ;;
    "job show" | "job watch" | "job cancel") COMPREPLY=($(compgen -W "$(_ftactl_ids job)" -- "$cur")) ;;
    "sweep watch" | "sweep resume" | "sweep cancel" | "sweep show" | "sweep export" | "sweep compare" | \
      "results show" | "results export" | "results compare" | report)
      COMPREPLY=($(compgen -W "$(_ftactl_ids sweep)" -- "$cur")) ;;
    "job import" | "results import" | "results merge")
      compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -F _ftactl ftactl
