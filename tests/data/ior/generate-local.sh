#!/usr/bin/env bash
# Regenerates this project's own IOR fixtures (the local-*.* files beside this
# script) by running the real IOR built by scripts/build-ior.sh with 2 ranks
# and small sizes. IOR's numbers differ on every run: the unit tests assert
# the numbers of the committed files, so regenerate only to add formats and
# update the tests with the new numbers.
#
#   tests/data/ior/generate-local.sh [IOR_BINARY]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ior="$(realpath "${1:-$("$here/../../../scripts/build-ior.sh")}")"
work="$(mktemp -d "${TMPDIR:-/tmp}/ior-fixtures.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/data"
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2 "$ior")
base=(-a POSIX -F -w -r -t 1m -b 16m -s 1 -i 2 -o "$work/data/testfile")
run() {  # run OUTPUT_FILE ARGS...: IOR's stdout into OUTPUT_FILE, run from $work
  local out="$1"; shift
  (cd "$work" && "${mpi[@]}" "$@") >"$here/$out"
}

sed "s|@DATA@|$work/data|" >"$work/two-tests.ior" <<'SCRIPT'
IOR START
    api=POSIX
    filePerProc=1
    testFile=@DATA@/testfile
    writeFile=1
    readFile=1
    segmentCount=1
    repetitions=1
    transferSize=1m
    blockSize=16m
RUN
    transferSize=256k
    blockSize=8m
    repetitions=2
RUN
IOR STOP
SCRIPT
run local-multi-test.txt -f "$work/two-tests.ior"
run local-multi-test.json -f "$work/two-tests.ior" -O summaryFormat=JSON
run local-csv-i2.csv "${base[@]}" -O summaryFormat=CSV
run local-summaryfile-json.stdout.txt "${base[@]}" -O summaryFormat=JSON -O summaryFile="$work/summary.json"
cp "$work/summary.json" "$here/local-summaryfile-json.json"
run local-summaryfile-csv.stdout.txt "${base[@]}" -O summaryFormat=CSV -O summaryFile="$work/summary.csv"
cp "$work/summary.csv" "$here/local-summaryfile-csv.csv"
run local-ranks-i2.txt "${base[@]}" -O saveRankPerformanceDetailsCSV="$work/ranks.csv"
cp "$work/ranks.csv" "$here/local-ranks-i2.ranks.csv"
run local-ranks-i2.json "${base[@]}" -O summaryFormat=JSON -O saveRankPerformanceDetailsCSV="$work/ranks.csv"
cp "$work/ranks.csv" "$here/local-ranks-i2.json.ranks.csv"
# Stonewall wear-out: O_DIRECT keeps the writers slow enough for -D 1 to fire;
# IOR then prints its "stonewalling pairs accessed" lines inside the output.
wear=(-a POSIX -F -w -t 1m -b 512m -s 1 -i 1 --posix.odirect -D 1 -O stoneWallingWearOut=1 -o "$work/data/testfile")
run local-wearout.json "${wear[@]}" -O summaryFormat=JSON
run local-wearout.txt "${wear[@]}"
