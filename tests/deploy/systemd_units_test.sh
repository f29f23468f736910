#!/usr/bin/env bash
# The installed systemd units (as configured into BUILD/deploy/systemd):
# `systemd-analyze security --offline=yes` rates each at an exposure of 4.0
# or below, and `systemd-analyze verify` finds nothing to say about them
# (unknown keys, bad values, missing executables or man pages).
# Exit 77 (skipped) without systemd-analyze.
set -euo pipefail
BUILD=${1:?usage: systemd_units_test.sh BUILD_DIR}
MAX_EXPOSURE=${MAX_EXPOSURE:-4.0}
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIPPED: systemd-analyze is not installed (Debian package systemd)"
  exit 77
fi
work=$(mktemp -d /tmp/fta-units-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0

for unit in fta-hostd.service fta-agent.service; do
  file=$BUILD/deploy/systemd/$unit
  report=$(systemd-analyze security --offline=yes --no-pager "$file" 2>&1) || true
  score=$(sed -n "s/.*Overall exposure level for $unit: \([0-9.]*\).*/\1/p" <<<"$report")
  if [[ -z $score ]]; then
    echo "FAIL $unit: no exposure level in systemd-analyze's answer:"; echo "$report"
    failures=$((failures + 1))
  elif awk -v s="$score" -v max="$MAX_EXPOSURE" 'BEGIN { exit !(s > max) }'; then
    echo "FAIL $unit: exposure $score > $MAX_EXPOSURE; what counts against it:"
    grep '✗' <<<"$report" || true
    failures=$((failures + 1))
  else
    echo "ok   $unit: exposure $score <= $MAX_EXPOSURE"
  fi
done

# verify wants the executables and the Documentation= man pages to exist:
# copies of the units point at the built binaries, MANPATH at the built pages.
mkdir -p "$work/units" "$work/man/man1" "$work/man/man8"
cp "$BUILD"/deploy/man/*.1.gz "$work/man/man1/"
cp "$BUILD"/deploy/man/*.8.gz "$work/man/man8/"
bindir=$(sed -n 's|^ExecStart=\(.*\)/fta-hostd .*|\1|p' "$BUILD/deploy/systemd/fta-hostd.service")
for unit in fta-hostd.service fta-agent.service; do
  sed -e "s|^ExecStart=$bindir/fta-hostd|ExecStart=$BUILD/daemon/fta-hostd|" \
      -e "s|^ExecStart=$bindir/fta-agent|ExecStart=$BUILD/agent/fta-agent|" \
      "$BUILD/deploy/systemd/$unit" >"$work/units/$unit"
done
verify=$(cd "$work/units" && MANPATH="$work/man" systemd-analyze verify fta-hostd.service fta-agent.service 2>&1) || {
  echo "FAIL systemd-analyze verify exited non-zero:"; echo "$verify"; failures=$((failures + 1)); }
# Only what it says about our units counts (not about units they name).
complaints=$(grep -E 'fta-(hostd|agent)\.service' <<<"$verify" || true)
if [[ -n $complaints ]]; then
  echo "FAIL systemd-analyze verify:"; echo "$complaints"; failures=$((failures + 1))
else
  echo "ok   systemd-analyze verify: nothing to say about either unit"
fi

echo "systemd units: $failures failure(s)"
((failures == 0))
