"""Heading tree, roles and inline enumerations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest.clean import clean
from kg.ingest.sections import (chinese_numeral, classify_role, inline_items, iter_sections,
                                parse_sections, section_at)


def outline(sections, depth=9):
    return [(s.label, s.role, outline(s.children, depth - 1)) if s.children and depth > 1 else (s.label, s.role)
            for s in sections]


# The opening of a report that uses 1、 at the top *and* under (一) (as 000_… does).
MIXED_NUMBERING = """月浦镇2020年法治政府建设工作报告
为深入贯彻落实习近平总书记重要讲话精神,月浦镇不断加快建设法治政府。
1、推进法治政府建设的主要举措和成效
(一)多管齐下全面推动普法工作
1、利用重要时间节点深入开展法治宣传教育活动。利用“3.15”消费者权益保护日开展宣传。
2、开展各类专项法治宣传活动。始终深入推进法治宣传。
(二)创新高效开展人民调解工作
1、加大专职人民调解员业务培训力度。开展培训6次。
2、推进法治政府建设存在的不足和原因
普法宣传形式较为单一。
3、党政主要负责人履行推进法治建设第一责任人职责,加强法治政府建设的有关情况
(一)紧紧围绕党政主要负责人履行推进法治建设第一责任人职责总体情况开展督察
4、2021年推进法治政府建设的主要安排
(一)加强法制教育宣传
5、2020年度法治督察整改情况
已全部整改到位。"""

CN_NUMBERING = """惠南镇2023年法治政府建设情况报告
一、推进法治政府建设的主要措施和成效
(一)强化党委领导,筑牢法治建设根基
1、持续深入学习宣传贯彻习近平法治思想。
2、优化完善法治建设考核指标体系。
(三)依法履职,提升法治政府建设水平
二、推进法治政府建设存在的不足和原因
(一)法治政府建设大格局有待发展。
三、主要负责人履行推进法治政府建设第一责任人职责
四、2024年推进法治政府建设的主要安排
(一)首要抓实习近平法治思想的学习宣传工作。"""

PAREN_DIGITS = """睦洲镇2020年法治政府建设年度报告
一、基本情况
(1) 依法全面履职,提升法治能力
(2) 完善法治体系,加强保障落实
二、履行推进法治建设第一责任人职责情况
(1) 带头学法,模范用法。
三、工作中存在的问题
四、下一步工作设想
(1) 继续提升法治政府建设质量。"""


@pytest.mark.parametrize("text, expected", [
    (MIXED_NUMBERING, [
        ("1、", "measures", [("(一)", "measures", [("1、", "measures"), ("2、", "measures")]),
                            ("(二)", "measures", [("1、", "measures")])]),
        ("2、", "shortcomings"),
        ("3、", "responsibility", [("(一)", "responsibility")]),
        ("4、", "plans", [("(一)", "plans")]),
        ("5、", "rectification"),
    ]),
    (CN_NUMBERING, [
        ("一、", "measures", [("(一)", "measures", [("1、", "measures"), ("2、", "measures")]),
                             ("(三)", "measures")]),
        ("二、", "shortcomings", [("(一)", "shortcomings")]),
        ("三、", "responsibility"),
        ("四、", "plans", [("(一)", "plans")]),
    ]),
    (PAREN_DIGITS, [
        ("一、", "measures", [("(1)", "measures"), ("(2)", "measures")]),
        ("二、", "responsibility", [("(1)", "responsibility")]),
        ("三、", "shortcomings"),
        ("四、", "plans", [("(1)", "plans")]),
    ]),
])
def test_tree_and_roles(text, expected):
    assert outline(parse_sections(clean(text)[0])) == expected


def test_offsets_and_headings():
    text = clean(CN_NUMBERING)[0]
    top = parse_sections(text)
    first = top[0]
    assert text[first.start:first.heading_end] == "一、推进法治政府建设的主要措施和成效"
    assert first.heading == "推进法治政府建设的主要措施和成效" and first.path == (1,) and first.level == 1
    child = first.children[0].children[1]
    assert child.path == (1, 1, 2) and child.level == 3
    assert text[child.start:child.heading_end] == "2、优化完善法治建设考核指标体系"
    # A section ends where the next one at its level or above starts (minus the newline).
    assert first.end == top[1].start - 1
    assert top[-1].end == len(text)
    for section in iter_sections(top):
        assert section.start <= section.heading_end <= section.end
        for kid in section.children:
            assert section.start < kid.start and kid.end <= section.end
    assert section_at(top, text.index("考核指标")) is child


@pytest.mark.parametrize("heading, roles", [
    ("推进法治政府建设的主要举措和成效", ["measures"]),
    ("主要工作措施及成效", ["measures"]),
    ("基本情况", ["measures"]),
    ("我镇法治政府建设工作中存在的问题", ["shortcomings"]),
    ("存在的不足及原因", ["shortcomings"]),
    ("党政主要负责人履行推进法治建设第一责任人职责情况", ["responsibility"]),
    ("下一步工作计划", ["plans"]),
    ("下步主要安排", ["plans"]),
    ("2021年工作打算", ["plans"]),
    ("2020年度法治督察整改情况", ["rectification"]),
    ("主要举措、成效及存在的问题与原因分析", ["measures", "shortcomings"]),
    ("依法全面履行政府职能", []),
])
def test_classify_role(heading, roles):
    assert classify_role(heading) == roles


def test_year_after_the_report_year_means_plans():
    assert classify_role("2024年法治政府建设", reference_year=2023) == ["plans"]
    assert classify_role("2023年法治政府建设", reference_year=2023) == []


def test_thematic_reports_count_as_measures():
    text = "2018年,我市法治政府建设取得进展。\n一、依法全面履行政府职能\n正文。\n二、完善依法行政制度体系\n正文。\n三、存在的问题\n问题。"
    assert [s.role for s in parse_sections(text)] == ["measures", "measures", "shortcomings"]


def test_mixed_heading_children_classify_themselves():
    text = "一、主要举措、成效及存在的问题与原因分析\n(一)主要举措及成效\n正文。\n(二)存在的问题\n问题。"
    top = parse_sections(text)
    assert top[0].role == "measures"
    assert [c.role for c in top[0].children] == ["measures", "shortcomings"]


@pytest.mark.parametrize("line", [
    "2020年,在区委、区政府的坚强领导下,我镇坚持依法行政。",
    "3.15消费者权益保护日开展宣传。",
    "1.5万份宣传资料已发放。",
    "10年来坚持普法。",
    "第一责任人职责落实到位。",
])
def test_not_headings(line):
    assert parse_sections(line) == []


@pytest.mark.parametrize("numeral, value", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23),
                                            ("一百零五", 105), ("甲", None), ("", None)])
def test_chinese_numeral(numeral, value):
    assert chinese_numeral(numeral) == value


@pytest.mark.parametrize("text, labels", [
    ("推动各部门履行职责。一是扎实做好安全生产工作。二是开展执法检查。三是强化监督。", ["一是", "二是", "三是"]),
    ("我镇依法推进村(居)民自治:(1)完善村规民约;(2)规范村务公开。", ["(1)", "(2)"]),
    ("重点做好:①普法宣传;②法律援助;③人民调解。", ["①", "②", "③"]),
    ("统一是基础。唯一是目标。", []),  # 一是 inside a word, no 二是
    ("只有一是不够的。", []),  # a lone 一是 is no enumeration
])
def test_inline_items_labels(text, labels):
    assert [label for label, _, _ in inline_items(text, 0, len(text))] == labels


def test_inline_items_spans():
    text = "前言。一是抓学习。二是抓宣传。\n下一段。"
    items = inline_items(text, 0, len(text))
    assert [(text[s:e]) for _, s, e in items] == ["一是抓学习。", "二是抓宣传。"]
    # Limited to the span asked for.
    assert inline_items(text, text.index("二是"), len(text)) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["一、", "(一)", "1、", "1.", "(1)", "①", "第一,", "二、", "(二)", "2、",
                                 "十二、", "标题", "存在的问题", "下一步", "整改", "。", "\n", " ", "一是", "二是",
                                 "法治", "2020年"]), max_size=40).map("".join))
def test_parser_never_crashes(text):
    top = parse_sections(text)
    for section in iter_sections(top):
        assert 0 <= section.start <= section.heading_end <= section.end <= len(text)
        assert section.role in ("measures", "shortcomings", "responsibility", "plans", "rectification", "other")
    for label, start, end in inline_items(text, 0, len(text)):
        assert 0 <= start < end <= len(text) and text[start:].startswith(label)


def test_samples_have_their_own_headings(corpus_reports):
    """Every top-level heading the parser finds is a line of the document, and vice versa."""
    import re

    for path in sorted(corpus_reports.glob("00?_*.txt")):
        text = clean(path.read_text(encoding="utf-8"))[0]
        top = parse_sections(text)
        found = [text[s.start:s.heading_end] for s in top]
        style = "1、" if found[0].startswith("1、") else "一、"
        pattern = r"^\d{1,2}、" if style == "1、" else r"^[一二三四五六七八九十]{1,3}、"
        lines = [ln for ln in text.split("\n") if re.match(pattern, ln)]
        if style == "1、":  # only the title-like lines are top level
            lines = [ln for ln in lines if "。" not in ln]
        assert [ln[:len(f)] for ln, f in zip(lines, found)] == found, path.name
        assert len(top) == len(lines), path.name
        roles = [s.role for s in top]
        assert roles[0] == "measures" and "shortcomings" in roles and "plans" in roles, (path.name, roles)


def test_inner_list_ends_at_next_outer_item():
    text = "一是防控工作。(1)做好帮教;(2)创建无毒村。二是排查工作。(1)召开会议;(2)调解纠纷。"
    items = inline_items(text, 0, len(text))
    spans = {(label, text[s:e]) for label, s, e in items}
    assert ("(2)", "(2)创建无毒村。") in spans
    assert ("二是", "二是排查工作。(1)召开会议;(2)调解纠纷。") in spans
    assert ("(2)", "(2)调解纠纷。") in spans
