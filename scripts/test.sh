#!/usr/bin/env bash
# The whole test suite: unit, store, HTTP and command-line tests (Swift Testing), then the
# README walk-through run for real against a built server.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
./scripts/readme-walkthrough.sh "$(swift build --show-bin-path)/threatfeed"
