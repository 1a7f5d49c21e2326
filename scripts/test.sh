#!/usr/bin/env bash
# The whole test suite: unit, store, HTTP, TAXII-client and command-line tests (Swift Testing;
# the TAXII tests drive the server with cabby, libtaxii and python-stix from ./.venv), then the
# README walk-through run for real against a built server.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/python-env.sh
swift build --build-tests
swift test --skip-build
./scripts/readme-walkthrough.sh "$(swift build --show-bin-path)/threatfeed"
