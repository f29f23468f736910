#!/usr/bin/env bash
# Builds the tiny FTA test guest: a Debian kernel plus a busybox initramfs
# that brings up QEMU user-mode networking and runs fta-agent, which dials
# fta-hostd. Boots in seconds under TCG; used by the `vm` ctest label.
#
#   deploy/guest/build-test-guest.sh OUT_DIR FTA_AGENT_BINARY
#
# Writes OUT_DIR/vmlinuz and OUT_DIR/initrd.img. The kernel package is
# downloaded once (apt-get download) and cached in OUT_DIR/cache; rerunning
# only repacks the initramfs (e.g. after fta-agent was rebuilt).
#
# The guest learns who it is from the kernel command line (set by the
# libvirt backend): fta.id=ID fta.connect=HOST:PORT, and gets its secrets
# (token, client certificate and key, CA) from the NoCloud seed the backend
# attaches as the read-only virtio disk /dev/vdb (files under fta/).
# Jobs write into /fta-data, a tmpfs inside the guest.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 OUT_DIR FTA_AGENT_BINARY" >&2
  exit 2
fi
OUT_DIR=$(realpath -m "$1")
AGENT=$(realpath "$2")
for tool in busybox cpio gzip ldd dpkg apt-get apt-cache; do
  command -v "$tool" >/dev/null || { echo "build-test-guest: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
BUSYBOX=$(command -v busybox)
# busybox-static is what we need: a dynamic busybox would need its libc too.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
  echo "build-test-guest: $BUSYBOX is dynamically linked; install busybox-static" >&2
  exit 1
fi
[[ -x "$AGENT" ]] || { echo "build-test-guest: $AGENT is not executable" >&2; exit 1; }

mkdir -p "$OUT_DIR/cache"
CACHE="$OUT_DIR/cache"

# The kernel: whatever version the linux-image-amd64 metapackage names today.
if [[ ! -d "$CACHE/kernel/boot" ]]; then
  kernel_package=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [[ -n "$kernel_package" ]] || { echo "build-test-guest: cannot resolve linux-image-amd64" >&2; exit 1; }
  (cd "$CACHE" && rm -f linux-image-*.deb && apt-get download -o APT::Sandbox::User=root "$kernel_package" >/dev/null)
  rm -rf "$CACHE/kernel.partial"
  dpkg -x "$CACHE"/linux-image-*.deb "$CACHE/kernel.partial"
  mv "$CACHE/kernel.partial" "$CACHE/kernel"
fi
vmlinuz=$(ls "$CACHE"/kernel/boot/vmlinuz-* | head -n1)
kernel_version=${vmlinuz##*/vmlinuz-}
modules="$CACHE/kernel/lib/modules/$kernel_version/kernel"

root=$(mktemp -d "$OUT_DIR/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,modules,fta-data,usr/bin,usr/sbin}
cp "$BUSYBOX" "$root/bin/busybox"
for applet in sh mount mkdir cat ip sleep insmod echo poweroff tr sed hostname ls; do
  ln -s busybox "$root/bin/$applet"
done

# virtio is modular in Debian's kernel: load in dependency order.
VIRTIO_MODULES=(
  drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
  drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/core/failover
  drivers/net/net_failover drivers/net/virtio_net drivers/block/virtio_blk drivers/cdrom/cdrom fs/isofs/isofs
)
module_list=()
for module in "${VIRTIO_MODULES[@]}"; do
  found=""
  for suffix in .ko .ko.xz; do
    [[ -f "$modules/$module$suffix" ]] && found="$modules/$module$suffix"
  done
  [[ -n "$found" ]] || { echo "build-test-guest: $module not in $kernel_version" >&2; exit 1; }
  name=$(basename "$found")
  if [[ "$name" == *.xz ]]; then
    xz -dc "$found" > "$root/modules/${name%.xz}"
    name=${name%.xz}
  else
    cp "$found" "$root/modules/$name"
  fi
  module_list+=("$name")
done

# fta-agent and exactly the libraries ldd lists (with their paths, the
# dynamic loader included).
mkdir -p "$root/usr/local/bin"
cp "$AGENT" "$root/usr/local/bin/fta-agent"
ldd "$AGENT" | awk '{ for (i = 1; i <= NF; ++i) if ($i ~ /^\//) print $i }' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# /lib64 is a symlink on Debian; keep the loader path the binary names valid.
if [[ -d "$root/lib64" && ! -e "$root/lib64/ld-linux-x86-64.so.2" && -e "$root/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ]]; then
  ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
fi
printf 'root:x:0:0:root:/:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"

cat > "$root/init" <<EOF
#!/bin/sh
# FTA test guest: network via QEMU user mode (10.0.2.2 is the host's
# loopback), identity from /proc/cmdline, secrets from the seed disk, then
# fta-agent for as long as the guest lives.
export PATH=/bin:/usr/local/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /fta-data
for module in ${module_list[*]}; do insmod /modules/\$module; done
id=""; connect=""
for word in \$(cat /proc/cmdline); do
  case "\$word" in
    fta.id=*) id=\${word#fta.id=} ;;
    fta.connect=*) connect=\${word#fta.connect=} ;;
  esac
done
mkdir -p /seed
mount -t iso9660 -o ro /dev/vdb /seed || echo "fta-guest: no seed disk (/dev/vdb)"
hostname "\${id:-fta-guest}"
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
echo "fta-guest: \$id dialing \$connect"
while true; do
  /usr/local/bin/fta-agent --connect "\$connect" --id "\$id" --credentials /seed/fta
  echo "fta-guest: fta-agent exited with \$?; restarting"
  sleep 1
done
EOF
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT_DIR/initrd.img.partial"
mv "$OUT_DIR/initrd.img.partial" "$OUT_DIR/initrd.img"
cp "$vmlinuz" "$OUT_DIR/vmlinuz"
echo "build-test-guest: $OUT_DIR/vmlinuz ($kernel_version), $OUT_DIR/initrd.img ($(du -h "$OUT_DIR/initrd.img" | cut -f1))"
