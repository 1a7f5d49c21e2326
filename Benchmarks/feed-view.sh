#!/usr/bin/env bash
# Feed view benchmark: GET /ctia/feed/{id}/view on a feed of N observables, wrk for 10 s at 1 and
# 8 connections, side by side with nginx serving the very same body as a static file, in the same run.
# Prints requests/s, MiB/s, the ratio to nginx and the server's peak RSS.
# usage: Benchmarks/feed-view.sh [N=100000] [BIN=release threatfeed]   env: DURATION=10s
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
db="$work/view-$n.sqlite"
source Benchmarks/lib.sh

if [ ! -s "$db" ]; then
  python3 Benchmarks/generate.py "$n" 7 > "$work/view-$n.txt"
  "$bin" import "$work/view-$n.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
  "$bin" feed create bench --indicator bench --db "$db" >/dev/null
fi
url_path=$("$bin" feed show bench --json --db "$db" | python3 -c 'import json,sys; u=json.load(sys.stdin)["view_url"]; print(u[u.index("/ctia"):])')

start_threatfeed "$bin" "$db" "$work/serve.out"
curl -sf "http://127.0.0.1:$port$url_path" -o "$work/body-$n.json"
echo "body_bytes=$(stat -c %s "$work/body-$n.json") observables=$n"

ng="$work/nginx"; rm -rf "$ng"; mkdir -p "$ng/www"
cp "$work/body-$n.json" "$ng/www/view.json"
start_nginx "$ng" "application/json json;" /view.json

for c in 1 8; do
  read -r ours ours_mib < <(wrk_measure "$c" "http://127.0.0.1:$port$url_path")
  read -r theirs theirs_mib < <(wrk_measure "$c" "http://127.0.0.1:$ngport/view.json")
  ratio=$(python3 -c "print(round($ours/$theirs, 2))")
  echo "view.n$n.c$c threatfeed_rps=$ours threatfeed_MiBps=$ours_mib nginx_rps=$theirs nginx_MiBps=$theirs_mib ratio=$ratio"
done
echo "threatfeed_peak_rss_MiB=$(peak_rss_mib "$server")"
