#!/usr/bin/env bash
# Import benchmark: N generated mixed indicators from a text file into a fresh database, then a re-import of the
# same file (every line refreshes), by each threatfeed binary given (runs interleaved, so a before/after pair shares
# the machine's load), then the reference: sqlite3's own `.import` of the very same rows (uuids, labels, provenance,
# host keys: Benchmarks/import-reference.py, prepared outside the timing) into the same schema, in one transaction.
# Prints wall seconds, CPU seconds (user+sys) and peak memory (max RSS) of each process.
# usage: Benchmarks/import.sh [N=1000000] [BIN=release threatfeed]...   (RUNS=3, REFERENCE=1)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
shift || true
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=("$(swift build -c release --scratch-path .build-release --show-bin-path)/threatfeed")
runs="${RUNS:-3}"
work="Benchmarks/.work"; mkdir -p "$work"
file="$work/indicators-$n.txt"
[ -s "$file" ] || python3 Benchmarks/generate.py "$n" > "$file"

# One timed process: "<label> seconds=… cpu_s=… peak_rss_MiB=… <last line of its output>".
timed() {
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > "$work/import.out" 2>&1 < /dev/null || { cat "$work/import.out" >&2; exit 1; }
  read -r seconds user sys kib < "$work/time.txt"
  echo "$label seconds=$seconds cpu_s=$(python3 -c "print(round($user+$sys,2))") observables_per_s=$(python3 -c "print(round($n/$seconds))") peak_rss_MiB=$(python3 -c "print(round($kib/1024,1))") $(tail -1 "$work/import.out")"
}

for run in $(seq "$runs"); do
  for i in "${!bins[@]}"; do
    rm -f "$work/import-$i.sqlite"*
    timed "bin$i.import.n$n.run$run" "${bins[$i]}" import "$file" --indicator bench --db "$work/import-$i.sqlite"
  done
done
for run in $(seq "$runs"); do
  for i in "${!bins[@]}"; do
    timed "bin$i.reimport.n$n.run$run" "${bins[$i]}" import "$file" --indicator bench --db "$work/import-$i.sqlite"
  done
done
for i in "${!bins[@]}"; do
  echo "bin$i=${bins[$i]} database_MiB=$(du -m "$work/import-$i.sqlite" | cut -f1)"
done

[ "${REFERENCE:-1}" = 1 ] || exit 0
# The reference: an empty database with the same schema and indicator, made by the first binary.
: > "$work/empty.txt"
rm -f "$work/reference-empty.sqlite"*
"${bins[0]}" import "$work/empty.txt" --indicator bench --db "$work/reference-empty.sqlite" > /dev/null
indicator=$(sqlite3 "$work/reference-empty.sqlite" "SELECT id FROM indicator WHERE name = 'bench'")
python3 Benchmarks/import-reference.py "$file" "$indicator" "$work/reference-observables.csv" "$work/reference-judgements.csv"
cat > "$work/reference.sql" <<EOF
PRAGMA synchronous = NORMAL;
CREATE TEMP TABLE o (id INTEGER, type TEXT, value TEXT, host_key TEXT);
CREATE TEMP TABLE j (id INTEGER, uuid TEXT, indicator_id TEXT, observable_id INTEGER, source TEXT, disposition INTEGER,
  confidence TEXT, severity TEXT, tlp TEXT, priority INTEGER, reason TEXT, valid_start INTEGER, valid_end INTEGER,
  provenance TEXT, label INTEGER, created INTEGER, modified INTEGER);
BEGIN;
.import --csv --schema temp $work/reference-observables.csv o
.import --csv --schema temp $work/reference-judgements.csv j
INSERT INTO main.observable (id, type, value, host_key) SELECT id, type, value, NULLIF(host_key, '') FROM o;
INSERT INTO main.judgement SELECT id, uuid, indicator_id, observable_id, source, disposition, confidence, severity, tlp,
  priority, NULLIF(reason, ''), valid_start, valid_end, provenance, label, created, modified FROM j;
COMMIT;
SELECT 'rows', count(*) FROM main.judgement;
EOF
for run in $(seq "$runs"); do
  rm -f "$work/reference.sqlite"*
  cp "$work/reference-empty.sqlite" "$work/reference.sqlite"
  timed "sqlite3.import.n$n.run$run" sqlite3 "$work/reference.sqlite" ".read $work/reference.sql"
done
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1) database_MiB=$(du -m "$work/reference.sqlite" | cut -f1)"
