#!/bin/sh
# Runs in a production FTA guest before fta-agent (ExecStartPre of
# fta-agent.service) when the image has no cloud-init: turns what fta-hostd
# gave the guest into /etc/default/fta-agent and /etc/fta-agent/.
#
# fta-hostd's libvirt backend passes fta.id= and fta.connect= as SMBIOS OEM
# strings (read with dmidecode -t 11) and on the kernel command line (direct
# kernel boot); the secrets (token, cert.pem, key.pem, ca.pem) are only on
# the NoCloud seed, a read-only volume labelled "cidata", under fta/.
set -eu
words=""
if command -v dmidecode >/dev/null 2>&1; then
  words=$(dmidecode -q -t 11 2>/dev/null | sed -n 's/^[[:space:]]*String [0-9]*: //p' || true)
fi
words="$words $(cat /proc/cmdline)"
id=""; connect=""
for word in $words; do
  case "$word" in
    fta.id=*) id=${word#fta.id=} ;;
    fta.connect=*) connect=${word#fta.connect=} ;;
  esac
done
if [ -z "$id" ] || [ -z "$connect" ]; then
  echo "fta-guest-identity: no fta.id/fta.connect in SMBIOS OEM strings or /proc/cmdline" >&2
  exit 1
fi
umask 077
mkdir -p /etc/fta-agent
seed=$(blkid -L cidata 2>/dev/null || true)
if [ -n "$seed" ]; then
  mnt=$(mktemp -d)
  mount -o ro "$seed" "$mnt"
  for file in token cert.pem key.pem ca.pem; do
    if [ -f "$mnt/fta/$file" ]; then cp "$mnt/fta/$file" "/etc/fta-agent/$file"; fi
  done
  umount "$mnt"
  rmdir "$mnt"
fi
if [ ! -f /etc/fta-agent/token ]; then
  echo "fta-guest-identity: no seed volume labelled cidata with fta/token" >&2
  exit 1
fi
printf 'FTA_ID=%s\nFTA_HOSTD=%s\n' "$id" "$connect" > /etc/default/fta-agent
hostname "$id" 2>/dev/null || true
