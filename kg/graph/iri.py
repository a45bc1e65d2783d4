"""Deterministic IRIs for everything the graph mints.

Every IRI is ``<base><kind>/<part>/<part>…``: parts are NFC-normalised and
percent-encoded as UTF-8 (nothing but unreserved ASCII stays literal), so a
part may hold any text, including ``/``, and the result is always a valid IRI
that serialises identically in Turtle, N-Quads and JSON-LD.

>>> str(mint("measure", "5bf22f6afb19df36", 3, base="https://w3id.org/govkg/id/"))
'https://w3id.org/govkg/id/measure/5bf22f6afb19df36/3'
>>> str(mint("org", "310113103000", "司法所", base="http://x/"))
'http://x/org/310113103000/%E5%8F%B8%E6%B3%95%E6%89%80'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import quote

from rdflib import URIRef

from kg import settings

__all__ = ["mint", "encode_part", "report_id", "KINDS"]

#: The kinds of node the graph mints (first path segment).
KINDS = ("graph", "report", "division", "org", "law", "programme", "person", "group", "observance",
         "measure", "indicator", "mention", "evidence", "assertion", "role")

_KIND = re.compile(r"^[a-z][a-z0-9-]*$")


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")


def encode_part(part: object) -> str:
    """One path segment: NFC, stripped, percent-encoded; ``ValueError`` if empty."""
    text = part if type(part) is str else str(part)
    if _UNRESERVED.fullmatch(text):  # ids, offsets, hashes: nothing to normalise or encode
        return text
    return _encode_text(text)


@functools.lru_cache(maxsize=65536)
def _encode_text(text: str) -> str:
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not cleaned:
        raise ValueError(f"empty IRI part {text!r}: every part of a minted IRI needs text")
    return quote(cleaned, safe="")


def mint(kind: str, *parts: object, base: str | None = None) -> URIRef:
    """The IRI of a node of ``kind`` identified by ``parts`` under ``base``
    (default :data:`kg.settings.BASE_IRI`)."""
    if not parts:
        raise ValueError(f"mint({kind!r}) needs at least one identifying part")
    return URIRef(_prefix(settings.BASE_IRI if base is None else base, kind)
                  + "/".join([encode_part(p) for p in parts]))


@functools.lru_cache(maxsize=256)
def _prefix(base: str, kind: str) -> str:
    if not _KIND.match(kind):
        raise ValueError(f"bad IRI kind {kind!r}: use lower-case ASCII such as 'measure'")
    return (base if base.endswith(("/", "#")) else base + "/") + kind + "/"


def report_id(sha256: str) -> str:
    """The report id used in IRIs: the first 16 hex digits of its raw-bytes SHA-256.

    >>> report_id("5BF22F6AFB19DF36AAAA")
    '5bf22f6afb19df36'
    """
    rid = sha256.strip().lower()[:16]
    if len(rid) < 16 or not re.fullmatch(r"[0-9a-f]+", rid):
        raise ValueError(f"report sha256 {sha256!r} is not a hex digest: compute it over the raw bytes")
    return rid
