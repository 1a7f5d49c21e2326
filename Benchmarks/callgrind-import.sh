#!/usr/bin/env bash
# Instructions (valgrind callgrind, repeatable on a noisy machine) of `threatfeed import`: the first N lines of the
# benchmark file into a fresh database, then the same again (every line refreshes). Whole process, per step; the
# callgrind files stay in Benchmarks/.work/callgrind-import/ for callgrind_annotate.
# usage: Benchmarks/callgrind-import.sh BIN [N=60000]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$1"; n="${2:-60000}"
work="$(pwd)/Benchmarks/.work/callgrind-import"; mkdir -p "$work"
full="Benchmarks/.work/indicators-1000000.txt"
[ -s "$full" ] || python3 Benchmarks/generate.py 1000000 > "$full"
head -n "$n" "$full" > "$work/indicators.txt"
# valgrind 3.19 cannot read the DWARF 5 that Swift writes: count on a copy without debug info (symbols stay).
strip --strip-debug -o "$work/threatfeed" "$bin"
# ... and dies in libdispatch's sigsuspend on a read-only mask: preload a copy-the-mask sigsuspend (see the .c file).
cc -O2 -shared -fPIC -o "$work/valgrind-sigsuspend.so" Benchmarks/valgrind-sigsuspend.c
rm -f "$work/import.sqlite"*
for step in fresh reimport; do
  LD_PRELOAD="$work/valgrind-sigsuspend.so" valgrind --tool=callgrind --log-file="$work/$step.valgrind" --callgrind-out-file="$work/callgrind.$step" \
    "$work/threatfeed" import "$work/indicators.txt" --indicator bench --db "$work/import.sqlite" > "$work/$step.out" 2>&1
  total=$(awk '/^totals:/ { print $2 }' "$work/callgrind.$step")
  echo "callgrind.import.$step lines=$n instructions=$total ($(tail -1 "$work/$step.out"))"
done
