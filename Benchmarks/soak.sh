#!/usr/bin/env bash
# Soak test (not in CI): a release server on loopback for N minutes under 8 mixed pollers (CTIA view, TAXII with
# the feed secret, TAXII with Basic auth), imports every few seconds and a fake ETD convicting a message a second,
# with one SIGKILL and restart at a random moment; then checks nothing committed was lost or duplicated and
# `PRAGMA integrity_check`. Everything listens on 127.0.0.1 and stops by itself. See Benchmarks/soak.py.
# usage: Benchmarks/soak.sh [--minutes N (default 10)] [--seed S] [--keep] [BIN=release threatfeed via $BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${BIN:-$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed}"
[ -x "$bin" ] || swift build -c release --scratch-path .build-release --product threatfeed
exec python3 Benchmarks/soak.py --bin "$bin" "$@"
