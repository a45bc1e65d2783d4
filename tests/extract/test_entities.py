"""extract_entities: records with canonical ids, every occurrence, sentences and figures."""

from __future__ import annotations

import pytest

from kg.extract.entities import extract_entities, make_doc
from kg.ingest import load_text
from kg.nlp import load_pipeline

REPORT = ("月浦镇2020年法治政府建设工作报告\n"
          "一、主要举措和成效\n"
          "镇司法所特携手月浦法庭,推动《民法典》进乡村。司法所发放资料4.6万余份。\n"
          "在宝山区委领导下,推行“一村(居)一法律顾问”。")


@pytest.fixture(scope="module")
def extraction():
    return extract_entities(load_text(REPORT, name="yuepu.txt"), nlp=load_pipeline("char"))


def test_every_occurrence_with_offsets(extraction):
    text = extraction.document.text
    orgs = [m for m in extraction.entities if m.type == "ORG" and "司法所" in m.text]
    assert len(orgs) == 2
    for m in extraction.entities:
        assert text[m.start:m.end] == m.text


@pytest.mark.parametrize("etype, surface, ident", [
    ("ORG", "镇司法所", "月浦镇司法所"),
    ("ORG", "司法所", "月浦镇司法所"),
    ("LAW", "民法典", "中华人民共和国民法典"),
    ("PROGRAMME", "一村(居)一法律顾问", "one_village_one_legal_adviser"),
    ("DIVISION", "月浦镇", "310113104000"),
    ("DIVISION", "宝山区", "310113000000"),
])
def test_canonical_ids(extraction, etype, surface, ident):
    ids = {m.id for m in extraction.entities if m.type == etype and m.text == surface}
    assert ids == {ident}


def test_sentences_and_quantities(extraction):
    assert len(extraction.sentences) >= 4
    assert [(q.value, q.unit, q.approx) for q in extraction.quantities] == [(46000, "份", True)]
    assert extraction.measures == [] and extraction.relations == []


def test_accepts_a_premade_doc():
    nlp = load_pipeline("char")
    document = load_text(REPORT, name="yuepu.txt")
    doc = make_doc(document, nlp)
    assert extract_entities(document, doc=doc).entities == extract_entities(document, nlp=nlp).entities
    with pytest.raises(ValueError, match="not made from"):
        extract_entities(document, doc=nlp("别的文本"))


def test_extract_many_matches_one_by_one():
    from kg.extract.entities import extract_many

    nlp = load_pipeline("char")
    documents = [load_text(REPORT, name="a.txt"), load_text("坡头镇2019年报告\n坡头司法所开展普法。", name="b.txt")]
    batch = list(extract_many(documents, nlp=nlp, batch_size=2))
    single = [extract_entities(d, nlp=nlp) for d in documents]
    assert [e.entities for e in batch] == [e.entities for e in single]
    assert any(m.text == "坡头司法所" for m in batch[1].entities)
