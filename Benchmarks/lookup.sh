#!/usr/bin/env bash
# Lookup benchmark: POST /lookup and POST /xdr/observe/observables on a store of N judgements (generate.py),
# batches of 1 and 100 observables (half of them stored, half not), wrk for 10 s at 1 and 8 connections.
# Prints requests/s, lookups/s (requests × batch) and p50/p99 latency per case.
# usage: Benchmarks/lookup.sh [N=1000000] [BIN=release threatfeed]   (env: DB=Benchmarks/.work/lookup-N.sqlite, made by BIN if missing; DURATION=10s)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
duration="${DURATION:-10s}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
db="${DB:-$work/lookup-$n.sqlite}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if [ ! -s "$db" ]; then
  python3 Benchmarks/generate.py "$n" 11 > "$work/lookup-$n.txt"
  "$bin" import "$work/lookup-$n.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
  "$bin" feed create bench --indicator bench --db "$db" >/dev/null
fi
# Bodies: 50 values spread over the whole file (stored) and 50 domains that are not stored.
python3 - "$work/lookup-$n.txt" "$work" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().split()
def typed(v):
    if v.startswith("http"): return "url"
    if ":" in v: return "ipv6"
    if len(v) == 64 and all(c in "0123456789abcdef" for c in v): return "sha256"
    if v.replace(".", "").isdigit(): return "ip"
    return "domain"
step = max(1, len(lines) // 50)
stored = lines[::step][:50]
absent = ["absent-%d.example" % i for i in range(50)]
batch100 = [{"type": typed(v), "value": v} for v in stored] + [{"type": "domain", "value": v} for v in absent]
for name, items in (("1", batch100[:1]), ("100", batch100)):
    open(f"{sys.argv[2]}/lookup-body-{name}.json", "w").write(json.dumps(items))
PY
key="bench-xdr-key-0123456789abcdefghijklmnopqrstuvwxyz"
token="bench-admin-$(python3 -c 'import uuid; print(uuid.uuid4())')"
port=$(free_port)
THREATFEED_ADMIN_TOKEN="$token" THREATFEED_XDR_KEY="$key" "$bin" serve --db "$db" --port "$port" --log-level warning > "$work/serve.out" 2>&1 &
server=$!; pids+=("$server")
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
jwt=$(THREATFEED_XDR_KEY="$key" "$bin" xdr token --db "$db")
for size in 1 100; do
  answer=$(curl -sf -H "Authorization: Bearer $token" --data-binary @"$work/lookup-body-$size.json" "http://127.0.0.1:$port/lookup")
  echo "batch $size: $(python3 -c 'import json,sys; r=json.loads(sys.stdin.read())["results"]; print(len(r), "results,", sum(x["known"] for x in r), "known")' <<< "$answer")"
done
for path in lookup xdr/observe/observables; do
  for size in 1 100; do
    cat > "$work/lookup.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $([ "$path" = lookup ] && echo "$token" || echo "$jwt")"
local f = io.open("$work/lookup-body-$size.json", "r"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests_s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
    for connections in 1 8; do
      result=$(wrk -t "$([ $connections = 1 ] && echo 1 || echo 2)" -c "$connections" -d "$duration" --latency -s "$work/lookup.lua" "http://127.0.0.1:$port/$path" | grep '^RESULT')
      rps=$(sed 's/.*requests_s=\([0-9]*\).*/\1/' <<< "$result")
      echo "$path batch=$size connections=$connections $result lookups_s=$((rps * size))"
    done
  done
done
echo "server_peak_rss_MiB=$(python3 -c "print(round(int(open('/proc/$server/status').read().split('VmHWM:')[1].split()[0])/1024,1))")"
