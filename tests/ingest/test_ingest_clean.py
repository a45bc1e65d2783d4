"""Cleaners: tables of real cases, each cleaner alone, then the composition."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest import clean as C


@pytest.mark.parametrize("raw, expected", [
    ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
    ("法治\u200b政府\ufeff", "法治政府"),
    ("法治\u00a0政府", "法治 政府"),
])
def test_normalize_newlines(raw, expected):
    assert C.normalize_newlines(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("[bookmark: _GoBack]1、利用重要时间节点", "1、利用重要时间节点"),
    ("[bookmark: _GoBack]（四）优化工作流程", "（四）优化工作流程"),
    ("党政主要负[bookmark: _Toc123]责人", "党政主要负责人"),
    ("[见附件]", "[见附件]"),
])
def test_remove_docx_artefacts(raw, expected):
    assert C.remove_docx_artefacts(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("领(lǐng)导(dǎo)干部带头学法", "领导干部带头学法"),
    ("法（fǎ）治（zhì）宣传", "法治宣传"),
    ("坚持(lǚ xíng)履行", "坚持履行"),
    ("开展活动(a)和(b)", "开展活动(a)和(b)"),  # list labels are not pinyin
    ("共计(2020)年", "共计(2020)年"),
])
def test_remove_pinyin(raw, expected):
    assert C.remove_pinyin(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("小龍門鄉2024年法治政府建設情況報告", "小龙门乡2024年法治政府建设情况报告"),
    ("堅持依法全面履行政府職能", "坚持依法全面履行政府职能"),
    ("北坡鎮在縣委、縣政府的正確領導下", "北坡镇在县委、县政府的正确领导下"),
    ("月浦镇法治政府建设", "月浦镇法治政府建设"),
])
def test_to_simplified(raw, expected):
    out = C.to_simplified(raw)
    assert out == expected
    assert len(out) == len(raw)  # character for character, so the offset map stays exact


@pytest.mark.parametrize("raw, expected", [
    ("（１）依法全面履职", "(1)依法全面履职"),
    ("（一）强化党委领导，筑牢根基：", "(一)强化党委领导,筑牢根基:"),
    ("ＡＢＣ　１２３", "ABC 123"),
    ("《民法典》“谁执法谁普法”。", "《民法典》“谁执法谁普法”。"),  # kept: meaningful for later rules
])
def test_to_halfwidth(raw, expected):
    assert C.to_halfwidth(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("「一村一法律顾问」", "“一村一法律顾问”"),
    ("『小红伞』", "‘小红伞’"),
    ("纲要(2021—2025年)", "纲要(2021-2025年)"),
    ("纲要(2021–2025年)", "纲要(2021-2025年)"),
    ("规划(2020~2025年)", "规划(2020-2025年)"),
    ("法治——为民", "法治——为民"),
    ("法治―为民", "法治—为民"),
])
def test_unify_quotes_dashes(raw, expected):
    assert C.unify_quotes_dashes(raw) == expected


@pytest.mark.parametrize("line", [
    "发布时间:2020-02-21 10:02 来源: 本网 字号: 【大】 【中】 【小】",
    "- [ 索引号 ] 11500229768895163R/2026-00004",
    "- [ 发文字号 ] 鸡鸣委文〔2026〕3号",
    "| 索引号: | 1137030500421943XY/2026-5561816 | 文号: | |",
    "|---|---|---|---|",
    "当前位置:首页 > 政府信息公开 > 乡镇街",
    "首页 > 政务公开 > 法治政府建设年度报告",
    "长者版 无障碍阅读",
    "- 分享到 :",
    "大",
    "字体:【",
    "发表日期:2024-03-19    文章来源:本网",
    "相关词条:法治政府",
    "打印本页 关闭窗口",
    "海滨街2020年法治政府建设情况.docx",
    "进入老年模式 退出老年模式",
])
def test_remove_site_chrome_drops(line):
    assert C.remove_site_chrome(f"报告标题\n{line}\n正文。").split("\n") == ["报告标题", "", "正文。"]


@pytest.mark.parametrize("line", [
    "一、推进法治政府建设的主要举措和成效",
    "2019年,在区委、区政府的正确领导下,我镇始终坚持以习近平新时代中国特色社会主义思想为指导,来源于群众。",
    "(一)依法履职,提升法治政府建设水平",
    "大力推进依法行政",
    "坡头镇人民政府",
])
def test_remove_site_chrome_keeps(line):
    assert C.remove_site_chrome(line) == line


@pytest.mark.parametrize("line", [
    "首页 > 海丰县人民政府门户网站 > 专题专栏 > 海丰县法治政府建设年度报告公开 > 2025年",
    "当前位置:首页 > 政府信息公开 > 乡镇街 > 东风路街道",
    "发表日期:2024-03-19    文章来源:东风路街道",
    "发布时间:2025-04-11 16:33信息来源:辰溪县小龙门乡",
    "来源:大冶市殷祖镇人民政府",
    "发布机构:坡头区司法局",
])
def test_furniture_naming_the_publisher_is_kept_for_its_names(line):
    """ANNOTATION.md counts every name the text mentions: a 来源 field or a breadcrumb naming a
    government is part of the text (the title and metadata ignore it, see test_ingest_metadata)."""
    assert C.is_naming_chrome(line)
    assert C.remove_site_chrome(f"报告标题\n{line}\n正文。").split("\n") == ["报告标题", line, "正文。"]


@pytest.mark.parametrize("line", ["一、推进法治政府建设的主要举措和成效", "您的位置:首页 > 政务公开",
                                  "发布时间:2020-02-21 10:02 来源: 本网 字号: 【大】 【中】 【小】",
                                  "首页 > 法治政府建设", "作者:张三", "来源:新华网"])
def test_other_lines_are_not_naming_furniture(line):
    assert not C.is_naming_chrome(line)


@pytest.mark.parametrize("raw, expected", [
    ("深入推进法 治政府建设", "深入推进法治政府建设"),
    ("海滨街 2020 年法治政府建设", "海滨街2020年法治政府建设"),
    ("同时, 认真履行", "同时, 认真履行"),  # ASCII comma: keep the space (collapsed later)
    ("1、 推进法治政府建设", "1、推进法治政府建设"),
    ("Rule of law", "Rule of law"),
])
def test_join_broken_words(raw, expected):
    assert C.join_broken_words(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("  一、标题  \n\n\n   正文 内容\t\t结束  \n", "一、标题\n正文 内容 结束"),
    ("\n\n", ""),
])
def test_collapse_whitespace(raw, expected):
    assert C.collapse_whitespace(raw) == expected


def test_split_run_in_headings_only_in_long_lines():
    body = "如下: 一、2020年推进法治政府建设的主要举措和成效 (一)加强组织领导,奠定依法行政基础 " + "成立领导小组。" * 50
    out = C.split_run_in_headings(body)
    assert out.split("\n")[1].startswith("一、2020年")
    assert out.split("\n")[2].startswith("(一)加强组织领导")
    assert C.split_run_in_headings("短行 一、标题") == "短行 一、标题"


def test_clean_real_page_header():
    raw = ("小龍門鄉2024年法治政府建設情況報告\n\n發布時間:2025-04-11 16:33 信息來源:辰溪縣小龍門鄉\n\n"
           "一、2024年度推進法治政府建設的主要舉措和成效\n\n（一） 加強鄉鎮政府職能轉變。")
    text, mapping = C.clean(raw)
    # the page fields line stays for the name in its 信息来源 field
    assert text == ("小龙门乡2024年法治政府建设情况报告\n发布时间:2025-04-11 16:33信息来源:辰溪县小龙门乡\n"
                    "一、2024年度推进法治政府建设的主要举措和成效\n(一) 加强乡镇政府职能转变。")
    i = text.index("加强")
    assert raw[mapping[i]:mapping[i] + 2] == "加強"


# -- properties ------------------------------------------------------------------

_alphabet = st.sampled_from(list(
    "法治政府建设镇区县街道一二三、。，,（）()“”《》「」—-–１２ＡａB12 \t\n\r　[]:：發時來源字号大中小"
    "龍鄉領lǐngdǎo\u200b\ufeff") + ["[bookmark: _GoBack]", "发布时间:2020-01-01", "\r\n", "  "])
texts = st.lists(_alphabet, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_clean_is_idempotent(text):
    once, _ = C.clean(text)
    assert C.clean(once)[0] == once


@settings(max_examples=300, deadline=None)
@given(texts)
def test_offset_map_invariants(text):
    cleaned, mapping = C.clean(text)
    assert len(mapping) == len(cleaned) + 1
    assert mapping[-1] == len(text)
    assert all(0 <= m <= len(text) for m in mapping)
    assert all(a <= b for a, b in zip(mapping, mapping[1:]))  # order is kept
    for i, char in enumerate(cleaned):
        assert mapping[i] < len(text)
        source = text[mapping[i]]
        # A kept character points at itself; a changed one at the character it came from.
        if char == source:
            continue
        assert (C.to_simplified(source) == char or C.to_halfwidth(source) == char
                or C.unify_quotes_dashes(source) in (char, "-", "—") or source.isspace()
                or source in "\r\u3000"), (char, source)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_each_cleaner_is_idempotent(text):
    for cleaner in C.CLEANERS:
        once = cleaner(text)
        assert cleaner(once) == once, cleaner.__name__


@pytest.mark.parametrize("line", ["【字体:大 中 小】", "[ 字号 大 中 小 ]", "您的位置:首页 > 政务公开"])
def test_more_widgets(line):
    assert C.remove_site_chrome(line) == ""


def test_position_words_inside_report_text_are_kept():
    line = "在地图上标注所在位置:便民服务点"
    assert C.remove_site_chrome(line) == line


@settings(max_examples=300, deadline=None)
@given(texts)
def test_same_length_cleaners_agree_with_their_edits(text):
    for cleaner in C.CLEANERS:
        if cleaner.same_length is not None:
            new, mapping = C.apply_edits(text, cleaner.edits(text))
            assert cleaner(text) == new and len(new) == len(text), cleaner.__name__
            assert mapping == list(range(len(text) + 1))


_DIGITS_AND_DASHES = st.lists(st.sampled_from(list("12٣²a 中，\t\n" + C._DASHES + C._TILDES + "「」『』〝〞〟„")),
                              max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(_DIGITS_AND_DASHES)
def test_quotes_dashes_as_the_lookbehind_regex(text):
    # the specification the one-class regex implements: tildes between decimal digits only
    spec = re.compile(rf"(?<=\d)[{C._DASHES}~～〜](?=\d)|[{C._DASHES}]|[「」『』〝〞〟„]")
    assert C.unify_quotes_dashes(text) == spec.sub(C._quote_dash_repl, text)


@settings(max_examples=500, deadline=None)
@given(_DIGITS_AND_DASHES)
def test_broken_words_as_the_lookbehind_regex(text):
    spec = re.compile(rf"(?<=[{C._JOINABLE}])[ \t]+(?=[{C._JOINABLE}0-9])|(?<=[0-9])[ \t]+(?=[{C._CJK}])")
    assert C._broken_word_edits(text) == [(m.start(), m.end(), "") for m in spec.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("\r\n\r\u2028\x0b\x85\u200b\ufeff\u00a0\u3000 a中")), max_size=10).map("".join))
def test_newlines_as_the_alternation(text):
    spec = re.compile(f"\r\n|[\r\u2028\u2029\x0b\x0c\x85]|[{C._INVISIBLE}]|[{C._ODD_SPACES}]")
    assert C._newline_edits(text) == [(m.start(), m.end(), C._newline_repl(m)) for m in spec.finditer(text)
                                      if C._newline_repl(m) != m.group(0)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["中", "a", "ǐ", "ng", "(", "（", ")", "）", " ", "\n", "d", "ǎo", "ü", "1"]),
                max_size=12).map("".join))
def test_pinyin_as_the_lookbehind_regex(text):
    t = C._TONED
    spec = re.compile(rf"(?<=[{C._CJK}])[（(]\s*(?=[a-zü{t}\s]*[{t}ü])[a-zü{t}]{{1,7}}"
                      rf"(?:\s+[a-zü{t}]{{1,7}})*\s*[)）]")
    assert C._pinyin_edits(text) == [(m.start(), m.end(), "") for m in spec.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list(" \t\n\n\r\u3000\x0b a中")), max_size=12).map("".join))
def test_whitespace_as_the_plain_alternation(text):
    spec = re.compile(r"[ \t]*\n[\s]*|^[ \t\n]+|[ \t\n]+$|[ \t][ \t]+|\t")
    expected = []
    for m in spec.finditer(text):
        new = "" if m.start() == 0 or m.end() == len(text) else ("\n" if "\n" in m.group(0) else " ")
        if new != m.group(0):
            expected.append((m.start(), m.end(), new))
    assert C._whitespace_edits(text) == expected
