#!/usr/bin/env python3
"""One raw TAXII 1.1 exchange, checked the way a strict client would check it.

POSTs a request body (a file, or '-' for stdin) to URL with the TAXII HTTP binding headers,
then prints one JSON object describing the answer:

  http_status, headers (lower-case names), message_type (root local name), message_id,
  in_response_to, status_type, status_details {name: [values]}, status_message,
  more, result_id, result_part_number, record_count, inclusive_end, exclusive_begin,
  blocks [{label, binding, observables [{type, value}], indicator_types, stix_ok}],
  schema_valid (libtaxii's TAXII 1.1 XSD), schema_errors, body_prefix (first 2000 chars),
  elapsed_s.

usage: taxii_exchange.py URL BODY [--user U --password P] [--no-taxii-headers] [--header 'Name: value']...
       [--save-packages DIR]
"""
import argparse
import base64
import json
import sys
import time
import urllib.error
import urllib.request

from lxml import etree
from libtaxii.validation import SchemaValidator

TAXII11 = "http://taxii.mitre.org/messages/taxii_xml_binding-1.1"
NS = {"t": TAXII11}


def stix_observables(package_element):
    """Parses one STIX package with python-stix and returns what it indicates."""
    from stix.core import STIXPackage
    from io import BytesIO

    package = STIXPackage.from_xml(BytesIO(etree.tostring(package_element)))
    found, types = [], []
    for indicator in package.indicators or []:
        types += [str(t) for t in (indicator.indicator_types or [])]
        observable = indicator.observable
        props = observable.object_.properties
        name = type(props).__name__
        if name == "URI":
            found.append({"type": "url", "value": str(props.value)})
        elif name == "DomainName":
            found.append({"type": "domain", "value": str(props.value)})
        elif name == "Address":
            kind = "ipv6" if props.category == "ipv6-addr" else "ip"
            found.append({"type": kind, "value": str(props.address_value)})
        elif name == "File":
            for h in props.hashes:
                found.append({"type": str(h.type_).lower().replace("-", ""), "value": str(h.simple_hash_value)})
        else:
            found.append({"type": name, "value": None})
    return found, types, package.version


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("body")
    parser.add_argument("--user")
    parser.add_argument("--password", default="")
    parser.add_argument("--no-taxii-headers", action="store_true")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--save-packages", help="write each content block's STIX package to DIR/block-N.xml")
    args = parser.parse_args()

    body = sys.stdin.buffer.read() if args.body == "-" else open(args.body, "rb").read()
    headers = {"Content-Type": "application/xml", "User-Agent": "threatfeed-tests"}
    if not args.no_taxii_headers:
        headers.update({
            "Accept": "application/xml",
            "X-TAXII-Accept": "urn:taxii.mitre.org:message:xml:1.1",
            "X-TAXII-Content-Type": "urn:taxii.mitre.org:message:xml:1.1",
            "X-TAXII-Protocol": "urn:taxii.mitre.org:protocol:http:1.0",
            "X-TAXII-Services": "urn:taxii.mitre.org:services:1.1",
        })
    if args.user is not None:
        token = base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    for line in args.header:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()

    request = urllib.request.Request(args.url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            status, answer_headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, dict(error.headers), error.read()
    elapsed = time.monotonic() - started

    out = {
        "http_status": status,
        "headers": {k.lower(): v for k, v in answer_headers.items()},
        "elapsed_s": round(elapsed, 4),
        "body_prefix": raw[:2000].decode("utf-8", "replace"),
        "body_bytes": len(raw),
    }
    try:
        root = etree.fromstring(raw, etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        out["xml_error"] = str(error)
        print(json.dumps(out))
        return
    result = SchemaValidator(SchemaValidator.TAXII_11_SCHEMA).validate_string(raw)
    out["schema_valid"] = bool(result.valid)
    out["schema_errors"] = [str(e) for e in result.error_log][:5] if not result.valid else []
    out["namespace"] = etree.QName(root).namespace
    out["message_type"] = etree.QName(root).localname
    for attribute in ("message_id", "in_response_to", "status_type", "more", "result_id", "result_part_number",
                      "collection_name"):
        out[attribute] = root.get(attribute)
    details = {}
    for detail in root.findall("t:Status_Detail/t:Detail", NS):
        details.setdefault(detail.get("name"), []).append((detail.text or "").strip())
    out["status_details"] = details
    message = root.find("t:Message", NS)
    out["status_message"] = message.text if message is not None else None
    count = root.find("t:Record_Count", NS)
    out["record_count"] = int(count.text) if count is not None else None
    for name, key in (("Inclusive_End_Timestamp", "inclusive_end"), ("Exclusive_Begin_Timestamp", "exclusive_begin")):
        element = root.find(f"t:{name}", NS)
        out[key] = element.text if element is not None else None
    blocks = []
    for block in root.findall("t:Content_Block", NS):
        binding = block.find("t:Content_Binding", NS).get("binding_id")
        label = block.find("t:Timestamp_Label", NS)
        content = block.find("t:Content", NS)
        entry = {"label": label.text if label is not None else None, "binding": binding}
        try:
            package = content[0]
            if args.save_packages:
                import os
                os.makedirs(args.save_packages, exist_ok=True)
                with open(os.path.join(args.save_packages, f"block-{len(blocks) + 1}.xml"), "wb") as handle:
                    handle.write(etree.tostring(package, xml_declaration=True, encoding="UTF-8"))
            entry["observables"], entry["indicator_types"], entry["stix_version"] = stix_observables(package)
            entry["stix_ok"] = True
        except Exception as error:  # reported, asserted by the caller
            entry["stix_ok"] = False
            entry["stix_error"] = repr(error)
        blocks.append(entry)
    out["blocks"] = blocks
    # Services and collections, for discovery and collection information answers.
    out["services"] = [
        {"type": s.get("service_type"), "address": s.findtext("t:Address", namespaces=NS),
         "protocol": s.findtext("t:Protocol_Binding", namespaces=NS),
         "message_bindings": [m.text for m in s.findall("t:Message_Binding", NS)]}
        for s in root.findall("t:Service_Instance", NS)
    ]
    out["collections"] = [
        {"name": c.get("collection_name"), "type": c.get("collection_type"),
         "content_bindings": [b.get("binding_id") for b in c.findall("t:Content_Binding", NS)],
         "polling_addresses": [p.findtext("t:Address", namespaces=NS) for p in c.findall("t:Polling_Service", NS)]}
        for c in root.findall("t:Collection", NS)
    ]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
