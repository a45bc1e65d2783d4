"""The ontology, its schemes, lexicons and shapes stay consistent with the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import settings
from kg.extract.measures import load_category_lexicon
from kg.extract.relations import load_patterns
from kg.graph import namespaces
from kg.graph.namespaces import CATEGORY, GK, GK_IRI
from kg.graph.schemes import (SCHEME_FILES, institution_type_of, load_ontology, ontology_dir,
                              scheme_index)

ONTOLOGY = ontology_dir()
SH = "http://www.w3.org/ns/shacl#"

#: Terms the lead's skeleton defined: other stages code against them, so none may go.
CONTRACT_TERMS = """Report AdministrativeDivision Province City County Township Village Organization
LegalDocument Law Regulation PolicyDocument Programme Measure Indicator Person TargetGroup Observance
Mention Evidence RelationAssertion RoleAssignment MeasureStatus MeasureCategory government year level
sha256 sourceFile hasMeasure mentions partOf statCode implements locatedIn orgType collaboratesWith
holdsRole roleAt roleTitle shortName status Done Planned Shortcoming category sectionPath actor partner
involvesLaw partOfProgramme targetGroup place observance indicator involvesPerson unit approximate
counted evidence sentence originalStart originalEnd entityType""".split()


def test_generated_namespace_matches_the_ontology():
    terms = namespaces.ontology_terms(ONTOLOGY / "govkg.ttl")
    declared = sorted(k for k in GK.__annotations__)
    assert declared == terms, "run: python -m kg.graph.namespaces"
    source = Path(namespaces.__file__).read_text(encoding="utf-8")
    assert namespaces.render_gk(terms) in source


@pytest.mark.parametrize("term", CONTRACT_TERMS)
def test_contract_terms_are_defined(term):
    assert (GK[term], RDF.type, None) in load_ontology()


def test_mistyped_term_raises():
    with pytest.raises(AttributeError):
        GK.Measur  # noqa: B018


def test_every_term_has_labels_in_chinese_and_english():
    graph = Graph().parse(ONTOLOGY / "govkg.ttl")
    missing = []
    for term in namespaces.ontology_terms(ONTOLOGY / "govkg.ttl"):
        langs = {lit.language for lit in graph.objects(GK[term], RDFS.label)}
        if not {"zh", "en"} <= langs:
            missing.append(term)
    assert missing == []


def test_every_class_has_a_shape():
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl")
    targeted = set(shapes.objects(None, URIRef(SH + "targetClass")))
    classes = {c for c in Graph().parse(ONTOLOGY / "govkg.ttl").subjects(RDF.type, OWL.Class)
               if str(c).startswith(GK_IRI)}
    assert classes - targeted == set()


@pytest.mark.parametrize("name", sorted(SCHEME_FILES))
def test_schemes_have_bilingual_pref_labels_and_notations(name):
    index = scheme_index(name)
    assert index.concepts
    for concept in index.concepts.values():
        assert concept.notation and concept.label_zh != concept.notation and concept.label_en


def test_category_lexicon_keys_are_scheme_concepts():
    keys, rows = load_category_lexicon()
    known = {c.notation for c in scheme_index("measure-category").concepts.values()}
    assert set(keys) <= known
    assert len(rows) > 100
    assert (CATEGORY["law_popularisation"], RDF.type, GK.MeasureCategory) in load_ontology()


def test_relation_patterns_compile():
    assert {p.predicate for p in load_patterns()} == {
        "collaboratesWith", "subOrganizationOf", "holdsRole", "locatedIn", "partOf"}


@pytest.mark.parametrize("scheme, surface, notation", [
    ("programme", "一村（社区）一法律顾问", "one_village_one_legal_adviser"),
    ("programme", "一村(社区)一法律顾问", "one_village_one_legal_adviser"),
    ("programme", "“谁执法谁普法”", "whoever_enforces_popularises"),
    ("programme", "谁执法、谁普法", "whoever_enforces_popularises"),
    ("programme", "惠·说法", "huinan_law_talk"),
    ("programme", "新时代枫桥经验", "fengqiao_experience"),
    ("observance", "3.15消费者权益保护日", "consumer_rights_day"),
    ("observance", "“4.15”国家安全教育日", "national_security_education_day"),
    ("observance", "12.4国家宪法日", "constitution_day"),
    ("target-group", "外来务工群体", "migrant_workers"),
    ("target-group", "青少年学生", "young_people"),
])
def test_scheme_aliases_match(scheme, surface, notation):
    index = scheme_index(scheme)
    iri = index.match(surface)
    assert iri is not None and index.concepts[iri].notation == notation


@pytest.mark.parametrize("surface", ["法治宣传教育", "依法行政", "群众"])
def test_generic_phrases_match_no_concept(surface):
    assert all(scheme_index(s).match(surface) is None for s in ("programme", "target-group", "observance"))


@pytest.mark.parametrize("name, notation, parent", [
    ("镇司法所", "justice_office", "justice_bureau"),
    ("区司法局", "justice_bureau", None),
    ("月浦法庭", "tribunal", "court"),
    ("派出所调解工作室", "mediation_room", None),
    ("山东金罡律师事务所", "law_firm", None),
    ("综合行政执法大队", "enforcement_team", None),
    ("镇妇联", "mass_organisation", None),
])
def test_institution_types(name, notation, parent):
    itype = institution_type_of(name)
    assert itype.notation == notation
    assert (itype.parent or "").rsplit("/", 1)[-1] == (parent or "")


def test_ontology_ships_in_package_or_checkout(monkeypatch, tmp_path):
    assert (ONTOLOGY / "govkg.ttl").is_file()
    # Installed wheel: no top-level ontology/, the copy inside the package is used.
    fake_pkg = tmp_path / "site" / "kg"
    (fake_pkg / "ontology").mkdir(parents=True)
    (fake_pkg / "ontology" / "govkg.ttl").write_text("", encoding="utf-8")
    monkeypatch.setattr(settings, "PACKAGE_DIR", fake_pkg)
    monkeypatch.setattr(settings, "ONTOLOGY_DIR", fake_pkg / "ontology")
    assert ontology_dir() == fake_pkg / "ontology"


def test_ontology_parses_as_one_graph_with_labels():
    graph = load_ontology()
    assert (GK.Measure, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Activity")) in graph
    assert (GK.Done, SKOS.prefLabel, Literal("已完成", lang="zh")) in graph


def test_concept_schemes_conform_to_the_shapes():
    from kg.graph.validate import validate

    conforms, text = validate(load_ontology())
    assert conforms, text
