#!/usr/bin/env bash
# Instructions (valgrind callgrind, repeatable on a noisy machine) that `threatfeed serve` spends answering
# K requests of one kind, counted from after a warm-up request to after the last answer (startup, the warm-up's
# bcrypt check and shutdown are left out). Prints the total, the count per request and the top functions.
# usage: Benchmarks/callgrind-server.sh BIN DB KIND [K=1]
#   KIND: full (the whole-feed TAXII 1.1 poll), small (a poll of the newest SMALL=10 blocks), health (GET /health)
#   DB:   a database made by Benchmarks/taxii-poll.sh or taxii-stream.sh (feed bench, user bench)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$1"; db="$2"; kind="$3"; k="${4:-1}"; small="${SMALL:-10}"
work="$(pwd)/Benchmarks/.work/callgrind"; mkdir -p "$work"; rm -f "$work"/callgrind.out.*
user=bench; password=bench-password-0123; collection=bench-collection
auth="Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"
# valgrind 3.19 cannot read the DWARF 5 that Swift writes: count on a copy without debug info (symbols stay).
strip --strip-debug -o "$work/threatfeed" "$bin"; bin="$work/threatfeed"
# ... and dies in libdispatch's sigsuspend on a read-only mask: preload a copy-the-mask sigsuspend (see the .c file).
cc -O2 -shared -fPIC -o "$work/valgrind-sigsuspend.so" Benchmarks/valgrind-sigsuspend.c
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
LD_PRELOAD="$work/valgrind-sigsuspend.so" valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out.%p" "$bin" serve --db "$db" --port "$port" \
  --log-level warning > "$work/serve.out" 2>&1 &
vg=$!
trap 'kill $vg 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.5; done

since=""
if [ "$kind" = small ]; then  # Exclusive_Begin = the label of the (SMALL+1)-th newest block
  since=$(sqlite3 "$db" "SELECT label FROM judgement ORDER BY label DESC LIMIT 1 OFFSET $small" | python3 -c '
import sys, datetime
m = int(sys.stdin.read()); s, us = divmod(m, 1000000)
print(datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % us)')
  since="<taxii_11:Exclusive_Begin_Timestamp>$since</taxii_11:Exclusive_Begin_Timestamp>"
fi
printf '%s' "<taxii_11:Poll_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"cg\" collection_name=\"$collection\">$since<taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>" > "$work/request.xml"
request() {
  if [ "$kind" = health ]; then curl -sf -o "$1" "http://127.0.0.1:$port/health"; return; fi
  curl -sf -o "$1" -X POST --data-binary @"$work/request.xml" -H 'Content-Type: application/xml' \
    -H 'X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1' -H 'X-TAXII-Services: urn:taxii.mitre.org:services:1.1' \
    -H 'X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0' -H "Authorization: $auth" "http://127.0.0.1:$port/taxii/poll"
}
request "$work/answer.out"
echo "callgrind.$kind answer_bytes=$(stat -c %s "$work/answer.out") blocks=$(grep -o '<taxii_11:Content_Block>' "$work/answer.out" | wc -l)"
callgrind_control -z "$vg" >/dev/null 2>&1
for i in $(seq "$k"); do request /dev/null; done
callgrind_control -d "$vg" >/dev/null 2>&1
sleep 1
dump=$(ls -t "$work"/callgrind.out.*.* 2>/dev/null | head -1)
total=$(awk '/^(summary|totals):/{print $2; exit}' "$dump")
echo "callgrind.$kind requests=$k instructions=$total per_request=$((total / k))"
# Calls still open at the zeroing are written as "calls=0": callgrind_annotate 3.19 then books their whole
# inclusive cost as the caller's own (clone = 100 %); count them as one call for the table (the total is unchanged).
sed 's/^calls=0 /calls=1 /' "$dump" > "$dump.table"
callgrind_annotate --inclusive=no "$dump.table" 2>/dev/null | sed -n '/^Ir/,$p' | sed -n 3,17p | cut -c1-160
