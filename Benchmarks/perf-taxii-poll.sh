#!/usr/bin/env bash
# perf profile of the release server answering small TAXII 1.1 polls (the newest SMALL=10 blocks) under wrk.
# Uses the store Benchmarks/taxii-poll.sh makes (N=10000 by default). Prints the top entries (children, by symbol).
# usage: Benchmarks/perf-taxii-poll.sh [BIN] ; env: N=10000 SMALL=10 CONNS=1 AUTH=none|basic DURATION=10s OUT=...
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build-release/release/threatfeed}; n=${N:-10000}; small=${SMALL:-10}; conns=${CONNS:-1}
work=Benchmarks/.work; db=$work/taxii-$n.sqlite; out=${OUT:-$work/perf-taxii-poll.data}
[ -s "$db" ] || { echo "no $db: run Benchmarks/taxii-poll.sh $n first" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$bin" serve --db "$db" --port "$port" --log-level warning > $work/perf-taxii-poll-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
secret=$("$bin" feed show bench --json --db "$db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
collection=$secret; auth=""
if [ "${AUTH:-none}" = basic ]; then collection=bench-collection; auth="Basic $(printf bench:bench-password-0123 | base64 -w0)"; fi
# The window after the (SMALL+1)-th newest label, as taxii-poll.sh makes it.
full=$work/perf-poll-full.out
printf '%s' "<taxii_11:Poll_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"p\" collection_name=\"$secret\"><taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>" > $work/perf-poll-full.xml
curl -s -o $full -X POST --data-binary @$work/perf-poll-full.xml -H 'Content-Type: application/xml' "http://127.0.0.1:$port/taxii/poll"
since=$(grep -o '<taxii_11:Timestamp_Label>[^<]*' $full | sed 's/.*>//' | sort | tail -n $((small + 1)) | head -1)
body=$work/perf-poll-small.xml
printf '%s' "<taxii_11:Poll_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"p\" collection_name=\"$collection\"><taxii_11:Exclusive_Begin_Timestamp>$since</taxii_11:Exclusive_Begin_Timestamp><taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>" > $body
got=$(curl -s -X POST --data-binary @$body ${auth:+-H "Authorization: $auth"} -H 'Content-Type: application/xml' "http://127.0.0.1:$port/taxii/poll" | grep -o '<taxii_11:Content_Block>' | wc -l)
[ "$got" = "$small" ] || { echo "small poll answered $got blocks, want $small" >&2; exit 1; }
echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
perf record -e cpu-clock -g -p $server -o "$out" >/dev/null 2>&1 &
rec=$!; sleep 0.5
t0=$(awk '{print $14+$15}' /proc/$server/stat)
WRK_BODY=$body WRK_AUTH="$auth" wrk -t1 -c"$conns" -d"${DURATION:-10s}" -s Benchmarks/wrk_taxii11_post.lua "http://127.0.0.1:$port/taxii/poll" | grep -E "Requests/sec|bad_resp|Non-2xx"
t1=$(awk '{print $14+$15}' /proc/$server/stat)
kill -INT $rec; wait $rec 2>/dev/null || true
echo "server_cpu_ticks=$((t1 - t0))"
perf report -i "$out" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -${TOP:-40}
