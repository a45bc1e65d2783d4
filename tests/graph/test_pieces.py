"""kg.graph.pieces writes a report's pieces of the corpus files from the builder's triples:
byte for byte what derive_artifacts makes of the N-Quads with pyoxigraph (and, for
kg.jsonld, kg.graph.jsonld), or None (and then the build takes that path)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.graph.build import report_artifacts, report_quads
from kg.graph.pieces import triples_artifacts
from kg.graph.serialize import triples_nquads
from kg.graph.terms import Lit
from kg.workflow.stages import default_stages
from kg.workflow.unit import derive_artifacts

GRAPH = "https://w3id.org/govkg/id/graph/00000000000000ab"
RID = "00000000000000ab"
PREFIXES = dict(default_stages().prefixes)
BASE = default_stages().base_iri
GK = "https://w3id.org/govkg/ontology#"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "reports"


@pytest.fixture(scope="module")
def pipeline():
    from kg.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def sample_extractions(pipeline):
    from kg.settings import sample_paths

    stages = default_stages()
    return [stages.extract_report(stages.load_document(path), pipeline) for path in sample_paths()]


def reference(triples, prefixes=PREFIXES, graph=GRAPH):
    return derive_artifacts(graph, triples_nquads(graph, triples), prefixes, BASE)


def test_the_sample_reports_give_pyoxigraphs_bytes(sample_extractions):
    for extraction in sample_extractions:
        graph_iri, nquads, pieces = report_artifacts(extraction, PREFIXES, BASE)
        assert pieces is not None, "GovKG's own graphs take the direct path"
        assert (graph_iri, nquads) == report_quads(extraction)  # GovKG's own N-Quads writer
        assert pieces == derive_artifacts(graph_iri, nquads, PREFIXES, BASE)
        assert pieces["nq"] == nquads and nquads.count(b"\n") > 1000
        assert pieces["ttl"] and pieces["shared.nt"] and pieces["jsonld"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/corpus is not here")
def test_the_corpus_reports_give_pyoxigraphs_bytes(pipeline):
    stages = default_stages()
    for path in sorted(SHARED.glob("*.txt")):
        extraction = stages.extract_report(stages.load_document(path), pipeline)
        graph_iri, nquads, pieces = report_artifacts(extraction, PREFIXES, BASE)
        assert (graph_iri, nquads) == report_quads(extraction), path.name
        assert pieces == derive_artifacts(graph_iri, nquads, PREFIXES, BASE), path.name


def s(local):
    return URIRef(f"https://w3id.org/govkg/id/measure/{RID}/{local}")


def test_groups_subjects_predicates_and_objects_as_pyoxigraph_does():
    shared = URIRef("https://w3id.org/govkg/id/division/310000000000")
    triples = [
        (s(1), URIRef(GK + "actor"), shared),
        (s(1), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(GK + "Measure")),
        (s(1), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(GK + "Done")),
        (shared, URIRef(GK + "statCode"), Lit("310000000000")),
        (shared, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Lit("上海市", language="zh")),
        (s(2), URIRef(GK + "count"), Lit("46000.0", datatype=XSD.decimal)),
        (s(2), URIRef(GK + "count"), Lit("12", datatype=XSD.nonNegativeInteger)),
        (s(2), URIRef(GK + "flag"), Lit("true", datatype=XSD.boolean)),
    ]
    pieces = triples_artifacts(GRAPH, triples, PREFIXES, BASE)
    assert pieces == reference(triples)
    assert b"a gk:Done , gk:Measure" in pieces["trig"]
    assert b"46000.0" in pieces["ttl"] and b'"12"^^xsd:nonNegativeInteger' in pieces["ttl"]
    assert pieces["shared.nt"].count(b"\n") == 2 and b"statCode" not in pieces["ttl"]


def test_escapes_every_control_character_as_pyoxigraph_does():
    text = "".join(chr(i) for i in range(0x20)) + '\x7f"\\/\u2028\ufeff引号“”'
    triples = [(s(1), URIRef(GK + "sentence"), Lit(text)),
               (s(1), URIRef(GK + "label"), Lit(text, language="zh")),
               (URIRef("https://w3id.org/govkg/id/org/x"), URIRef(GK + "note"), Lit(text)),
               (s(2), URIRef(GK + "value"), Lit(text, datatype=XSD.token))]
    assert triples_artifacts(GRAPH, triples, PREFIXES, BASE) == reference(triples)


@pytest.mark.parametrize("triples, why", [
    ([(s(1), URIRef(GK + "a%20b"), Lit("x"))], "a local name pyoxigraph escapes"),
    ([(s(1), URIRef(GK + "p"), URIRef("https://w3id.org/govkg/scheme/programme/-x"))], "leading -"),
    ([(s(1), URIRef(GK + "p"), URIRef("not an iri"))], "not an IRI"),
    ([(s(1), URIRef(GK + "p"), URIRef("http://example.org/%zz"))], "a bad percent escape"),
    ([(s(1), URIRef(GK + "p"), BNode("b0"))], "a blank node"),
    ([(s(1), URIRef(GK + "p"), Literal("x", lang="ZH"))], "an upper-case language tag"),
    ([(s(1), URIRef(GK + "p"), Lit("x", language="zh_CN"))], "a malformed language tag"),
])
def test_falls_back_on_terms_it_cannot_promise(triples, why):
    assert triples_artifacts(GRAPH, triples, PREFIXES, BASE) is None, why


def test_falls_back_on_nested_prefixes():
    triples = [(s(1), URIRef(GK + "p"), Lit("x"))]
    assert triples_artifacts(GRAPH, triples, dict(PREFIXES, ex="http://example.org/a/")) is not None
    nested = dict(PREFIXES, ex="http://example.org/a/", ex2="http://example.org/a/b/")
    assert triples_artifacts(GRAPH, triples, nested) is None


def test_no_triples_give_empty_pieces():
    assert triples_artifacts(GRAPH, [], PREFIXES, BASE) == reference([])


# -- random graphs ---------------------------------------------------------------------

NAMESPACES = [GK, "https://w3id.org/govkg/scheme/programme/", "http://www.w3.org/2001/XMLSchema#",
              f"https://w3id.org/govkg/id/evidence/{RID}/", "https://w3id.org/govkg/id/org/"]
LOCALS = st.text("ab9_-.%/·中~F", min_size=0, max_size=5)
IRIS = st.builds(lambda ns, local: URIRef(ns + local), st.sampled_from(NAMESPACES), LOCALS)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
NUMBER_FORMS = st.sampled_from(["7", "07", "-7", "+7", "7.5", ".5", "7.", "1e3", "1.5E-2", ".5e1",
                                "true", "false", "True", "x", "", " 7"])
DATATYPES = st.sampled_from([XSD.integer, XSD.decimal, XSD.double, XSD.boolean, XSD.gYear,
                             XSD.nonNegativeInteger, URIRef("http://example.org/dt")])
LITERALS = st.one_of(
    st.builds(Lit, TEXT),
    st.builds(lambda t, lang: Lit(t, language=lang), TEXT, st.sampled_from(["zh", "en", "zh-hans"])),
    st.builds(lambda t, dt: Lit(t, datatype=dt), st.one_of(NUMBER_FORMS, TEXT), DATATYPES),
)
TRIPLES = st.lists(st.tuples(IRIS, IRIS, st.one_of(IRIS, LITERALS)), max_size=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TRIPLES)
def test_random_graphs_give_pyoxigraphs_bytes_or_fall_back(triples):
    triples = list(dict.fromkeys(triples))  # the builder's triples are a set
    pieces = triples_artifacts(GRAPH, triples, PREFIXES, BASE)
    try:
        expected = reference(triples)
    except SyntaxError:  # pyoxigraph refuses the graph: so must the direct path
        expected = None
    if pieces is not None or expected is None:
        assert pieces == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([s(1), s(2), URIRef("https://w3id.org/govkg/id/org/x")]),
                          st.sampled_from([URIRef(GK + "p"), URIRef(GK + "q")]), LITERALS), max_size=25))
def test_plain_iris_never_fall_back(triples):
    triples = list(dict.fromkeys(triples))
    pieces = triples_artifacts(GRAPH, triples, PREFIXES, BASE)
    assert pieces is not None
    assert pieces == reference(triples)


def test_kg_jsonlds_base_comes_from_the_stages_alone(pipeline):
    """The fast writer and the fallback both take kg.jsonld's @base from Stages.base_iri, the
    base the document's head is written with: None means IRIs in full, on either path."""
    import dataclasses

    from kg.cache import file_sha256
    from kg.settings import sample_paths
    from kg.workflow.unit import ReportInput, process_report

    path = sample_paths()[0]
    item = ReportInput(str(path), path.name, file_sha256(path), path.stat().st_size)
    for base, graph_id in ((None, b'{"@id":"https://w3id.org/govkg/id/graph/'), (BASE, b'{"@id":"graph/')):
        stages = dataclasses.replace(default_stages(), base_iri=base)
        outcome = process_report(item, stages, pipeline, PREFIXES)
        assert outcome.ok, outcome.error
        piece = outcome.artifacts["jsonld"]
        assert piece.startswith(graph_id)
        graph = outcome.summary["graph"]
        assert piece == derive_artifacts(graph, outcome.artifacts["nq"], PREFIXES, base)["jsonld"]
