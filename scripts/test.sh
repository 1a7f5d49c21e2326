#!/usr/bin/env bash
# The whole test suite: unit, store, HTTP, TAXII-client and command-line tests (Swift Testing;
# the TAXII tests drive the server with cabby, libtaxii and python-stix from ./.venv), then the
# README walk-through run for real against a built server.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/python-env.sh
swift build --build-tests
# One test at a time: many tests run the real binary and wait on it, and on two cores parallel
# suites starved the in-process servers of the others (deadline errors under load).
swift test --skip-build --no-parallel
# Coverage-guided fuzzing of every parser of untrusted input (libFuzzer + ASan), bounded: fails on any finding.
# The long runs and their figures are in Fuzz/RESULTS.md.
./scripts/fuzz.sh --seconds 15
bin="$(swift build --show-bin-path)/threatfeed"
./scripts/readme-walkthrough.sh "$bin"
# The systemd unit, checked against the binary just built (systemd-analyze needs ExecStart to exist).
if command -v systemd-analyze >/dev/null; then
  unit="$(mktemp -d)/threatfeed.service"
  sed "s#/usr/local/bin/threatfeed#$bin#" deploy/systemd/threatfeed.service > "$unit"
  systemd-analyze verify "$unit" && echo "systemd unit: verified"
else
  echo "systemd unit: not verified (no systemd-analyze here)"
fi
