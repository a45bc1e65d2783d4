"""A report's pieces of the corpus files, written straight from the builder's triples.

:func:`kg.workflow.unit.derive_artifacts` makes a report's pieces of kg.trig, kg.ttl,
kg.jsonld (and its sorted N-Quads and shared N-Triples) by parsing its N-Quads with
pyoxigraph and serialising them again, which cost about as much as segmenting the report.
:func:`triples_artifacts` writes the same bytes from the triples the builder already
holds, in one pass over the sorted lines: 56 % of the instructions (callgrind, the 5
samples, N-Quads included: 1,034 M -> 580 M).

"The same bytes" is the contract, and the fallback keeps it: the writer follows
pyoxigraph's streaming writers (a subject's triples joined with ``;``, a predicate's
objects with ``,``; ``rdf:type`` as ``a``; xsd:integer/decimal/double/boolean literals
inline when their form is a Turtle number or boolean; prefixed names for IRIs under a
prefix; pyoxigraph's string escapes), and returns ``None`` for any report with a term
it does not know pyoxigraph writes the same way: an IRI under a prefix whose local part
is not plain (pyoxigraph escapes ``%``, ``/``, a leading ``-``...), an IRI or language
tag pyoxigraph would refuse, a term that is not an IRI or a literal, or prefixes that
nest.  The caller then takes pyoxigraph's path.  kg.jsonld's pieces are compact JSON-LD,
which pyoxigraph does not write: both paths make them with :mod:`kg.graph.jsonld`.
``tests/graph/test_pieces.py`` checks the bytes against the fallback on every sample and
corpus report and on random graphs.

>>> from rdflib import URIRef
>>> from kg.graph.terms import Lit
>>> g = "https://w3id.org/govkg/id/graph/00000000000000ab"
>>> triples = [(URIRef("https://w3id.org/govkg/id/m/00000000000000ab/1"),
...             URIRef("https://w3id.org/govkg/ontology#label"), Lit("普法", language="zh"))]
>>> pieces = triples_artifacts(g, triples, {"gk": "https://w3id.org/govkg/ontology#"})
>>> print(pieces["trig"].decode().replace("\\t", "  "))
<https://w3id.org/govkg/id/graph/00000000000000ab> {
  <https://w3id.org/govkg/id/m/00000000000000ab/1> gk:label "普法"@zh .
}
<BLANKLINE>
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Any, Iterable, Mapping, Optional

from pyoxigraph import NamedNode
from rdflib import Literal, URIRef

from kg.graph.jsonld import Compactor, graph_object, node_object, quote
from kg.graph.terms import Lit

__all__ = ["triples_artifacts"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE_NT = f"<{_RDF}type>"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"

# Local parts pyoxigraph writes as they are after "prefix:" (checked against it; anything
# else, e.g. "a.", "-a", "a%20", "a/b", "·a", makes the report take the fallback).
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?\Z")
_LANGUAGE = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z")
# The lexical forms pyoxigraph writes without quotes, per datatype (Turtle's grammar).
_INLINE = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+\Z"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
    _XSD + "boolean": re.compile(r"(?:true|false)\Z"),
}

_SPECIAL = re.compile(r'[\x00-\x1f\x7f"\\]')
_NAMED = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


# GovKG's own N-Quads writer escapes these four only (kg.graph.serialize._nq_literal)
_NQ_SPECIAL = re.compile(r'[\n\r"\\]')


def _nq_char(match: "re.Match") -> str:
    return _NAMED[match.group()]


def _turtle_char(match: "re.Match") -> str:  # Turtle and N-Triples: \u007F, upper-case hex
    ch = match.group()
    return _NAMED.get(ch) or f"\\u{ord(ch):04X}"


_first = itemgetter(0)


class _Unsupported(Exception):
    """A term this writer cannot promise to write as pyoxigraph does."""


class _Terms:
    """Each term's texts in N-Quads, Turtle, N-Triples and JSON-LD (IRIs computed once).

    The texts the pieces are joined from are UTF-8 bytes, each encoded once per term (an IRI
    recurs on many lines; a literal's Turtle text is in both kg.trig and kg.ttl), so the pieces
    are joined, not encoded, and N-Quads lines sort bytewise (the same order as by code point).
    """

    def __init__(self, prefixes: Mapping[str, str], base: Optional[str] = None) -> None:
        self.jsonld = Compactor(prefixes, base)
        namespaces = sorted(prefixes.items(), key=lambda kv: kv[1])
        for (_, a), (_, b) in zip(namespaces, namespaces[1:]):
            if b.startswith(a):  # which prefix pyoxigraph picks is then not ours to say
                raise _Unsupported(f"nested prefixes {a} and {b}")
        self.names = {ns: name for name, ns in namespaces}
        # one match finds the namespace an IRI starts with (they do not nest: at most one)
        self.namespace = re.compile("|".join(re.escape(ns) for _, ns in namespaces) or "(?!)").match
        self.iris: dict[str, tuple[str, bytes, str, str, bytes, str]] = {}
        self.datatypes: dict[str, tuple[str, str]] = {}

    def _iri_texts(self, value: str) -> tuple[str, str]:
        """(N-Triples, Turtle) text of an IRI, ``_Unsupported`` unless written as pyoxigraph does."""
        try:
            NamedNode(value)  # pyoxigraph's own check, as parsing the N-Quads would do
        except ValueError as err:
            raise _Unsupported(f"IRI {value!r}: {err}") from err
        nt = turtle = f"<{value}>"
        namespace = self.namespace(value)
        if namespace is not None:
            local = value[namespace.end():]
            if not _PLAIN_LOCAL.match(local):
                raise _Unsupported(f"local name {local!r}")
            turtle = f"{self.names[namespace.group()]}:{local}"
        return nt, turtle

    def iri(self, value: str) -> tuple[str, bytes, str, str, bytes, str]:
        """N-Triples text, Turtle bytes, JSON-LD key (vocabulary) and object texts, N-Quads
        bytes and JSON-LD ``@id`` text of an IRI."""
        found = self.iris.get(value)
        if found is not None:
            return found
        nt, turtle = self._iri_texts(value)
        try:
            vocab, ref = self.jsonld.texts(value)
        except ValueError as err:
            raise _Unsupported(str(err)) from err
        found = self.iris[value] = (nt, turtle.encode("utf-8"), vocab, f'{{"@id":{ref}}}',
                                    nt.encode("utf-8"), ref)
        return found

    def literal(self, term: Any) -> tuple[str, bytes, None, str, bytes]:
        """N-Triples text, Turtle bytes, ``None`` (no JSON-LD key form), JSON-LD value text
        and N-Quads bytes of a literal.

        N-Triples is pyoxigraph's escaping (kg.ttl's shared lines); N-Quads is GovKG's own
        writer's (:func:`kg.graph.serialize.triples_nquads`), which the cache and the store
        have always had."""
        text = str(term)
        language = term.language
        datatype = None if language else term.datatype
        if datatype is not None:
            datatype = str(datatype)
            if datatype == _XSD_STRING:
                datatype = None
        if _SPECIAL.search(text):
            quoted, nq_text = _SPECIAL.sub(_turtle_char, text), _NQ_SPECIAL.sub(_nq_char, text)
            string = quote(text)
        else:  # nothing to escape (JSON escapes a subset of these)
            quoted = nq_text = text
            string = f'"{text}"'
        if language:
            if not _LANGUAGE.match(language) or not language.islower():
                raise _Unsupported(f"language tag {language!r}")
            nt = f'"{quoted}"@{language}'
            turtle = nt.encode("utf-8")
            nq = turtle if nq_text is quoted else f'"{nq_text}"@{language}'.encode("utf-8")
            return nt, turtle, None, self.jsonld.value(string, language, None), nq
        if datatype is None:
            nt = f'"{quoted}"'
            turtle = nt.encode("utf-8")
            nq = turtle if nq_text is quoted else f'"{nq_text}"'.encode("utf-8")
            return nt, turtle, None, string, nq
        if datatype.startswith(_RDF):  # rdf:langString without a language, ...: refused
            raise _Unsupported(f"datatype {datatype}")
        dt_texts = self.datatypes.get(datatype)
        if dt_texts is None:
            try:
                self.jsonld.vocab(datatype)
            except ValueError as err:
                raise _Unsupported(str(err)) from err
            dt_texts = self.datatypes[datatype] = self._iri_texts(datatype)
        dt_nt, dt_turtle = dt_texts
        inline = _INLINE.get(datatype)
        turtle = text if inline is not None and inline.match(text) else f'"{quoted}"^^{dt_turtle}'
        nt = f'"{quoted}"^^{dt_nt}'
        nq = nt if nq_text is quoted else f'"{nq_text}"^^{dt_nt}'
        return nt, turtle.encode("utf-8"), None, self.jsonld.value(string, None, datatype), nq.encode("utf-8")


def triples_artifacts(graph_iri: str, triples: Iterable[tuple], prefixes: Mapping[str, str],
                      base: Optional[str] = None) -> Optional[dict[str, bytes]]:
    """The report's pieces (``nq``, ``trig``, ``ttl``, ``shared.nt``, ``jsonld``), byte for
    byte what :func:`kg.workflow.unit.derive_artifacts` makes of its N-Quads; ``None`` when
    a term is one this writer does not handle (see the module docstring).  ``base`` is
    kg.jsonld's ``@base`` (:mod:`kg.graph.jsonld`)."""
    try:
        return _artifacts(str(graph_iri), triples, prefixes, base)
    except _Unsupported:
        return None


def _artifacts(graph_iri: str, triples: Iterable[tuple], prefixes: Mapping[str, str],
               base: Optional[str]) -> dict[str, bytes]:
    terms = _Terms(prefixes, base)
    rid = graph_iri.rstrip("/").rsplit("/", 1)[-1]
    marker = f"/{rid}"
    _, graph_turtle, _, _, graph_nq, graph_ref = terms.iri(graph_iri)
    tail = b" " + graph_nq + b" .\n"
    # Term objects recur (a node is the subject of many triples): their texts are looked up
    # by id(), cheap, instead of by rdflib's hash; the triples keep every term alive meanwhile.
    # Each IRI's texts are one tuple (terms.iri caches by value), so "same IRI" is "is".
    known: dict[int, tuple] = {}
    iri = terms.iri
    literal = terms.literal
    rows = []
    append = rows.append
    join = b"".join
    for s, p, o in triples:
        s_texts = known.get(id(s))
        if s_texts is None:
            if type(s) is not URIRef:
                raise _Unsupported(f"subject {s!r}: GovKG writes IRIs only")
            s_texts = known[id(s)] = iri(str(s))
        p_texts = known.get(id(p))
        if p_texts is None:
            if type(p) is not URIRef:
                raise _Unsupported(f"predicate {p!r}: GovKG writes IRIs only")
            p_texts = known[id(p)] = iri(str(p))
        o_texts = known.get(id(o))
        if o_texts is None:
            kind = type(o)
            if kind is URIRef:
                o_texts = iri(str(o))
            elif kind is Lit or kind is Literal:
                o_texts = literal(o)
            else:
                raise _Unsupported(f"object {o!r}: GovKG writes IRIs and literals only")
            known[id(o)] = o_texts
        append((join((s_texts[4], b" ", p_texts[4], b" ", o_texts[4], tail)), s_texts, p_texts, o_texts))
    rows.sort(key=_first)  # by the line (equal lines, if ever, are equal texts: never by terms)

    # Each piece is a list of byte strings, joined once at the end.
    trig = [graph_turtle, b" {\n"]
    ttl: list[bytes] = []
    shared: list[str] = []
    nodes: list[str] = []  # the JSON-LD node objects
    predicates: list[tuple] = []  # the current node's (key, is rdf:type, values, kinds)
    values: list[str] = []  # the current predicate's objects: value texts
    kinds: list[Optional[str]] = []  # ... and @type texts (None for literals)
    last_s = last_p = None
    local = False
    for _, s_texts, p_texts, o_texts in rows:
        p_turtle = b"a" if p_texts[0] == _RDF_TYPE_NT else p_texts[1]
        o_turtle = o_texts[1]
        if s_texts is not last_s:
            if last_s is not None:
                trig.append(b" .\n")
                if local:
                    ttl.append(b" .\n")
                nodes.append(node_object(last_s[5], predicates))
            local = marker in s_texts[0]
            trig += (b"\t", s_texts[1], b" ", p_turtle, b" ", o_turtle)
            if local:
                ttl += (s_texts[1], b" ", p_turtle, b" ", o_turtle)
            values, kinds = [o_texts[3]], [o_texts[2]]
            predicates = [(p_texts[2], p_turtle == b"a", values, kinds)]
        elif p_texts is last_p:
            trig += (b" , ", o_turtle)
            if local:
                ttl += (b" , ", o_turtle)
            values.append(o_texts[3])
            kinds.append(o_texts[2])
        else:
            trig += (b" ;\n\t\t", p_turtle, b" ", o_turtle)
            if local:
                ttl += (b" ;\n\t", p_turtle, b" ", o_turtle)
            values, kinds = [o_texts[3]], [o_texts[2]]
            predicates.append((p_texts[2], p_turtle == b"a", values, kinds))
        last_s, last_p = s_texts, p_texts
        if not local:
            shared.append(f"{s_texts[0]} {p_texts[0]} {o_texts[0]} .\n")
    if last_s is None:
        return {"nq": b"", "trig": b"", "ttl": b"", "shared.nt": b"", "jsonld": b""}
    trig.append(b" .\n}\n")
    if local:
        ttl.append(b" .\n")
    nodes.append(node_object(last_s[5], predicates))
    return {
        "nq": join([row[0] for row in rows]),
        "trig": join(trig),
        "ttl": join(ttl),
        "shared.nt": "".join(sorted(set(shared))).encode("utf-8"),
        "jsonld": graph_object(graph_ref, nodes).encode("utf-8"),
    }
