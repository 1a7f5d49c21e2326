#!/usr/bin/env bash
# Import benchmark: N generated mixed indicators from a text file into a fresh database, then a re-import of the
# same file (every line refreshes), by each threatfeed binary given (runs interleaved, so a before/after pair shares
# the machine's load), then the reference: sqlite3's own `.import` of the very same rows (uuids, labels, provenance,
# host keys: Benchmarks/import-reference.py, prepared outside the timing) into the same schema, in one transaction,
# and SQLite's floor: the same rows copied from SQLite tables (no parsing) with what a large import sets aside.
# Prints wall seconds, CPU seconds (user+sys) and peak memory (max RSS) of each process.
# usage: Benchmarks/import.sh [N=1000000] [BIN=release threatfeed]...   (RUNS=3; REFERENCE=0 or FLOOR=0 to skip one)
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

[ "${REFERENCE:-1}" = 1 ] || [ "${FLOOR:-1}" = 1 ] || exit 0
# The reference and the floor: an empty database with the same schema and indicator, made by the first binary.
: > "$work/empty.txt"
rm -f "$work/reference-empty.sqlite"*
"${bins[0]}" import "$work/empty.txt" --indicator bench --db "$work/reference-empty.sqlite" > /dev/null
indicator=$(sqlite3 "$work/reference-empty.sqlite" "SELECT id FROM indicator WHERE name = 'bench'")
python3 Benchmarks/import-reference.py "$file" "$indicator" "$work/reference-observables.csv" "$work/reference-judgements.csv"
# The CSV files' two tables (TEMP for the reference, which loads them inside its timing).
row_tables() {
  echo "CREATE $1 TABLE o (id INTEGER, type TEXT, value TEXT, host_key TEXT);"
  echo "CREATE $1 TABLE j (id INTEGER, uuid TEXT, indicator_id TEXT, observable_id INTEGER, source TEXT, disposition INTEGER,"
  echo "  confidence TEXT, severity TEXT, tlp TEXT, priority INTEGER, reason TEXT, valid_start INTEGER, valid_end INTEGER,"
  echo "  provenance TEXT, label INTEGER, created INTEGER, modified INTEGER);"
}
cat > "$work/reference.sql" <<EOF
PRAGMA synchronous = NORMAL;
$(row_tables TEMP)
BEGIN;
.import --csv --schema temp $work/reference-observables.csv o
.import --csv --schema temp $work/reference-judgements.csv j
INSERT INTO main.observable (id, type, value, host_key) SELECT id, type, value, NULLIF(host_key, '') FROM o;
INSERT INTO main.judgement SELECT id, uuid, indicator_id, observable_id, source, disposition, confidence, severity, tlp,
  priority, NULLIF(reason, ''), valid_start, valid_end, provenance, label, created, modified FROM j;
COMMIT;
SELECT 'rows', count(*) FROM main.judgement;
EOF
if [ "${REFERENCE:-1}" = 1 ]; then
  for run in $(seq "$runs"); do
    rm -f "$work/reference.sqlite"*
    cp "$work/reference-empty.sqlite" "$work/reference.sqlite"
    timed "sqlite3.import.n$n.run$run" sqlite3 "$work/reference.sqlite" ".read $work/reference.sql"
  done
  echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1) database_MiB=$(du -m "$work/reference.sqlite" | cut -f1)"
fi

[ "${FLOOR:-1}" = 1 ] || exit 0
# SQLite's floor for these rows and this schema: the very same values already in SQLite tables (loaded outside the
# timing), copied in one transaction with what a large import sets aside (the insert triggers, and the two indexes
# whose keys arrive in random order, rebuilt before the commit: ImportSetAside), the writer's page cache and OR FAIL
# (no statement journal, as the import's multi-row INSERTs). No parsing, no binding, no tally (the import keeps it
# in code): the least SQLite itself needs to store them. Its peak RSS is not comparable: the index builds sort in
# memory here (the import sorts in 8 MiB and spills to temporary files).
rm -f "$work/floor-rows.sqlite"*
sqlite3 "$work/floor-rows.sqlite" <<SQL
$(row_tables "")
.import --csv $work/reference-observables.csv o
.import --csv $work/reference-judgements.csv j
SQL
set_aside="type = 'trigger' AND name IN ('judgement_tally_insert_alone', 'judgement_tally_before_insert_shared',
  'judgement_tally_after_insert_shared') OR type = 'index' AND name IN ('judgement_uuid', 'observable_host_key')"
# A floor's script: the schema objects matching $1 dropped, the statements on stdin, the objects re-created from the
# schema's own definitions (indexes first), the commit, then the query $2.
floor_script() {
  echo "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -49152; PRAGMA temp_store = MEMORY;"
  echo "ATTACH '$work/floor-rows.sqlite' AS s;"
  echo "BEGIN;"
  sqlite3 "$work/reference-empty.sqlite" "SELECT 'DROP ' || upper(type) || ' ' || name || ';' FROM sqlite_master WHERE $1"
  cat
  sqlite3 "$work/reference-empty.sqlite" "SELECT sql || ';' FROM sqlite_master WHERE $1 ORDER BY type"
  echo "COMMIT;"
  echo "$2"
}
floor_script "$set_aside" "SELECT 'rows', count(*) FROM main.judgement;" > "$work/floor.sql" <<SQL
INSERT OR FAIL INTO main.observable (id, type, value, host_key) SELECT id, type, value, NULLIF(host_key, '') FROM s.o ORDER BY id;
INSERT OR FAIL INTO main.judgement SELECT id, uuid, indicator_id, observable_id, source, disposition, confidence, severity, tlp,
  priority, NULLIF(reason, ''), valid_start, valid_end, provenance, label, created, modified FROM s.j ORDER BY id;
SQL
# The re-import's floor, on the floor's database: every row's earlier version kept (one INSERT … SELECT) and every
# row updated from the same values with a new label, with the update triggers and the three indexes a refresh moves
# its row in set aside and rebuilt, as a large re-import does.
moved="type = 'trigger' AND name IN ('judgement_keeps_versions', 'judgement_tally_update_alone',
  'judgement_tally_before_update_shared', 'judgement_tally_after_update_shared')
  OR type = 'index' AND name IN ('judgement_label', 'judgement_indicator_label', 'judgement_indicator_end')"
floor_script "$moved" "SELECT 'versions', count(*) FROM main.judgement_version;" > "$work/floor-reimport.sql" <<SQL
INSERT OR FAIL INTO judgement_version (judgement_id, indicator_id, disposition, confidence, severity, tlp, priority, reason,
  valid_start, valid_end, provenance, label, modified) SELECT id, indicator_id, disposition, confidence, severity, tlp,
  priority, reason, valid_start, valid_end, provenance, label, modified FROM judgement;
UPDATE OR FAIL judgement SET disposition = r.disposition, confidence = r.confidence, severity = r.severity, tlp = r.tlp,
  priority = r.priority, reason = NULLIF(r.reason, ''), valid_start = r.valid_start, valid_end = r.valid_end,
  provenance = r.provenance, label = judgement.label + 1000000000000, modified = r.modified + 1
  FROM s.j AS r WHERE r.id = judgement.id;
SQL
for run in $(seq "$runs"); do
  rm -f "$work/floor.sqlite"*
  cp "$work/reference-empty.sqlite" "$work/floor.sqlite"
  timed "sqlite3.floor.n$n.run$run" sqlite3 "$work/floor.sqlite" ".read $work/floor.sql"
  timed "sqlite3.floor-reimport.n$n.run$run" sqlite3 "$work/floor.sqlite" ".read $work/floor-reimport.sql"
done
echo "sqlite3 floor database_MiB=$(du -m "$work/floor.sqlite" | cut -f1)"
