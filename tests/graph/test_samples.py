"""The five bundled sample reports, end to end: extract, build, SHACL, and the questions of issue 4."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph

from kg.graph.namespaces import PREFIXES

pytestmark = pytest.mark.slow

PREAMBLE = "\n".join(f"PREFIX {k}: <{v}>" for k, v in sorted(PREFIXES.items()))

QUESTIONS = {
    # Which governments implement 一村一法律顾问 (or variants), with evidence sentences?
    "implements": """
        SELECT DISTINCT ?government ?sentence WHERE {
          ?programme skos:prefLabel|skos:altLabel|rdfs:label ?label .
          FILTER(CONTAINS(STR(?label), "一村") && CONTAINS(STR(?label), "法律顾问"))
          ?division gk:implements ?programme ; rdfs:label ?government .
          ?assertion rdf:subject ?division ; rdf:predicate gk:implements ; rdf:object ?programme ;
                     gk:evidence/gk:sentence ?sentence . }""",
    # Which organisations collaborate with 月浦法庭?
    "collaborators": """
        SELECT DISTINCT ?organisation ?sentence WHERE {
          ?court rdfs:label|skos:altLabel "月浦法庭"@zh .
          ?court gk:collaboratesWith ?other . ?other rdfs:label ?organisation .
          ?assertion rdf:predicate gk:collaboratesWith ; gk:evidence/gk:sentence ?sentence .
          { ?assertion rdf:subject ?court ; rdf:object ?other } UNION { ?assertion rdf:subject ?other ; rdf:object ?court } }""",
    # Which laws did 坡头镇 promote (laws involved in its done measures), with the sentence naming them?
    "laws": """
        SELECT DISTINCT ?law ?surface ?sentence WHERE {
          ?report gk:government/rdfs:label "坡头镇"@zh ; gk:hasMeasure ?measure .
          ?measure gk:status gk:Done ; gk:involvesLaw ?document .
          ?document rdfs:label ?law .
          ?mention oa:hasBody ?document ; gk:surfaceForm ?surface ; gk:evidence ?evidence .
          ?evidence oa:hasSource ?report ; gk:sentence ?sentence . }""",
    # Which measures does 惠南镇 plan for 2024?
    "plans": """
        SELECT ?title ?category ?sentence WHERE {
          ?report gk:government/rdfs:label "惠南镇"@zh ; gk:hasMeasure ?measure .
          ?measure gk:status gk:Planned ; gk:year "2024"^^xsd:gYear ; dcterms:title ?title ;
                   gk:category/skos:prefLabel ?category ; gk:evidence/gk:sentence ?sentence .
          FILTER(LANG(?category) = "zh") }""",
    # Every indicator with value and unit, per report.
    "indicators": """
        SELECT ?report ?value ?unit ?counted ?sentence WHERE {
          ?indicator a gk:Indicator ; rdf:value ?value ; gk:unit ?unit ; gk:evidence ?evidence .
          OPTIONAL { ?indicator gk:counted ?counted }
          ?evidence oa:hasSource/dcterms:title ?report ; gk:sentence ?sentence . }""",
}


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    from kg.extract import extract_report
    from kg.graph.build import report_graph
    from kg.graph.serialize import union_graph, write_trig
    from kg.ingest import load_document
    from kg.nlp import load_pipeline
    from kg.settings import sample_paths

    nlp = load_pipeline()
    graphs, extractions = {}, []
    for path in sample_paths():
        extraction = extract_report(load_document(path), nlp=nlp)
        iri, graph = report_graph(extraction)
        graphs[iri] = graph
        extractions.append(extraction)
    trig = tmp_path_factory.mktemp("build") / "kg.trig"
    write_trig(graphs, trig)
    return {"graphs": graphs, "union": union_graph(graphs), "trig": trig, "extractions": extractions}


def ask(graph: Graph, name: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) if v is not None else "" for v in row) for row in graph.query(PREAMBLE + QUESTIONS[name])]


def test_sample_build_conforms_to_shapes(sample_build):
    from kg.graph.validate import validate

    ds = Dataset()
    ds.parse(sample_build["trig"], format="trig")
    conforms, text = validate(ds)
    assert conforms, text[:3000]


def test_every_report_has_measures_of_every_status(sample_build):
    for extraction in sample_build["extractions"]:
        statuses = {m.status for m in extraction.measures}
        assert statuses == {"done", "planned", "shortcoming"}, extraction.document.name
        assert sum(m.category == "other" for m in extraction.measures) <= 2


def test_who_implements_one_village_one_legal_adviser(sample_build):
    rows = ask(sample_build["union"], "implements")
    assert {government for government, _ in rows} == {"坡头镇"}
    assert all("法律顾问" in sentence for _, sentence in rows)


def test_who_collaborates_with_yuepu_tribunal(sample_build):
    rows = ask(sample_build["union"], "collaborators")
    by_org = {organisation: sentence for organisation, sentence in rows}
    assert "携手月浦法庭" in by_org["月浦镇司法所"]
    # the measure names no actor (邀请…法官为我镇…授课): the town government invited the tribunal
    assert "邀请月浦法庭法官" in by_org["月浦镇人民政府"]
    assert set(by_org) == {"月浦镇司法所", "月浦镇人民政府"}


def test_laws_potou_promoted(sample_build):
    rows = ask(sample_build["union"], "laws")
    laws = {law for law, _, _ in rows}
    assert any("未成年人保护法" in law for law in laws) and any("义务教育法" in law for law in laws)
    assert all(surface in sentence for _, surface, sentence in rows)


def test_huinan_plans_for_2024(sample_build):
    rows = ask(sample_build["union"], "plans")
    titles = {title for title, _, _ in rows}
    assert len(titles) >= 4
    assert any("行政执法" in t for t in titles) and any("政务公开" in t for t in titles)
    assert all(title.split(",")[0] in sentence for title, _, sentence in rows)


def test_every_indicator_has_value_and_unit_per_report(sample_build):
    rows = ask(sample_build["union"], "indicators")
    per_report = {}
    for report, value, unit, _, sentence in rows:
        per_report.setdefault(report, []).append((float(value), unit, sentence))
    assert len(per_report) == 5
    extracted = sum(len(x.quantities) for x in sample_build["extractions"])
    assert len(rows) == extracted
    yuepu = next(v for k, v in per_report.items() if k.startswith("月浦镇"))
    assert (46000.0, "份") in {(v, u) for v, u, _ in yuepu}


def test_same_questions_in_oxigraph(sample_build):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    store.load(path=str(sample_build["trig"]), format=pyoxigraph.RdfFormat.TRIG)
    for name in ("implements", "collaborators", "plans"):
        query = PREAMBLE + QUESTIONS[name].replace("WHERE {", "WHERE { GRAPH ?g {", 1) + " }"
        got = {tuple(term.value for term in row) for row in store.query(query)}
        assert got == set(ask(sample_build["union"], name)), name


def test_rebuild_is_byte_identical(sample_build):
    from kg.graph.serialize import report_nquads

    for iri, graph in sample_build["graphs"].items():
        assert report_nquads(iri, graph) == report_nquads(iri, graph.__class__().__iadd__(graph))
