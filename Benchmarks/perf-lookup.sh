#!/usr/bin/env bash
# perf profile + instruction count of the release server answering N POST /xdr/observe (and /lookup) of the 100-observable body
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-.build-release/release/threatfeed}; out=${OUT:-Benchmarks/.work/perf-lookup}; n=${N:-50}
work=Benchmarks/.work; db=$work/lookup-1000000.sqlite   # store and bodies made by Benchmarks/lookup.sh
key="bench-xdr-key-0123456789abcdefghijklmnopqrstuvwxyz"; token="bench-admin-cg-0123456789"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
THREATFEED_ADMIN_TOKEN="$token" THREATFEED_XDR_KEY="$key" "$bin" serve --db "$db" --port "$port" --log-level warning > Benchmarks/.work/perf-lookup-serve.log 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
jwt=$(THREATFEED_XDR_KEY="$key" "$bin" xdr token --db "$db")
for path in lookup xdr/observe/observables; do
  auth=$token; [ $path = lookup ] || auth=$jwt
  for i in 1 2 3; do curl -sf -o /dev/null -H "Authorization: Bearer $auth" --data-binary @$work/lookup-body-100.json "http://127.0.0.1:$port/$path"; done
  name=${path%%/*}
  perf stat -e instructions:u -p $server -o $out-$name.stat &
  stat=$!
  perf record -g -p $server -o $out-$name.data >/dev/null 2>&1 &
  rec=$!
  sleep 1
  for i in $(seq $n); do curl -sf -o /dev/null -H "Authorization: Bearer $auth" --data-binary @$work/lookup-body-100.json "http://127.0.0.1:$port/$path"; done
  kill -INT $rec $stat; wait $rec $stat 2>/dev/null || true
done
kill $server; wait $server 2>/dev/null || true
# then: perf report -i Benchmarks/.work/perf-lookup-xdr.data --children --sort symbol --stdio (and -lookup.data)
