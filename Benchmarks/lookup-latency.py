#!/usr/bin/env python3
"""Sequential POSTs of one body; prints p50/p99. usage: lookup-latency.py URL BEARER BODY_FILE N"""
import json, sys, time, urllib.request
url, token, body_file, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
body = open(body_file, "rb").read()
times = []
for i in range(n):
    req = urllib.request.Request(url, data=body, headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        r.read()
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"requests={n} p50_ms={times[n//2]:.2f} p99_ms={times[min(n-1, int(n*0.99))]:.2f} max_ms={times[-1]:.2f}")
