#!/usr/bin/env bash
# A full TAXII 1.1 poll of N blocks (one Poll_Request, every block in one streamed answer) fetched with curl,
# side by side in one run with nginx serving the very same answer bytes as a static file, and optionally with
# an earlier build of ThreatFeed (BEFORE) on the same database. Per side: seconds to the first byte and to the
# last (min/median of RUNS), MiB/s, the server's peak RSS. Also checks that BEFORE and BIN answer the same bytes
# (the random message_id aside).
# usage: Benchmarks/taxii-stream.sh [N=100000] [BIN=release threatfeed] [BEFORE=another threatfeed binary]
#   env: DB=Benchmarks/.work/taxii-N.sqlite (made by BIN if missing: its page size is BIN's), RUNS=5
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
before="${3:-}"
runs="${RUNS:-5}"
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
db="${DB:-$work/taxii-$n.sqlite}"; user=bench; password=bench-password-0123; collection=bench-collection
source Benchmarks/lib.sh

if [ ! -s "$db" ]; then  # the same database as Benchmarks/taxii-poll.sh
  python3 Benchmarks/generate.py "$n" 11 > "$work/taxii-$n.txt"
  "$bin" import "$work/taxii-$n.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
  "$bin" feed create bench --indicator bench --collection "$collection" --db "$db" >/dev/null
  printf '%s\n' "$password" | "$bin" user add "$user" --db "$db" >/dev/null
  "$bin" feed grant bench "$user" --db "$db" >/dev/null
fi
auth="Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"
printf '%s' "<taxii_11:Poll_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"bench-poll\" collection_name=\"$collection\"><taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>" > "$work/poll-full.xml"

fetch() {  # fetch URL OUT [POST] -> "first_byte_s total_s bytes http_code"
  if [ -n "${3:-}" ]; then
    curl -s -o "$2" -w '%{time_starttransfer} %{time_total} %{size_download} %{http_code}\n' -X POST --data-binary @"$work/poll-full.xml" \
      -H 'Content-Type: application/xml' -H 'X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1' \
      -H 'X-TAXII-Services: urn:taxii.mitre.org:services:1.1' -H 'X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0' \
      -H "Authorization: $auth" "$1"
  else
    curl -s -o "$2" -w '%{time_starttransfer} %{time_total} %{size_download} %{http_code}\n' "$1"
  fi
}
cpu() {  # cpu PID: user+system CPU seconds the process has used (valgrind cannot run these binaries: see RESULTS.md)
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"
}
measure() {  # measure NAME URL [POST] [PID]: one kept answer, then RUNS timed ones
  local first=() total=() f t b code bytes cpu0=0
  read -r _ _ bytes code < <(fetch "$2" "$work/stream-$1-$n.out" "${3:-}")
  [ "$code" = 200 ] || { echo "$1: HTTP $code" >&2; exit 1; }
  if [ -n "${4:-}" ]; then cpu0=$(cpu "$4"); fi
  for i in $(seq "$runs"); do
    read -r f t b code < <(fetch "$2" /dev/null "${3:-}")
    [ "$code" = 200 ] && [ "$b" = "$bytes" ] || { echo "$1: HTTP $code, $b bytes (want $bytes)" >&2; exit 1; }
    first+=("$f"); total+=("$t")
  done
  echo "stream.n$n.$1 first_byte_s_$(minmed "${first[@]}" | sed 's/ / first_byte_s_/') total_s_$(minmed "${total[@]}" | sed 's/ / total_s_/')" \
    "bytes=$bytes MiBps_best=$(python3 -c "print(round($bytes/1048576/min([${total[*]/%/,}]),1))")" \
    "${4:+server_cpu_s_per_poll=$(python3 -c "print(round(($(cpu "$4") - $cpu0) / $runs, 3))") server_peak_rss_MiB=$(peak_rss_mib "$4")} $(load)"
}
serve() {  # serve NAME BIN: measures one build, then stops it
  local port server
  start_threatfeed "$2" "$db" "$work/stream-serve-$1.out"
  fetch "http://127.0.0.1:$port/taxii/poll" /dev/null post >/dev/null  # warm-up: pays the one bcrypt check
  measure "$1" "http://127.0.0.1:$port/taxii/poll" post "$server"
  stop_process "$server"
}

serve threatfeed "$bin"
blocks=$(grep -o '<taxii_11:Content_Block>' "$work/stream-threatfeed-$n.out" | wc -l)
[ "$blocks" = "$n" ] || { echo "answer holds $blocks blocks (want $n)" >&2; exit 1; }
if [ -n "$before" ]; then
  serve before "$before"
  strip() { sed -E 's/message_id="[^"]*"/message_id=""/' "$1"; }
  if cmp -s <(strip "$work/stream-before-$n.out") <(strip "$work/stream-threatfeed-$n.out"); then
    echo "stream.n$n same_bytes_as_before=yes"
  else
    echo "stream.n$n same_bytes_as_before=NO"; cmp <(strip "$work/stream-before-$n.out") <(strip "$work/stream-threatfeed-$n.out") || true
  fi
fi

ng="$work/nginx-stream"; rm -rf "$ng"; mkdir -p "$ng/www"
cp "$work/stream-threatfeed-$n.out" "$ng/www/poll.xml"
start_nginx "$ng" "application/xml xml;" /poll.xml
measure nginx "http://127.0.0.1:$ngport/poll.xml"
