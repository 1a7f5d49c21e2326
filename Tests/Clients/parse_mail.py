"""Parses a stored message with Python's email package (the strict default policy) and prints
what the mail tests check, as JSON: headers decoded, both alternative parts, defects, raw line lengths."""
import email
import email.policy
import json
import sys

raw = open(sys.argv[1], "rb").read()
message = email.message_from_bytes(raw, policy=email.policy.default)
plain = message.get_body(preferencelist=("plain",))
html = message.get_body(preferencelist=("html",))
defects = [repr(d) for part in message.walk() for d in part.defects]
lines = raw.split(b"\r\n")
print(json.dumps({
    "subject": str(message["Subject"]),
    "raw_subject_line": next((l.decode("ascii", "replace") for l in lines if l.startswith(b"Subject:")), None),
    "from": str(message["From"]),
    "to": [a.addr_spec for a in message["To"].addresses],
    "date": str(message["Date"]),
    "message_id": str(message["Message-ID"]),
    "mime_version": str(message["MIME-Version"]),
    "content_type": message.get_content_type(),
    "part_types": [p.get_content_type() for p in message.iter_parts()],
    "plain": plain.get_content() if plain is not None else None,
    "html": html.get_content() if html is not None else None,
    "defects": defects,
    "max_line_length": max(len(l) for l in lines),
    "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
    "non_ascii": any(b > 127 for b in raw),
    "header_names": list(message.keys()),
}))
