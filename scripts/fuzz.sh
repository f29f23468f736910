#!/usr/bin/env bash
# Bounded fuzz runs (libFuzzer + ASan/UBSan, clang): every target for
# FUZZ_SECONDS (default 30) from the seed corpus in tests/fuzz/corpus.
# A crash fails the script and leaves the reproducer in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
BUILD=build-fuzz
if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  CXX=clang++-14 cmake -S tests/fuzz -B $BUILD -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
fi
cmake --build $BUILD -j "${JOBS:-$(nproc)}"
failed=0
for corpus in tests/fuzz/corpus/*/; do
  name=$(basename "$corpus")
  target=$BUILD/fuzz_$name
  [[ -x $target ]] || target=$BUILD/fuzz_parse_$name
  [[ -x $target ]] || { echo "fuzz: no target for corpus $name" >&2; failed=1; continue; }
  work=$(mktemp -d)
  cp "$corpus"/* "$work"/
  # A SEEDS file names existing test data to start from instead of copies.
  if [[ -f $corpus/SEEDS ]]; then
    rm -f "$work/SEEDS"
    # shellcheck disable=SC2046
    cp $(cat "$corpus/SEEDS") "$work"/
  fi
  echo "fuzz: $(basename "$target") for ${FUZZ_SECONDS}s"
  log=$BUILD/fuzz-$name.log
  if (cd $BUILD && "./$(basename "$target")" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 "$work" >"fuzz-$name.log" 2>&1); then
    tail -4 "$log"
  else
    # Show what was found (the sanitizer's or libFuzzer's report and the
    # reproducer's name), not only the closing statistics.
    echo "fuzz: $(basename "$target") found a failure; report from $log:" >&2
    grep -E -A12 "^(==[0-9]+==|terminate called|.*runtime error)" "$log" | head -40 >&2 || true
    grep -E "^(SUMMARY|artifact_prefix|Base64)" "$log" >&2 || true
    failed=1
  fi
  rm -rf "$work"
done
if ((failed)); then echo "fuzz: FAILED" >&2; exit 1; fi
echo "fuzz: all targets ran ${FUZZ_SECONDS}s without a finding"
