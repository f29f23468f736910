#!/usr/bin/env bash
# A private libvirtd + virtlogd for the `vm` tests, as root without systemd,
# without touching the machine's own libvirt setup: the daemons run in their
# own mount namespace where /etc/libvirt, /run/libvirt, /var/lib/libvirt,
# /var/log/libvirt and /var/cache/libvirt are bind mounts of directories
# under DIR. Clients reach it at qemu+unix:///system?socket=DIR/run/libvirt-sock
# (and lxc+unix:///system?socket=... for the `container` tests' LXC driver).
# In that namespace /sys/fs/cgroup/unified is unmounted: the LXC driver
# otherwise fails to start containers ("Unable to create directory
# /sys/fs/cgroup/unified") on hosts that mount the hybrid cgroup layout.
#
#   private-libvirtd.sh start DIR   # prints the URI
#   private-libvirtd.sh stop DIR    # destroys leftover domains, stops both daemons
set -euo pipefail

command_name=${1:-}
DIR=${2:-}
if [[ -z "$command_name" || -z "$DIR" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
DIR=$(realpath -m "$DIR")
URI="qemu+unix:///system?socket=$DIR/run/libvirt-sock"
MOUNTS=(etc/libvirt run/libvirt var/lib/libvirt var/log/libvirt var/cache/libvirt)

stop_pidfile() {
  local file=$1
  [[ -f "$file" ]] || return 0
  local pid
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

case "$command_name" in
  start)
    for tool in libvirtd virtlogd unshare; do
      command -v "$tool" >/dev/null || { echo "private-libvirtd: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
    done
    # The qemu driver resolves its built-in default user and group even when
    # qemu.conf says root (libvirt-daemon-system would create them).
    getent group kvm >/dev/null || groupadd -r kvm
    getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
    getent passwd libvirt-qemu >/dev/null || useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
    mkdir -p "$DIR"/{etc,run,lib,log,cache}
    # The qemu driver runs QEMU as root with no relabelling and no cgroups:
    # what works without systemd in a VM.
    printf 'user = "root"\ngroup = "root"\ndynamic_ownership = 0\nsecurity_driver = "none"\ncgroup_controllers = [ ]\n' \
      > "$DIR/etc/qemu.conf"
    printf 'unix_sock_rw_perms = "0700"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\nlog_outputs = "3:file:%s/libvirtd.log"\n' \
      "$DIR" > "$DIR/etc/libvirtd.conf"
    for mount_point in "${MOUNTS[@]}"; do mkdir -p "/$mount_point"; done
    unshare --mount --propagation private -- bash -c "
      set -e
      mount --bind '$DIR/etc' /etc/libvirt
      mount --bind '$DIR/run' /run/libvirt
      mount --bind '$DIR/lib' /var/lib/libvirt
      mount --bind '$DIR/log' /var/log/libvirt
      mount --bind '$DIR/cache' /var/cache/libvirt
      if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
      virtlogd -d -p '$DIR/virtlogd.pid'
      libvirtd -d -p '$DIR/libvirtd.pid' -f /etc/libvirt/libvirtd.conf
    "
    for _ in $(seq 1 300); do
      [[ -S "$DIR/run/libvirt-sock" ]] && break
      sleep 0.1
    done
    [[ -S "$DIR/run/libvirt-sock" ]] || { echo "private-libvirtd: libvirtd did not create its socket (see $DIR/libvirtd.log)" >&2; exit 1; }
    echo "$URI"
    ;;
  stop)
    if [[ -S "$DIR/run/libvirt-sock" ]] && command -v virsh >/dev/null; then
      for uri in "$URI" "${URI/qemu+unix/lxc+unix}"; do
        for domain in $(virsh -c "$uri" list --all --name 2>/dev/null); do
          virsh -c "$uri" destroy "$domain" >/dev/null 2>&1 || true
          virsh -c "$uri" undefine "$domain" >/dev/null 2>&1 || true
        done
      done
    fi
    stop_pidfile "$DIR/libvirtd.pid"
    stop_pidfile "$DIR/virtlogd.pid"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
