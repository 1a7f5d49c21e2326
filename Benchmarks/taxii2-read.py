#!/usr/bin/env python3
"""Reads a whole TAXII 2.1 collection with taxii2-client 2.3.0 (as_pages, limit + next), as a TIP's first sync does.

usage: taxii2-read.py COLLECTION_URL USER PASSWORD PER_REQUEST
Prints one line: objects= unique= pages= seconds= objects_per_s= (ids must be unique: each object exactly once).
"""
import sys
import time

from taxii2client.v21 import Collection, as_pages

url, user, password, per_request = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
collection = Collection(url, user=user, password=password)
start = time.perf_counter()
ids, pages = [], 0
for envelope in as_pages(collection.get_objects, per_request=per_request):
    pages += 1
    ids += [(o["id"], o.get("modified")) for o in envelope.get("objects", [])]
seconds = time.perf_counter() - start
print("objects=%d unique=%d pages=%d seconds=%.3f objects_per_s=%.1f" % (len(ids), len(set(ids)), pages, seconds, len(ids) / seconds))
