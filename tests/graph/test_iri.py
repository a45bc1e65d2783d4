"""Minted IRIs are deterministic, injective and always valid."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st
from rdflib import Graph, Literal, URIRef

from kg.graph.iri import mint, report_id

BASE = "https://w3id.org/govkg/id/"
# RFC 3987 without ucschar: what a percent-encoded IRI may contain after the base.
VALID_PATH = re.compile(r"^[A-Za-z0-9\-._~%/]+$")


@pytest.mark.parametrize("kind, parts, expected", [
    ("measure", ("5bf22f6afb19df36", 0), BASE + "measure/5bf22f6afb19df36/0"),
    ("division", ("310113104000",), BASE + "division/310113104000"),
    ("org", ("310113104000", "司法所"), BASE + "org/310113104000/%E5%8F%B8%E6%B3%95%E6%89%80"),
    ("law", ("a/b c",), BASE + "law/a%2Fb%20c"),
])
def test_mint_table(kind, parts, expected):
    assert str(mint(kind, *parts, base=BASE)) == expected


def test_base_is_configurable():
    assert str(mint("report", "x", base="http://example.org/kg")) == "http://example.org/kg/report/x"


@pytest.mark.parametrize("parts", [(), ("",), ("  ",)])
def test_empty_parts_are_refused(parts):
    with pytest.raises(ValueError):
        mint("org", *parts, base=BASE)


def test_bad_kind_is_refused():
    with pytest.raises(ValueError):
        mint("Org Node", "x", base=BASE)


def test_report_id():
    assert report_id("5BF22F6AFB19DF36" + "0" * 48) == "5bf22f6afb19df36"
    with pytest.raises(ValueError):
        report_id("not-a-hash")


text_parts = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(text_parts, min_size=1, max_size=3))
def test_minted_iris_are_valid_and_round_trip(parts):
    iri = mint("org", *parts, base=BASE)
    assert iri == mint("org", *parts, base=BASE)
    assert VALID_PATH.match(str(iri)[len(BASE):])
    graph = Graph()
    graph.add((iri, URIRef(BASE + "p"), Literal("x")))
    again = Graph().parse(data=graph.serialize(format="nt"), format="nt")
    assert set(again.subjects()) == {iri}


@settings(max_examples=200, deadline=None)
@given(a=st.lists(text_parts, min_size=1, max_size=3), b=st.lists(text_parts, min_size=1, max_size=3))
def test_distinct_parts_give_distinct_iris(a, b):
    import unicodedata

    def norm(parts):
        return [unicodedata.normalize("NFC", p).strip() for p in parts]

    if norm(a) != norm(b):
        assert mint("org", *a, base=BASE) != mint("org", *b, base=BASE)
