#!/usr/bin/env bash
# TAXII 1.1 poll benchmark on a feed of N judgements (one content block each):
#  (a) one full Poll_Request with curl (collection name + Basic auth): seconds min/median, MiB/s, bytes;
#  (b) the same poll end to end with cabby 0.1.23 (parses every block), Python API;
#  (c) a small poll (a window holding the newest SMALL blocks, default 10 like OpenTAXII's "small"
#      collection, and a 1-block window) under wrk at 1 and 8 connections, without credentials
#      (collection = feed secret) and with Basic auth (collection = collection name).
# Prints key=value lines, with the server's peak RSS (VmHWM) and the 1/5/15-minute load before each part.
# Peers (OpenTAXII) are measured by ../shared/peer-bench/run_peers.sh in the same session.
# usage: Benchmarks/taxii-poll.sh [N=100000] [BIN=release threatfeed]
#   env: DB=Benchmarks/.work/taxii-N.sqlite (made by BIN if missing: its page size is BIN's), RUNS=3 (repetitions), DURATION=10s (wrk), SMALL=10, CABBY_PY=.venv/bin/python (skip cabby if missing),
#        PARTS="curl cabby small" (which parts to run; "floor" adds the HTTP floor of the same run: the server's
#        own GET /health, and nginx serving a tiny static file and the 10-block answer's very bytes, at 1 and 8
#        connections, plain wrk without the Lua checks), WINDOWS="$SMALL 1" (the small windows measured)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
runs="${RUNS:-3}"; duration="${DURATION:-10s}"; small="${SMALL:-10}"; cabby_py="${CABBY_PY:-.venv/bin/python}"
parts=" ${PARTS:-curl cabby small} "
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
db="${DB:-$work/taxii-$n.sqlite}"; user=bench; password=bench-password-0123; collection=bench-collection
lua="$(pwd)/Benchmarks/wrk_taxii11_post.lua"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
load() { echo "load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"; }
minmed() { python3 -c 'import sys,statistics as s; v=sorted(float(x) for x in sys.argv[1:]); print("min=%g median=%g" % (v[0], s.median(v)))' "$@"; }
mib() { awk "/$1/{printf \"%.1f\", \$2/1024}" "/proc/$server/status"; }

if [ ! -s "$db" ]; then
  python3 Benchmarks/generate.py "$n" 11 > "$work/taxii-$n.txt"
  "$bin" import "$work/taxii-$n.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
  "$bin" feed create bench --indicator bench --collection "$collection" --db "$db" >/dev/null
  printf '%s\n' "$password" | "$bin" user add "$user" --db "$db" >/dev/null
  "$bin" feed grant bench "$user" --db "$db" >/dev/null
fi
secret=$("$bin" feed show bench --json --db "$db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
auth="Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"

port=$(free_port)
"$bin" serve --db "$db" --port "$port" --log-level warning > "$work/taxii-serve.out" 2>&1 &
server=$!; pids+=("$server")
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
url="http://127.0.0.1:$port/taxii/poll"
echo "taxii.n$n server_rss_at_start_MiB=$(mib VmRSS)"

request() {  # request FILE COLLECTION [SINCE]: a Poll_Request (FULL; with SINCE, the window after it)
  local since=""
  [ -n "${3:-}" ] && since="<taxii_11:Exclusive_Begin_Timestamp>$3</taxii_11:Exclusive_Begin_Timestamp>"
  printf '%s' "<taxii_11:Poll_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"bench-poll\" collection_name=\"$2\">$since<taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>" > "$1"
}
post() {  # post BODY OUT [AUTH] -> "seconds bytes http_code"
  curl -s -o "$2" -w '%{time_total} %{size_download} %{http_code}\n' -X POST --data-binary @"$1" \
    -H 'Content-Type: application/xml' -H 'Accept: application/xml' \
    -H 'X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1' -H 'X-TAXII-Accept: urn:taxii.mitre.org:message:xml:1.1' \
    -H 'X-TAXII-Services: urn:taxii.mitre.org:services:1.1' -H 'X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0' \
    ${3:+-H "Authorization: $3"} "$url"
}
blocks() { grep -o '<taxii_11:Content_Block>' "$1" | wc -l; }

# (a) full poll with curl; the first (warm-up) request also pays the one bcrypt check of the credentials.
request "$work/poll-full.xml" "$collection"
request "$work/poll-warm.xml" "$secret" "$(date -u +%Y-%m-%dT%H:%M:%S+00:00)"
post "$work/poll-warm.xml" /dev/null "$auth" >/dev/null
if [[ $parts == *" curl "* ]]; then
# One checked poll kept on disk (its blocks are counted; part (c) takes its labels), then timed polls with the
# body discarded, as peer-bench's ot_curl_poll does for OpenTAXII.
read -r _ bytes code < <(post "$work/poll-full.xml" "$work/poll-full-$n.out" "$auth")
got=$(blocks "$work/poll-full-$n.out")
[ "$code" = 200 ] && [ "$got" = "$n" ] || { echo "full poll: HTTP $code, $got blocks (want $n)" >&2; head -c 600 "$work/poll-full-$n.out" >&2; exit 1; }
echo "taxii.n$n.curl_full $(load)"
t=(); rss=()
for i in $(seq "$runs"); do
  read -r s b code < <(post "$work/poll-full.xml" /dev/null "$auth")
  [ "$code" = 200 ] && [ "$b" = "$bytes" ] || { echo "full poll: HTTP $code, $b bytes (want $bytes)" >&2; exit 1; }
  t+=("$s"); rss+=("$(mib VmRSS)")
done
echo "taxii.n$n.curl_full seconds_$(minmed "${t[@]}" | sed 's/ / seconds_/') response_bytes=$bytes blocks=$n" \
  "MiBps_best=$(python3 -c "print(round($bytes/1048576/min([${t[*]/%/,}]),1))")" \
  "server_peak_rss_MiB=$(mib VmHWM) server_rss_after_each_MiB=$(IFS=,; echo "${rss[*]}")"
fi

# (b) the same poll end to end with cabby (Python API: no per-block printing), through discovery-less poll URI.
if [[ $parts == *" cabby "* ]] && [ -x "$cabby_py" ]; then
  echo "taxii.n$n.cabby_full $(load)"
  t=()
  for i in $(seq "$runs"); do
    line=$(/usr/bin/time -f "client_peak_rss_MiB=%M" "$cabby_py" - "$port" "$collection" "$user" "$password" 2>&1 <<'PY'
import sys, time
from cabby import create_client
port, collection, user, password = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
client = create_client("127.0.0.1", port=int(port), discovery_path="/taxii/discovery")
client.set_auth(username=user, password=password)
t0 = time.perf_counter(); n = 0; nbytes = 0
for block in client.poll(collection, uri="/taxii/poll"):
    n += 1; nbytes += len(block.content)
print("blocks=%d content_bytes=%d seconds=%.3f" % (n, nbytes, time.perf_counter() - t0))
PY
)
    got=$(echo "$line" | sed -n 's/.*blocks=\([0-9]*\).*/\1/p')
    [ "$got" = "$n" ] || { echo "cabby poll: $line" >&2; exit 1; }
    t+=("$(echo "$line" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')")
    kib=$(echo "$line" | sed -n 's/.*client_peak_rss_MiB=\([0-9]*\).*/\1/p')
  done
  echo "taxii.n$n.cabby_full seconds_$(minmed "${t[@]}" | sed 's/ / seconds_/') blocks=$n" \
    "blocks_per_s_best=$(python3 -c "print(round($n/min([${t[*]/%/,}])))") cabby_client_peak_rss_MiB=$((kib / 1024))" \
    "server_peak_rss_MiB=$(mib VmHWM) server_rss_MiB=$(mib VmRSS)"
fi

# (c) small polls: Exclusive_Begin = label of the (k+1)-th newest block, so the window holds the newest k.
if [[ $parts == *" small "* ]]; then
[ -s "$work/poll-full-$n.out" ] || post "$work/poll-full.xml" "$work/poll-full-$n.out" "$auth" >/dev/null
labels="$work/labels-$n.txt"
grep -o '<taxii_11:Timestamp_Label>[^<]*' "$work/poll-full-$n.out" | sed 's/.*>//' | sort > "$labels"
wrk_post() {  # wrk_post NAME CONNS BODY [AUTH]
  local threads=$(( $2 < 2 ? 1 : 2 )) rps=() mibps=() out i
  for i in $(seq "$runs"); do
    out=$(WRK_BODY="$3" WRK_AUTH="${4:-}" wrk -t"$threads" -c"$2" -d"$duration" --timeout 30s -s "$lua" "$url")
    rps+=("$(echo "$out" | awk '/Requests\/sec/{print $2}')")
    mibps+=("$(echo "$out" | awk '/Transfer\/sec/{v=$2; if (v ~ /GB/) f=1024; else if (v ~ /MB/) f=1; else if (v ~ /KB/) f=1/1024; else f=1/1048576; sub(/[A-Z]+$/,"",v); printf "%.2f", v*f}')")
    if echo "$out" | grep -Eq "Non-2xx|Socket errors|bad_responses [1-9]"; then
      echo "$1.warning $(echo "$out" | grep -E "Non-2xx|Socket errors|bad_responses" | tr '\n' ' ')"
    fi
  done
  echo "$1 rps_$(minmed "${rps[@]}" | sed 's/ / rps_/') MiBps_median=$(minmed "${mibps[@]}" | sed 's/.*median=//') server_rss_MiB=$(mib VmRSS)"
}
for k in ${WINDOWS:-$small 1}; do
  since=$(tail -n $((k + 1)) "$labels" | head -1)
  request "$work/poll-small$k-secret.xml" "$secret" "$since"
  request "$work/poll-small$k-name.xml" "$collection" "$since"
  read -r _ bytes _ < <(post "$work/poll-small$k-name.xml" "$work/poll-small$k.out" "$auth")
  got=$(blocks "$work/poll-small$k.out")
  [ "$got" = "$k" ] || { echo "small poll: $got blocks (want $k)" >&2; exit 1; }
  echo "taxii.n$n.small$k response_bytes=$bytes blocks=$k $(load)"
  for c in 1 8; do
    wrk_post "taxii.n$n.small$k.noauth.c$c" "$c" "$work/poll-small$k-secret.xml"
    wrk_post "taxii.n$n.small$k.basic.c$c" "$c" "$work/poll-small$k-name.xml" "$auth"
  done
done
fi
# (d) the HTTP floor in the same run: what the server answers to GET /health, and what nginx answers for a tiny
#     static file and for the small poll's answer bytes as a static file (wrk without the Lua response check, as
#     the issue measured nginx).
if [[ $parts == *" floor "* ]]; then
  echo "taxii.n$n.floor $(load)"
  wrk_get() {  # wrk_get NAME CONNS URL
    local threads=$(( $2 < 2 ? 1 : 2 )) rps=() out i
    for i in $(seq "$runs"); do
      out=$(wrk -t"$threads" -c"$2" -d"$duration" --timeout 30s "$3")
      rps+=("$(echo "$out" | awk '/Requests\/sec/{print $2}')")
      if echo "$out" | grep -Eq "Non-2xx|Socket errors"; then echo "$1.warning $(echo "$out" | grep -E "Non-2xx|Socket errors" | tr '\n' ' ')"; fi
    done
    echo "$1 rps_$(minmed "${rps[@]}" | sed 's/ / rps_/')"
  }
  for c in 1 8; do wrk_get "taxii.n$n.health.c$c" "$c" "http://127.0.0.1:$port/health"; done
  ng="$work/nginx-floor"; mkdir -p "$ng/www"
  printf 'ok\n' > "$ng/www/tiny.txt"
  if [ -s "$work/poll-small$small.out" ]; then cp "$work/poll-small$small.out" "$ng/www/small.xml"; fi
  source Benchmarks/lib.sh
  pids+=("$server")  # lib.sh starts its own list of what to stop
  start_nginx "$ng" "text/plain txt; application/xml xml;" /tiny.txt
  for c in 1 8; do
    wrk_get "taxii.n$n.nginx_tiny.c$c" "$c" "http://127.0.0.1:$ngport/tiny.txt"
    if [ -s "$ng/www/small.xml" ]; then wrk_get "taxii.n$n.nginx_small$small.c$c" "$c" "http://127.0.0.1:$ngport/small.xml"; fi
  done
fi
echo "taxii.n$n server_peak_rss_MiB=$(mib VmHWM) server_rss_end_MiB=$(mib VmRSS) $(load)"
if grep -qiE "error|critical" "$work/taxii-serve.out"; then echo "server log:"; grep -iE "error|critical" "$work/taxii-serve.out" | head -5; fi
