#!/usr/bin/env bash
# Admin pages on a store of N judgements (generate.py, one indicator, one feed): the time of each page (overview,
# feed page, feed page with a search, ETD page), from curl's time_total, RUNS times each after one first request.
# usage: Benchmarks/admin-pages.sh [N=1000000] [BIN=release threatfeed]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
runs="${RUNS:-20}"
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
db="$work/admin-$n.sqlite"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if [ ! -s "$db" ]; then
  python3 Benchmarks/generate.py "$n" 11 > "$work/admin-$n.txt"
  "$bin" import "$work/admin-$n.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
  "$bin" feed create bench --indicator bench --db "$db" >/dev/null
  echo 'bench-admin-passphrase' | "$bin" user add boss --admin --db "$db" >/dev/null
fi
echo "judgements: $(sqlite3 "$db" 'SELECT count(*) FROM judgement' 2>/dev/null || echo "$n (sqlite3 not installed)")"
port=$(free_port)
"$bin" serve --db "$db" --port "$port" --log-level warning > "$work/admin-serve.out" 2>&1 &
server=$!; pids+=("$server")
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
base="http://127.0.0.1:$port"
jar="$work/admin-cookies"; rm -f "$jar"
csrf=$(curl -sf -c "$jar" "$base/ui/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode username=boss \
  --data-urlencode password=bench-admin-passphrase "$base/ui/login"
stored=$(sed -n "$((n / 2))p" "$work/admin-$n.txt")
for page in "/ui/" "/ui/feeds/bench" "/ui/feeds/bench?q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$stored")" "/ui/etd"; do
  first=$(curl -s -b "$jar" -o "$work/admin-page.html" -w '%{http_code} %{time_total}' "$base$page")
  grep -q "boss" "$work/admin-page.html" || { echo "not logged in on $page" >&2; exit 1; }
  times=$(for _ in $(seq "$runs"); do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$base$page"; done)
  python3 - "$page" "$first" <<PY
import statistics, sys
ms = sorted(float(t) * 1000 for t in """$times""".split())
status, first = sys.argv[2].split()
print(f"{sys.argv[1][:40]:<40} status {status}  first {float(first)*1000:7.1f} ms  median {statistics.median(ms):7.1f} ms  max {ms[-1]:7.1f} ms  ({len(ms)} runs)")
PY
done
