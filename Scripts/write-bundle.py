"""A second bundle writer, from Protocol/BUNDLE.md and MERGE.md alone (no Gloss code).

Scripts/make-vectors uses it to write vectors that gloss must read as a stranger's files:
one bundle in which every field holds control characters, and five that a reader must
refuse (U+0000 in a string, an operation count past the body's bound, a person named
outside NFC, a forged derived id, a payload not in canonical form). It needs Python's
`cryptography` package for Ed25519.

    python3 write-bundle.py CASE OUT.gloss      CASE: control | nul | bounds | nfd-person | forged-id | not-canonical
"""
import base64
import hashlib
import json
import os
import struct
import sys
import zlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KINDS = ["record.create", "record.set", "tag.add", "tag.remove", "note.create", "note.edit", "note.delete",
         "status.set", "source.say", "record.merge", "record.unmerge"]
STATUSES = ["unread", "to-read", "reading", "skimmed", "read"]
FIELDS = ["authors", "etAl", "title", "journal", "year", "date", "volume", "issue", "pages", "pubmed",
          "freeFullText", "abstract"]


def canonical(value):
    """MERGE.md §2: sorted keys, no white space, \\u00xx for other controls below U+0020."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        out = ['"']
        for ch in value:
            if ch == '"':
                out.append('\\"')
            elif ch == "\\":
                out.append("\\\\")
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\r":
                out.append("\\r")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 0x20:
                out.append("\\u%04x" % ord(ch))
            else:
                out.append(ch)
        return "".join(out) + '"'
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    keys = sorted(value, key=lambda k: k.encode())
    return "{" + ",".join(canonical(k) + ":" + canonical(value[k]) for k in keys) + "}"


def base32(digest, characters):
    return base64.b32encode(digest).decode().lower().rstrip("=")[:characters]


def normalise_ascii(text):
    """MERGE.md §1 for ASCII text: A-Z lowered, a-z 0-9 kept, other runs one space."""
    out, pending = [], False
    for ch in text.lower():
        if "a" <= ch <= "z" or "0" <= ch <= "9":
            if pending and out:
                out.append(" ")
            pending = False
            out.append(ch)
        else:
            pending = True
    return "".join(out)


def record_id(first_author, year, title):
    words = first_author.split(" ") if first_author is not None else []
    if len(words) > 1 and all(c == "-" or (c.upper() == c and c.lower() != c) for c in words[-1]):
        words = words[:-1]
    key = "%s|%s|%s" % (normalise_ascii(" ".join(words)), "" if year is None else year, normalise_ascii(title))
    return base32(hashlib.sha256(key.encode()).digest(), 12)


def note_id(replica, counter):
    return base32(hashlib.sha256(("%s:%d" % (replica, counter)).encode()).digest(), 10)


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def svarint(n):
    return varint((n << 1) ^ (n >> 63) if n < 0 else n << 1)


def write(path, person, operations, replica=None, payload_texts=None, header_changes=None):
    """Writes one signed bundle of `operations` (dicts as MERGE.md §2, with `supersedes`
    and `requires` as counters of this replica) by replica `replica` (hex, fresh when not
    given) of `person`, with a fresh key. `payload_texts` may give an operation's payload
    text as sent, to write one that is not canonical; `header_changes` header members to
    replace, to write a header that breaks a bound."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    replica = replica or os.urandom(16).hex()
    strings, index = [], {}

    def intern(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return varint(index[text])

    replicas = [replica]
    chain = bytes(32)
    ops = bytearray()
    previous_hlc = 0
    for counter, op in enumerate(operations, start=1):
        op = dict(op, dot="%s:%d" % (replica, counter), person=person)
        payload = op["payload"]
        text = (payload_texts or {}).get(counter, canonical(payload))
        for field in ("supersedes", "requires"):
            op[field] = ["%s:%d" % (replica, n) for n in op.get(field, [])]
        as_hashed = dict(op)
        chain = hashlib.sha256(chain + canonical(as_hashed).encode()).digest()
        kind = op["kind"]
        ops += bytes([KINDS.index(kind)]) + svarint(op["hlc"] - previous_hlc) + intern(op["target"])
        previous_hlc = op["hlc"]
        if kind in ("record.create", "source.say"):
            ops += intern(text)
        elif kind == "record.set":
            ops += bytes([FIELDS.index(payload["field"])]) + intern(canonical(payload["value"]))
        elif kind in ("tag.add", "tag.remove"):
            ops += intern(payload["tag"])
        elif kind == "note.create":
            ops += intern(payload["record"]) + intern(payload["text"]) + b"\0"
        elif kind == "note.edit":
            ops += intern(payload["text"])
        elif kind == "status.set":
            ops += bytes([STATUSES.index(payload["status"])])
        for field in ("supersedes", "requires"):
            ops += varint(len(op[field]))
            for dot in op[field]:
                ops += varint(0) + varint(int(dot.split(":")[1]))
    raw = varint(len(replicas)) + b"".join(bytes.fromhex(r) for r in replicas)
    raw += varint(len(strings)) + b"".join(varint(len(s.encode())) + s.encode() for s in strings) + bytes(ops)
    to = len(operations)
    signed = b"gloss-chain/1" + bytes.fromhex(replica) + struct.pack(">Q", to) + chain
    header = {
        "format": "gloss-bundle", "version": "2.1",
        "sender": {"replica": replica, "person": person, "key": public.hex()},
        "clock": {replica: to}, "prerequisites": {},
        "ranges": [{"replica": replica, "person": person, "key": public.hex(), "from": 1, "to": to,
                    "previous": "00" * 32, "head": chain.hex(), "signature": key.sign(signed).hex()}],
        "introductions": [], "operations": to, "rawBytes": len(raw), "created": 1_700_000_000_000,
    }
    header.update(header_changes or {})
    head, body = canonical(header).encode(), zlib.compress(bytes(raw))
    data = b"GLOSS BUNDLE 2.1\n" + public + struct.pack(">IQ", len(head), len(body)) + head + body
    checksum = hashlib.sha256(data).digest()
    with open(path, "wb") as f:
        f.write(data + checksum + key.sign(b"gloss-bundle/2" + checksum))


def creation(authors, year, title, **fields):
    payload = {"authors": authors, "etAl": False, "title": title, "journal": "", "year": year, "date": "",
               "volume": "", "issue": "", "pages": "", "pubmed": False, "freeFullText": False, "abstract": [],
               "topics": [], "sources": []}
    payload.update(fields)
    return payload


def main(case, path):
    hlc = 1_700_000_000_000 << 16
    if case == "control":
        # Every kind of field holds control characters, the list separators among them.
        payload = creation(
            ["Smith\x1fJ Q", "", "\x1e"], 2021, "Tabs\tand\x01bells\x07 \x7f",
            journal="J\x1fournal", date="2021\x1e", volume="\x1b", issue="\x1b\x1b", pages="1\x0b-2",
            abstract=[{"label": "", "text": "one\x1etwo"}, {"label": None, "text": "\x1f"},
                      {"label": "\x1e", "text": ""}],
            topics=sorted(["", "x\x1fy", "\x1b"], key=lambda s: s.encode()), sources=["python\x0c.txt"],
            doi="10.1000/\x1f")
        record = record_id("Smith\x1fJ Q", 2021, payload["title"])
        replica = os.urandom(16).hex()
        ops = [
            {"hlc": hlc, "kind": "record.create", "target": record, "payload": payload},
            {"hlc": hlc + 1, "kind": "tag.add", "target": record, "payload": {"tag": "ctl\x01Tag"}, "requires": [1]},
            {"hlc": hlc + 2, "kind": "note.create", "target": note_id(replica, 3),
             "payload": {"record": record, "text": "bell\x07 \x1e\x1f\x1b end", "anchor": None}, "requires": [1]},
            {"hlc": hlc + 3, "kind": "record.set", "target": record,
             "payload": {"field": "authors", "value": ["", "Smith\x1fJ Q"]}, "supersedes": [1]},
            {"hlc": hlc + 4, "kind": "status.set", "target": record, "payload": {"status": "reading"},
             "requires": [1]},
        ]
        write(path, "python", ops, replica=replica)
    elif case == "nul":
        payload = creation(["Writer C"], 2020, "A title", journal="Nul\x00journal")
        write(path, "mallory", [
            {"hlc": hlc, "kind": "record.create", "target": record_id("Writer C", 2020, "A title"),
             "payload": payload}])
    elif case == "bounds":
        # A million operations announced for a body of a few hundred bytes (BUNDLE.md §4 step 7).
        payload = creation(["Writer D"], 2020, "Bounds")
        write(path, "mallory", [
            {"hlc": hlc, "kind": "record.create", "target": record_id("Writer D", 2020, "Bounds"),
             "payload": payload}], header_changes={"operations": 1_000_000})
    elif case == "nfd-person":
        payload = creation(["Writer E"], 2020, "Names")
        write(path, "Jose\u0301", [
            {"hlc": hlc, "kind": "record.create", "target": record_id("Writer E", 2020, "Names"),
             "payload": payload}])
    elif case == "forged-id":
        payload = creation(["Forger A"], 2020, "Somebody else's paper")
        write(path, "mallory", [{"hlc": hlc, "kind": "record.create", "target": "aaaaaaaaaaaa", "payload": payload}])
    elif case == "not-canonical":
        payload = creation(["Writer B"], 2020, "Topics in the wrong order", topics=["b", "a"])
        write(path, "mallory", [
            {"hlc": hlc, "kind": "record.create", "target": record_id("Writer B", 2020, payload["title"]),
             "payload": payload}], payload_texts={1: canonical(payload)})
    else:
        sys.exit("unknown case " + case)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
