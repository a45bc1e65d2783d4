"""Compact JSON-LD for kg.jsonld: one ``@context`` (the prefixes and ``@base``), short IRIs.

kg.jsonld is a JSON-LD document whose ``@graph`` lists one named-graph object per report::

    {"@context": {"@base": "https://w3id.org/govkg/id/", "gk": "https://w3id.org/govkg/ontology#", ...},
    "@graph": [
    {"@id": "graph/0050579bfe2f3618", "@graph": [{"@id": "measure/0050579bfe2f3618/3",
      "@type": "gk:Measure", "gk:actor": {"@id": "division/440804101000"},
      "rdfs:label": {"@value": "普法", "@language": "zh"}, "gk:year": {"@value": "2023", "@type": "xsd:gYear"}}, ...]},
    ...
    ]}

The rules (:class:`Compactor`), chosen so every JSON-LD 1.0/1.1 processor reads back exactly
the quads of kg.trig (``tests/graph/test_jsonld.py`` parses it with pyoxigraph and rdflib):

- keys, ``@type`` values and datatypes are *vocabulary* positions: a compact IRI
  (``gk:actor``) when the IRI is under a prefix and the rest is plain, else the full IRI
  (never relative: a key relative to ``@base`` would be dropped);
- ``@id`` values (subjects, objects, graphs) are compact IRIs too, else relative to
  ``@base`` when the rest is a plain relative path (no ``:``, ``?``, ``#``, no ``.``, ``..``
  or empty segment, so resolving it cannot change it), else the full IRI;
- a plain string literal is a JSON string; other literals are value objects with their
  lexical form as a string (never a JSON number: ``"07"^^xsd:integer`` stays ``"07"``);
- one value is written as it is, several as an array, in the order given;
- a node's ``rdf:type`` IRIs are its ``@type``, right after its ``@id``.

Only prefixes whose namespace ends with ``/`` or ``#`` are put in the context (JSON-LD 1.1
only expands compact IRIs with such prefixes), and ``@base`` only when it is an absolute
IRI ending with ``/``.  JSON strings are :func:`json.dumps` with ``ensure_ascii=False``.

>>> c = Compactor({"gk": "https://w3id.org/govkg/ontology#"}, "https://w3id.org/govkg/id/")
>>> c.ref("https://w3id.org/govkg/id/org/440804/%E4%BA%BA"), c.vocab("https://w3id.org/govkg/ontology#actor")
('"org/440804/%E4%BA%BA"', '"gk:actor"')
>>> c.ref("https://w3id.org/govkg/id/a/../b"), c.literal("07", None, "http://example.org/dt")
('"https://w3id.org/govkg/id/a/../b"', '{"@value":"07","@type":"http://example.org/dt"}')
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Iterable, Mapping, Optional, Sequence

__all__ = ["Compactor", "graph_piece", "blank_ref", "document_head", "DOCUMENT_TAIL"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: JSON text of a string: escapes ``"``, ``\\`` and control characters, keeps the rest as is.
quote = partial(json.dumps, ensure_ascii=False)

# The rest of an IRI after a prefix's namespace, written as "prefix:rest": concatenation is
# all a processor does, but "//..." would read as an absolute IRI, and anything unusual is
# simply written in full.
_COMPACT_REST = re.compile(r"(?!//)[A-Za-z0-9_\-.~%/]+\Z")
# The rest of an IRI after @base, written as a relative reference: a path without a scheme,
# query or fragment, without dot segments (resolution removes them) and without empty
# segments (some resolvers, Python's urljoin among them, drop those).
_RELATIVE_REST = re.compile(r"[A-Za-z0-9_\-~%][A-Za-z0-9_\-.~%/]*\Z")
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|\Z)|//")
_PREFIX_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*\Z")
_BASE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^?#\s\"<>\\]*/\Z")


class Compactor:
    """The JSON texts of IRIs and literals under one context (``prefixes`` and ``base``)."""

    def __init__(self, prefixes: Mapping[str, str], base: Optional[str] = None) -> None:
        usable = {name: ns for name, ns in prefixes.items()
                  if _PREFIX_NAME.match(name) and ns[-1:] in ("/", "#") and name not in ("http", "https")}
        self.prefixes = dict(sorted(usable.items()))
        self.base = base if base and _BASE.match(base) else None
        # longest namespace first, so a nested prefix wins over the one it is under
        self._namespaces = sorted(((ns, name) for name, ns in self.prefixes.items()),
                                  key=lambda pair: (-len(pair[0]), pair[0]))

    @property
    def context(self) -> dict:
        """The ``@context`` object: ``@base`` (when usable) and the prefixes, sorted."""
        return ({"@base": self.base} if self.base else {}) | self.prefixes

    def _compact(self, iri: str) -> Optional[str]:
        for ns, name in self._namespaces:
            if iri.startswith(ns) and _COMPACT_REST.match(iri, len(ns)):
                return f"{name}:{iri[len(ns):]}"
        return None

    def _full(self, iri: str) -> str:
        if iri.partition(":")[0] in self.prefixes:  # "gk:x" as an IRI would read as gk's x
            raise ValueError(f"the IRI {iri!r} cannot be written in JSON-LD: its scheme is the name "
                             f"of a prefix; rename the prefix")
        return quote(iri)

    def vocab(self, iri: str) -> str:
        """JSON string of an IRI as a key, an ``@type`` value or a datatype."""
        compact = self._compact(iri)
        return self._full(iri) if compact is None else quote(compact)

    def ref(self, iri: str) -> str:
        """JSON string of an IRI as an ``@id`` value."""
        compact = self._compact(iri)
        if compact is None:
            base = self.base
            if base and iri.startswith(base):
                rest = iri[len(base):]
                if _RELATIVE_REST.match(rest) and not _DOT_SEGMENT.search(rest):
                    return quote(rest)
            return self._full(iri)
        return quote(compact)

    def node_ref(self, iri: str) -> str:
        """JSON text of an IRI as an object: ``{"@id":...}``."""
        return f'{{"@id":{self.ref(iri)}}}'

    def literal(self, text: str, language: Optional[str], datatype: Optional[str]) -> str:
        """JSON text of a literal: a string, or a value object."""
        if language:
            return f'{{"@value":{quote(text)},"@language":{quote(language)}}}'
        if datatype is None or datatype == XSD_STRING:
            return quote(text)
        return f'{{"@value":{quote(text)},"@type":{self.vocab(datatype)}}}'


def blank_ref(label: str) -> str:
    """JSON string of a blank node as an ``@id`` value."""
    return quote(f"_:{label}")


def _value(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else "[" + ",".join(values) + "]"


def graph_piece(graph: str, rows: Iterable[tuple[str, str, bool, str, Optional[str]]]) -> str:
    """A report's named-graph object for kg.jsonld, from its triples' JSON texts.

    ``graph`` is the JSON text of the graph's ``@id``; each row is a triple as (subject's
    ``@id`` text, predicate's key text, whether the predicate is ``rdf:type``, the object's
    value text, the object's ``@type`` text or ``None`` for a literal or blank node), grouped
    by subject and, within a subject, by predicate (as sorted N-Quads are).  A subject's
    ``rdf:type`` objects are its ``@type`` when they are all IRIs."""
    nodes: list[str] = []
    subject = key = None
    is_type = False
    types: list[str] = []
    parts: list[str] = []  # the node's members after "@id" and "@type"
    objects: list[tuple[str, Optional[str]]] = []

    def end_predicate() -> None:
        if is_type and not types and all(vocab is not None for _, vocab in objects):
            types.extend(vocab for _, vocab in objects)  # type: ignore[misc]
        else:
            parts.append(f",{key}:{_value([value for value, _ in objects])}")

    def end_subject() -> None:
        end_predicate()
        head = f'{{"@id":{subject}' + (f',"@type":{_value(types)}' if types else "")
        nodes.append(head + "".join(parts) + "}")

    for s, p, p_is_type, value, vocab in rows:
        if s != subject:
            if subject is not None:
                end_subject()
            subject, key, is_type = s, p, p_is_type
            types, parts, objects = [], [], [(value, vocab)]
        elif p != key:
            end_predicate()
            key, is_type = p, p_is_type
            objects = [(value, vocab)]
        else:
            objects.append((value, vocab))
    if subject is None:
        return ""
    end_subject()
    return f'{{"@id":{graph},"@graph":[' + ",".join(nodes) + "]}"


def document_head(compactor: Compactor) -> bytes:
    """kg.jsonld up to its first graph object; the graph objects follow, one per line,
    separated by ``,``, then :data:`DOCUMENT_TAIL`."""
    context = json.dumps(compactor.context, ensure_ascii=False, indent=1)
    return f'{{"@context": {context},\n"@graph": [\n'.encode("utf-8")


#: What ends kg.jsonld.
DOCUMENT_TAIL = b"\n]}\n"
