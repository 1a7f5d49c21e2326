#!/usr/bin/env python3
"""Writes a recorded-style ETD search response with N convicted messages to stdout.

Shape as in shared/fixtures/etd (data.messages[], urlMetadata[].url, attachments[].sha256 [inferred]),
values from documentation ranges and example.* names, with the variety the poller meets: gateway
headers, private and gateway client IPs, free-mail senders, shortener URLs, repeated senders.
usage: etd-generate.py [N=10000] [SEED=1]
"""
import datetime
import hashlib
import json
import random
import sys
import uuid

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
end = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.timezone.utc)
verdicts = ["bec", "scam", "phishing", "malicious"]
techniques = [["Malicious URL"], ["Sender name impersonation", "Call to action"], ["QR code"], ["Brand impersonation"]]
messages = []
for i in range(n):
    sender = "gmail.com" if i % 10 == 0 else f"sender{rng.randrange(2000)}.example.net"
    m = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "timestamp": (end - datetime.timedelta(seconds=rng.randrange(2 * 86400))).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "direction": "incoming",
        "fromAddress": f"user{i}@{sender}",
        "returnPath": f"bounce@bounce{rng.randrange(500)}.example.org",
        "mailboxes": [f"user{i % 50}@example.com"],
        "subject": f"message {i}",
        "domain": "example.com",
        "clientIP": "198.51.100.10" if i % 3 == 0 else (f"10.0.{i % 200}.{i % 250 + 1}" if i % 17 == 0 else f"192.0.2.{rng.randrange(1, 255)}"),
        "urlMetadata": [{"url": f"https://{sender}/p/{i}"}] + ([{"url": f"https://bit.ly/x{i}"}] if i % 9 == 0 else []),
        "attachments": [{"fileName": "a.html", "sha256": hashlib.sha256(f"a{i}".encode()).hexdigest()}] if i % 4 == 0 else [],
        "verdict": {"category": verdicts[i % 4], "techniques": [{"type": t} for t in techniques[i % 4]]},
    }
    if i % 3 == 0:
        m["secureEmailGateway"] = {"headerName": "X-IronPort-RemoteIP", "originalCIP": f"203.0.113.{rng.randrange(1, 255)}"}
    messages.append(m)
json.dump({"data": {"messages": messages}, "totalSize": n}, sys.stdout)
