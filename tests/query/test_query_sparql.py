"""The canned query library, parameter binding and result formats, on the
hand-made fixture graph (tests/query/fixtures/two_towns.trig)."""

from __future__ import annotations

import csv
import io
import json
import re

import pyoxigraph as ox
import pytest

from kg.errors import QueryError
from kg.query.frames import to_dataframe
from kg.query.sparql import (
    FORMATS,
    bind_params,
    format_result,
    get_query,
    list_queries,
    parse_header,
    resolve_query,
    run_query,
    term_value,
)
from kg.query.store import Store

from queryfix import BASE

YEARS = re.compile(r"^\d{4}(,\d{4})+$")


def values(result) -> list[tuple]:
    """Rows as plain values; GROUP_CONCAT'ed years sorted (their order is free)."""
    out = []
    for row in result.rows:
        vals = []
        for term in row:
            v = term_value(term)
            if isinstance(v, str) and YEARS.match(v):
                v = ",".join(sorted(v.split(",")))
            vals.append(v)
        out.append(tuple(vals))
    return out


# (query, params, expected rows in order) — worked out by hand from the fixture.
CASES = [
    ("governments_implementing_programme", {"programme": "枫桥经验"},
     [("坡头镇", "township", "2021", 1), ("月浦镇", "township", "2020", 1)]),
    ("governments_implementing_programme", {"programme": "新时代枫桥经验"},  # alias
     [("坡头镇", "township", "2021", 1), ("月浦镇", "township", "2020", 1)]),
    ("governments_implementing_programme", {"programme": "七五普法"}, [("月浦镇", "township", "2021", 1)]),
    ("programmes_by_government", {"government": "坡头镇人民政府"}, [("坡头镇", "枫桥经验", 1, "2021")]),
    ("programmes_by_government", {},
     [("坡头镇", "枫桥经验", 1, "2021"), ("月浦镇", "七五普法", 1, "2021"), ("月浦镇", "枫桥经验", 1, "2020")]),
    ("programme_diffusion", {"programme": "枫桥经验"}, [("枫桥经验", "2020", 1, 1), ("枫桥经验", "2021", 1, 1)]),
    ("laws_ranked", {}, [("中华人民共和国宪法", 2, 2, 2), ("中华人民共和国民法典", 1, 2, 3)]),
    ("laws_by_government", {"government": "月浦镇"},
     [("中华人民共和国民法典", "2020,2021", 3, 2, 1), ("中华人民共和国宪法", "2020", 1, 1, 0)]),
    ("laws_by_government", {"government": "月浦镇", "year": "2021"}, [("中华人民共和国民法典", "2021", 1, 1, 0)]),
    ("collaboration_pairs", {}, [("坡头派出所", "坡头镇司法所", 2, 1), ("月浦法庭", "月浦镇司法所", 2, 1)]),
    ("collaborators_of", {"organisation": "坡头派出所"}, [("坡头镇司法所", 2, "坡头镇")]),
    ("collaborators_of", {"organisation": "司法所"}, [("月浦法庭", 2, "月浦镇")]),  # alias of 月浦镇司法所
    ("indicators_by_category", {"category": "矛盾纠纷化解"},
     [("矛盾纠纷化解", "坡头镇", "2021", "矛盾纠纷", 139.0, "件", False, "推广枫桥经验化解矛盾纠纷")]),
    ("indicators_by_category", {"category": "普法宣传"},
     [("普法宣传", "月浦镇", "2020", "法治宣传资料", 46000.0, "份", True, "利用重要时间节点深入开展法治宣传教育活动"),
      ("普法宣传", "月浦镇", "2020", "法治讲座", 40.0, "次", True, "利用重要时间节点深入开展法治宣传教育活动")]),
    ("measures_by_category", {"government": "月浦镇"},
     [("月浦镇", "普法宣传", 4, 2, 1, 1), ("月浦镇", "矛盾纠纷化解", 1, 1, 0, 0)]),
    ("planned_vs_done", {}, [("坡头镇", "2021", "普法宣传", 1, 0), ("月浦镇", "2020", "普法宣传", 1, 1)]),
    ("plans_for_year", {"year": "2022"}, [("坡头镇", "普法宣传", "开展宪法宣传周活动", "3.1")]),
    ("plans_for_year", {"year": "2021", "government": "月浦镇"}, [("月浦镇", "普法宣传", "继续深化民法典宣传", "3.1")]),
    ("villages_measures", {"government": "坡头镇"},
     [("高岭村", "坡头镇", "2021", "矛盾纠纷化解", "推广枫桥经验化解矛盾纠纷")]),
    ("people_roles", {"person": "林继凯"},
     [("林继凯", "法治副校长", "月浦中学", "月浦镇", "2020", "林继凯担任月浦中学法治副校长。")]),
    ("compare_governments", {"government_a": "月浦镇", "government_b": "坡头镇人民政府"},
     [("普法宣传", 2, 0, 1, 1, 2, 0), ("矛盾纠纷化解", 1, 1, 0, 0, 0, 1)]),
    ("reports", {"government": "坡头镇"},
     [("坡头镇", "township", "2021", "坡头镇2021年法治政府建设工作报告", None, 2, 1, 1, 0)]),
]


@pytest.mark.parametrize("name, params, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_canned_query_answers(fixture_store, name, params, expected):
    assert values(run_query(name, params, store=fixture_store)) == expected


def test_evidence_behind_an_indicator(fixture_store):
    node = BASE + "indicator/bbbb000000000001/0"
    rows = run_query("evidence_for", {"node": node}, store=fixture_store).records()
    assert [(r["node"], r["sentence"], r["section"], r["report_title"]) for r in rows] == [
        (node, "镇司法所联合坡头派出所推广枫桥经验，化解矛盾纠纷139件。", "1.1", "坡头镇2021年法治政府建设工作报告")]


def test_evidence_carries_offsets_and_the_quote(fixture_store):
    rows = run_query("evidence_for", {"node": BASE + "measure/aaaa000000000001/0"}, store=fixture_store).records()
    assert [(r["start"], r["end"], r["original_start"], r["original_end"], r["exact"]) for r in rows] == [
        (100, 160, 112, 172, "发放各类法治宣传资料4.6万余份")]


def test_evidence_about_an_entity_by_name(fixture_store):
    rows = run_query("evidence_for_entity", {"name": "坡头派出所"}, store=fixture_store).records()
    assert sorted((r["kind"], r["predicate"].rsplit("#", 1)[1]) for r in rows) == [
        ("measure", "partner"), ("relation object", "collaboratesWith")]
    assert {r["report_title"] for r in rows} == {"坡头镇2021年法治政府建设工作报告"}


def test_evidence_about_a_law_by_alias(fixture_store):
    rows = run_query("evidence_for_entity", {"name": "民法典"}, store=fixture_store).records()
    assert sorted((r["kind"], r["fact"].split("/id/", 1)[1]) for r in rows) == [
        ("measure", "measure/aaaa000000000001/0"), ("measure", "measure/aaaa000000000001/2"),
        ("measure", "measure/aaaa000000000002/0"), ("mention", "mention/aaaa000000000001/0")]


# -- the library itself ----------------------------------------------------------------
def test_library_has_at_least_twelve_documented_queries():
    queries = list_queries()
    assert len(queries) >= 12
    for info in queries:
        assert info.title and info.question.endswith("?"), info.name
        assert all(p.description for p in info.params), info.name


@pytest.mark.parametrize("info", list_queries(), ids=lambda i: i.name)
def test_every_library_query_runs_on_an_empty_store(info):
    params = {p.name: ("2021" if p.kind == "year" else BASE + "x" if p.kind == "iri" else "月浦镇")
              for p in info.params}
    result = run_query(info.name, params, store=Store(None))
    assert result.rows == []


def test_every_library_query_is_exercised_by_a_case():
    covered = {c[0] for c in CASES} | {"evidence_for", "evidence_for_entity"}
    assert covered == {q.name for q in list_queries()}


# -- parameter binding -------------------------------------------------------------------
INJECTIONS = [
    '枫桥经验" } UNION { ?prog a gk:Programme . ?prog rdfs:label ?alias } #',
    '枫桥经验")) } UNION { ?x ?y ?z } #',
    '枫桥经验"@zh . } ; DROP ALL ; #',
    '枫桥经验\\" ) }',
    '枫桥经验\n} UNION { ?s ?p ?o }',
    "UNDEF",
    "?programme",
    "'枫桥经验'",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_parameter_can_only_ever_be_one_literal(fixture_store, value):
    before = len(fixture_store)
    result = run_query("governments_implementing_programme", {"programme": value}, store=fixture_store)
    assert result.rows == []
    assert len(fixture_store) == before


@pytest.mark.parametrize("value", ["http://e/a> } UNION { ?s ?p ?o } #", "not an iri", "http://e/a b"])
def test_an_iri_parameter_must_be_an_iri(fixture_store, value):
    with pytest.raises(QueryError, match="not a valid iri"):
        run_query("evidence_for", {"node": value}, store=fixture_store)


def test_quotes_and_backslashes_in_a_value_match_exactly():
    store = Store(None)
    label = '他说"法治\\先行"\n第二行'
    store.replace_graph(BASE + "graph/q", (
        f'<{BASE}programme/q> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/govkg/ontology#Programme> <{BASE}graph/q> .\n'
        f'<{BASE}programme/q> <http://www.w3.org/2000/01/rdf-schema#label> {ox.Literal(label, language="zh")} <{BASE}graph/q> .\n'
    ).encode())
    info = parse_header("# title: t\n# param: name (literal) a label\nSELECT ?x WHERE { VALUES ?name { UNDEF } "
                        "?x <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(STR(?l) = STR(?name)) }", "t")
    assert [r[0].value for r in run_query(info, {"name": label}, store=store).rows] == [BASE + "programme/q"]
    assert run_query(info, {"name": label[:-1]}, store=store).rows == []


@pytest.mark.parametrize(
    "name, params, message",
    [
        ("governments_implementing_programme", {}, "needs --param programme"),
        ("governments_implementing_programme", {"programme": ""}, "needs --param programme"),
        ("laws_ranked", {"government": "月浦镇"}, "has no param 'government'"),
        ("plans_for_year", {"year": "明年"}, "not a valid year"),
        ("no_such_query", {}, "no query named 'no_such_query'"),
    ],
)
def test_bad_parameters_say_what_to_do(fixture_store, name, params, message):
    with pytest.raises(QueryError, match=message):
        run_query(name, params, store=fixture_store)


def test_ad_hoc_query_parameter_is_bound_by_a_values_clause(fixture_store):
    query = "SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    rows = run_query(query, {"x": f"<{BASE}division/440804101000>"}, store=fixture_store)
    assert {r[0].value for r in rows.rows} == {"坡头镇"}
    with pytest.raises(QueryError, match="no variable"):
        run_query(query, {"y": "1"}, store=fixture_store)


@pytest.mark.parametrize("update", ["DROP ALL", "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
                                    "DELETE WHERE { ?s ?p ?o }"])
def test_updates_are_refused(fixture_store, update):
    before = len(fixture_store)
    with pytest.raises(QueryError, match="UPDATE is not accepted"):
        run_query(update, store=fixture_store)
    assert len(fixture_store) == before


@pytest.mark.parametrize(
    "header, message",
    [
        ("# title: t\n# param: x (number) bad kind\nSELECT * WHERE { VALUES ?x { UNDEF } }", "bad param line"),
        ("# title: t\n# param: x (literal) no placeholder\nSELECT * WHERE { ?x ?p ?o }", "placeholder"),
    ],
)
def test_malformed_headers_are_refused(header, message):
    with pytest.raises(QueryError, match=message):
        parse_header(header, "bad")


def test_a_query_file_is_read_with_its_header(tmp_path, fixture_store):
    path = tmp_path / "mine.rq"
    path.write_text("# title: Mine\n# question: Which?\n# param: name (literal) a label\n"
                    "SELECT ?x WHERE { VALUES ?name { UNDEF } ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                    "FILTER(STR(?l) = STR(?name)) }", encoding="utf-8")
    info = resolve_query(str(path))
    assert (info.name, info.title, [p.name for p in info.params]) == ("mine", "Mine", ["name"])
    rows = run_query(str(path), {"name": "高岭村"}, store=fixture_store).rows
    assert [r[0].value for r in rows] == [BASE + "village/gaoling-cun"]
    with pytest.raises(QueryError, match="no such query file"):
        resolve_query(str(tmp_path / "missing.rq"))


# -- formats ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_result(fixture_store):
    return run_query("indicators_by_category", {}, store=fixture_store)


def test_json_is_sparql_results_json(sample_result):
    text = format_result(sample_result, "json")
    parsed = ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.JSON)
    assert [v.value for v in parsed.variables] == sample_result.variables
    assert [tuple(s[v] for v in sample_result.variables) for s in parsed] == sample_result.rows
    assert json.loads(text)["results"]["bindings"][0]["value"]["datatype"].endswith("#decimal")


def test_tsv_is_sparql_results_tsv(sample_result):
    parsed = ox.parse_query_results(format_result(sample_result, "tsv").encode(), format=ox.QueryResultsFormat.TSV)
    assert [tuple(s[v] for v in sample_result.variables) for s in parsed] == sample_result.rows


def test_csv_has_plain_values(sample_result):
    rows = list(csv.reader(io.StringIO(format_result(sample_result, "csv"))))
    assert rows[0] == sample_result.variables
    assert ["普法宣传", "月浦镇", "2020", "法治宣传资料", "46000", "份", "true"] == rows[1][:7]


def test_table_shows_compact_values(sample_result):
    text = format_result(sample_result, "table")
    assert "矛盾纠纷化解" in text and "46000" in text and "3 rows" in text
    assert "XMLSchema" not in text


def test_ask_and_unknown_format(fixture_store):
    result = run_query("ASK { ?r a <https://w3id.org/govkg/ontology#Report> }", store=fixture_store)
    assert result.boolean is True
    assert json.loads(format_result(result, "json")) == {"head": {}, "boolean": True}
    with pytest.raises(QueryError, match="unknown format"):
        format_result(result, "xlsx")
    assert set(FORMATS) == {"table", "csv", "json", "tsv"}


def test_dataframe_has_python_values(fixture_store):
    df = to_dataframe("laws_ranked", store=fixture_store)
    assert list(df.columns) == ["law_name", "governments", "reports", "measures"]
    assert df["measures"].tolist() == [2, 3]
    assert df["law_name"].tolist() == ["中华人民共和国宪法", "中华人民共和国民法典"]
