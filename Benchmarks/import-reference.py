#!/usr/bin/env python3
"""Writes the rows `threatfeed import` stores for a generated indicator file (generate.py) as two CSV files, so
that `sqlite3`'s own `.import` can load the very same values into the same schema: the reference figure of
Benchmarks/import.sh. Run outside the timed part.

Each value is classified and keyed as ThreatFeed does for generate.py's mix (domains, https URLs, IPv4, IPv6,
SHA-256: all already normalised); uuids are random v4, labels consecutive from now, valid 30 days.

usage: import-reference.py VALUES.txt INDICATOR_ID OBSERVABLES.csv JUDGEMENTS.csv
"""
import csv
import json
import os
import re
import sys
import time
import uuid

values_path, indicator_id, observables_path, judgements_path = sys.argv[1:5]
file_name = os.path.basename(values_path)
source = f"import:{file_name}"
now = int(time.time() * 1_000_000)
end = now + 30 * 86_400 * 1_000_000
ipv4 = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
sha256 = re.compile(r"^[0-9a-f]{64}$")


def domain_key(host):
    return ".".join(reversed([part for part in host.split(".") if part])) + "."


def classify(value):
    if value.startswith("https://"):
        return "url", domain_key(value[len("https://"):].split("/", 1)[0])
    if ipv4.match(value):
        return "ip", None
    if ":" in value:
        return "ipv6", None
    if sha256.match(value):
        return "sha256", None
    return "domain", domain_key(value)


with open(values_path) as values, open(observables_path, "w", newline="") as obs, open(judgements_path, "w", newline="") as jud:
    observables = csv.writer(obs)
    judgements = csv.writer(jud)
    for line, raw in enumerate(values, start=1):
        value = raw.strip()
        if not value or value.startswith("#"):
            continue
        kind, key = classify(value)
        observables.writerow([line, kind, value, "" if key is None else key])
        provenance = json.dumps({"import.file": file_name, "import.line": str(line)}, separators=(",", ":"))
        judgements.writerow([
            line, f"judgement-{uuid.uuid4()}", indicator_id, line, source, 2, "High", "High", "amber", 95, "",
            now, end, provenance, now + line, now, now,
        ])
