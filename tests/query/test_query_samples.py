"""The canned queries on the real build of the five bundled sample reports
(the whole pipeline: slow, ~15 s)."""

from __future__ import annotations

import pytest

from kg.query.sparql import list_queries, run_query
from kg.query.store import Store

pytestmark = pytest.mark.slow

# Parameters taken from what the sample reports say (see kg/data/samples).
PARAMS = {
    "governments_implementing_programme": {"programme": "一村一法律顾问"},
    "laws_by_government": {"government": "坡头镇"},
    "collaborators_of": {"organisation": "坡头镇司法所"},
    "compare_governments": {"government_a": "月浦镇", "government_b": "坡头镇"},
    "plans_for_year": {"year": "2021"},
    "evidence_for_entity": {"name": "中华人民共和国民法典"},
}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    from kg.settings import sample_paths
    from kg.workflow.runner import build

    out = tmp_path_factory.mktemp("samples")
    result = build(sample_paths(), out, progress=False)
    assert result.exit_code == 0
    with Store(out / "store", read_only=True) as store:
        yield store


def test_the_store_holds_one_graph_per_sample(sample_store):
    graphs = sample_store.graphs()
    assert len(graphs) == 5
    reports = run_query("reports", store=sample_store).records()
    assert sorted(r["government_name"] for r in reports) == ["坡头镇", "惠南镇", "月浦镇", "睦洲镇", "齐村镇"]
    assert all(r["measures"] > 5 for r in reports)


@pytest.mark.parametrize("info", list_queries(), ids=lambda i: i.name)
def test_every_canned_query_answers_on_the_samples(sample_store, info):
    params = dict(PARAMS.get(info.name, {}))
    if info.name == "evidence_for":
        node = next(iter(sample_store.query(
            "SELECT ?m WHERE { ?m a <https://w3id.org/govkg/ontology#Measure> } ORDER BY ?m LIMIT 1")))["m"]
        params = {"node": node.value}
    result = run_query(info.name, params, store=sample_store)
    assert len(result) > 0, info.name
