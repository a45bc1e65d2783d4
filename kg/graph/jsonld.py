"""Compact JSON-LD for kg.jsonld: one ``@context`` (the prefixes and ``@base``), short IRIs.

kg.jsonld is a JSON-LD document whose ``@graph`` lists one named-graph object per report::

    {"@context": {"@base": "https://w3id.org/govkg/id/", "gk": "https://w3id.org/govkg/ontology#", ...},
    "@graph": [
    {"@id": "graph/0050579bfe2f3618", "@graph": [{"@id": "measure/0050579bfe2f3618/3",
      "@type": "gk:Measure", "rdfs:label": {"@value": "普法", "@language": "zh"},
      "gk:actor": {"@id": "division/440804101000"}, "gk:category": {"@id": "cat:legal_aid"}}, ...]},
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
- one value is written as it is, several as an array, in the order given (keys in the
  order of their full IRIs, as in sorted N-Quads);
- a node's ``rdf:type`` IRIs are its ``@type``, right after its ``@id``.

Only prefixes whose namespace ends with ``/`` or ``#`` are put in the context (JSON-LD 1.1
only expands compact IRIs with such prefixes), and not those whose namespace's scheme is a
prefix's name (processors would expand it, or loop); ``@base`` only when it is an absolute
IRI ending with ``/`` that resolution leaves unchanged (lower-case scheme and host, no
dot or empty segments).  JSON strings are :func:`json.dumps` with ``ensure_ascii=False``.

>>> c = Compactor({"gk": "https://w3id.org/govkg/ontology#"}, "https://w3id.org/govkg/id/")
>>> c.ref("https://w3id.org/govkg/id/org/440804/%E4%BA%BA"), c.vocab("https://w3id.org/govkg/ontology#actor")
('"org/440804/%E4%BA%BA"', '"gk:actor"')
>>> c.ref("https://w3id.org/govkg/id/a/../b"), c.literal("07", None, "http://example.org/dt")
('"https://w3id.org/govkg/id/a/../b"', '{"@value":"07","@type":"http://example.org/dt"}')
"""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring
from typing import Iterable, Mapping, Optional

__all__ = ["Compactor", "graph_piece", "node_object", "graph_object", "blank_ref", "quote", "document_head",
           "DOCUMENT_TAIL"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: JSON text of a string: escapes ``"``, ``\\`` and control characters, keeps the rest as is
#: (what ``json.dumps(text, ensure_ascii=False)`` gives, without its per-call set-up).
quote = encode_basestring

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
# A base every resolver keeps as it is: lower-case scheme and host (rdflib lower-cases
# them), and a path without empty segments (checked for dot segments apart).
_BASE = re.compile(r"[a-z][a-z0-9+.\-]*://[^/?#\s\"<>\\A-Z]+(?:/[^/?#\s\"<>\\]+)*/\Z")


class Compactor:
    """The JSON texts of IRIs and literals under one context (``prefixes`` and ``base``)."""

    def __init__(self, prefixes: Mapping[str, str], base: Optional[str] = None) -> None:
        usable = {name: ns for name, ns in prefixes.items()
                  if _PREFIX_NAME.match(name) and ns[-1:] in ("/", "#") and name not in ("http", "https")}
        # a namespace whose scheme is a prefix's name would be expanded by that prefix (or
        # loop): such prefixes stay out of the context
        usable = {name: ns for name, ns in usable.items() if ns.partition(":")[0] not in usable}
        self.prefixes = dict(sorted(usable.items()))
        self.base = base if base and _BASE.match(base) and not _DOT_SEGMENT.search(
            base.partition("://")[2].partition("/")[2]) else None
        self._names = {ns: name for name, ns in self.prefixes.items()}
        # one match finds an IRI's namespace; longest first, so a nested prefix wins over the
        # one it is under
        namespaces = sorted(self._names, key=lambda ns: (-len(ns), ns))
        self._namespace = re.compile("|".join(map(re.escape, namespaces)) or "(?!)").match
        self._vocab: dict[str, str] = {}  # datatype IRI -> its text
        self._language: dict[str, str] = {}  # language tag -> its JSON string

    @property
    def context(self) -> dict:
        """The ``@context`` object: ``@base`` (when usable) and the prefixes, sorted."""
        return ({"@base": self.base} if self.base else {}) | self.prefixes

    def _compact(self, iri: str) -> Optional[str]:
        namespace = self._namespace(iri)
        if namespace is not None and _COMPACT_REST.match(iri, namespace.end()):
            return f"{self._names[namespace.group()]}:{iri[namespace.end():]}"
        return None

    def _full(self, iri: str) -> str:
        if iri.partition(":")[0] in self.prefixes:  # "gk:x" as an IRI would read as gk's x
            raise ValueError(f"the IRI {iri!r} cannot be written in JSON-LD: its scheme is the name "
                             f"of a prefix; rename the prefix")
        return quote(iri)

    def vocab(self, iri: str) -> str:
        """JSON string of an IRI as a key, an ``@type`` value or a datatype."""
        return self.texts(iri)[0]

    def ref(self, iri: str) -> str:
        """JSON string of an IRI as an ``@id`` value."""
        return self.texts(iri)[1]

    def texts(self, iri: str) -> tuple[str, str]:
        """JSON strings of an IRI as a key (:meth:`vocab`) and as an ``@id`` value."""
        compact = self._compact(iri)
        if compact is not None:
            text = quote(compact)
            return text, text
        full = self._full(iri)
        base = self.base
        if base and iri.startswith(base):
            rest = iri[len(base):]
            if _RELATIVE_REST.match(rest) and not _DOT_SEGMENT.search(rest):
                return full, quote(rest)
        return full, full

    def literal(self, text: str, language: Optional[str], datatype: Optional[str]) -> str:
        """JSON text of a literal: a string, or a value object."""
        return self.value(quote(text), language, datatype)

    def value(self, string: str, language: Optional[str], datatype: Optional[str]) -> str:
        """JSON text of a literal whose lexical form's JSON string is ``string``."""
        if language:
            tag = self._language.get(language)
            if tag is None:
                tag = self._language[language] = quote(language)
            return f'{{"@value":{string},"@language":{tag}}}'
        if datatype is None or datatype == XSD_STRING:
            return string
        kind = self._vocab.get(datatype)
        if kind is None:
            kind = self._vocab[datatype] = self.vocab(datatype)
        return f'{{"@value":{string},"@type":{kind}}}'


def blank_ref(label: str) -> str:
    """JSON string of a blank node as an ``@id`` value."""
    return quote(f"_:{label}")


def node_object(subject: str, predicates: Iterable[tuple[str, bool, list[str], list[Optional[str]]]]) -> str:
    """A node object from JSON texts: ``subject`` (its ``@id``) and, per predicate in order,
    (key, whether it is ``rdf:type``, the objects' value texts, the objects' ``@type`` texts
    or ``None`` for literals and blank nodes).  The ``rdf:type`` objects are the node's
    ``@type``, right after its ``@id``, when they are all IRIs."""
    types: Optional[list] = None
    parts = [f'{{"@id":{subject}']
    for key, is_type, values, kinds in predicates:
        if is_type and types is None and None not in kinds:
            types = kinds
        else:
            parts.append(f",{key}:{values[0] if len(values) == 1 else '[' + ','.join(values) + ']'}")
    if types is not None:
        parts[0] += f',"@type":{types[0] if len(types) == 1 else "[" + ",".join(types) + "]"}'
    parts.append("}")
    return "".join(parts)


def graph_object(graph: str, nodes: list[str]) -> str:
    """A report's named-graph object for kg.jsonld: ``graph`` (the JSON text of its ``@id``)
    and its node objects (``""`` for none)."""
    return f'{{"@id":{graph},"@graph":[' + ",".join(nodes) + "]}" if nodes else ""


def graph_piece(graph: str, rows: Iterable[tuple[str, str, bool, str, Optional[str]]]) -> str:
    """A report's named-graph object for kg.jsonld, from its triples' JSON texts: each row
    is (subject's ``@id`` text, predicate's key text, whether the predicate is ``rdf:type``,
    the object's value text, the object's ``@type`` text or ``None``), grouped by subject
    and, within a subject, by predicate (as sorted N-Quads are)."""
    nodes: list[str] = []
    subject: Optional[str] = None
    predicates: list[tuple[str, bool, list[str], list[Optional[str]]]] = []
    key = None
    values: list[str] = []
    kinds: list[Optional[str]] = []
    for s, p, is_type, value, kind in rows:
        if s != subject:
            if subject is not None:
                nodes.append(node_object(subject, predicates))
            subject, key, values, kinds = s, p, [value], [kind]
            predicates = [(p, is_type, values, kinds)]
        elif p != key:
            key, values, kinds = p, [value], [kind]
            predicates.append((p, is_type, values, kinds))
        else:
            values.append(value)
            kinds.append(kind)
    if subject is not None:
        nodes.append(node_object(subject, predicates))
    return graph_object(graph, nodes)


def document_head(compactor: Compactor) -> bytes:
    """kg.jsonld up to its first graph object; the graph objects follow, one per line,
    separated by ``,``, then :data:`DOCUMENT_TAIL`."""
    context = json.dumps(compactor.context, ensure_ascii=False, indent=1)
    return f'{{"@context": {context},\n"@graph": [\n'.encode("utf-8")


#: What ends kg.jsonld.
DOCUMENT_TAIL = b"\n]}\n"
