"""Report metadata: government, level, year, date, parents, codes."""

from __future__ import annotations

import pytest

from kg.gazetteer import short_forms
from kg.ingest import load_document, load_text
from kg.ingest.metadata import (extract_meta, find_title, normalise_government, page_fields, parse_date,
                                split_divisions)


@pytest.mark.parametrize("text, iso", [
    ("二〇二〇年十二月十四日", "2020-12-14"),
    ("二○二一年三月五日", "2021-03-05"),
    ("2020年2月19日", "2020-02-19"),
    ("2026-01-06", "2026-01-06"),
    ("2024/3/19", "2024-03-19"),
    ("2020年13月1日", None),
    ("2020年", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("name, parts", [
    ("市中区齐村镇", ["市中区", "齐村镇"]),
    ("重庆市江津区四屏镇", ["重庆市", "江津区", "四屏镇"]),
    ("新会区睦洲镇", ["新会区", "睦洲镇"]),
    ("上海市浦东新区惠南镇", ["上海市", "浦东新区", "惠南镇"]),
    ("镇江市", ["镇江市"]),
    ("东风路街道", ["东风路街道"]),
    ("大冶市殷祖镇", ["大冶市", "殷祖镇"]),
    ("新市镇", ["新市镇"]),
])
def test_split_divisions(name, parts):
    assert split_divisions(name) == parts


@pytest.mark.parametrize("written, government, parents", [
    ("坡头镇人民政府", "坡头镇", []),
    ("新会区睦洲镇人民政府", "睦洲镇", ["新会区"]),
    ("城口县鸡鸣乡人民政府", "鸡鸣乡", ["城口县"]),
    ("中共江门市新会区睦州镇委员会", "睦州镇", ["新会区", "江门市"]),
    ("淮安市人民政府", "淮安市", []),
    ("友谊路街道", "友谊路街道", []),
])
def test_normalise_government(written, government, parents):
    assert normalise_government(written) == (government, parents)


@pytest.mark.parametrize("text, title", [
    ("月浦镇2020年法治政府建设工作报告\n为深入贯彻落实……", "月浦镇2020年法治政府建设工作报告"),
    ("新会区睦洲镇人民政府2020年\n法治政府建设年度报告\n2020年,睦洲镇……", "新会区睦洲镇人民政府2020年法治政府建设年度报告"),
    ("中共重庆市江津区四屏镇委员会\n重庆市江津区四屏镇人民政府\n关于2025年法治政府建设情况的报告\n区委,区政府:",
     "重庆市江津区四屏镇人民政府关于2025年法治政府建设情况的报告"),
    ("海滨街2020年法治政府建设情况报告2020年,在区委、区政府的正确领导下……", "海滨街2020年法治政府建设情况报告"),
    ("2021年,我镇在云安区委、区政府的坚强领导下……", None),
])
def test_find_title(text, title):
    assert find_title(text) == title


def test_page_fields():
    original = ("- [ 发布机构 ] 城口县鸡鸣乡人民政府\n- [ 成文日期 ] 2026-02-12\n- [ 发布日期 ] 2026-02-13\n"
                "发布时间:2020-02-21 10:02 来源: 本网 字号: 【大】")
    fields = page_fields(original)
    assert fields["发布机构"] == "城口县鸡鸣乡人民政府"
    assert fields["成文日期"] == "2026-02-12" and fields["发布日期"] == "2026-02-13"
    assert "来源" not in fields  # 本网 names no one


@pytest.mark.parametrize("text, expected", [
    # title, signature with a Chinese-numeral date, parents named in the signature
    ("新会区睦洲镇人民政府2020年\n法治政府建设年度报告\n2020年,睦洲镇在区委、区政府的领导下……\n"
     "一、基本情况\n正文。\n中共江门市新会区睦州镇委员会\n江门市新会区睦洲镇人民政府\n二〇二〇年十二月十四日",
     dict(government="睦洲镇", level="township", year=2020, date="2020-12-14",
          parents=["新会区", "江门市", "广东省"], division_code="440705113000")),
    # government and year from the opening sentence
    ("2022年,在区委、区政府的坚强领导下,友谊路街道深入贯彻学习党的二十大精神。\n一、推进法治政府建设的主要举措\n正文。",
     dict(government="友谊路街道", level="township", year=2022, date=None)),
    # the superior named as leader is a parent; no government named: the voice gives the level
    ("2021年,我镇在云安区委、区政府的坚强领导下,全面依法行政,我镇……全镇……\n一、2021年法治政府建设情况",
     dict(government=None, level="township", year=2021, parents=["云安区", "云浮市", "广东省"])),
    # a reporting body that is no gazetteer division, as the subject of the opening sentence
    ("2025年,常青花园社管办党工委紧紧围绕区委、区政府中心工作,以习近平法治思想为根本遵循。\n"
     "一、2025年度推进法治政府建设的主要举措和成效\n正文。",
     dict(government="常青花园社管办", government_as_written="常青花园社管办党工委", year=2025)),
    ("2023年,滨海新城管委会坚持依法行政。\n一、主要举措\n正文。",
     dict(government="滨海新城", government_as_written="滨海新城管委会", year=2023)),
    # ... but a superior's organ is not the subject
    ("2024年,在县委、县政府的坚强领导下,全乡深入推进依法行政。\n一、主要举措\n正文。",
     dict(government=None, year=2024)),
    # a city report
    ("淮安市人民政府关于2017年度法治政府建设情况的报告\n2017年,在省政府和淮安市委的正确领导下……",
     dict(government="淮安市", level="city", year=2017, parents=["江苏省"], division_code="320800000000")),
    # 坡头镇 exists in several counties: with no context it stays unresolved
    ("坡头镇人民政府关于2019年度法治政府建设的工作报告\n2019年,在区委、区政府的正确领导下……\n"
     "坡头镇人民政府\n2020年2月19日",
     dict(government="坡头镇", government_as_written="坡头镇人民政府", level="township", year=2019,
          date="2020-02-19", division_code=None)),
    # ... and a named parent resolves it
    ("坡头镇人民政府关于2019年度法治政府建设的工作报告\n2019年,在湛江市坡头区委、区政府的正确领导下……",
     dict(government="坡头镇", division_code="440804101000", parents=["坡头区", "湛江市", "广东省"])),
])
def test_extract_meta(text, expected, gazetteer):
    meta = extract_meta(text, None, gazetteer)
    for key, value in expected.items():
        assert getattr(meta, key) == value, key


def test_fields_in_original_give_the_date():
    original = "漫湾镇2025年度法治政府建设情况报告\n日期:2026-01-20 17:42\n来源:漫湾镇\n浏览:76次\n\n2025年,漫湾镇……"
    doc = load_text(original)
    assert "日期" not in doc.text
    assert (doc.meta.government, doc.meta.date, doc.meta.year) == ("漫湾镇", "2026-01-20", 2025)


def _same(a: str, b: str) -> bool:
    return bool({a, *short_forms(a)} & {b, *short_forms(b)})


def test_samples_match_gold(corpus_reports, gold):
    """The five sample reports: government, level, year and parents exactly right."""
    samples = [g for g in gold if "_" in g["doc"]]
    assert len(samples) == 5
    for g in samples:
        meta = load_document(corpus_reports / g["doc"]).meta
        gm = g["meta"]
        assert meta.government == normalise_government(gm["government"])[0], g["doc"]
        assert meta.level == {"street": "township"}.get(gm["level"], gm["level"]), g["doc"]
        assert meta.year == gm["year"], g["doc"]
        assert meta.date == gm["date"], g["doc"]
        for parent in gm["parents"]:
            assert any(_same(parent, p) for p in meta.parents), (g["doc"], parent, meta.parents)


def test_corpus_agreement(corpus_reports, gold):
    """Every report in gold.jsonl: agreement per field, with a floor below today's numbers."""
    counts = dict(government=0, level=0, year=0, date=0, parents=0)
    for g in gold:
        meta = load_document(corpus_reports / g["doc"]).meta
        gm = g["meta"]
        gov = normalise_government(gm["government"])[0] if gm["government"] else None
        counts["government"] += meta.government == gov
        counts["level"] += meta.level == {"street": "township"}.get(gm["level"], gm["level"])
        counts["year"] += meta.year == gm["year"]
        counts["date"] += meta.date == gm["date"]
        counts["parents"] += all(any(_same(p, q) for q in meta.parents) for p in gm["parents"])
    n = len(gold)
    rates = {k: v / n for k, v in counts.items()}
    print("metadata agreement:", {k: f"{v}/{n}" for k, v in counts.items()})
    assert rates["year"] >= 0.95 and rates["date"] >= 0.9 and rates["level"] >= 0.9
    assert rates["government"] >= 0.85 and rates["parents"] >= 0.85


@pytest.mark.parametrize("furniture", [
    "首页 > 海丰县人民政府门户网站 > 专题专栏 > 海丰县法治政府建设年度报告公开 > 2025年",
    "发布时间:2026-01-05 信息来源:海丰县平东镇",
])
def test_furniture_naming_a_government_is_text_but_not_the_reporting_government(furniture):
    text = (f"{furniture}\n2025年,在县委、县政府的正确领导下,平东镇持续推进法治政府建设,现报告如下:\n"
            "一、主要举措\n(一)加强组织领导。镇党委召开专题会议3次。\n")
    doc = load_text(text, name="057.txt")
    assert furniture.replace(" 信息", "信息") in doc.text.split("\n")  # its names are mentions
    assert (doc.meta.government, doc.meta.level) == ("平东镇", "township")
    assert doc.meta.parents[:1] == ["海丰县"]
    assert doc.meta.title is None or "首页" not in doc.meta.title
