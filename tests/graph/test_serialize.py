"""Writers: byte-identical output whatever the insertion order; round trips are isomorphic."""

from __future__ import annotations

import json
import random

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.graph.serialize import (CONTEXT_FILE, report_nquads, to_dataset, union_graph, write_jsonld,
                                write_trig, write_ttl)

BASE = "http://ex.org/"


def shuffled(graph: Graph, seed: int) -> Graph:
    triples = list(graph)
    random.Random(seed).shuffle(triples)
    out = Graph(identifier=graph.identifier)
    for t in triples:
        out.add(t)
    return out


def second_graph() -> tuple[URIRef, Graph]:
    g = Graph()
    g.add((URIRef(BASE + "org/x"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("甲", lang="zh")))
    g.add((URIRef(BASE + "org/x"), URIRef(BASE + "note"), Literal('line "1"\nline 2')))
    return URIRef(BASE + "graph/0000"), g


def test_nquads_are_sorted_and_stable(built):
    iri, graph = built
    data = report_nquads(iri, graph)
    lines = data.decode("utf-8").splitlines()
    assert lines == sorted(lines) and all(line.endswith(f"<{iri}> .") for line in lines)
    assert report_nquads(iri, shuffled(graph, 1)) == data
    ds = Dataset()
    ds.parse(data=data.decode("utf-8"), format="nquads")
    assert isomorphic(ds.graph(iri), graph)


@pytest.mark.parametrize("writer, suffix, fmt", [
    (write_ttl, ".ttl", "turtle"),
    (write_jsonld, ".jsonld", "json-ld"),
])
def test_union_writers_round_trip_and_are_byte_stable(tmp_path, built, writer, suffix, fmt):
    _, graph = built
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    writer(graph, a)
    writer(shuffled(graph, 7), b)
    assert a.read_bytes() == b.read_bytes()
    assert isomorphic(Graph().parse(a, format=fmt), graph)


def test_trig_round_trips_named_graphs_in_order(tmp_path, built):
    graphs = dict([built, second_graph()])
    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    write_trig(graphs, a)
    write_trig(dict(reversed(list({k: shuffled(v, 3) for k, v in graphs.items()}.items()))), b)
    assert a.read_bytes() == b.read_bytes()
    ds = Dataset()
    ds.parse(a, format="trig")
    for iri, graph in graphs.items():
        assert isomorphic(ds.graph(iri), graph)
    text = a.read_text(encoding="utf-8")
    positions = [text.index(str(iri).rsplit("/", 1)[-1]) for iri in sorted(graphs)]
    assert positions == sorted(positions)


def test_jsonld_has_context_file_and_inline_context(tmp_path, built):
    _, graph = built
    write_jsonld(graph, tmp_path / "kg.jsonld")
    doc = json.loads((tmp_path / "kg.jsonld").read_text(encoding="utf-8"))
    context = json.loads((tmp_path / CONTEXT_FILE).read_text(encoding="utf-8"))
    assert doc["@context"] == context["@context"]
    assert context["@context"]["gk"] == "https://w3id.org/govkg/ontology#"
    ids = [node["@id"] for node in doc["@graph"]]
    assert ids == sorted(ids)


def test_union_of_dataset(built):
    ds = to_dataset(dict([built, second_graph()]))
    assert len(union_graph(ds)) == len(built[1]) + 2


def test_writes_are_atomic(tmp_path, built):
    _, graph = built
    write_ttl(graph, tmp_path / "kg.ttl")
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_blank_nodes_are_refused():
    g = Graph()
    g.add((BNode(), URIRef(BASE + "p"), Literal("x")))
    with pytest.raises(ValueError):
        report_nquads(BASE + "graph/x", g)
