#!/usr/bin/env python3
"""Writes N mixed indicators, one per line, deterministic for a given seed.

Mix (by line): 40 % domains, 25 % URLs, 20 % IPv4, 5 % IPv6, 10 % SHA-256 — roughly what an
email block list holds. Every value is valid and distinct, so an import adds exactly N.

usage: generate.py N [seed] > file.txt
"""
import hashlib
import random
import sys

n = int(sys.argv[1])
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 42)
words = ["login", "secure", "update", "invoice", "mail", "account", "verify", "office", "docs", "pay"]
tlds = ["example", "test", "invalid", "example.com", "example.net"]
out = sys.stdout
for i in range(n):
    kind = i % 20
    if kind < 8:
        out.write(f"{rng.choice(words)}-{i}.{rng.choice(words)}.{rng.choice(tlds)}\n")
    elif kind < 13:
        out.write(f"https://{rng.choice(words)}-{i}.{rng.choice(tlds)}/{rng.choice(words)}/{i}?id={rng.randrange(10**6)}\n")
    elif kind < 17:
        out.write(f"{10 + (i >> 24) % 200}.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}\n")
    elif kind < 18:
        out.write(f"2001:db8:{(i >> 16) & 0xffff:x}:{i & 0xffff:x}::{rng.randrange(1, 0xffff):x}\n")
    else:
        out.write(hashlib.sha256(str(i).encode()).hexdigest() + "\n")
