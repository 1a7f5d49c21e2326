# Shared by the benchmark scripts (sourced, not run): free ports, the clean-up of what a script started, starting
# ThreatFeed and nginx, wrk and curl measurements. Each script still sets its own `work` folder and database.

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_threatfeed BIN DB LOG [serve options...]: `serve` on a free loopback port; sets `port` and `server` (its pid)
# once /health answers. Stops the script if the server exits first (its log is printed).
start_threatfeed() {
  local bin=$1 db=$2 log=$3
  shift 3
  port=$(free_port)
  "$bin" serve --db "$db" --port "$port" --log-level warning "$@" > "$log" 2>&1 &
  server=$!; pids+=("$server")
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { echo "threatfeed serve exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.2
  done
}

# stop_process PID: TERM, then wait until it is gone (so the next server's figures are its own).
stop_process() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do ps -o stat= -p "$1" | grep -qv Z || break; sleep 0.2; done
}

# peak_rss_mib PID: the process's peak resident set (VmHWM), MiB.
peak_rss_mib() { awk '/VmHWM/{printf "%.1f", $2/1024}' "/proc/$1/status"; }

# start_nginx DIR 'TYPES' PROBE ['DIRECTIVES']: nginx (all cores, sendfile) serving DIR/www, which the caller has
# filled, on a free loopback port; sets `ngport` once PROBE (a path) answers. DIRECTIVES go in the server block.
start_nginx() {
  local ng=$1 types=$2 probe=$3 directives=${4:-}
  command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
  rm -rf "$ng/logs" "$ng/tmp"; mkdir -p "$ng/www" "$ng/logs" "$ng/tmp"
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
  types { $types }
  server { listen 127.0.0.1:$ngport; root $ng/www; $directives }
}
NGINX
  nginx -p "$ng" -c "$ng/nginx.conf" > "$ng/logs/stdout.log" 2>&1 &
  pids+=("$!")
  until curl -sf "http://127.0.0.1:$ngport$probe" -o /dev/null; do sleep 0.2; done
}

# wrk_measure CONNECTIONS URL [wrk options...] -> "rps mibps" (wrk's Transfer/sec: bytes on the wire), for
# DURATION (default 10s). Non-2xx answers or socket errors are reported on stderr.
wrk_measure() {
  local connections=$1 url=$2 threads out
  shift 2
  threads=$(( connections < 2 ? 1 : 2 ))
  command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
  out=$(wrk -t"$threads" -c"$connections" -d"${DURATION:-10s}" --timeout 30s "$@" "$url")
  if echo "$out" | grep -Eq "Non-2xx|Socket errors"; then echo "$out" | grep -E "Non-2xx|Socket errors" >&2; fi
  echo "$(echo "$out" | awk '/Requests\/sec/{print $2}') $(echo "$out" | awk '/Transfer\/sec/{v=$2; if (v ~ /GB/) f=1024; else if (v ~ /MB/) f=1; else if (v ~ /KB/) f=1/1024; else f=1/1048576; sub(/[A-Z]+$/,"",v); printf "%.1f", v*f}')"
}

# load: the machine's load averages, printed beside figures taken on a shared machine.
load() { echo "load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"; }

# minmed VALUES...: "min=… median=…".
minmed() { python3 -c 'import sys,statistics as s; v=sorted(float(x) for x in sys.argv[1:]); print("min=%g median=%g" % (v[0], s.median(v)))' "$@"; }
