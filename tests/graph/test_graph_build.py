"""report_graph: built graphs compared with expected graphs, as graphs."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from graph_helpers import extraction
from kg.extract.measures import extract_measures
from kg.extract.relations import extract_relations
from kg.graph.build import report_graph
from kg.graph.iri import mint
from kg.graph.namespaces import CATEGORY, GK, OA, PROGRAMME
from kg.graph.serialize import report_nquads

BASE = "http://ex.org/"


def assert_isomorphic(built: Graph, expected: Graph) -> None:
    if not isomorphic(built, expected):
        both, only_built, only_expected = graph_diff(to_isomorphic(built), to_isomorphic(expected))
        pytest.fail("graphs differ\nonly in built:\n" + only_built.serialize(format="nt")
                    + "\nonly in expected:\n" + only_expected.serialize(format="nt"))


def q(text: str) -> str:
    return quote(text, safe="")


def test_one_sentence_report_is_the_expected_graph():
    text = "镇司法所特携手月浦法庭开展活动。"
    x = extraction(text, "t.txt", [("ORG", "镇司法所"), ("ORG", "月浦法庭")])
    x.relations = extract_relations(x)
    graph_iri, built = report_graph(x, base=BASE)
    rid = x.document.sha256[:16]
    assert graph_iri == URIRef(f"{BASE}graph/{rid}")
    sfs, court = f"<{BASE}org/-/{q('镇司法所')}>", f"<{BASE}org/-/{q('月浦法庭')}>"
    report = f"<{BASE}report/{rid}>"

    def evidence(start, end, exact, prefix, suffix):
        ev = f"{BASE}evidence/{rid}/{start}-{end}"
        return f"""
        <{ev}> a gk:Evidence ; oa:hasSource {report} ; gk:sentence "{text}" ;
            oa:hasSelector <{ev}/quote> , <{ev}/position> ;
            gk:originalStart "{start}"^^xsd:nonNegativeInteger ; gk:originalEnd "{end}"^^xsd:nonNegativeInteger .
        <{ev}/quote> a oa:TextQuoteSelector ; oa:exact "{exact}" ; oa:prefix "{prefix}" ; oa:suffix "{suffix}" .
        <{ev}/position> a oa:TextPositionSelector ;
            oa:start "{start}"^^xsd:nonNegativeInteger ; oa:end "{end}"^^xsd:nonNegativeInteger ."""

    expected = Graph().parse(format="turtle", data=f"""
        @prefix gk: <https://w3id.org/govkg/ontology#> .
        @prefix oa: <http://www.w3.org/ns/oa#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix it: <https://w3id.org/govkg/scheme/institution-type/> .
        {report} a gk:Report ; dcterms:title "t.txt"@zh ; dcterms:language "zh" ;
            gk:sha256 "{x.document.sha256}" ; gk:sourceFile "t.txt" ; gk:mentions {sfs} , {court} .
        {sfs} a gk:Organization ; rdfs:label "镇司法所"@zh ; gk:orgType it:justice_office ;
            gk:collaboratesWith {court} .
        {court} a gk:Organization ; rdfs:label "月浦法庭"@zh ; gk:orgType it:tribunal ;
            gk:collaboratesWith {sfs} .
        <{BASE}mention/{rid}/0> a gk:Mention ; oa:hasBody {sfs} ; gk:entityType "ORG" ;
            gk:surfaceForm "镇司法所" ; gk:extractedBy "test" ; gk:evidence <{BASE}evidence/{rid}/0-4> .
        <{BASE}mention/{rid}/1> a gk:Mention ; oa:hasBody {court} ; gk:entityType "ORG" ;
            gk:surfaceForm "月浦法庭" ; gk:extractedBy "test" ; gk:evidence <{BASE}evidence/{rid}/7-11> .
        <{BASE}assertion/{rid}/0> a gk:RelationAssertion ; rdf:subject {sfs} ;
            rdf:predicate gk:collaboratesWith ; rdf:object {court} ; gk:extractedBy "pattern" ;
            gk:evidence <{BASE}evidence/{rid}/0-11> .
        {evidence(0, 4, "镇司法所", "", "特携手月浦法庭开展活动。")}
        {evidence(7, 11, "月浦法庭", "镇司法所特携手", "开展活动。")}
        {evidence(0, 11, "镇司法所特携手月浦法庭", "", "开展活动。")}
    """)
    assert_isomorphic(built, expected)


def _built(yuepu):
    yuepu.relations = extract_relations(yuepu)
    yuepu.measures = extract_measures(yuepu)
    return report_graph(yuepu, base=BASE)


def _measure_view(graph: Graph, measure: URIRef) -> Graph:
    """The measure's own triples, without provenance plumbing."""
    view = Graph()
    for p, o in graph.predicate_objects(measure):
        if p not in (GK.evidence,):
            view.add((measure, p, o))
    return view


def test_measure_node_links_what_it_involves(yuepu):
    _, built = _built(yuepu)
    rid = yuepu.document.sha256[:16]
    m0 = mint("measure", rid, 0, base=BASE)
    yuepu_town = mint("division", "310113104000", base=BASE)
    expected = Graph().parse(format="turtle", data=f"""
        @prefix gk: <https://w3id.org/govkg/ontology#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix cat: <https://w3id.org/govkg/scheme/measure-category/> .
        @prefix prog: <https://w3id.org/govkg/scheme/programme/> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        <{m0}> a gk:Measure ; dcterms:title "开展送民法典进乡村活动"@zh ; gk:status gk:Done ;
            gk:category cat:law_popularisation ; gk:year "2020"^^xsd:gYear ; gk:sectionPath "1.1.1" ;
            gk:position 0 ;
            gk:actor <{BASE}org/310113104000/{q('司法所')}> ;
            gk:partner <{BASE}org/310113104000/{q('法庭')}> ;
            gk:partOfProgramme prog:legally_literate_residents ;
            gk:involvesLaw <{BASE}law/{q('民法典')}> ;
            gk:place <{BASE}division/310113104000/{q('茂盛村')}> ;
            gk:indicator <{BASE}indicator/{rid}/0> .
    """)
    assert_isomorphic(_measure_view(built, m0), expected)
    assert (m0, GK.place, yuepu_town) not in built  # the report's own government is no "place"


@pytest.mark.parametrize("position, status, year", [
    (0, GK.Done, "2020"), (1, GK.Done, "2020"), (2, GK.Shortcoming, "2020"), (3, GK.Planned, "2021"),
])
def test_measure_status_and_year(yuepu, position, status, year):
    _, built = _built(yuepu)
    m = mint("measure", yuepu.document.sha256[:16], position, base=BASE)
    assert built.value(m, GK.status) == status
    assert str(built.value(m, GK.year)) == year


def test_government_implements_programme_with_evidence(yuepu):
    _, built = _built(yuepu)
    town = mint("division", "310113104000", base=BASE)
    assert (town, GK.implements, PROGRAMME["legally_literate_residents"]) in built
    rows = list(built.query("""
        SELECT ?sentence WHERE {
          ?a a gk:RelationAssertion ; rdf:subject ?gov ; rdf:predicate gk:implements ; rdf:object ?p ;
             gk:evidence/gk:sentence ?sentence . }""", initNs={"gk": GK, "rdf": RDF},
        initBindings={"gov": town, "p": PROGRAMME["legally_literate_residents"]}))
    assert len(rows) == 1 and "法律明白人" in str(rows[0][0])


def test_division_chain_and_village(yuepu):
    _, built = _built(yuepu)
    town = mint("division", "310113104000", base=BASE)
    district = mint("division", "310113000000", base=BASE)
    village = mint("division", "310113104000", "茂盛村", base=BASE)
    assert (town, RDF.type, GK.Township) in built and (town, GK.statCode, Literal("310113104000")) in built
    assert (town, GK.partOf, district) in built
    assert (district, RDFS.label, Literal("宝山区", lang="zh")) in built
    assert (village, RDF.type, GK.Village) in built and (village, GK.partOf, town) in built


def test_person_role_and_organisation_located(yuepu):
    _, built = _built(yuepu)
    court = URIRef(f"{BASE}org/310113104000/{q('法庭')}")
    rows = list(built.query("""
        SELECT ?name ?title WHERE { ?p gk:holdsRole ?r ; rdfs:label ?name .
                                    ?r gk:roleAt ?org ; gk:roleTitle ?title ; gk:evidence ?ev . }""",
                            initNs={"gk": GK, "rdfs": RDFS}, initBindings={"org": court}))
    assert [(str(n), str(t)) for n, t in rows] == [("杨猛", "法官")]
    assert built.value(court, GK.locatedIn) == mint("division", "310113104000", base=BASE)
    assert built.value(court, RDFS.label) == Literal("月浦法庭", lang="zh")


def test_indicator_value_unit_and_evidence_offsets(yuepu):
    _, built = _built(yuepu)
    ind = mint("indicator", yuepu.document.sha256[:16], 0, base=BASE)
    assert built.value(ind, RDF.value).toPython() == 46000
    assert str(built.value(ind, GK.unit)) == "份"
    assert built.value(ind, GK.approximate).toPython() is True
    ev = built.value(ind, GK.evidence)
    position = next(s for s in built.objects(ev, OA.hasSelector)
                    if (s, RDF.type, OA.TextPositionSelector) in built)
    start, end = int(built.value(position, OA.start)), int(built.value(position, OA.end))
    o_start, o_end = int(built.value(ev, GK.originalStart)), int(built.value(ev, GK.originalEnd))
    assert yuepu.document.text[start:end] == "4.6万余份"
    assert yuepu.document.original[o_start:o_end] == "4.6万余份"
    assert "发放各类法治宣传资料4.6万余份" in str(built.value(ev, GK.sentence))


def test_categories_carry_labels_in_the_graph(yuepu):
    _, built = _built(yuepu)
    assert (CATEGORY["law_popularisation"], SKOS.prefLabel, Literal("普法宣传", lang="zh")) in built


def test_same_input_same_bytes(yuepu):
    a = report_nquads(*_built(yuepu))
    b = report_nquads(*_built(yuepu))
    assert a == b and a.count(b"\n") == len(_built(yuepu)[1])


def test_graph_has_no_blank_nodes(yuepu):
    from rdflib import BNode

    _, built = _built(yuepu)
    assert not any(isinstance(t, BNode) for triple in built for t in triple)


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from kg.records import Measure, Mention, Quantity, Relation  # noqa: E402
from kg.records import ENTITY_TYPES  # noqa: E402


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_well_formed_extraction_builds_without_blank_nodes(yuepu, data):
    """Arbitrary mentions, quantities, relations and measures on real text always build."""
    from rdflib import BNode

    size = len(yuepu.document.text)
    span = st.tuples(st.integers(0, size), st.integers(0, size)).map(sorted)
    mentions = data.draw(st.lists(st.builds(
        lambda t, se, ident: Mention(t, yuepu.document.text[se[0]:se[1]] or "x", se[0], se[1], ident, ident),
        st.sampled_from(ENTITY_TYPES), span, st.text(min_size=1, max_size=8)), max_size=8))
    n = len(mentions)
    quantities = data.draw(st.lists(st.builds(
        lambda v, se: Quantity(v, "份", False, "", "x", se[0], se[1]),
        st.floats(allow_nan=True, allow_infinity=True), span), max_size=3))
    relations = [] if n < 2 else data.draw(st.lists(st.builds(
        lambda s, o, p, se: Relation(s, p, o, se[0], se[1], "法官"),
        st.integers(0, n - 1), st.integers(0, n - 1),
        st.sampled_from(["collaboratesWith", "subOrganizationOf", "holdsRole", "locatedIn", "partOf"]), span),
        max_size=4))
    measures = [Measure(0, (1,), "标题", 0, size, "done", "other", mentions=list(range(n)),
                        quantities=list(range(len(quantities))), actors=list(range(min(n, 2))))]
    yuepu.entities, yuepu.quantities, yuepu.relations, yuepu.measures = mentions, quantities, relations, measures
    _, graph = report_graph(yuepu, base=BASE)
    assert not any(isinstance(t, BNode) for triple in graph for t in triple)


def test_role_without_organisation_is_at_the_government():
    text = "月浦镇2020年法治政府建设工作报告\n1、 主要举措和成效\n7、设置镇属中小学法治副校长。聘请林继凯律师担任镇属学校法治副校(园)长。\n"
    x = extraction(text, "t.txt", [("PERSON", "林继凯")])
    x.relations = extract_relations(x)
    _, built = report_graph(x, base=BASE)
    rows = list(built.query("""SELECT ?org ?title WHERE { ?p rdfs:label "林继凯"@zh ; gk:holdsRole ?r .
                                                          ?r gk:roleAt/rdfs:label ?org ; gk:roleTitle ?title }""",
                            initNs={"gk": GK, "rdfs": RDFS}))
    assert [(str(o), str(t)) for o, t in rows] == [("月浦镇人民政府", "法治副校(园)长")]


def test_invited_organisation_is_a_partner(yuepu):
    _, built = _built(yuepu)
    m1 = mint("measure", yuepu.document.sha256[:16], 1, base=BASE)
    court = URIRef(f"{BASE}org/310113104000/{q('法庭')}")
    assert (m1, GK.partner, court) in built  # 邀请月浦法庭法官杨猛…授课
    assert (m1, GK.actor, court) not in built


def test_organisation_named_after_a_village_is_located_in_it():
    text = "月浦镇2020年法治政府建设工作报告\n在茂盛村开展宣讲。茂盛村村委会组织居民学习民法典。\n"
    x = extraction(text, "t.txt", [("VILLAGE", "茂盛村"), ("ORG", "茂盛村村委会")])
    _, built = report_graph(x, base=BASE)
    village = mint("division", "310113104000", "茂盛村", base=BASE)
    org = mint("org", "310113104000/茂盛村", "村委会", base=BASE)
    assert built.value(org, GK.locatedIn) == village
    assert built.value(org, RDFS.label) == Literal("茂盛村村委会", lang="zh")


@pytest.mark.parametrize("surface, scope, core, label", [
    ("镇司法所", "310113104000", "司法所", "月浦镇司法所"),
    ("月浦镇司法所", "310113104000", "司法所", "月浦镇司法所"),
    ("司法所", "310113104000", "司法所", "月浦镇司法所"),
    ("月浦法庭", "310113104000", "法庭", "月浦法庭"),
    ("区委", "310113000000", "党委", "宝山区委"),
    ("镇政府", "310113104000", "人民政府", "月浦镇政府"),
    ("上海市宝山区月浦镇人民政府", "310113104000", "人民政府", "上海市宝山区月浦镇人民政府"),
    ("宝山区法律援助中心", "310113000000", "法律援助中心", "宝山区法律援助中心"),
    ("中央依法治国委", "national", "中央依法治国委", "中央依法治国委"),
])
def test_organisation_identity_is_division_and_core_name(surface, scope, core, label):
    text = f"月浦镇2020年法治政府建设工作报告\n{surface}开展工作。\n"
    x = extraction(text, "t.txt", [("ORG", surface)])
    _, built = report_graph(x, base=BASE)
    org = mint("org", scope, core, base=BASE)
    assert (org, RDF.type, GK.Organization) in built
    assert built.value(org, RDFS.label) == Literal(label, lang="zh")


@pytest.mark.parametrize("kind, surface, canonical", [
    ("LAW", "民法典", "中华人民共和国民法典"),
    ("PROGRAMME", "一村(社区)一法律顾问", "一村一法律顾问"),
])
def test_every_surface_form_is_an_alias_of_its_node(kind, surface, canonical):
    text = f"深入开展{surface}学习宣传活动。"
    x = extraction(text, "alias.txt", [(kind, surface, canonical, canonical)])
    _, built = report_graph(x, base=BASE)
    nodes = {o for _, _, o in built.triples((None, OA.hasBody, None))}
    assert len(nodes) == 1
    node = nodes.pop()
    names = {str(o) for p in (RDFS.label, SKOS.altLabel, SKOS.prefLabel) for o in built.objects(node, p)}
    assert surface in names, names


def test_every_organisation_of_a_partner_list_collaborates_with_the_implicit_actor():
    text = ("月浦镇2020年法治政府建设工作报告\n1、 主要举措和成效\n"
            "1、开展送法下乡活动。联合区司法局、区人民法院和区公安分局开展送法下乡活动。\n")
    x = extraction(text, "t.txt", [("ORG", "区司法局"), ("ORG", "区人民法院"), ("ORG", "区公安分局")])
    x.relations = extract_relations(x)
    x.measures = extract_measures(x)
    _, built = report_graph(x, base=BASE)
    government = mint("org", "310113104000", "人民政府", base=BASE)
    partners = {str(built.value(o, RDFS.label)) for m in built.subjects(RDF.type, GK.Measure)
                for o in built.objects(m, GK.partner)}
    assert partners == {"宝山区司法局", "宝山区人民法院", "宝山区公安分局"}
    collaborators = {str(built.value(o, RDFS.label)) for o in built.objects(government, GK.collaboratesWith)}
    assert collaborators == partners
    for partner in built.objects(government, GK.collaboratesWith):
        assert (partner, GK.collaboratesWith, government) in built  # symmetric, both ways
    assertions = list(built.query(
        """SELECT ?o ?sentence WHERE { ?a rdf:subject ?g ; rdf:predicate gk:collaboratesWith ; rdf:object ?o ;
                                          gk:extractedBy "measure" ; gk:evidence/gk:sentence ?sentence }""",
        initNs={"gk": GK, "rdf": RDF}, initBindings={"g": government}))
    assert len(assertions) == 3 and all("联合区司法局" in str(s) for _, s in assertions)


def test_an_organisation_after_a_list_that_is_no_partner_list_is_no_partner():
    text = ("月浦镇2020年法治政府建设工作报告\n1、 主要举措和成效\n"
            "1、开展普法。联合区司法局开展讲座,区人民法院派员参加。\n")
    x = extraction(text, "t.txt", [("ORG", "区司法局"), ("ORG", "区人民法院")])
    x.measures = extract_measures(x)
    _, built = report_graph(x, base=BASE)
    partners = {str(built.value(o, RDFS.label)) for m in built.subjects(RDF.type, GK.Measure)
                for o in built.objects(m, GK.partner)}
    assert partners == {"宝山区司法局"}
