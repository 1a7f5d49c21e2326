#!/usr/bin/env bash
# ETD conversion benchmark: a recorded search response of N messages (Benchmarks/etd-generate.py)
# converted to judgements as a poll would — parse, extract, safety policy, store in pages of 100 —
# by `threatfeed etd replay`, into a fresh database each run. No network: this measures our side only.
# Prints messages/s per run (best of RUNS) and the peak RSS of the last run.
# usage: Benchmarks/etd-convert.sh [N=10000] [BIN=release threatfeed]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
runs="${RUNS:-3}"
[ -x "$bin" ] || swift build -c release --scratch-path .build-release --product threatfeed
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
response="$work/etd-search-$n.json"
[ -s "$response" ] || python3 Benchmarks/etd-generate.py "$n" > "$response"

best=0
for run in $(seq "$runs"); do
  db="$work/etd-convert-$run.sqlite"; rm -f "$db" "$db-wal" "$db-shm"
  out=$(/usr/bin/time -f "maxrss_kib=%M" "$bin" etd replay "$response" --db "$db" --policy-dir feeds/policy \
        --own-domain example.com --gateway-ip 198.51.100.10 2>&1)
  rate=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) messages\/s/\1/p')
  rss=$(printf '%s\n' "$out" | sed -n 's/maxrss_kib=//p')
  echo "run $run: $rate messages/s, peak RSS $((rss / 1024)) MiB"
  [ "$rate" -gt "$best" ] && best=$rate
done
printf '%s\n' "$out" | head -1
echo "etd-convert: $n messages, best of $runs: $best messages/s ($(basename "$bin"), $(uname -m))"
