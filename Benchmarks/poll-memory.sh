#!/usr/bin/env bash
# Server memory under small-poll load: a feed of N judgements, then MINUTES minutes of wrk small TAXII 1.1 polls
# (a window holding the newest 10 blocks, 8 connections, alternating minute by minute between no credentials and
# Basic auth), printing the server's RSS (and its peak, VmHWM) before the load and at the end of each minute.
# Each binary given is measured in turn on the same database; SERVER_ENV is passed to every server
# (e.g. SERVER_ENV="MALLOC_ARENA_MAX=2" for an allocator A/B).
# usage: Benchmarks/poll-memory.sh [N=10000] [BIN=release threatfeed]...   env: MINUTES=5, CONNECTIONS=8
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
shift || true
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=("$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed")
minutes="${MINUTES:-5}"; connections="${CONNECTIONS:-8}"
work="$(pwd)/Benchmarks/.work/poll-memory"; mkdir -p "$work"
db="$work/feed-$n.sqlite"; user=bench; password=bench-password-0123; collection=bench-collection
lua="$(pwd)/Benchmarks/wrk_taxii11_post.lua"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
mib() { awk "/$1/{printf \"%.1f\", \$2/1024}" "/proc/$server/status"; }

if [ ! -s "$db" ]; then
  python3 Benchmarks/generate.py "$n" 11 > "$work/feed-$n.txt"
  "${bins[0]}" import "$work/feed-$n.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
  "${bins[0]}" feed create bench --indicator bench --collection "$collection" --db "$db" >/dev/null
  printf '%s\n' "$password" | "${bins[0]}" user add "$user" --db "$db" >/dev/null
  "${bins[0]}" feed grant bench "$user" --db "$db" >/dev/null
fi
secret=$("${bins[0]}" feed show bench --json --db "$db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
auth="Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"
# The window after the 11th newest label holds the newest 10 blocks.
label=$(sqlite3 "$db" "SELECT label FROM judgement ORDER BY label DESC LIMIT 1 OFFSET 10")
since=$(python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp($label // 10**6, datetime.timezone.utc).replace(microsecond=$label % 10**6).isoformat())")
request() {  # request FILE COLLECTION
  printf '%s' "<taxii_11:Poll_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"bench-poll\" collection_name=\"$2\"><taxii_11:Exclusive_Begin_Timestamp>$since</taxii_11:Exclusive_Begin_Timestamp><taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>" > "$1"
}
request "$work/poll-secret.xml" "$secret"
request "$work/poll-name.xml" "$collection"

for i in "${!bins[@]}"; do
  port=$(free_port)
  env ${SERVER_ENV:-} "${bins[$i]}" serve --db "$db" --port "$port" --log-level warning > "$work/serve-$i.out" 2>&1 &
  server=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
  url="http://127.0.0.1:$port/taxii/poll"
  blocks=$(curl -s -X POST --data-binary @"$work/poll-name.xml" -H "Authorization: $auth" -H 'Content-Type: application/xml' \
    -H 'X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1' -H 'X-TAXII-Services: urn:taxii.mitre.org:services:1.1' \
    -H 'X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0' "$url" | grep -o '<taxii_11:Content_Block>' | wc -l)
  [ "$blocks" = 10 ] || { echo "small poll answered $blocks blocks (want 10)" >&2; exit 1; }
  rss=("$(mib VmRSS)"); requests=()
  for minute in $(seq "$minutes"); do
    if (( minute % 2 )); then body="$work/poll-secret.xml"; credentials=""; else body="$work/poll-name.xml"; credentials="$auth"; fi
    out=$(WRK_BODY="$body" WRK_AUTH="$credentials" wrk -t2 -c"$connections" -d60s --timeout 30s -s "$lua" "$url")
    if echo "$out" | grep -Eq "Non-2xx|Socket errors|bad_responses [1-9]"; then echo "minute $minute: $(echo "$out" | grep -E "Non-2xx|Socket errors|bad_responses" | tr '\n' ' ')" >&2; fi
    requests+=("$(echo "$out" | awk '/Requests\/sec/{printf "%d", $2}')")
    rss+=("$(mib VmRSS)")
  done
  echo "poll-memory bin$i=${bins[$i]} ${SERVER_ENV:-} n=$n c=$connections rss_MiB_per_minute=$(IFS=,; echo "${rss[*]}") peak_MiB=$(mib VmHWM) req_per_s_per_minute=$(IFS=,; echo "${requests[*]}") load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
done
