#!/usr/bin/env python3
"""Drives a TAXII 1.1 server through cabby's Python API, as a discovery-driven client does.

Prints one JSON object. Subcommands:

  discover    URL                      -> {"services": [{type, address, protocol, message_bindings}]}
  collections URL [--user U --password P]
                                       -> {"collections": [{name, type, available, content_bindings, polling}]}
  poll        URL --collection C [--user U --password P] [--window BEGIN,END]... [--binding ID]...
              [--discovery]            -> {"windows": [{begin, end, blocks: [{label, binding, observables}]}]}
              (with --discovery, URL is the discovery address and cabby finds the POLL service itself)
  count       URL --collection C ...   -> {"count": N}

BEGIN/END are ISO 8601 with a time zone; either may be empty (open). Errors are printed as
{"error": "<cabby exception class>: message"} with exit status 0, so the caller can assert on them.
"""
import argparse
import json
import sys
from datetime import datetime
from io import BytesIO
from urllib.parse import urlparse

import cabby


def client_for(url, user=None, password=None):
    parts = urlparse(url)
    client = cabby.create_client(parts.hostname, port=parts.port, use_https=parts.scheme == "https",
                                 discovery_path=parts.path, version="1.1")
    if user is not None:
        client.set_auth(username=user, password=password or "")
    return client, parts.path


def observables_of(content):
    from stix.core import STIXPackage
    package = STIXPackage.from_xml(BytesIO(content if isinstance(content, bytes) else content.encode()))
    found = []
    for indicator in package.indicators or []:
        props = indicator.observable.object_.properties
        name = type(props).__name__
        if name == "URI":
            found.append({"type": "url", "value": str(props.value)})
        elif name == "DomainName":
            found.append({"type": "domain", "value": str(props.value)})
        elif name == "Address":
            found.append({"type": "ipv6" if props.category == "ipv6-addr" else "ip", "value": str(props.address_value)})
        elif name == "File":
            for h in props.hashes:
                found.append({"type": str(h.type_).lower(), "value": str(h.simple_hash_value)})
    return found


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["discover", "collections", "poll", "count"])
    parser.add_argument("url")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--collection")
    parser.add_argument("--window", action="append", default=[])
    parser.add_argument("--binding", action="append", default=[])
    parser.add_argument("--discovery", action="store_true")
    args = parser.parse_args()

    client, path = client_for(args.url, args.user, args.password)
    try:
        if args.command == "discover":
            services = client.discover_services(uri=path)
            out = {"services": [{"type": s.type, "address": s.address, "protocol": s.protocol,
                                 "message_bindings": [str(m) for m in s.message_bindings]} for s in services]}
        elif args.command == "collections":
            collections = client.get_collections(uri=path)
            out = {"collections": [{"name": c.name, "type": c.type, "available": c.available,
                                    "content_bindings": [getattr(b, "id", str(b)) for b in c.content_bindings],
                                    "polling": [p.address for p in c.polling_services]} for c in collections]}
        elif args.command == "count":
            count = client.get_content_count(args.collection, uri=None if args.discovery else path)
            out = {"count": count.count, "partial": count.is_partial}
        else:
            windows = []
            for window in args.window or [","]:
                begin_text, _, end_text = window.partition(",")
                blocks = []
                for block in client.poll(args.collection, begin_date=parse_time(begin_text),
                                         end_date=parse_time(end_text),
                                         content_bindings=args.binding or None,
                                         uri=None if args.discovery else path):
                    blocks.append({"label": block.timestamp.isoformat() if block.timestamp else None,
                                   "binding": getattr(block.binding, "id", block.binding),
                                   "observables": observables_of(block.content)})
                windows.append({"begin": begin_text, "end": end_text, "blocks": blocks})
            out = {"windows": windows}
    except Exception as error:
        out = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
