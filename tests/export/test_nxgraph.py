"""to_networkx on the hand-made two-report graph (docs/graph-model.md)."""

from __future__ import annotations

import doctest

import pytest
from rdflib import Graph

import kg.export.formats
import kg.export.html
import kg.export.layout
import kg.export.nxgraph
import kg.export.projections
import kg.export.synthetic
import kg.export.views
from kg.export import to_networkx

from .conftest import ID, by_label


@pytest.mark.parametrize("module", [kg.export.nxgraph, kg.export.projections, kg.export.formats,
                                    kg.export.html, kg.export.layout, kg.export.views,
                                    kg.export.synthetic])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("label, cls, years, n_reports", [
    ("月浦镇", "Township", [2020], 1),
    ("宝山区", "County", [2020], 1),
    ("中华人民共和国民法典", "Law", [2020, 2021], 2),
    ("扫黑除恶专项斗争", "Programme", [2020, 2021], 2),
    ("村民", "TargetGroup", [2020, 2021], 2),
    ("月浦镇司法所", "Organization", [2020], 1),
    ("李明", "Person", [2020], 1),
    ("国际禁毒日", "Observance", [2020], 1),
    ("常态化开展扫黑除恶专项斗争", "Measure", [2021], 1),
    ("法治宣传资料 46000份", "Indicator", [2020], 1),
    ("市中区齐村镇2021年度法治政府建设情况报告", "Report", [2021], 1),
])
def test_node_attributes(kg_graph, label, cls, years, n_reports):
    attrs = kg_graph.nodes[by_label(kg_graph, label)]
    assert attrs["class"] == cls
    assert attrs["years"] == years
    assert len(attrs["reports"]) == n_reports
    assert attrs["reports"] == sorted(attrs["reports"])
    assert attrs["iri"].startswith(ID)


def test_plumbing_nodes_are_folded_away(kg_graph):
    classes = {c for _, c in kg_graph.nodes(data="class")}
    assert not classes & {"Mention", "Evidence", "RelationAssertion", "RoleAssignment"}
    assert not any("/evidence/" in n or "/mention/" in n for n in kg_graph)


def test_provenance_nodes_kept_on_request(dataset, kg_graph):
    P = to_networkx(dataset, include_provenance=True)
    counts = {}
    for _, cls in P.nodes(data="class"):
        counts[cls] = counts.get(cls, 0) + 1
    assert counts["Mention"] == 2 and counts["RelationAssertion"] == 3 and counts["Evidence"] == 7
    assert set(kg_graph) < set(P)


@pytest.mark.parametrize("source, predicate, target, evidence_part", [
    ("常态化开展扫黑除恶专项斗争", "gk:actor", "齐村镇司法所", "会同齐村派出所"),
    ("利用重要时间节点深入开展法治宣传教育活动", "gk:involvesLaw", "中华人民共和国禁毒法", "国际禁毒日"),
    ("月浦镇司法所", "gk:collaboratesWith", "月浦派出所", "联合月浦派出所"),
    ("月浦镇", "gk:implements", "扫黑除恶专项斗争", "扫黑除恶知识"),
    ("李明", "gk:holdsRole", "月浦中学", "法治副校长"),
    ("月浦镇", "gk:partOf", "宝山区", ""),
])
def test_edges_carry_predicate_report_and_evidence(kg_graph, source, predicate, target, evidence_part):
    u, v = by_label(kg_graph, source), by_label(kg_graph, target)
    edges = [d for d in kg_graph.get_edge_data(u, v).values() if d["predicate"] == predicate]
    assert len(edges) == 1
    assert edges[0]["report"].startswith(ID + "report/")
    if evidence_part:
        assert evidence_part in edges[0]["evidence"]
    else:
        assert edges[0]["evidence"] == ""


def test_role_title_on_folded_edge(kg_graph):
    u, v = by_label(kg_graph, "李明"), by_label(kg_graph, "月浦中学")
    (data,) = kg_graph.get_edge_data(u, v).values()
    assert data["role"] == "法治副校长"


def test_measure_attributes(kg_graph):
    attrs = kg_graph.nodes[by_label(kg_graph, "利用重要时间节点深入开展法治宣传教育活动")]
    assert (attrs["status"], attrs["category"], attrs["section"]) == ("Done", "普法宣传", "1.1.1")
    planned = kg_graph.nodes[by_label(kg_graph, "全面推行一村一法律顾问制度")]
    assert planned["status"] == "Planned" and planned["category"] == ""


def test_plain_graph_gives_the_same_nodes_and_edges(dataset, kg_graph):
    flat = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        flat.add((s, p, o))
    G = to_networkx(flat)
    assert dict(G.nodes(data=True)) == dict(kg_graph.nodes(data=True))
    as_set = lambda H: sorted((u, v, d["predicate"], d["report"], d["evidence"]) for u, v, d in H.edges(data=True))
    assert as_set(G) == as_set(kg_graph)


def test_same_input_same_graph(dataset, kg_graph):
    again = to_networkx(dataset)
    assert list(again.nodes(data=True)) == list(kg_graph.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(kg_graph.edges(keys=True, data=True))
