#!/usr/bin/env bash
# OpenTAXII's full TAXII 1.1 poll fetched with curl, on the database that `../shared/peer-bench/run_peers.sh opentaxii`
# left in PEERS_DIR (no re-ingest: loading 10,000 blocks through its inbox takes 3 to 10 minutes), so that it can be
# timed in the same run as `Benchmarks/taxii-stream.sh`. The request and headers are run_peers.sh's; gunicorn runs
# as run_peers.sh runs it (2 workers) on its port 9000, which must be free.
# usage: Benchmarks/opentaxii-full-poll.sh [PEERS_DIR=/tmp/peers]   env: RUNS=5
set -euo pipefail
cd "$(dirname "$0")/.."
peers="${1:-/tmp/peers}"; runs="${RUNS:-5}"
ot="$peers/ot"; venv="$peers/venv"
[ -f "$ot/data.db" ] && [ -x "$venv/bin/gunicorn" ] || { echo "no OpenTAXII database in $ot: run ../shared/peer-bench/run_peers.sh opentaxii first" >&2; exit 1; }
if (echo >/dev/tcp/127.0.0.1/9000) 2>/dev/null; then echo "port 9000 is busy (another OpenTAXII run?)" >&2; exit 1; fi
source Benchmarks/lib.sh
blocks=$(sqlite3 "$ot/data.db" "select count(*) from collection_to_content_block c join data_collections d on d.id=c.collection_id where d.name='bench'")
sed "s/COLLECTION/bench/" ../shared/peer-bench/taxii11_poll_request.xml > "$ot/poll_bench.xml"
OPENTAXII_CONFIG="$ot/config.yml" setsid "$venv/bin/gunicorn" opentaxii.http:app --workers 2 --timeout 600 \
  --bind 127.0.0.1:9000 --config python:opentaxii.http >>"$ot/gunicorn.log" 2>&1 &
gunicorn=$!
trap 'kill "$gunicorn" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
until (echo >/dev/tcp/127.0.0.1/9000) 2>/dev/null; do kill -0 "$gunicorn" || { echo "gunicorn exited" >&2; exit 1; }; sleep 0.2; done
poll() {
  curl -s -o /dev/null -w '%{time_total} %{size_download} %{http_code}\n' -X POST --data-binary @"$ot/poll_bench.xml" \
    -H 'Content-Type: application/xml' -H 'Accept: application/xml' \
    -H 'X-TAXII-Content-Type: urn:taxii.mitre.org:message:xml:1.1' -H 'X-TAXII-Accept: urn:taxii.mitre.org:message:xml:1.1' \
    -H 'X-TAXII-Services: urn:taxii.mitre.org:services:1.1' -H 'X-TAXII-Protocol: urn:taxii.mitre.org:protocol:http:1.0' \
    http://127.0.0.1:9000/services/poll
}
poll >/dev/null; poll >/dev/null  # both workers warm
times=()
for i in $(seq "$runs"); do
  read -r t bytes code < <(poll)
  [ "$code" = 200 ] || { echo "OpenTAXII: HTTP $code" >&2; exit 1; }
  times+=("$t")
done
echo "opentaxii.curl_poll_full blocks=$blocks $(minmed "${times[@]}" | sed 's/min=/total_s_min=/; s/median=/total_s_median=/') bytes=$bytes MiBps_best=$(python3 -c "print(round($bytes/1048576/min([${times[*]/%/,}]),1))") $(load)"
