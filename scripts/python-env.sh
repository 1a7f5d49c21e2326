#!/usr/bin/env bash
# The Python clients the tests drive ThreatFeed with, in ./.venv, pinned:
# cabby + libtaxii (the TAXII 1.1 client family the gateway's feed engine is built on),
# python-stix (parses what we serve), stix-validator (the STIX 1.2 XML schemas),
# prometheus_client (its parser reads /metrics), aiosmtpd (the loopback SMTP server of the mail tests),
# and for TAXII 2.1: taxii2-client (what TIPs poll with), stix2 (parses STIX 2.1), stix2-validator and stix2-patterns;
# selenium drives Debian's headless chromium (chromium-driver, from install-deps.sh) through the admin pages.
# Idempotent: does nothing when the pinned set is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=(cabby==0.1.23 libtaxii==1.1.119 stix==1.2.0.11 stix-validator==3.0.0 "prometheus-client>=0.20,<1" aiosmtpd==1.4.6
  taxii2-client==2.3.0 stix2==3.0.2 stix2-validator==3.3.2 stix2-patterns==2.1.2 selenium==4.27.1)
stamp=".venv/.threatfeed-requirements"
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "${requirements[*]}" ]; then
  exit 0
fi
echo "creating .venv with ${requirements[*]}"
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check "${requirements[@]}"
echo "${requirements[*]}" > "$stamp"
