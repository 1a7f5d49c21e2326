#!/usr/bin/env python3
"""Fetches an answer through the Python clients a gateway or a TIP would use, with their default
Accept-Encoding, and says what came over the wire.

Prints one JSON object:

  get   URL --out FILE [--header 'Name: value']...
        Python requests GET (sends "Accept-Encoding: gzip, deflate" by default); the decoded body to FILE.
        -> {"status", "headers" {lower-case name: value}, "sent_accept_encoding", "wire_bytes", "body_bytes"}
  post  URL --out FILE --body FILE [--user U --password P] [--header 'Name: value']...
        Python requests POST of a TAXII 1.1 message (the binding headers added); same output.
  cabby-poll URL --collection C --user U --password P
        cabby's poll (requests underneath), with the answer's headers recorded on the way.
        -> {"content_encoding", "blocks", "distinct_contents"}
"""
import argparse
import hashlib
import json

import requests

TAXII_HEADERS = {
    "Content-Type": "application/xml",
    "X-TAXII-Content-Type": "urn:taxii.mitre.org:message:xml:1.1",
    "X-TAXII-Services": "urn:taxii.mitre.org:services:1.1",
    "X-TAXII-Protocol": "urn:taxii.mitre.org:protocol:http:1.0",
}


def described(response, out):
    body = response.content  # requests decodes the gzip coding itself
    with open(out, "wb") as f:
        f.write(body)
    return {
        "status": response.status_code,
        "headers": {k.lower(): v for k, v in response.headers.items()},
        "sent_accept_encoding": response.request.headers.get("Accept-Encoding"),
        # Bytes the socket delivered (the compressed size when gzip was used).
        "wire_bytes": response.raw.tell(),
        "body_bytes": len(body),
    }


def headers_from(items):
    headers = {}
    for item in items:
        name, _, value = item.partition(":")
        headers[name.strip()] = value.strip()
    return headers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["get", "post", "cabby-poll"])
    parser.add_argument("url")
    parser.add_argument("--out")
    parser.add_argument("--body")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--collection")
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()

    if args.command == "get":
        response = requests.get(args.url, headers=headers_from(args.header), timeout=60)
        print(json.dumps(described(response, args.out)))
    elif args.command == "post":
        with open(args.body, "rb") as f:
            body = f.read()
        auth = (args.user, args.password) if args.user else None
        headers = dict(TAXII_HEADERS, **headers_from(args.header))
        response = requests.post(args.url, data=body, headers=headers, auth=auth, timeout=60)
        print(json.dumps(described(response, args.out)))
    else:
        import cabby
        from cabby import dispatcher
        from urllib.parse import urlparse

        seen = []
        original = dispatcher.request_stream

        def recording(*a, **k):
            stream, headers = original(*a, **k)
            seen.append({k.lower(): v for k, v in headers.items()})
            return stream, headers

        dispatcher.request_stream = recording
        parts = urlparse(args.url)
        client = cabby.create_client(parts.hostname, port=parts.port, discovery_path=parts.path, version="1.1")
        client.set_auth(username=args.user, password=args.password)
        contents = [block.content for block in client.poll(args.collection, uri=parts.path)]
        digests = {hashlib.sha256(c if isinstance(c, bytes) else c.encode()).hexdigest() for c in contents}
        print(json.dumps({
            "content_encoding": seen[-1].get("content-encoding") if seen else None,
            "blocks": len(contents),
            "distinct_contents": len(digests),
        }))


if __name__ == "__main__":
    main()
