#!/usr/bin/env bash
# Server CPU per small TAXII 1.1 poll (the newest 10 blocks), the figure that does not depend on how the client and
# the server share the machine's cores: utime+stime of the server process (/proc/PID/stat) over a wrk run, divided
# by the requests answered. Each binary in turn, ROUNDS times, on the store Benchmarks/taxii-poll.sh makes.
# usage: Benchmarks/poll-cpu.sh BIN... ; env: N=10000 CONNS=8 DURATION=5s ROUNDS=2 AUTH="none basic"
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-10000}; work=Benchmarks/.work; db=$work/taxii-$n.sqlite
[ -s "$db" ] && [ -s "$work/poll-small10-secret.xml" ] || { echo "run Benchmarks/taxii-poll.sh $n first (PARTS=small)" >&2; exit 1; }
hz=$(getconf CLK_TCK)
for round in $(seq "${ROUNDS:-2}"); do
  for bin in "$@"; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    "$bin" serve --db "$db" --port "$port" --log-level warning > "$work/poll-cpu-serve.log" 2>&1 &
    server=$!
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
    for auth in ${AUTH:-none basic}; do
      body=$work/poll-small10-secret.xml; header=""
      if [ "$auth" = basic ]; then body=$work/poll-small10-name.xml; header="Basic $(printf bench:bench-password-0123 | base64 -w0)"; fi
      # One request first: the Basic check's bcrypt is not per poll.
      curl -s -o /dev/null -X POST --data-binary @"$body" ${header:+-H "Authorization: $header"} "http://127.0.0.1:$port/taxii/poll"
      t0=$(awk '{print $14+$15}' "/proc/$server/stat")
      out=$(WRK_BODY="$body" WRK_AUTH="$header" wrk -t"$(( ${CONNS:-8} < 2 ? 1 : 2 ))" -c"${CONNS:-8}" -d"${DURATION:-5s}" -s Benchmarks/wrk_taxii11_post.lua "http://127.0.0.1:$port/taxii/poll")
      t1=$(awk '{print $14+$15}' "/proc/$server/stat")
      requests=$(echo "$out" | awk '/requests in/{print $1}')
      echo "poll_cpu round=$round bin=$(basename "$bin") auth=$auth c=${CONNS:-8} requests=$requests rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')" \
        "server_cpu_us_per_request=$(python3 -c "print(round(($t1 - $t0) / $hz * 1e6 / $requests, 1))")"
    done
    kill "$server"; wait "$server" 2>/dev/null || true
  done
done
