#!/usr/bin/env bash
# Builds the real IOR (not packaged in Debian 12) with Debian's OpenMPI into a
# cache directory outside the source tree, and prints the path of the `ior`
# binary on stdout (everything else goes to stderr).
#
#   scripts/build-ior.sh                      # default source, into build/ior
#   scripts/build-ior.sh --source ior.tar.gz  # a tarball ...
#   scripts/build-ior.sh --source https://github.com/hpc/ior.git [--ref COMMIT]
#   scripts/build-ior.sh --source DIR         # ... or an unpacked source tree
#   scripts/build-ior.sh --cache DIR          # where to build (default build/ior)
#
# Default source: the tarball beside the clone (../shared/third_party/ior/
# ior-*.tar.gz relative to the repository root) when present, else the
# upstream repository (a git worktree also looks beside its main clone). Idempotent: a cache whose stamp names the same source
# is reused without building. Exit 77 (ctest's "skipped") when no source can
# be had (no tarball and git cannot reach the URL) or OpenMPI is missing.
# Needs openmpi-bin libopenmpi-dev autoconf automake libtool (install-deps.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
upstream="https://github.com/hpc/ior.git"
source=""
ref=""
cache="$root/build/ior"
while (($#)); do
  case "$1" in
    --source) source="$2"; shift 2 ;;
    --ref) ref="$2"; shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" >&2; exit 0 ;;
    *) echo "build-ior: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$cache" in /*) ;; *) cache="$PWD/$cache" ;; esac

if [[ -z "$source" ]]; then
  # A git worktree's clone is the one holding the common git directory.
  roots=("$root")
  common="$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
  [[ -n "$common" ]] && roots+=("$(dirname "$common")")
  for candidate in "${roots[0]}"/../shared/third_party/ior/ior-*.tar.gz \
                   "${roots[-1]}"/../shared/third_party/ior/ior-*.tar.gz; do
    [[ -f "$candidate" ]] && source="$(cd "$(dirname "$candidate")" && pwd)/$(basename "$candidate")"
  done
  [[ -n "$source" ]] || source="$upstream"
fi
case "$source" in
  *://*|git@*) ;;
  /*) ;;
  *) source="$PWD/$source" ;;
esac

binary="$cache/prefix/bin/ior"
stamp="$cache/source.stamp"
want="source=$source ref=$ref"
if [[ -x "$binary" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$binary"
  exit 0
fi

for tool in mpicc mpirun autoreconf libtoolize make; do
  if ! command -v "$tool" >/dev/null; then
    echo "build-ior: SKIP: $tool not found (apt-get install openmpi-bin libopenmpi-dev autoconf automake libtool)" >&2
    exit 77
  fi
done

rm -rf "$cache/src" "$cache/prefix" "$stamp"
mkdir -p "$cache"
if [[ -f "$source" ]]; then
  mkdir -p "$cache/src"
  tar -xzf "$source" -C "$cache/src" --strip-components=1
elif [[ -d "$source" ]]; then
  cp -a "$source/." "$cache/src"
else
  if ! command -v git >/dev/null; then
    echo "build-ior: SKIP: no IOR tarball beside the clone and git is not installed" >&2
    exit 77
  fi
  if ! git clone --quiet "$source" "$cache/src" >&2; then
    echo "build-ior: SKIP: no IOR tarball beside the clone and $source cannot be cloned" >&2
    exit 77
  fi
  if [[ -n "$ref" ]]; then
    git -C "$cache/src" checkout --quiet "$ref" >&2
  fi
fi

cd "$cache/src"
{
  ./bootstrap
  ./configure --prefix="$cache/prefix" CC=mpicc
  make -j"${JOBS:-2}"
  make install
} >"$cache/build.log" 2>&1 || {
  echo "build-ior: building IOR failed; last lines of $cache/build.log:" >&2
  tail -20 "$cache/build.log" >&2
  exit 1
}
[[ -x "$binary" ]] || { echo "build-ior: no $binary after make install" >&2; exit 1; }
echo "$want" >"$stamp"
echo "$binary"
