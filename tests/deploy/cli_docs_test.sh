#!/usr/bin/env bash
# The man pages and ftactl's bash completion keep up with the binaries: every
# option in `--help` of fta-hostd and fta-agent is in their man page; every
# noun, verb and option of ftactl (walked through `ftactl NOUN VERB --help`)
# is in ftactl.1 and in the completion's tables; the completion completes a
# few typed lines as a user would see it.
set -uo pipefail
BUILD=${1:?usage: cli_docs_test.sh BUILD_DIR SOURCE_DIR}
SRC=${2:?usage: cli_docs_test.sh BUILD_DIR SOURCE_DIR}
FTACTL=$BUILD/client/ftactl
MAN=$SRC/deploy/man
COMPLETION=$SRC/deploy/completion/ftactl.bash
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# Options of a CLI11 help text: the names before the type, one per line
# (-h/--help left out: every binary has it).
options_of() {
  sed -n '/^Options:/,/^$/p' | grep -E '^  -' | awk '{print $1}' | tr ',' '\n' | grep -vE '^(-h|--help)$'
}
# Subcommands of a CLI11 help text ("fta, vm" gives both).
subcommands_of() {
  sed -n '/^Subcommands:/,/^$/p' | grep -E '^  [a-z]' | sed -E 's/^  ([a-z, -]*[a-z])  .*/\1/' | tr ',' '\n' |
    tr -d ' '
}
# A man page's text with roff's \- as plain dashes.
man_text() { sed 's/\\-/-/g' "$1"; }

# fta-hostd and fta-agent: every option in the man page.
for binary in daemon/fta-hostd:fta-hostd.8 agent/fta-agent:fta-agent.8; do
  exe=$BUILD/${binary%%:*}
  page=$MAN/${binary##*:}
  page_text=$(man_text "$page")
  for option in $("$exe" --help | options_of); do
    grep -qF -- "$option" <<<"$page_text" || fail "${binary##*:}: option $option of $(basename "$exe") --help is not in $page"
  done
done

# ftactl: the tree of nouns and verbs, each checked in ftactl.1 and the completion.
# shellcheck source=/dev/null
source "$COMPLETION"
ftactl_man=$(man_text "$MAN/ftactl.1")
# A completion table entry as one line of words between spaces.
words_of() { printf ' %s' $1; printf ' \n'; }
checked=0
for noun in $("$FTACTL" --help | subcommands_of); do
  key_noun=${noun/#vm/fta}
  grep -qE "^\.(B|BI|SS).*\b$key_noun\b" <<<"$ftactl_man" || fail "ftactl.1: noun $noun is missing"
  [[ -v "_ftactl_verbs[$noun]" ]] || fail "completion: noun $noun is missing from _ftactl_verbs"
  noun_help=$("$FTACTL" "$noun" --help)
  for option in $(options_of <<<"$noun_help"); do
    [[ $(words_of "${_ftactl_options[$key_noun]:-}") == *" $option "* ]] || fail "completion: $noun $option is missing"
    grep -qF -- "$option" <<<"$ftactl_man" || fail "ftactl.1: $noun $option is missing"
    checked=$((checked + 1))
  done
  for verb in $(subcommands_of <<<"$noun_help"); do
    [[ " ${_ftactl_verbs[$noun]:-} " == *" $verb "* ]] || fail "completion: verb $noun $verb is missing"
    grep -qE "\b$verb\b" <<<"$ftactl_man" || fail "ftactl.1: verb $noun $verb is missing"
    for option in $("$FTACTL" "$noun" "$verb" --help | options_of); do
      [[ $(words_of "${_ftactl_options[$key_noun $verb]:-}") == *" $option "* ]] || fail "completion: $noun $verb $option is missing"
      grep -qF -- "$option" <<<"$ftactl_man" || fail "ftactl.1: $noun $verb $option is missing"
      checked=$((checked + 1))
    done
  done
done
((checked > 50)) || fail "only $checked ftactl options found in --help: is the help format still CLI11's?"

# Completion as a user sees it: COMP_WORDS is the typed line, the last word
# the one being completed. No daemon answers here, so no ids are offered.
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  FTA_HOST=unix:/nonexistent/control.sock _ftactl
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
expect() {
  local want=$1; shift
  local got
  got=$(complete_line "$@")
  [[ $got == "$want" ]] || fail "completion of '$*': got '$got', want '$want'"
}
PATH=$BUILD/client:$PATH
expect "fta" ftactl ft
expect "allocate" ftactl fta al
expect "allocate" ftactl vm al
expect "--engine" ftactl ior run --eng
expect "container process vm" ftactl fta allocate --kind ""
expect "table" ftactl -o t
expect "job" ftactl --host unix:/x.sock -o json jo
expect "cancel import list show watch" ftactl job ""
expect "csv json" ftactl sweep export sweep-1 --format ""

echo "cli docs: $checked ftactl options checked, $failures failure(s)"
((failures == 0))
