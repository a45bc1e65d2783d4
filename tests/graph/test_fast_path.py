"""The build's fast path gives exactly the bytes of the rdflib path: report_quads against
report_graph + report_nquads, Lit against rdflib's Literal, cached IRI parts against quote."""

import unicodedata
from decimal import Decimal
from urllib.parse import quote

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.extract.measures import extract_measures
from kg.extract.relations import extract_relations
from kg.graph.build import report_graph, report_quads
from kg.graph.iri import encode_part, mint
from kg.graph.serialize import report_nquads, triples_nquads
from kg.graph.terms import Lit

BASE = "http://ex.org/"


def test_report_quads_are_the_bytes_of_the_rdflib_graph(yuepu):
    yuepu.relations = extract_relations(yuepu)
    yuepu.measures = extract_measures(yuepu)
    iri, graph = report_graph(yuepu, base=BASE)
    fast_iri, nquads = report_quads(yuepu, base=BASE)
    assert fast_iri == str(iri)
    assert nquads == report_nquads(iri, graph)
    assert nquads.count(b"\n") == len(graph) > 100
    # the rdflib graph holds rdflib literals only
    assert not any(isinstance(o, Lit) for o in graph.objects())


@pytest.mark.parametrize("lit, literal", [
    (Lit("月浦镇", language="zh"), Literal("月浦镇", lang="zh")),
    (Lit("done", language="EN"), Literal("done", lang="en")),
    (Lit("12", datatype=XSD.nonNegativeInteger), Literal(12, datatype=XSD.nonNegativeInteger)),
    (Lit("true", datatype=XSD.boolean), Literal(True)),
    (Lit("46000.0", datatype=XSD.decimal), Literal(Decimal("46000.0"))),
    (Lit("2020", datatype=XSD.gYear), Literal("2020", datatype=XSD.gYear)),
    (Lit('他说"好"\\n'), Literal('他说"好"\\n')),
    (Lit("plain", datatype=XSD.string), Literal("plain")),
])
def test_lit_writes_and_converts_like_rdflib(lit, literal):
    assert lit.to_rdflib() == literal
    s, p, g = URIRef("http://x/s"), URIRef("http://x/p"), "http://x/g"
    assert triples_nquads(g, [(s, p, lit)]) == triples_nquads(g, [(s, p, literal)])


def test_lits_differ_by_language_and_datatype_and_from_other_terms():
    values = [Lit("a"), Lit("a", language="zh"), Lit("a", language="en"),
              Lit("a", datatype=XSD.token), URIRef("a"), Literal("a"), "a"]
    for i, one in enumerate(values[:4]):
        for j, other in enumerate(values):
            assert (one == other) is (i == j), (one, other)
    assert len({(URIRef("s"), v) for v in values[:4]}) == 4
    assert Lit("a", datatype=XSD.string) == Lit("a")


@pytest.mark.parametrize("part", ["5bf22f6afb19df36", 12, "0-15", "a.b~c_d", " 司法所 ", "a/b",
                                  "e\u0301", "镇 政府", "%41"])
def test_encode_part_is_nfc_strip_and_quote(part):
    expected = quote(unicodedata.normalize("NFC", str(part)).strip(), safe="")
    assert encode_part(part) == expected
    assert encode_part(part) == expected  # again, from the cache


@pytest.mark.parametrize("bad", ["", "  ", "\u3000"])
def test_empty_parts_are_refused(bad):
    with pytest.raises(ValueError, match="empty IRI part"):
        encode_part(bad)
    with pytest.raises(ValueError, match="empty IRI part"):
        mint("org", bad)


def test_mint_checks_the_kind_and_adds_the_separator():
    assert str(mint("measure", "ab", 3, base="http://x")) == "http://x/measure/ab/3"
    assert str(mint("measure", "ab", base="http://x#")) == "http://x#measure/ab"
    with pytest.raises(ValueError, match="bad IRI kind"):
        mint("Measure", "ab")
    with pytest.raises(ValueError, match="at least one"):
        mint("measure")
