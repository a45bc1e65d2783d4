"""kg.jsonld is compact JSON-LD (kg.graph.jsonld): whatever the graph, a JSON-LD processor
reads back exactly its quads (pyoxigraph and rdflib), and the shortening rules hold."""

from __future__ import annotations

import doctest
import json

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, parse, serialize

from kg.graph import jsonld
from kg.graph.jsonld import DOCUMENT_TAIL, Compactor, document_head
from kg.workflow.stages import default_stages
from kg.workflow.unit import derive_artifacts

PREFIXES = dict(default_stages().prefixes)
BASE = "https://w3id.org/govkg/id/"
GRAPH = BASE + "graph/00000000000000ab"
GK = "https://w3id.org/govkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_docstring_examples():
    result = doctest.testmod(jsonld)
    assert result.attempted > 0 and result.failed == 0


def document(pieces: list[bytes], prefixes=PREFIXES, base=BASE) -> bytes:
    """kg.jsonld as assemble.write_jsonld writes it."""
    return document_head(Compactor(prefixes, base)) + b",\n".join(p for p in pieces if p) + DOCUMENT_TAIL


def piece(quads: list[Quad], prefixes=PREFIXES, base=BASE, graph=GRAPH) -> bytes:
    """The report's piece, from its sorted N-Quads (as the graph stage gives them)."""
    nquads = serialize(quads, format=RdfFormat.N_QUADS) if quads else b""
    nquads = b"".join(sorted(nquads.splitlines(keepends=True)))
    return derive_artifacts(graph, nquads, prefixes, base)["jsonld"]


def read_back(data: bytes) -> set[str]:
    return {str(q) for q in parse(data, RdfFormat.JSON_LD)}


def read_back_rdflib(data: bytes) -> set[tuple]:
    dataset = rdflib.Dataset()
    dataset.parse(data=data.decode("utf-8"), format="json-ld")
    return {(s, p, o, g) for s, p, o, g in dataset.quads((None, None, None, None))}


def as_rdflib(quads: list[Quad]) -> set[tuple]:
    dataset = rdflib.Dataset()
    dataset.parse(data=serialize(quads, format=RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    return {(s, p, o, g) for s, p, o, g in dataset.quads((None, None, None, None))}


# -- what the document looks like ---------------------------------------------------

def test_iris_are_shortened_where_it_is_safe():
    c = Compactor(PREFIXES, BASE)
    assert c.vocab(GK + "actor") == '"gk:actor"'
    assert c.ref(GK + "Measure") == '"gk:Measure"'
    assert c.ref(BASE + "org/440804/%E4%BA%BA") == '"org/440804/%E4%BA%BA"'
    assert c.vocab(BASE + "org/x") == f'"{BASE}org/x"'  # keys are never relative to @base
    for rest in ("a/./b", "a/../b", "..", "a:b", "a?b", "a#b", "", "/a", ".a", "法治"):
        assert c.ref(BASE + rest) == json.dumps(BASE + rest, ensure_ascii=False), rest
    assert c.ref(GK + "//x") == f'"{GK}//x"'  # "gk://x" would read as an absolute IRI
    assert c.literal("普法", "zh", None) == '{"@value":"普法","@language":"zh"}'
    assert c.literal("x", None, XSD + "string") == '"x"'
    assert c.literal("07", None, XSD + "integer") == '{"@value":"07","@type":"xsd:integer"}'


def test_the_context_keeps_only_usable_prefixes_and_base():
    c = Compactor({"ex": "http://e/", "odd": "http://e/x_", "http": "http://h/", "b c": "http://s/"},
                  "http://e/base")
    assert c.context == {"ex": "http://e/"}  # no @base: without a final "/" it would resolve oddly
    assert Compactor({}, "not-an-iri/").context == {}
    assert json.loads(document_head(Compactor({"ex": "http://e/"}, "http://e/")) + b"]}") == {
        "@context": {"@base": "http://e/", "ex": "http://e/"}, "@graph": []}


def test_an_iri_whose_scheme_is_a_prefix_name_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="rename the prefix"):
        Compactor({"gk": GK}).ref("gk:whatever")


def test_a_node_reads_as_researchers_expect():
    m = NamedNode(BASE + "measure/00000000000000ab/1")
    quads = [Quad(m, NamedNode(RDF_TYPE), NamedNode(GK + "Measure"), NamedNode(GRAPH)),
             Quad(m, NamedNode(RDF_TYPE), NamedNode(GK + "Done"), NamedNode(GRAPH)),
             Quad(m, NamedNode(GK + "actor"), NamedNode(BASE + "division/310000000000"), NamedNode(GRAPH)),
             Quad(m, NamedNode(GK + "label"), Literal("普法", language="zh"), NamedNode(GRAPH))]
    node = json.loads(piece(quads))["@graph"][0]
    assert node == {"@id": "measure/00000000000000ab/1", "@type": ["gk:Done", "gk:Measure"],
                    "gk:actor": {"@id": "division/310000000000"},
                    "gk:label": {"@value": "普法", "@language": "zh"}}
    assert list(node)[:2] == ["@id", "@type"]


# -- read back ----------------------------------------------------------------------

NAMESPACES = [GK, "https://w3id.org/govkg/scheme/programme/", XSD, BASE, BASE + "evidence/",
              "http://example.org/"]
RESTS = st.one_of(st.text("ab9_-.%/:?#~中", max_size=6),
                  st.sampled_from(["//x", "a/../b", "./a", "../a", ":x", "x:y", "?q", "#f", "", "org", "gk"]))


def _iri(ns: str, rest: str):
    try:
        return NamedNode(ns + rest)
    except ValueError:  # not an IRI: no graph can hold it
        return NamedNode(ns + "ok")


IRIS = st.builds(_iri, st.sampled_from(NAMESPACES), RESTS)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
LITERALS = st.one_of(
    st.builds(lambda t: Literal(t), TEXT),
    st.builds(lambda t, lang: Literal(t, language=lang), TEXT, st.sampled_from(["zh", "en", "zh-Hans"])),
    st.builds(lambda t, dt: Literal(t, datatype=NamedNode(dt)), st.sampled_from(["7", "07", "1e3", "x", ""]),
              st.sampled_from([XSD + "integer", XSD + "gYear", "http://example.org/dt", BASE + "dt"])),
)
BLANKS = st.builds(BlankNode, st.sampled_from(["b0", "b1"]))
PREDICATES = st.one_of(IRIS, st.just(NamedNode(RDF_TYPE)))
TRIPLES = st.lists(st.tuples(st.one_of(IRIS, BLANKS), PREDICATES, st.one_of(IRIS, LITERALS, BLANKS)),
                   max_size=20)


def quads_of(triples) -> list[Quad]:
    return sorted({Quad(s, p, o, NamedNode(GRAPH)) for s, p, o in triples}, key=str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TRIPLES, st.sampled_from([BASE, None]))
def test_any_graph_reads_back_as_the_same_quads(triples, base):
    quads = quads_of(triples)
    data = document([piece(quads, base=base)], base=base)
    nquads = derive_artifacts(GRAPH, serialize(quads, format=RdfFormat.N_QUADS) if quads else b"",
                              PREFIXES, base)["nq"]  # blank nodes relabelled as the build does
    assert read_back(data) == {str(q) for q in parse(nquads, RdfFormat.N_QUADS)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(IRIS, PREDICATES, st.one_of(IRIS, LITERALS)), max_size=12))
def test_rdflib_reads_the_same_quads(triples):
    quads = quads_of(triples)
    assert read_back_rdflib(document([piece(quads)])) == as_rdflib(quads)


def test_several_reports_form_one_document():
    one = [Quad(NamedNode(BASE + "a/1"), NamedNode(GK + "p"), Literal("x"), NamedNode(GRAPH))]
    other_graph = BASE + "graph/00000000000000cd"
    two = [Quad(NamedNode(BASE + "a/2"), NamedNode(GK + "p"), Literal("y"), NamedNode(other_graph))]
    data = document([piece(one), b"", piece(two, graph=other_graph)])
    assert read_back(data) == {str(q) for q in one + two}


@pytest.mark.parametrize("base", ["https://e.org/a/../id/", "https://e.org/a/./id/", "https://e.org/a//id/",
                                  "HTTPS://E.org/id/", "https://E.org/id/", "https://e.org/id", "id/"])
def test_a_base_resolvers_would_change_is_not_used(base):
    assert Compactor(PREFIXES, base).base is None  # rdflib would normalise these
    assert Compactor(PREFIXES, "https://e.org/id/").base == "https://e.org/id/"


def test_a_prefix_whose_namespace_a_processor_would_expand_is_left_out():
    prefixes = dict(PREFIXES, e="e:x/", a="gk:x/")
    c = Compactor(prefixes, BASE)
    assert "e" not in c.context and "a" not in c.context and c.context["gk"] == GK
    quads = [Quad(NamedNode(BASE + "a/1"), NamedNode(GK + "p"), NamedNode("e:x/foo"), NamedNode(GRAPH))]
    assert read_back(document([piece(quads, prefixes)], prefixes)) == {str(q) for q in quads}
    with pytest.raises(ValueError, match="rename the prefix"):  # it would read as gk's x/foo
        c.ref("gk:x/foo")
