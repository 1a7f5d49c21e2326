#!/usr/bin/env bash
# Runs every ```sh block of the README's "Walk-through" section, in order, with `threatfeed`
# being the binary given as $1, a temporary database and a free port instead of 8080.
# This is what keeps the README's examples true.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
cleanup() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

awk '/^## Walk-through/{on=1; next} /^## /{on=0} on && /^```sh$/{code=1; next} on && /^```$/{code=0; next} on && code' README.md \
  | sed "s/8080/$port/g" > "$work/walkthrough.sh"
[ -s "$work/walkthrough.sh" ] || { echo "README walk-through: no sh blocks found" >&2; exit 1; }

mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/threatfeed"
echo "== README walk-through (port $port)"
status=0
# The walk-through starts the server in the background: stop it with the subshell, whatever happens,
# so that no server outlives the test run (and holds CI's output open).
( export PATH="$work/bin:$PATH" THREATFEED_DB="$work/walkthrough.sqlite"; set -euo pipefail
  trap 'kill $(jobs -p) 2>/dev/null || true; wait' EXIT
  source "$work/walkthrough.sh" ) \
  > "$work/out.txt" 2>&1 || status=$?
cat "$work/out.txt"
checks=0; failed=0
expect() {  # expect DESCRIPTION GREP-PATTERN
  checks=$((checks + 1))
  if grep -q -- "$2" "$work/out.txt"; then echo "ok: $1"; else echo "FAILED: $1 (no '$2' in output)"; failed=$((failed + 1)); fi
}
expect "import summary" "manual-blocklist: .* added, 0 refreshed, 0 rejected"
expect "gateway settings printed" "Polling Path:      /ctia/feed/feed-"
expect "server started" "ThreatFeed listening on http://127.0.0.1:$port"
expect "feed health lists the feed" '"name":"esa-blocklist"'
expect "text view served" "phish-login.example"
expect "JSON view served" '"observables":\['
expect "wrong secret refused" "401"
expect "health probe" "ready:"
expect "TAXII user added" "added user 'esa-gateway'"
expect "TAXII poll answered" '<taxii_11:Record_Count partial_count="false">12</taxii_11:Record_Count>'
checks=$((checks + 1)); if [ "$status" -ne 0 ]; then echo "FAILED: walk-through exited $status"; failed=$((failed + 1)); else echo "ok: walk-through exited 0"; fi
echo "walk-through: $((checks - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
