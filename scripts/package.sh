#!/usr/bin/env bash
# Builds the Debian package fta-host_<version>_<arch>.deb: a release build
# (-O2, stripped in the package) of only the three binaries, man pages and
# the rest of the install rules, configured for /usr in its own build dir
# (./build-pkg, override with BUILD_DIR), then CPack's DEB generator.
# Prints the .deb's path on its last line.
#
# It uses the test build's compiler flags (RelWithDebInfo), so with ccache
# every object already compiled for build/ is a cache hit: CCACHE_BASEDIR
# and CCACHE_NOHASHDIR make paths under this checkout relative and leave the
# build directory out of the hash (scripts/build.sh sets the same).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=$(realpath -m "${BUILD_DIR:-build-pkg}")
JOBS=${JOBS:-$(nproc)}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
GENERATOR=()
command -v ninja >/dev/null && GENERATOR=(-G Ninja)
# Full RELRO (bind now) costs only a relink; _FORTIFY_SOURCE would change
# every object's flags and so miss the cache (lintian: informational).
cmake -S . -B "$BUILD_DIR" "${GENERATOR[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DFTA_BUILD_TESTS=OFF -DFTA_BUILD_BENCH=OFF "-DCMAKE_EXE_LINKER_FLAGS=-Wl,-z,relro,-z,now" \
  "-DCMAKE_STRIP=$PWD/deploy/debian/strip.sh" >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
(cd "$BUILD_DIR" && cpack -G DEB >/dev/null)
ls -t "$BUILD_DIR"/fta-host_*.deb | head -1
