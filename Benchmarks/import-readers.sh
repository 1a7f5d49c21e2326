#!/usr/bin/env bash
# A reader polls the CTIA text view during a large import into the served indicator: every answer must be 200,
# with the old count while the import runs and the new count after it.
# usage: Benchmarks/import-readers.sh BIN [N=300000]   (loopback port $PORT, default 18091)
set -euo pipefail
bin="$1"; n="${2:-300000}"; port="${PORT:-18091}"
src="$(cd "$(dirname "$0")" && pwd)/.work/indicators-1000000.txt"
[ -s "$src" ] || python3 "$(dirname "$0")/generate.py" 1000000 > "$src"
w="$(cd "$(dirname "$0")" && pwd)/.work/readers"; rm -rf "$w"; mkdir -p "$w"; db="$w/c.sqlite"
export THREATFEED_DB="$db" THREATFEED_PUBLIC_URL="http://127.0.0.1:$port"
seq 1 1000 | sed 's/^/before-/; s/$/.example/' > "$w/before.txt"
"$bin" import "$w/before.txt" --indicator big > /dev/null
"$bin" feed create big --indicator big > /dev/null
url=$("$bin" feed show big --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["view_txt_url"])')
"$bin" serve --host 127.0.0.1 --port $port > "$w/serve.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.2; done
head -n "$n" "$src" > "$w/big.txt"
"$bin" import "$w/big.txt" --indicator big > "$w/import.log" 2>&1 &
importer=$!
polls=0; bad=0; worst=0
while kill -0 $importer 2>/dev/null; do
  out=$(curl -s -o "$w/body" -w '%{http_code} %{time_total}' "$url")
  code=${out% *}; t=${out#* }
  lines=$(wc -l < "$w/body")
  polls=$((polls+1))
  [ "$code" = 200 ] && [ "$lines" -ge 999 ] || bad=$((bad+1))
  worst=$(python3 -c "print(max($worst, $t))")
  echo "$code $t $lines" >> "$w/polls.txt"
done
wait $importer
after=$(curl -s "$url" | wc -l)
echo "polls_during_import=$polls bad=$bad slowest_s=$worst counts_seen=$(cut -d' ' -f3 "$w/polls.txt" | sort -u | tr '\n' ' ') after=$after import: $(tail -1 "$w/import.log")"
