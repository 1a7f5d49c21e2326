#!/usr/bin/env bash
# TAXII 2.1 read benchmark, ThreatFeed and medallion 3.0.0 in the same run (issue 16):
#  (a) medallion 3.0.0 (MemoryBackend, preloaded with ../shared/peer-bench/med_data.py, max_page_size MED_PAGE)
#      and ThreatFeed on MED_N objects: a full read with taxii2-client (as_pages, MED_PAGE per request). medallion's
#      read is quadratic (10,000 objects in pages of 1,000 had not answered its first page after 4 minutes here);
#  (b) ThreatFeed alone on each of SIZES: the full read with taxii2-client, and with curl following `next`
#      (seconds = the sum of curl's time_total, so the shell's own parsing is not counted);
#  (c) small pages under wrk at 1 and 8 connections: ThreatFeed `limit=10` (the first page) and the 10 newest
#      objects (`added_after`, a SIEM's incremental poll), medallion's 10-object collection;
#  (d) with TAXII11=1 (default), TAXII 1.1 small polls on the same store (Benchmarks/taxii-poll.sh PARTS=small).
# Prints key=value lines with each server's peak RSS (VmHWM) and the load average.
# usage: Benchmarks/taxii2.sh [BIN=release threatfeed]
#   env: SIZES="10000 100000", MED_N=1000 (0 skips medallion), MED_PAGE=100, PAGE=1000, RUNS=3, DURATION=10s, TAXII11=1,
#        PEER_VENV=/tmp/peers-taxii2/venv (made with medallion==3.0.0 taxii2-client==2.3.0 if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
sizes="${SIZES:-10000 100000}"; med_n="${MED_N:-1000}"; med_page="${MED_PAGE:-100}"; page="${PAGE:-1000}"
runs="${RUNS:-3}"; duration="${DURATION:-10s}"
peer_bench="$(cd ../shared/peer-bench && pwd)"
venv="${PEER_VENV:-/tmp/peers-taxii2/venv}"
work="$(pwd)/Benchmarks/.work"; mkdir -p "$work"
user=bench; password=bench-password-0123
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [ ! -x "$venv/bin/medallion" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q "medallion==3.0.0" "taxii2-client==2.3.0"
fi
py="$venv/bin/python"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
load() { echo "load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"; }
minmed() { python3 -c 'import sys,statistics as s; v=sorted(float(x) for x in sys.argv[1:]); print("min=%g median=%g" % (v[0], s.median(v)))' "$@"; }
mib() { awk "/$2/{printf \"%.1f\", \$2/1024}" "/proc/$1/status"; }
kv() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" | head -1; }
accept='Accept: application/taxii+json;version=2.1'

wrk_get() {  # wrk_get NAME CONNS URL AUTH -> NAME rps_min= rps_median= p99_ms=
  local threads=$(( $2 < 2 ? 1 : 2 )) rps=() out i
  for i in $(seq "$runs"); do
    out=$(wrk -t"$threads" -c"$2" -d"$duration" --timeout 30s --latency -H "$accept" -H "Authorization: $4" "$3")
    rps+=("$(echo "$out" | awk '/Requests\/sec/{print $2}')")
    if echo "$out" | grep -Eq "Non-2xx|Socket errors"; then echo "$1.warning $(echo "$out" | grep -E "Non-2xx|Socket errors" | tr '\n' ' ')"; fi
  done
  echo "$1 rps_$(minmed "${rps[@]}" | sed 's/ / rps_/') p99_last_run=$(echo "$out" | awk '/ 99%/{print $2}')"
}

full_read() {  # full_read NAME COLLECTION_URL USER PASSWORD SERVER_PID WANT [PAGE]
  local t=() line i
  for i in $(seq "$runs"); do
    line=$("$py" Benchmarks/taxii2-read.py "$2" "$3" "$4" "${7:-$page}")
    [ "$(echo "$line" | kv objects)" = "$6" ] && [ "$(echo "$line" | kv unique)" = "$6" ] || { echo "$1: $line (want $6 objects once)" >&2; exit 1; }
    t+=("$(echo "$line" | kv seconds)")
  done
  echo "$1 seconds_$(minmed "${t[@]}" | sed 's/ / seconds_/') objects=$6 pages=$(echo "$line" | kv pages)" \
    "objects_per_s_best=$(python3 -c "print(round($6/min([${t[*]/%/,}])))") server_peak_rss_MiB=$(mib "$5" VmHWM) $(load)"
}

# ---- ThreatFeed stores: N generated indicators + the producer identity; one feed granted to the bench user.
tf_db() {  # tf_db N -> path (made once)
  local db="$work/taxii2-$1.sqlite"
  if [ ! -s "$db" ]; then
    python3 Benchmarks/generate.py "$1" 11 > "$work/taxii2-$1.txt"
    "$bin" import "$work/taxii2-$1.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
    "$bin" feed create bench --indicator bench --collection bench-collection --db "$db" >/dev/null
    printf '%s\n' "$password" | "$bin" user add "$user" --db "$db" >/dev/null
    "$bin" feed grant bench "$user" --db "$db" >/dev/null
  fi
  echo "$db"
}
tf_start() {  # tf_start DB -> sets tf_pid, tf_base, tf_collection
  local port; port=$(free_port)
  "$bin" serve --db "$1" --port "$port" --log-level warning > "$work/taxii2-serve.out" 2>&1 &
  tf_pid=$!; pids+=("$tf_pid")
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
  local id; id=$(curl -sf -u "$user:$password" -H "$accept" "http://127.0.0.1:$port/taxii2/api/collections/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["collections"][0]["id"])')
  tf_base="http://127.0.0.1:$port"; tf_collection="$tf_base/taxii2/api/collections/$id/"
}
tf_auth="Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"

# ---- (a) medallion and ThreatFeed on MED_N objects, same run
if [ "$med_n" -gt 0 ]; then
  med="$work/medallion"; rm -rf "$med"; mkdir -p "$med"
  "$py" "$peer_bench/med_data.py" "$med" "$med_n" >/dev/null
  med_port=$(free_port)
  python3 - "$med" "$med_port" "$med_page" <<'PY'
import json, sys
d, port, page = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = json.load(open(d + "/config.json")); c["taxii"]["max_page_size"] = page; json.dump(c, open(d + "/config.json", "w"))
data = json.load(open(d + "/data.json"))
data["/discovery"]["default"] = data["/discovery"]["api_roots"][0] = "http://127.0.0.1:%s/bench/" % port
json.dump(data, open(d + "/data.json", "w"))
PY
  "$venv/bin/medallion" --host 127.0.0.1 --port "$med_port" "$med/config.json" > "$med/server.log" 2>&1 &
  med_pid=$!; pids+=("$med_pid")
  until curl -s -o /dev/null "http://127.0.0.1:$med_port/taxii2/"; do sleep 0.2; done
  med_collection="http://127.0.0.1:$med_port/bench/collections/9a1b7a3e-0000-4000-8000-00000000be01/"
  runs_saved=$runs; runs=1   # medallion's full read is quadratic: one run
  full_read "medallion.n$med_n.full_read_page$med_page" "$med_collection" bench bench "$med_pid" "$med_n" "$med_page"
  runs=$runs_saved
  med_auth="Basic $(printf bench:bench | base64 -w0)"
  for c in 1 8; do
    wrk_get "medallion.n$med_n.small10.c$c" "$c" "http://127.0.0.1:$med_port/bench/collections/9a1b7a3e-0000-4000-8000-00000000be02/objects/" "$med_auth"
  done
  kill "$med_pid"; wait "$med_pid" 2>/dev/null || true
  # ThreatFeed on the same number of objects, same page size, same client, same run.
  tf_start "$(tf_db "$med_n")"
  full_read "threatfeed.n$med_n.full_read_page$med_page" "$tf_collection" "$user" "$password" "$tf_pid" "$((med_n + 1))" "$med_page"
  for c in 1 8; do wrk_get "threatfeed.n$med_n.small10_first.c$c" "$c" "${tf_collection}objects/?limit=10" "$tf_auth"; done
  kill "$tf_pid"; wait "$tf_pid" 2>/dev/null || true
fi

# ---- (b, c) ThreatFeed at each size
for n in $sizes; do
  db=$(tf_db "$n")
  tf_start "$db"
  want=$((n + 1))   # the indicators and the producer's identity
  full_read "threatfeed.n$n.full_read_page$page" "$tf_collection" "$user" "$password" "$tf_pid" "$want"
  # curl following next; each page checked for count, the sum of time_total timed.
  t=()
  for i in $(seq "$runs"); do
    next=""; total=0; pages=0; secs=0
    while :; do
      q="limit=$page"; [ -n "$next" ] && q="$q&next=$next"
      s=$(curl -s -o "$work/taxii2-page.json" -w '%{time_total}' -u "$user:$password" -H "$accept" "${tf_collection}objects/?$q")
      read -r count next < <(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(len(e.get("objects",[])), e.get("next","") if e.get("more") else "")' "$work/taxii2-page.json")
      total=$((total + count)); pages=$((pages + 1)); secs=$(python3 -c "print($secs+$s)")
      [ -n "$next" ] || break
    done
    [ "$total" = "$want" ] || { echo "curl pages: $total objects (want $want)" >&2; exit 1; }
    t+=("$secs")
  done
  echo "threatfeed.n$n.curl_pages$page seconds_$(minmed "${t[@]}" | sed 's/ / seconds_/') objects=$want pages=$pages" \
    "objects_per_s_best=$(python3 -c "print(round($want/min([${t[*]/%/,}])))") req_per_s_best=$(python3 -c "print(round($pages/min([${t[*]/%/,}]),1))")" \
    "server_peak_rss_MiB=$(mib "$tf_pid" VmHWM) $(load)"
  # Small pages: the first 10 objects, and the 10 newest (added_after = the 11th newest's date added).
  since=$(sqlite3 "$db" "SELECT label FROM judgement ORDER BY label DESC LIMIT 1 OFFSET 10" 2>/dev/null || true)
  if [ -n "$since" ]; then
    since=$(python3 -c "import datetime,sys; t=int(sys.argv[1]); print(datetime.datetime.fromtimestamp(t//10**6, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.')+'%06dZ' % (t%10**6))" "$since")
    got=$(curl -s -u "$user:$password" -H "$accept" "${tf_collection}objects/?added_after=$since" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["objects"]))')
    [ "$got" = 10 ] || { echo "newest-10 page: $got objects" >&2; exit 1; }
  fi
  for c in 1 8; do
    wrk_get "threatfeed.n$n.small10_first.c$c" "$c" "${tf_collection}objects/?limit=10" "$tf_auth"
    [ -n "$since" ] && wrk_get "threatfeed.n$n.small10_newest.c$c" "$c" "${tf_collection}objects/?added_after=$since" "$tf_auth"
  done
  echo "threatfeed.n$n server_peak_rss_MiB=$(mib "$tf_pid" VmHWM) server_rss_end_MiB=$(mib "$tf_pid" VmRSS) $(load)"
  kill "$tf_pid"; wait "$tf_pid" 2>/dev/null || true
  if [ "${TAXII11:-1}" = 1 ]; then
    # The same store under TAXII 1.1 small polls (its own script makes its own copy of the store).
    PARTS=small RUNS="$runs" DURATION="$duration" Benchmarks/taxii-poll.sh "$n" "$bin" | grep -E "small10\.(basic|noauth)\.c|warning"
  fi
done
