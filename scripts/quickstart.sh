#!/usr/bin/env bash
# Quick start: install what is missing, build, create a database with the sample indicators
# and a sample feed, print the settings a gateway needs, and serve on 127.0.0.1:8080.
# Safe to run again: the import refreshes, the feed definitions apply idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
echo "building (the first build takes several minutes)…"
swift build --product threatfeed 2>&1 | grep -E "error|warning: unre|Compiling threatfeed|Build complete" || true
bin="$(swift build --show-bin-path)/threatfeed"
[ -x "$bin" ] || { echo "error: build failed; run 'swift build' to see why" >&2; exit 1; }
export THREATFEED_DB="${THREATFEED_DB:-./data/threatfeed.sqlite}"
port="${THREATFEED_PORT:-8080}"
export THREATFEED_PUBLIC_URL="${THREATFEED_PUBLIC_URL:-http://127.0.0.1:$port}"

"$bin" import feeds/samples/manual-blocklist.txt --indicator manual-blocklist
# The sample feed is declared in feeds/sample.yaml (feeds as code): applying twice changes nothing.
"$bin" feeds apply --dir feeds
"$bin" feed show sample
echo
echo "Try:  curl \"$("$bin" feed show sample --json | sed -n 's/.*\"view_txt_url\" : \"\(.*\)\".*/\1/p')\""
echo "Stop with Ctrl-C."
exec "$bin" serve --host 127.0.0.1 --port "$port"
