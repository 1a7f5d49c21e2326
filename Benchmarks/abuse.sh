#!/usr/bin/env bash
# Password abuse benchmark: does an attacker sending wrong Basic-auth passwords take the CPU from an honest
# poller? In one run, against one release server on loopback:
#   (1) unloaded: the honest poller's small TAXII polls (Basic auth, a window holding the newest SMALL blocks,
#       like taxii-poll.sh part (c)) under wrk, 1 connection, from 127.0.0.1;
#   (2) attacked: the same wrk run while an attacker on 127.0.0.2 sends Poll_Requests with wrong passwords over
#       8 keep-alive connections as fast as answers come (curl --parallel, HTTP/1.1);
#   (3) distributed: the same, but the attacker moves to a new address (127.0.x.y) every 4 attempts, staying
#       under the per-address back-off: only the cap on concurrent bcrypt checks protects the poller.
# Rounds alternate unloaded/attacked/distributed ROUNDS times; the ratios use the medians of the same run.
# The attacker's attempts are counted by the server (threatfeed_password_checks_total by result).
# usage: Benchmarks/abuse.sh [BIN=release threatfeed]
#   env: ROUNDS=3, DURATION=10s, SMALL=10, N=2000 (feed size)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
rounds="${ROUNDS:-3}"; duration="${DURATION:-10s}"; small="${SMALL:-10}"; n="${N:-2000}"
seconds="${duration%s}"
work="$(pwd)/Benchmarks/.work/abuse"; rm -rf "$work"; mkdir -p "$work"
db="$work/abuse.sqlite"; user=bench; password=bench-password-0123; collection=bench-collection
lua="$(pwd)/Benchmarks/wrk_taxii11_post.lua"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
load() { echo "load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' ,)"; }
median() { python3 -c 'import sys,statistics as s; print("%g" % s.median(float(x) for x in sys.argv[1:]))' "$@"; }

python3 Benchmarks/generate.py "$n" 11 > "$work/feed.txt"
"$bin" import "$work/feed.txt" --indicator bench --valid-for 3650d --db "$db" >/dev/null
"$bin" feed create bench --indicator bench --collection "$collection" --db "$db" >/dev/null
printf '%s\n' "$password" | "$bin" user add "$user" --db "$db" >/dev/null
"$bin" feed grant bench "$user" --db "$db" >/dev/null
auth="Basic $(printf '%s:%s' "$user" "$password" | base64 -w0)"

port=$(free_port)
"$bin" serve --db "$db" --port "$port" --log-level warning > "$work/serve.out" 2>&1 &
server=$!; pids+=("$server")
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
url="http://127.0.0.1:$port/taxii/poll"

request() {  # request FILE COLLECTION [SINCE]
  local since=""
  [ -n "${3:-}" ] && since="<taxii_11:Exclusive_Begin_Timestamp>$3</taxii_11:Exclusive_Begin_Timestamp>"
  printf '%s' "<taxii_11:Poll_Request xmlns:taxii_11=\"http://taxii.mitre.org/messages/taxii_xml_binding-1.1\" message_id=\"bench-poll\" collection_name=\"$2\">$since<taxii_11:Poll_Parameters allow_asynch=\"false\"><taxii_11:Response_Type>FULL</taxii_11:Response_Type></taxii_11:Poll_Parameters></taxii_11:Poll_Request>" > "$1"
}
taxii_headers=(-H 'Content-Type: application/xml' -H 'X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1'
  -H 'X-TAXII-Services: urn:taxii.mitre.org:services:1.1')
# The window holding the newest SMALL blocks, from the labels of one full poll.
request "$work/full.xml" "$collection"
curl -s "${taxii_headers[@]}" -H "Authorization: $auth" --data-binary @"$work/full.xml" "$url" > "$work/full.out"
since=$(grep -o '<taxii_11:Timestamp_Label>[^<]*' "$work/full.out" | sed 's/.*>//' | sort | tail -n $((small + 1)) | head -1)
request "$work/small.xml" "$collection" "$since"
got=$(curl -s "${taxii_headers[@]}" -H "Authorization: $auth" --data-binary @"$work/small.xml" "$url" | grep -o '<taxii_11:Content_Block>' | wc -l)
[ "$got" = "$small" ] || { echo "small poll: $got blocks (want $small)" >&2; exit 1; }

checks() {  # checks RESULT: the server's count of password checks with that result
  curl -s "http://127.0.0.1:$port/metrics" | awk -v r="$1" -F'[ ]' '$1 ~ "^threatfeed_password_checks_total\\{result=\""r"\"\\}" {v=$2} END {printf "%d", v}'
}
honest() {  # honest NAME: one wrk run of the honest poller; prints rps
  local out
  out=$(WRK_BODY="$work/small.xml" WRK_AUTH="$auth" wrk -t1 -c1 -d"$duration" --timeout 30s -s "$lua" "$url")
  if echo "$out" | grep -Eq "Non-2xx|Socket errors|bad_responses [1-9]"; then
    echo "$1.warning $(echo "$out" | grep -E "Non-2xx|Socket errors|bad_responses" | tr '\n' ' ')" >&2
  fi
  echo "$out" | awk '/Requests\/sec/{print $2}'
}
bad_auth="Basic $(printf '%s:%s' "$user" "wrong-password-guess" | base64 -w0)"
attacked() {  # attacked MODE ROUND: the honest run while Benchmarks/abuse-attacker.sh MODE runs in its own session
  local before_wrong before_off before_busy attacker rps
  before_wrong=$(checks wrong); before_off=$(checks backing_off); before_busy=$(checks busy)
  setsid bash Benchmarks/abuse-attacker.sh "$1" "$url" "$work/small.xml" "$bad_auth" & attacker=$!
  pids+=("$attacker")
  sleep 1
  rps=$(honest "abuse.r$2.$1")
  kill -- -"$attacker" 2>/dev/null || true; wait "$attacker" 2>/dev/null || true
  echo "abuse.r$2.attacked_$1 rps=$rps attacker_bcrypt_checks=$(( $(checks wrong) - before_wrong ))" \
    "attacker_refused_backing_off=$(( $(checks backing_off) - before_off )) attacker_refused_busy=$(( $(checks busy) - before_busy )) $(load)"
  sleep 2
  last_rps=$rps
}

# Warm-up: the honest password is verified once (then remembered).
WRK_BODY="$work/small.xml" WRK_AUTH="$auth" wrk -t1 -c1 -d2s -s "$lua" "$url" > /dev/null
echo "abuse.config n=$n small=$small duration=$duration rounds=$rounds cores=$(nproc) $(load)"
unloaded=(); single=(); distributed=()
for round in $(seq "$rounds"); do
  unloaded+=("$(honest "abuse.r$round.unloaded")")
  echo "abuse.r$round.unloaded rps=${unloaded[-1]} $(load)"
  attacked one "$round"; single+=("$last_rps")
  attacked distributed "$round"; distributed+=("$last_rps")
done
u=$(median "${unloaded[@]}"); s=$(median "${single[@]}"); d=$(median "${distributed[@]}")
echo "abuse.summary honest_rps_median unloaded=$u attacked_one_address=$s attacked_distributed=$d" \
  "ratio_one_address=$(python3 -c "print(round($s/$u,3))") ratio_distributed=$(python3 -c "print(round($d/$u,3))")"
echo "abuse.server rss_MiB=$(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$server/status) peak_rss_MiB=$(awk '/VmHWM/{printf "%.1f", $2/1024}' /proc/$server/status)"
if grep -qiE "error|critical" "$work/serve.out"; then echo "server log:"; grep -iE "error|critical" "$work/serve.out" | head -5; fi
