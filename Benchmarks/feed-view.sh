#!/usr/bin/env bash
# Feed view benchmark: GET /ctia/feed/{id}/view on a feed of N observables, wrk for 10 s at 1 and
# 8 connections, side by side with nginx serving the very same body as a static file, in the same run.
# Prints requests/s, MiB/s, the ratio to nginx and the server's peak RSS.
# usage: Benchmarks/feed-view.sh [N=100000] [BIN=release threatfeed]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
bin="${2:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
duration="${DURATION:-10s}"
command -v wrk >/dev/null && command -v nginx >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; }
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
db="$work/view-$n.sqlite"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if [ ! -s "$db" ]; then
  python3 Benchmarks/generate.py "$n" 7 > "$work/view-$n.txt"
  "$bin" import "$work/view-$n.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
  "$bin" feed create bench --indicator bench --db "$db" >/dev/null
fi
url_path=$("$bin" feed show bench --json --db "$db" | python3 -c 'import json,sys; u=json.load(sys.stdin)["view_url"]; print(u[u.index("/ctia"):])')

port=$(free_port)
"$bin" serve --db "$db" --port "$port" --log-level warning > "$work/serve.out" 2>&1 &
server=$!; pids+=("$server")
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
curl -sf "http://127.0.0.1:$port$url_path" -o "$work/body-$n.json"
echo "body_bytes=$(stat -c %s "$work/body-$n.json") observables=$n"

ng="$work/nginx"; rm -rf "$ng"; mkdir -p "$ng/www" "$ng/logs" "$ng/tmp"
cp "$work/body-$n.json" "$ng/www/view.json"
ngport=$(free_port)
cat > "$ng/nginx.conf" <<NGINX
worker_processes auto;
pid $ng/nginx.pid;
error_log $ng/logs/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path $ng/tmp; proxy_temp_path $ng/tmp; fastcgi_temp_path $ng/tmp;
  uwsgi_temp_path $ng/tmp; scgi_temp_path $ng/tmp;
  types { application/json json; }
  server { listen 127.0.0.1:$ngport; root $ng/www; }
}
NGINX
nginx -p "$ng" -c "$ng/nginx.conf" > "$ng/logs/stdout.log" 2>&1 &
pids+=("$!")
until curl -sf "http://127.0.0.1:$ngport/view.json" -o /dev/null; do sleep 0.2; done

measure() {  # measure NAME CONNECTIONS URL -> "rps mibps"
  local threads=$(( $2 < 2 ? 1 : 2 )) out
  out=$(wrk -t"$threads" -c"$2" -d"$duration" --timeout 30s "$3")
  if echo "$out" | grep -Eq "Non-2xx|Socket errors"; then echo "$out" | grep -E "Non-2xx|Socket errors" >&2; fi
  echo "$(echo "$out" | awk '/Requests\/sec/{print $2}') $(echo "$out" | awk '/Transfer\/sec/{v=$2; if (v ~ /GB/) f=1024; else if (v ~ /MB/) f=1; else if (v ~ /KB/) f=1/1024; else f=1/1048576; sub(/[A-Z]+$/,"",v); printf "%.1f", v*f}')"
}
for c in 1 8; do
  read -r ours ours_mib < <(measure threatfeed "$c" "http://127.0.0.1:$port$url_path")
  read -r theirs theirs_mib < <(measure nginx "$c" "http://127.0.0.1:$ngport/view.json")
  ratio=$(python3 -c "print(round($ours/$theirs, 2))")
  echo "view.n$n.c$c threatfeed_rps=$ours threatfeed_MiBps=$ours_mib nginx_rps=$theirs nginx_MiBps=$theirs_mib ratio=$ratio"
done
echo "threatfeed_peak_rss_MiB=$(awk '/VmHWM/{printf "%.1f", $2/1024}' /proc/$server/status)"
