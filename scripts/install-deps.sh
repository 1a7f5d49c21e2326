#!/usr/bin/env bash
# Installs the Debian packages ThreatFeed needs to build and test, only those missing.
# SQLite, libxml2 and zlib (gzip answers, through compress-nio) headers for the build; curl for the shell-level tests; python3-venv for
# the TAXII test clients; libssl-dev and libcurl4-openssl-dev for Foundation's networking
# on Linux; chromium and chromium-driver for the browser test of the admin pages (Selenium drives them).
# (swift-nio-ssl brings its own BoringSSL for our TLS.)
set -euo pipefail
packages=(libsqlite3-dev libxml2-dev zlib1g-dev libssl-dev libcurl4-openssl-dev pkg-config curl python3-venv chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "error: the Swift toolchain (6.2 or later) is not on PATH; see https://www.swift.org/install/linux/" >&2; exit 1; }
