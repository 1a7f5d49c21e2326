#!/usr/bin/env python3
"""Parses Prometheus text from stdin with prometheus_client's own parser (a strict, independent reader)
and prints {"samples": [{"name", "labels", "value"}], "families": [{"name", "type"}]} as JSON."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families, samples = [], []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({"name": family.name, "type": family.type})
    for sample in family.samples:
        samples.append({"name": sample.name, "labels": dict(sample.labels), "value": sample.value})
print(json.dumps({"families": families, "samples": samples}))
