#!/usr/bin/env bash
# gzip answers, in one run:
#  1. the CTIA view of N observables: bytes on the wire plain and in gzip, the first gzip request (it compresses
#     the cached body once), then wrk with `Accept-Encoding: gzip` at 1 and 8 connections against nginx with
#     `gzip_static on` serving the very same gzip bytes (view.json.gz beside view.json);
#  2. a full TAXII 1.1 poll of each of POLLS blocks (default 10000 and 100000), plain and in gzip: seconds
#     (min/median of RUNS), bytes on the wire, and the server's peak RSS after the gzip polls alone (a fresh
#     server per size, so the figure is that poll's).
# Every gzip answer is checked to decode to the plain one.
# usage: Benchmarks/gzip.sh [N=100000] [BIN=release threatfeed]   env: POLLS="10000 100000" RUNS=3 DURATION=10s
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
runs="${RUNS:-3}"
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
source Benchmarks/lib.sh

# 1. The CTIA view (the same database as Benchmarks/feed-view.sh).
db="$work/view-$n.sqlite"
if [ ! -s "$db" ]; then
  python3 Benchmarks/generate.py "$n" 7 > "$work/view-$n.txt"
  "$bin" import "$work/view-$n.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
  "$bin" feed create bench --indicator bench --db "$db" >/dev/null
fi
url_path=$("$bin" feed show bench --json --db "$db" | python3 -c 'import json,sys; u=json.load(sys.stdin)["view_url"]; print(u[u.index("/ctia"):])')
start_threatfeed "$bin" "$db" "$work/gzip-serve.out"
view="http://127.0.0.1:$port$url_path"
curl -sf "$view" -o "$work/gzip-view.json"
first=$(curl -sf -H 'Accept-Encoding: gzip' "$view" -o "$work/gzip-view.json.gz" -w '%{time_total}')
cached=$(curl -sf -H 'Accept-Encoding: gzip' "$view" -o /dev/null -w '%{time_total}')
cmp -s <(gzip -dc "$work/gzip-view.json.gz") "$work/gzip-view.json" || { echo "the gzip view does not decode to the plain one" >&2; exit 1; }
plain_bytes=$(stat -c %s "$work/gzip-view.json"); gzip_bytes=$(stat -c %s "$work/gzip-view.json.gz")
echo "gzip.view.n$n plain_bytes=$plain_bytes gzip_bytes=$gzip_bytes ratio=$(python3 -c "print(round($plain_bytes/$gzip_bytes, 1))")" \
  "first_gzip_request_s=$first cached_gzip_request_s=$cached"

ng="$work/nginx-gzip"; rm -rf "$ng"; mkdir -p "$ng/www"
cp "$work/gzip-view.json" "$ng/www/view.json"; cp "$work/gzip-view.json.gz" "$ng/www/view.json.gz"
start_nginx "$ng" "application/json json;" /view.json "gzip_static on;"
served=$(curl -sf -H 'Accept-Encoding: gzip' -D - "http://127.0.0.1:$ngport/view.json" -o "$work/gzip-nginx.gz")
echo "$served" | grep -qi '^content-encoding: gzip' && cmp -s "$work/gzip-nginx.gz" "$work/gzip-view.json.gz" \
  || { echo "nginx did not serve the same gzip bytes" >&2; exit 1; }
for c in 1 8; do
  read -r ours ours_mib < <(wrk_measure "$c" "$view" -H 'Accept-Encoding: gzip')
  read -r theirs theirs_mib < <(wrk_measure "$c" "http://127.0.0.1:$ngport/view.json" -H 'Accept-Encoding: gzip')
  echo "gzip.view.n$n.c$c threatfeed_rps=$ours threatfeed_MiBps=$ours_mib nginx_gzip_static_rps=$theirs nginx_MiBps=$theirs_mib" \
    "ratio=$(python3 -c "print(round($ours/$theirs, 2))") $(load)"
done
echo "gzip.view.n$n threatfeed_peak_rss_MiB=$(peak_rss_mib "$server")"
stop_process "$server"

# 2. Full TAXII 1.1 polls (the same databases as Benchmarks/taxii-stream.sh).
user=bench; password=bench-password-0123; collection=bench-collection
auth="Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"
printf '%s' "<taxii_11:Poll_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"bench-poll\" collection_name=\"$collection\"><taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>" > "$work/poll-full.xml"
poll() {  # poll URL OUT [curl options...] -> "total_s bytes_on_the_wire http_code"
  local url=$1 out=$2
  shift 2
  curl -s -o "$out" -w '%{time_total} %{size_download} %{http_code}\n' -X POST --data-binary @"$work/poll-full.xml" \
    -H 'Content-Type: application/xml' -H 'X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1' \
    -H 'X-TAXII-Services: urn:taxii.mitre.org:services:1.1' -H 'X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0' \
    -H "Authorization: $auth" "$@" "$url"
}
strip() { sed -E 's/message_id="[^"]*"/message_id=""/'; }
for blocks in ${POLLS:-10000 100000}; do
  db="$work/taxii-$blocks.sqlite"
  if [ ! -s "$db" ]; then
    python3 Benchmarks/generate.py "$blocks" 11 > "$work/taxii-$blocks.txt"
    "$bin" import "$work/taxii-$blocks.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
    "$bin" feed create bench --indicator bench --collection "$collection" --db "$db" >/dev/null
    printf '%s\n' "$password" | "$bin" user add "$user" --db "$db" >/dev/null
    "$bin" feed grant bench "$user" --db "$db" >/dev/null
  fi
  for mode in plain gzip; do
    start_threatfeed "$bin" "$db" "$work/gzip-poll-serve.out"
    url="http://127.0.0.1:$port/taxii/poll"
    options=(); [ "$mode" = gzip ] && options=(-H 'Accept-Encoding: gzip')
    read -r _ bytes code < <(poll "$url" "$work/gzip-poll-$mode-$blocks.out" "${options[@]}")  # kept; pays the bcrypt check
    [ "$code" = 200 ] || { echo "poll ($mode): HTTP $code" >&2; exit 1; }
    totals=()
    for _ in $(seq "$runs"); do
      read -r t b code < <(poll "$url" /dev/null "${options[@]}")
      [ "$code" = 200 ] && [ "$b" -gt 0 ] || { echo "poll ($mode): HTTP $code" >&2; exit 1; }
      totals+=("$t")
    done
    echo "gzip.poll.n$blocks.$mode bytes=$bytes total_s_$(minmed "${totals[@]}" | sed 's/ / total_s_/')" \
      "server_peak_rss_MiB=$(peak_rss_mib "$server") $(load)"
    stop_process "$server"
  done
  cmp -s <(gzip -dc "$work/gzip-poll-gzip-$blocks.out" | strip) <(strip < "$work/gzip-poll-plain-$blocks.out") \
    || { echo "the gzip poll of $blocks blocks does not decode to the plain one" >&2; exit 1; }
  echo "gzip.poll.n$blocks gzip_decodes_to_plain=yes blocks=$(grep -o '<taxii_11:Content_Block>' "$work/gzip-poll-plain-$blocks.out" | wc -l)"
done
