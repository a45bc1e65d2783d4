"""The whole ingest stage on every report in the corpus, and the Document contract."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import load_document, load_text
from kg.ingest.sections import iter_sections
from kg.records import SECTION_ROLES
from kg.settings import sample_paths


def check_document(doc):
    assert len(doc.offset_map) == len(doc.text) + 1
    assert doc.offset_map[-1] == len(doc.original)
    assert all(a <= b for a, b in zip(doc.offset_map, doc.offset_map[1:]))
    for section in iter_sections(doc.sections):
        assert section.role in SECTION_ROLES
        assert 0 <= section.start <= section.heading_end <= section.end <= len(doc.text)
        assert doc.text[section.start:section.heading_end].endswith(section.heading)


def test_every_corpus_report_parses(corpus_reports):
    paths = sorted(corpus_reports.glob("*.txt"))
    assert len(paths) >= 31
    for path in paths:
        doc = load_document(path)
        check_document(doc)
        assert doc.sections, path.name
        assert doc.meta.year, path.name
        assert doc.meta.level, path.name
        assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundled_samples(corpus_reports):
    for path in sample_paths():
        doc = load_document(path)
        check_document(doc)
        assert doc.meta.government and doc.meta.level == "township"
        assert len(doc.sections) >= 3
        assert doc.warnings == []
        assert "[bookmark" not in doc.text and "字号" not in doc.text


def test_offset_map_points_at_source_characters():
    original = "  發布時間:2020-02-21 來源: 本網\n\n北坡鎮2020年法治政府建設情況報告\n一、健全組織領導\n（一）法 治宣傳。"
    doc = load_text(original)
    start = doc.text.index("北坡镇")
    o_start, o_end = doc.original_span(start, start + 3)
    assert original[o_start:o_end] == "北坡鎮"
    start = doc.text.index("(一)")
    o_start, o_end = doc.original_span(start, start + len("(一)法治宣传"))
    assert original[o_start:o_end] == "（一）法 治宣傳"


def test_load_text_is_deterministic():
    text = "月浦镇2020年法治政府建设工作报告\n1、推进法治政府建设的主要举措和成效\n(一)普法。"
    a, b = load_text(text, name="a.txt"), load_text(text, name="a.txt")
    assert a == b
    assert a.name == "a.txt" and a.format == "txt"


def test_warnings_for_unstructured_text():
    doc = load_text("这是一段没有标题也没有编号的文字。")
    assert any("no numbered headings" in w for w in doc.warnings)
    assert any("government" in w for w in doc.warnings)


def test_text_of_only_page_chrome_is_an_error():
    with pytest.raises(InputError, match="no text left"):
        load_text("发布时间:2020-02-21\n来源: 本网\n分享到:")


_pieces = st.sampled_from([
    "月浦镇", "坡头镇人民政府", "2020年", "二〇二〇年十二月十四日", "关于", "法治政府建设", "工作报告", "\n",
    "一、", "(一)", "1、", "存在的问题", "下一步", "整改", "。", ",", "区委", "在", "领导下", "发布时间:2020-01-01",
    "中共", "委员会", "市中区", "上海市", "我镇", " ", "《民法典》", "一是", "二是"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_pieces, max_size=30).map("".join))
def test_load_text_never_crashes(text):
    try:
        doc = load_text(text)
    except InputError:
        return
    check_document(doc)
    assert doc.meta.level in (None, "province", "city", "county", "township")
