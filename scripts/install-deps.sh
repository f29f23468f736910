#!/usr/bin/env bash
# Installs the Debian 12 packages fta-host needs to build, test and run.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev
  libsqlite3-dev sqlite3 libtoml11-dev libcli11-dev nlohmann-json3-dev
  libsystemd-dev libibverbs-dev fio
  prometheus-cpp-dev  # the metrics endpoint (metrics.listen): prometheus-cpp core + pull
  openmpi-bin libopenmpi-dev autoconf automake libtool  # scripts/build-ior.sh: the real IOR for tests and bench/engine_vs_ior
  clang-14 libclang-rt-14-dev
  chromium  # renders the sweep report page in the integration suite (headless screenshot)
  libvirt-dev libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu
  libvirt-daemon-driver-lxc iproute2  # container FTAs (ctest -L container): LXC driver, ip/rdma
  qemu-system-x86 qemu-utils busybox-static cpio
  genisoimage  # NoCloud seed ISOs for image-booted guests (and isoinfo for their test)
  slurmctld slurmd slurm-client munge  # the `slurm` test label: a private 3-node Slurm cluster
  python3  # the slurm test recomputes the merged aggregate from the stored jobs independently
)

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
