#!/bin/sh
# Runs in a production FTA guest before fta-agent (ExecStartPre of
# fta-agent.service): turns the identity fta-hostd gave the guest into
# /etc/default/fta-agent and /etc/fta-agent/token.
#
# fta-hostd's libvirt backend passes fta.id=, fta.connect= and fta.token=
# both as SMBIOS OEM strings (image boot; read with dmidecode -t 11) and on
# the kernel command line (direct kernel boot).
set -eu
words=""
if command -v dmidecode >/dev/null 2>&1; then
  words=$(dmidecode -q -t 11 2>/dev/null | sed -n 's/^[[:space:]]*String [0-9]*: //p' || true)
fi
words="$words $(cat /proc/cmdline)"
id=""; connect=""; token=""
for word in $words; do
  case "$word" in
    fta.id=*) id=${word#fta.id=} ;;
    fta.connect=*) connect=${word#fta.connect=} ;;
    fta.token=*) token=${word#fta.token=} ;;
  esac
done
if [ -z "$id" ] || [ -z "$connect" ]; then
  echo "fta-guest-identity: no fta.id/fta.connect in SMBIOS OEM strings or /proc/cmdline" >&2
  exit 1
fi
umask 077
mkdir -p /etc/fta-agent
printf '%s\n' "$token" > /etc/fta-agent/token
printf 'FTA_ID=%s\nFTA_HOSTD=%s\n' "$id" "$connect" > /etc/default/fta-agent
hostname "$id" 2>/dev/null || true
