#!/usr/bin/env python3
"""Drives a TAXII 2.1 server as real consumers do. Prints one JSON object. Subcommands:

  walk URL --user U --password P [--per-request N] [--validate]
      taxii2-client: discovery -> API root -> collections -> as_pages over each collection's objects.
      -> {"api_roots": [...], "collections": [{id, title, can_read, can_write, objects: [{id, type, modified}],
          invalid: [...]}]}  (--validate: every object through stix2-validator, stix2.parse, every pattern
          through stix2-patterns; problems are listed in "invalid")
  poll COLLECTION_URL --user U --password P --style sentinel|opencti --limit N [--state FILE]
      One polling cycle with requests, as Microsoft Sentinel (added_after = the last X-TAXII-Date-Added-Last,
      fixed limit) or OpenCTI (added_after + next) do; the state file keeps added_after between cycles.
      -> {"objects": [{id, type, modified, revoked, valid_until}], "requests": N, "added_after": "..."}
  post URL --user U --password P [--content-type T] (--data TEXT | --data-size N)
      One raw POST -> {"status": N, "body": ...}
  get URL --user U --password P [--accept A]
      One GET -> {"status": N, "headers": {...}, "body": <JSON or text>}
  history COLLECTION_URL --user U --password P --object ID [--per-request N]
      taxii2-client on one object's versions: object_versions, get_object with match[version] first, last, all,
      first,last and each listed timestamp, and as_pages over the collection with match[version]=all; every version
      through the validator. -> {"versions": [...], "first": [modified...], "last": [...], "all": [...],
      "first_last": [...], "each": {ts: [modified...]}, "collection_all": [[id, modified]...], "invalid": [...]}
  add COLLECTION_URL --user U --password P ENVELOPE_FILE
      taxii2-client add_objects, then the status resource read back
      -> {"status": {...}, "status_url": "...", "again": {...}} or {"error": "..."}
"""
import argparse
import json
import os
import sys

import requests


def validate(obj):
    problems = []
    from stix2validator import ValidationOptions, validate_instance
    result = validate_instance(obj, ValidationOptions(version="2.1"))
    if not result.is_valid:
        problems += ["validator: " + str(e) for e in result.errors]
    try:
        import stix2
        stix2.parse(obj, allow_custom=False)
    except Exception as error:  # noqa: BLE001 - any failure to parse is what we report
        problems.append("stix2: %s: %s" % (type(error).__name__, error))
    if obj.get("type") == "indicator":
        from stix2patterns.validator import run_validator
        errors = run_validator(obj["pattern"], stix_version="2.1")
        problems += ["pattern: " + e for e in errors]
    return problems


def walk(args):
    from taxii2client.v21 import Server, as_pages
    server = Server(args.url, user=args.user, password=args.password)
    out = {"title": server.title, "api_roots": [root.url for root in server.api_roots], "collections": []}
    root = server.default or server.api_roots[0]
    for collection in root.collections:
        entry = {"id": collection.id, "title": collection.title, "can_read": collection.can_read,
                 "can_write": collection.can_write, "objects": [], "invalid": [], "pages": 0}
        for envelope in as_pages(collection.get_objects, per_request=args.per_request):
            entry["pages"] += 1
            for obj in envelope.get("objects", []):
                entry["objects"].append({"id": obj["id"], "type": obj["type"], "modified": obj.get("modified"),
                                         "pattern": obj.get("pattern")})
                if args.validate:
                    for problem in validate(obj):
                        entry["invalid"].append({"id": obj["id"], "problem": problem})
        out["collections"].append(entry)
    return out


def poll(args):
    state = {}
    if args.state and os.path.exists(args.state):
        with open(args.state) as handle:
            state = json.load(handle)
    session = requests.Session()
    session.auth = (args.user, args.password)
    session.headers["Accept"] = "application/taxii+json;version=2.1"
    url = args.url.rstrip("/") + "/objects/"
    added_after = state.get("added_after")
    objects, requests_made, next_token = [], 0, None
    while True:
        params = {"limit": args.limit}
        if added_after:
            params["added_after"] = added_after
        if args.style == "opencti" and next_token:
            params["next"] = next_token
        response = session.get(url, params=params)
        requests_made += 1
        if response.status_code != 200:
            return {"error": "HTTP %d: %s" % (response.status_code, response.text[:500])}
        envelope = response.json()
        for obj in envelope.get("objects", []):
            objects.append({"id": obj["id"], "type": obj["type"], "modified": obj.get("modified"),
                            "revoked": obj.get("revoked", False), "valid_until": obj.get("valid_until")})
        last = response.headers.get("X-TAXII-Date-Added-Last")
        if args.style == "sentinel":
            # Sentinel-like: the next request starts after the last date added it saw.
            if last:
                added_after = last
            if not envelope.get("more"):
                break
        else:
            # OpenCTI-like: keeps added_after from the cycle's start and follows next within the cycle.
            if last:
                state["last_seen"] = last
            next_token = envelope.get("next")
            if not envelope.get("more") or not next_token:
                break
        if requests_made > 10000:
            return {"error": "no end in sight"}
    if args.style == "opencti" and state.get("last_seen"):
        added_after = state["last_seen"]
    state["added_after"] = added_after
    if args.state:
        with open(args.state, "w") as handle:
            json.dump(state, handle)
    return {"objects": objects, "requests": requests_made, "added_after": added_after}


def get(args):
    headers = {}
    if args.accept is not None:
        headers["Accept"] = args.accept
    auth = (args.user, args.password) if args.user else None
    response = requests.get(args.url, headers=headers, auth=auth)
    try:
        body = response.json()
    except ValueError:
        body = response.text[:1000000]
    return {"status": response.status_code, "headers": dict(response.headers), "body": body}


def post(args):
    headers = {"Accept": "application/taxii+json;version=2.1",
               "Content-Type": args.content_type or "application/taxii+json;version=2.1"}
    data = args.data.encode() if args.data is not None else b'{"objects":[' + b" " * args.data_size + b"]}"
    response = requests.post(args.url, headers=headers, data=data, auth=(args.user, args.password))
    try:
        body = response.json()
    except ValueError:
        body = response.text[:2000]
    return {"status": response.status_code, "body": body}


def history(args):
    from taxii2client.v21 import Collection, as_pages
    collection = Collection(args.url, user=args.user, password=args.password)
    out = {"invalid": []}

    def modified(envelope):
        objects = envelope.get("objects", [])
        for obj in objects:
            for problem in validate(obj):
                out["invalid"].append({"id": obj["id"], "modified": obj.get("modified"), "problem": problem})
        return [obj.get("modified") for obj in objects]

    out["versions"] = collection.object_versions(args.object).get("versions", [])
    for name, version in (("first", "first"), ("last", "last"), ("all", "all"), ("first_last", "first,last")):
        out[name] = modified(collection.get_object(args.object, version=version))
    out["each"] = {stamp: modified(collection.get_object(args.object, version=stamp)) for stamp in out["versions"]}
    out["collection_all"] = []
    for envelope in as_pages(collection.get_objects, per_request=args.per_request, version="all"):
        out["collection_all"] += [[obj["id"], obj.get("modified")] for obj in envelope.get("objects", [])]
    return out


def add(args):
    from taxii2client.exceptions import TAXIIServiceException
    from taxii2client.v21 import Collection, Status
    collection = Collection(args.url, user=args.user, password=args.password)
    with open(args.bundle) as handle:
        envelope = handle.read()
    try:
        status = collection.add_objects(envelope, wait_for_completion=True, poll_interval=0.2, timeout=20)
    except (TAXIIServiceException, Exception) as error:  # noqa: BLE001 - reported to the caller
        return {"error": "%s: %s" % (type(error).__name__, error)}
    # Read it back through the status endpoint, as a client that returns later does.
    again = Status(status.url, user=args.user, password=args.password)
    return {"status": status._raw, "status_url": status.url, "again": again._raw}


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("walk", "poll", "get", "add", "post", "history"):
        p = sub.add_parser(name)
        p.add_argument("url")
        p.add_argument("--user")
        p.add_argument("--password")
        if name == "walk":
            p.add_argument("--per-request", type=int, default=0)
            p.add_argument("--validate", action="store_true")
        if name == "poll":
            p.add_argument("--style", choices=["sentinel", "opencti"], required=True)
            p.add_argument("--limit", type=int, required=True)
            p.add_argument("--state")
        if name == "get":
            p.add_argument("--accept")
        if name == "add":
            p.add_argument("bundle")
        if name == "history":
            p.add_argument("--object", required=True)
            p.add_argument("--per-request", type=int, default=2)
        if name == "post":
            p.add_argument("--content-type")
            p.add_argument("--data")
            p.add_argument("--data-size", type=int, default=0)
    args = parser.parse_args()
    result = {"walk": walk, "poll": poll, "get": get, "add": add, "post": post, "history": history}[args.command](args)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
