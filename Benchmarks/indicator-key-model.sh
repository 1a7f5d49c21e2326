#!/usr/bin/env bash
# What an integer indicator key would save the import, modelled in `sqlite3` alone: the judgement and version
# tables with their indexes as the store has them, once with `indicator_id TEXT` (46-byte ids, as now) and once
# with `indicator_id INTEGER`, filled from a real import's judgements; and a third, `compact`, that also keys the
# source by an integer and stores the uuid as its 16 bytes (random, as a v4's: `randomblob(16)` stands in for it).
# Per variant, under callgrind: a fresh insert of every row (one INSERT OR FAIL … SELECT), then a re-import's writes
# (versions kept, every row updated, the three refresh-moved indexes dropped and rebuilt as `ImportSetAside` does),
# and the database's size.
# usage: Benchmarks/indicator-key-model.sh DB   (DB: a database made by `threatfeed import`, e.g. the one
#        Benchmarks/callgrind-import.sh leaves in Benchmarks/.work/callgrind-import/import.sqlite)
set -euo pipefail
cd "$(dirname "$0")/.."
source_db="$1"
work="$(pwd)/Benchmarks/.work/indicator-key-model"; rm -rf "$work"; mkdir -p "$work"
sqlite3 "$work/rows.sqlite" "ATTACH '$source_db' AS a; CREATE TABLE j AS SELECT * FROM a.judgement ORDER BY id;"
for variant in text integer compact; do
  case "$variant" in
    text) type=TEXT; value=indicator_id; source_type=TEXT; source=source; uuid_type=TEXT; uuid=uuid ;;
    integer) type=INTEGER; value=1; source_type=TEXT; source=source; uuid_type=TEXT; uuid=uuid ;;
    compact) type=INTEGER; value=1; source_type=INTEGER; source=1; uuid_type=BLOB; uuid="randomblob(16)" ;;
  esac
  db="$work/$variant.sqlite"
  sqlite3 "$db" > /dev/null <<SQL
PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;
CREATE TABLE judgement (id INTEGER PRIMARY KEY, uuid $uuid_type NOT NULL, indicator_id $type NOT NULL, observable_id INTEGER NOT NULL,
  source $source_type NOT NULL, disposition INTEGER NOT NULL, confidence TEXT NOT NULL, severity TEXT NOT NULL, tlp TEXT NOT NULL,
  priority INTEGER NOT NULL, reason TEXT, valid_start INTEGER NOT NULL, valid_end INTEGER, provenance TEXT, label INTEGER NOT NULL,
  created INTEGER NOT NULL, modified INTEGER NOT NULL, UNIQUE (indicator_id, observable_id, source)) STRICT;
CREATE UNIQUE INDEX judgement_label ON judgement(label);
CREATE INDEX judgement_indicator_label ON judgement(indicator_id, label);
CREATE INDEX judgement_uuid ON judgement(uuid);
CREATE INDEX judgement_observable ON judgement(observable_id);
CREATE INDEX judgement_indicator_end ON judgement(indicator_id, valid_end) WHERE valid_end IS NOT NULL;
CREATE TABLE judgement_version (judgement_id INTEGER NOT NULL, indicator_id $type NOT NULL, disposition INTEGER NOT NULL,
  confidence TEXT NOT NULL, severity TEXT NOT NULL, tlp TEXT NOT NULL, priority INTEGER NOT NULL, reason TEXT,
  valid_start INTEGER NOT NULL, valid_end INTEGER, provenance TEXT, label INTEGER NOT NULL, modified INTEGER NOT NULL,
  PRIMARY KEY (judgement_id, label)) STRICT, WITHOUT ROWID;
CREATE INDEX judgement_version_indicator_label ON judgement_version(indicator_id, label);
CREATE INDEX judgement_version_modified ON judgement_version(modified);
SQL
  cat > "$work/fresh-$variant.sql" <<SQL
ATTACH '$work/rows.sqlite' AS s;
BEGIN;
INSERT OR FAIL INTO judgement SELECT id, $uuid, $value, observable_id, $source, disposition, confidence, severity, tlp, priority,
  reason, valid_start, valid_end, provenance, label, created, modified FROM s.j ORDER BY id;
COMMIT;
SQL
  cat > "$work/reimport-$variant.sql" <<SQL
BEGIN;
DROP INDEX judgement_label; DROP INDEX judgement_indicator_label; DROP INDEX judgement_indicator_end;
INSERT INTO judgement_version SELECT id, indicator_id, disposition, confidence, severity, tlp, priority, reason, valid_start,
  valid_end, provenance, label, modified FROM judgement;
UPDATE judgement SET valid_start = valid_start + 60000000, valid_end = valid_end + 60000000, label = label + 100000000000,
  modified = modified + 60000000;
CREATE UNIQUE INDEX judgement_label ON judgement(label);
CREATE INDEX judgement_indicator_label ON judgement(indicator_id, label);
CREATE INDEX judgement_indicator_end ON judgement(indicator_id, valid_end) WHERE valid_end IS NOT NULL;
COMMIT;
SQL
  for step in fresh reimport; do
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.$step-$variant" sqlite3 "$db" < "$work/$step-$variant.sql" \
      > /dev/null 2> "$work/$step-$variant.valgrind"
    echo "indicator_key=$variant step=$step instructions=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/$step-$variant.valgrind")"
  done
  echo "indicator_key=$variant database_bytes=$(stat -c %s "$db")"
done
