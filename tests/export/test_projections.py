"""Projections on the two-report fixture: expected edges written out by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.export import (collaboration_network, government_programme_bipartite, government_similarity,
                       governments, law_copromotion_network)


def labelled_edges(H, attr="weight"):
    return sorted((*sorted((H.nodes[u]["label"], H.nodes[v]["label"])), d[attr]) for u, v, d in H.edges(data=True))


def test_governments(kg_graph):
    labels = {kg_graph.nodes[g]["label"]: len(r) for g, r in governments(kg_graph).items()}
    assert labels == {"月浦镇": 1, "齐村镇": 1}  # 宝山区 is only a parent, not a reporting government


def test_bipartite(kg_graph):
    B = government_programme_bipartite(kg_graph)
    assert nx.is_bipartite(B)
    sides = {B.nodes[n]["label"]: B.nodes[n]["bipartite"] for n in B}
    assert sides == {"月浦镇": 0, "齐村镇": 0, "扫黑除恶专项斗争": 1, "一村一法律顾问": 1, "双随机、一公开": 1}
    # weight = supporting measures + gk:implements assertions
    assert labelled_edges(B) == [
        ("一村一法律顾问", "月浦镇", 1),
        ("双随机、一公开", "齐村镇", 2),
        ("扫黑除恶专项斗争", "月浦镇", 2),
        ("扫黑除恶专项斗争", "齐村镇", 2),
    ]
    assert labelled_edges(B, "years") == [
        ("一村一法律顾问", "月浦镇", [2020]),
        ("双随机、一公开", "齐村镇", [2021]),
        ("扫黑除恶专项斗争", "月浦镇", [2020]),
        ("扫黑除恶专项斗争", "齐村镇", [2021]),
    ]


def test_bipartite_without_implements(kg_graph):
    B = government_programme_bipartite(kg_graph, include_implements=False)
    assert labelled_edges(B)[1] == ("双随机、一公开", "齐村镇", 1)


def test_similarity_is_jaccard(kg_graph):
    S = government_similarity(kg_graph)
    # 月浦镇 {扫黑除恶, 一村一法律顾问}, 齐村镇 {扫黑除恶, 双随机}: 1 shared of 3
    assert labelled_edges(S) == [("月浦镇", "齐村镇", pytest.approx(1 / 3, abs=1e-6))]
    (data,) = [d for _, _, d in S.edges(data=True)]
    assert data["shared"] == ["扫黑除恶专项斗争"] and data["years"] == [2020, 2021]
    assert government_similarity(kg_graph, min_weight=0.5).number_of_edges() == 0
    assert government_similarity(kg_graph, min_weight=0.5).number_of_nodes() == 2


def test_collaboration(kg_graph):
    C = collaboration_network(kg_graph)
    # 月浦: actor+partner in one measure AND an asserted gk:collaboratesWith; 齐村: one measure
    assert labelled_edges(C) == [("月浦派出所", "月浦镇司法所", 2), ("齐村派出所", "齐村镇司法所", 1)]
    assert len(C) == 6
    assert len(collaboration_network(kg_graph, drop_isolates=True)) == 4


@pytest.mark.parametrize("within, expected", [
    ("measure", [("中华人民共和国妇女权益保障法", "中华人民共和国禁毒法", 1),
                 ("中华人民共和国民法典", "中华人民共和国禁毒法", 1),
                 ("中华人民共和国宪法", "中华人民共和国民法典", 1)]),
    ("report", [("中华人民共和国妇女权益保障法", "中华人民共和国民法典", 1),
                ("中华人民共和国妇女权益保障法", "中华人民共和国禁毒法", 1),
                ("中华人民共和国宪法", "中华人民共和国民法典", 1),
                ("中华人民共和国民法典", "中华人民共和国禁毒法", 1)]),
])
def test_law_copromotion(kg_graph, within, expected):
    assert labelled_edges(law_copromotion_network(kg_graph, within=within)) == sorted(expected)


def test_law_copromotion_rejects_unknown_grouping(kg_graph):
    with pytest.raises(ValueError, match="within='section'"):
        law_copromotion_network(kg_graph, within="section")
