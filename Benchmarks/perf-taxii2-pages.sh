#!/usr/bin/env bash
# perf profile of the release server answering 30 pages of 1,000 objects (following next) on the 100,000-object store
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build-release/release/threatfeed}; db=Benchmarks/.work/taxii2-100000.sqlite   # made by Benchmarks/taxii2.sh
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$bin" serve --db "$db" --port "$port" --log-level warning > Benchmarks/.work/perf-taxii2-serve.log 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
a='Accept: application/taxii+json;version=2.1'; u=bench:bench-password-0123
id=$(curl -sf -u $u -H "$a" "http://127.0.0.1:$port/taxii2/api/collections/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["collections"][0]["id"])')
url="http://127.0.0.1:$port/taxii2/api/collections/$id/objects/"
curl -sf -o /dev/null -u $u -H "$a" "$url?limit=1000"
perf record -g -p $server -o ${OUT:-Benchmarks/.work/perf-taxii2-pages.data} >/dev/null 2>&1 &
rec=$!; sleep 1
next=""
for i in $(seq 30); do
  q="limit=1000"; [ -n "$next" ] && q="$q&next=$next"
  curl -sf -o Benchmarks/.work/perf-taxii2-page.json -u $u -H "$a" "$url?$q"
  next=$(python3 -c 'import json; e=json.load(open("Benchmarks/.work/perf-taxii2-page.json")); print(e.get("next",""))')
done
kill -INT $rec; wait $rec 2>/dev/null || true
kill $server; wait $server 2>/dev/null || true
# then: perf report -i Benchmarks/.work/perf-taxii2-pages.data --children --sort symbol --stdio
