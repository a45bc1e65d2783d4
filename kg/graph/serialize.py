"""Writing the graph: TriG (named graphs), Turtle and JSON-LD (union), N-Quads.

Every writer is deterministic (same triples -> same bytes, whatever the order
they were added in) and atomic (a temporary file beside the target, then
``os.replace``), so an interrupted build never leaves half a file.

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph()
>>> g.add((URIRef("http://x/b"), URIRef("http://x/p"), Literal("乙")))
<Graph identifier=... (<class 'rdflib.graph.Graph'>)>
>>> g.add((URIRef("http://x/a"), URIRef("http://x/p"), Literal("甲")))
<Graph identifier=... (<class 'rdflib.graph.Graph'>)>
>>> print(report_nquads("http://x/g", g).decode(), end="")
<http://x/a> <http://x/p> "甲" <http://x/g> .
<http://x/b> <http://x/p> "乙" <http://x/g> .
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Optional, Union

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer

from kg.graph.namespaces import PREFIXES, RDF, XSD
from kg.graph.terms import Lit

__all__ = ["write_trig", "write_ttl", "write_jsonld", "report_nquads", "triples_nquads", "to_dataset", "union_graph",
           "jsonld_context", "atomic_write", "CONTEXT_FILE"]

#: Name of the JSON-LD context file written beside kg.jsonld.
CONTEXT_FILE = "context.jsonld"

GraphsLike = Union[Dataset, Mapping, Iterable]


def atomic_write(path: Union[str, Path], data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _bind(graph, prefixes: Optional[Mapping[str, str]]) -> None:
    for prefix, ns in sorted((prefixes or PREFIXES).items()):
        graph.bind(prefix, ns, override=True, replace=True)


def to_dataset(graphs: GraphsLike, prefixes: Optional[Mapping[str, str]] = None) -> Dataset:
    """A Dataset from a Dataset, a mapping {graph IRI: Graph} or (IRI, Graph) pairs / Graphs."""
    if isinstance(graphs, Dataset):
        return graphs
    items = graphs.items() if isinstance(graphs, Mapping) else graphs
    ds = Dataset()
    _bind(ds, prefixes)
    for item in items:
        iri, graph = (item.identifier, item) if isinstance(item, Graph) else item
        target = ds.graph(URIRef(str(iri)))
        for triple in graph:
            target.add(triple)
    return ds


def union_graph(graphs: GraphsLike) -> Graph:
    """All triples of all named graphs in one Graph."""
    union = Graph()
    _bind(union, None)
    ds = to_dataset(graphs)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer with the named graphs in IRI order (it keeps store order)."""

    def __init__(self, store) -> None:
        super().__init__(store)
        self.contexts = sorted(self.contexts, key=lambda c: str(c.identifier))


def _check_no_bnodes(triples) -> None:
    for triple in triples:
        if any(isinstance(t, BNode) for t in triple[:3]):
            raise ValueError(f"blank node in {triple}: GovKG graphs mint IRIs for every node "
                             "so that output is byte-stable; mint one with kg.graph.iri.mint")


def write_trig(graphs: GraphsLike, path: Union[str, Path], *,
               prefixes: Optional[Mapping[str, str]] = None) -> Path:
    """Write the named graphs as TriG, graphs in IRI order, triples sorted."""
    ds = to_dataset(graphs, prefixes)
    _bind(ds, prefixes)
    buf = io.BytesIO()
    _SortedTrigSerializer(ds).serialize(buf, encoding="utf-8")
    return atomic_write(path, buf.getvalue())


def write_ttl(union: Graph, path: Union[str, Path], *,
              prefixes: Optional[Mapping[str, str]] = None) -> Path:
    """Write one graph (usually the union of all reports) as sorted Turtle with prefixes."""
    if isinstance(union, Dataset):
        union = union_graph(union)
    graph = Graph()
    _bind(graph, prefixes)
    for triple in union:
        graph.add(triple)
    buf = io.BytesIO()
    TurtleSerializer(graph).serialize(buf, encoding="utf-8")
    return atomic_write(path, buf.getvalue())


def _nq_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, (Literal, Lit)):
        return _nq_literal(term)
    raise ValueError(f"blank node {term!r}: mint an IRI with kg.graph.iri.mint")


class _NotPlain(Exception):
    """A term that is neither exactly URIRef nor exactly Literal (report_nquads' fast path)."""


def _nq_literal(term: Union[Literal, Lit]) -> str:
    text = str(term)
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace('"', '\\"')
                .replace("\n", "\\n").replace("\r", "\\r"))
    language = term.language
    if language:
        return f'"{text}"@{language}'
    datatype = term.datatype
    if datatype and datatype != XSD.string:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def report_nquads(graph_iri: Union[str, URIRef], graph: Graph) -> bytes:
    """The graph's triples as sorted N-Quads in ``graph_iri``: the unit stores and caches work with."""
    return triples_nquads(graph_iri, list(graph))


def triples_nquads(graph_iri: Union[str, URIRef], triples: Iterable[tuple]) -> bytes:
    """Sorted N-Quads of ``triples`` (rdflib terms, no blank nodes) in graph ``graph_iri``.

    Same bytes as joining :func:`_nq_term` of each term, one pass: an IRI is written once per
    distinct IRI (nodes recur in many triples), a literal each time (literal equality ignores
    the case of language tags, so literals are never shared between triples).
    """
    triples = list(triples)
    tail = f" {URIRef(str(graph_iri)).n3()} .\n"
    iris: dict = {}  # IRI -> "<IRI>"
    lines = []
    append = lines.append
    try:
        for triple in triples:
            parts = []
            for term in triple:
                if type(term) is URIRef:
                    text = iris.get(term)
                    if text is None:
                        text = iris[term] = "<" + str(term) + ">"
                elif type(term) is Literal or type(term) is Lit:
                    text = _nq_literal(term)
                else:
                    raise _NotPlain
                parts.append(text)
            append(" ".join(parts) + tail)
    except _NotPlain:
        # A blank node or an unusual term: the generic path, with its error messages.
        _check_no_bnodes(triples)
        lines = [" ".join(_nq_term(t) for t in triple) + tail for triple in triples]
    lines.sort()
    return "".join(lines).encode("utf-8")


# -- JSON-LD --------------------------------------------------------------------------

def jsonld_context(prefixes: Optional[Mapping[str, str]] = None) -> dict:
    """The JSON-LD @context: the prefixes, so keys and types read as gk:actor, gk:Measure."""
    return {"@context": dict(sorted((prefixes or PREFIXES).items()))}


def _compact(iri: str, prefixes: Mapping[str, str]) -> str:
    best = ""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(best) and len(iri) > len(ns):
            rest = iri[len(ns):]
            if all(ch.isalnum() or ch in "_-." for ch in rest) and not rest.startswith("."):
                best = ns
                name = f"{prefix}:{rest}"
    return name if best else iri


def _jsonld_value(term, prefixes: Mapping[str, str]):
    if isinstance(term, URIRef):
        return {"@id": _compact(str(term), prefixes)}
    if isinstance(term, Literal):
        if term.language:
            return {"@language": term.language, "@value": str(term)}
        if term.datatype and term.datatype != XSD.string:
            return {"@type": _compact(str(term.datatype), prefixes), "@value": str(term)}
        return {"@value": str(term)}
    raise ValueError(f"blank node {term!r} cannot be written deterministically: mint an IRI")


def _sort_key(value: dict) -> tuple:
    return tuple(sorted(value.items()))


def write_jsonld(union: Graph, path: Union[str, Path], *,
                 prefixes: Optional[Mapping[str, str]] = None,
                 context_file: Optional[Union[str, Path]] = None) -> Path:
    """Write one graph as JSON-LD: nodes sorted by @id, properties and values sorted.

    The @context is embedded (so the file stands alone) and also written to
    ``context_file`` (default: ``context.jsonld`` beside ``path``) for reuse.
    """
    prefixes = dict(sorted((prefixes or PREFIXES).items()))
    if isinstance(union, Dataset):
        union = union_graph(union)
    _check_no_bnodes(union)
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in union:
        node = nodes.setdefault(str(s), {})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(_compact(str(o), prefixes))
        else:
            node.setdefault(_compact(str(p), prefixes), []).append(_jsonld_value(o, prefixes))
    out = []
    for iri in sorted(nodes, key=lambda i: _compact(i, prefixes)):
        entry: dict = {"@id": _compact(iri, prefixes)}
        for key in sorted(nodes[iri]):
            values = nodes[iri][key]
            entry[key] = sorted(set(values)) if key == "@type" else sorted(values, key=_sort_key)
        out.append(entry)
    context = jsonld_context(prefixes)
    document = {"@context": context["@context"], "@graph": out}
    data = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    target = Path(path)
    context_path = Path(context_file) if context_file else target.with_name(CONTEXT_FILE)
    atomic_write(context_path, (json.dumps(context, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return atomic_write(target, data.encode("utf-8"))
