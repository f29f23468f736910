#!/usr/bin/env bash
# Installs the Debian 12 packages fta-host needs. Idempotent: does nothing
# when everything is already there.
#
#   scripts/install-deps.sh            everything: build, run, and the whole test suite (scripts/test.sh)
#   scripts/install-deps.sh --runtime  only what building and running fta-hostd, ftactl and fta-agent
#                                      needs (scripts/quickstart.sh)
set -euo pipefail

# Building and running the three binaries (and their Debian package).
RUNTIME_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libspdlog-dev libfmt-dev libsqlite3-dev libtoml11-dev libcli11-dev nlohmann-json3-dev
  libsystemd-dev libibverbs-dev libvirt-dev
  libssl-dev  # OpenSSL libcrypto: fta-hostd's agent CA (lib/pki)
  prometheus-cpp-dev  # the metrics endpoint (metrics.listen): prometheus-cpp core + pull
)
# The test suite on top.
TEST_PACKAGES=(
  libgtest-dev libgmock-dev sqlite3 fio
  openmpi-bin libopenmpi-dev autoconf automake libtool  # scripts/build-ior.sh: the real IOR for tests and bench/engine_vs_ior
  clang-14 libclang-rt-14-dev
  chromium  # renders the sweep report page in the integration suite (headless screenshot)
  libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu
  libvirt-daemon-driver-lxc iproute2  # container FTAs (ctest -L container): LXC driver, ip/rdma
  qemu-system-x86 qemu-utils busybox-static cpio
  genisoimage  # NoCloud seed ISOs for image-booted guests (and isoinfo for their test)
  slurmctld slurmd slurm-client munge  # the `slurm` test label: a private 3-node Slurm cluster
  python3  # the slurm test recomputes the merged aggregate from the stored jobs independently
  systemd man-db  # systemd_units_test: systemd-analyze security/verify (and the units' man: links)
  lintian  # package_test: the .deb from scripts/package.sh
)

case "${1:-}" in
  --runtime) PACKAGES=("${RUNTIME_PACKAGES[@]}") ;;
  "") PACKAGES=("${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  *) echo "usage: install-deps.sh [--runtime]" >&2; exit 2 ;;
esac

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
