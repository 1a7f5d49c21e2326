#!/usr/bin/env bash
# Installs ThreatFeed as a systemd service on this (Debian) host. Run as root from the repository:
#   sudo deploy/install.sh
# Builds the release binary, creates the `threatfeed` system user, /var/lib/threatfeed (0700) and
# /etc/threatfeed (0750; threatfeed.yaml 0640, group threatfeed), installs the unit and enables it. Safe to run again:
# existing settings, certificates and data are kept; the binary and the unit are replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "error: run as root (sudo deploy/install.sh)" >&2; exit 1; }
./scripts/install-deps.sh
echo "building the release binary (about 15 minutes the first time)…"
swift build -c release --product threatfeed
install -m 0755 "$(swift build -c release --show-bin-path)/threatfeed" /usr/local/bin/threatfeed
getent group threatfeed >/dev/null || groupadd --system threatfeed
getent passwd threatfeed >/dev/null || useradd --system --gid threatfeed --home-dir /var/lib/threatfeed --shell /usr/sbin/nologin threatfeed
install -d -m 0700 -o threatfeed -g threatfeed /var/lib/threatfeed
install -d -m 0750 -o root -g threatfeed /etc/threatfeed /etc/threatfeed/tls
if [ ! -e /etc/threatfeed/threatfeed.yaml ]; then
  install -m 0640 -o root -g threatfeed deploy/threatfeed.yaml /etc/threatfeed/threatfeed.yaml
  echo "wrote /etc/threatfeed/threatfeed.yaml: set server.host/port, public_url and the TLS files, then: systemctl restart threatfeed"
fi
install -d -m 0755 /usr/local/share/doc/threatfeed
install -m 0644 README.md /usr/local/share/doc/threatfeed/README.md
install -m 0644 deploy/systemd/threatfeed.service /etc/systemd/system/threatfeed.service
THREATFEED_CONFIG=/etc/threatfeed/threatfeed.yaml /usr/local/bin/threatfeed config check >/dev/null
systemd-analyze verify /etc/systemd/system/threatfeed.service
systemctl daemon-reload
systemctl enable threatfeed
echo "installed. Put the certificate chain and key in /etc/threatfeed/tls/ (key: chmod 640, group threatfeed),"
echo "then: systemctl start threatfeed && journalctl -u threatfeed -f"
