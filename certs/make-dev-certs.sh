#!/usr/bin/env bash
# Makes a development CA and a server certificate signed by it, for HTTPS on a test set-up.
# usage: certs/make-dev-certs.sh [SAN...]   (default: localhost 127.0.0.1 ::1 and this host's name)
# Writes into certs/dev/ (or $THREATFEED_CERTS_DIR): ca.pem (import this one into the gateway:
# Network > Certificates), server.pem (chain: server + CA) and server.key (mode 0600).
# Existing files are kept.
set -euo pipefail
dir="${THREATFEED_CERTS_DIR:-$(cd "$(dirname "$0")" && pwd)/dev}"
mkdir -p "$dir"; chmod 700 "$dir"
sans=("$@"); [ ${#sans[@]} -gt 0 ] || sans=(localhost 127.0.0.1 ::1 "$(hostname -f 2>/dev/null || hostname)")
alt=""; for s in "${sans[@]}"; do
  if [[ "$s" =~ ^[0-9.]+$ || "$s" == *:* ]]; then alt+="IP:$s,"; else alt+="DNS:$s,"; fi
done; alt="${alt%,}"
umask 077
if [ ! -s "$dir/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=ThreatFeed development CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
if [ ! -s "$dir/server.key" ]; then
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=${sans[0]}" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 825 \
    -extfile <(printf "subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n" "$alt") \
    -out "$dir/server.crt" 2>/dev/null
  cat "$dir/server.crt" "$dir/ca.pem" > "$dir/server.pem"
  rm -f "$dir/server.csr" "$dir/server.crt"
fi
chmod 600 "$dir"/*.key
echo "CA:          $dir/ca.pem   (upload to the gateway: Network > Certificates > Add Certificate Authority)"
echo "certificate: $dir/server.pem ($alt)"
echo "key:         $dir/server.key"
