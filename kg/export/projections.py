"""Projections of the GovKG MultiDiGraph that researchers ask for.

Every function takes the graph :func:`kg.export.to_networkx` returns and gives
back a new undirected ``nx.Graph`` whose nodes keep ``label``, ``class``,
``iri`` and ``years``; edges carry ``weight``, ``reports`` and ``years`` (sorted lists).

The tiny examples below use :func:`_example`, a two-government graph.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import networkx as nx

from kg.export.nxgraph import LEGAL_CLASSES

__all__ = [
    "governments",
    "government_programme_bipartite",
    "government_similarity",
    "collaboration_network",
    "law_copromotion_network",
]


def _example() -> nx.MultiDiGraph:
    """Two townships; both run 扫黑除恶, only 齐村镇 runs 双随机.

    >>> sorted(_example().nodes)[:3]
    ['A', 'B', 'law1']
    """
    G = nx.MultiDiGraph()
    for node, cls, label in [("A", "Township", "月浦镇"), ("B", "Township", "齐村镇"),
                             ("rA", "Report", "A 2020"), ("rB", "Report", "B 2021"),
                             ("p1", "Programme", "扫黑除恶专项斗争"), ("p2", "Programme", "双随机、一公开"),
                             ("o1", "Organization", "司法所"), ("o2", "Organization", "派出所"),
                             ("law1", "Law", "民法典"), ("law2", "Law", "宪法")]:
        G.add_node(node, label=label, **{"class": cls}, iri=node, reports=[], years=[])
    G.nodes["rA"]["years"], G.nodes["rB"]["years"] = [2020], [2021]
    G.add_edge("rA", "A", predicate="gk:government", report="rA")
    G.add_edge("rB", "B", predicate="gk:government", report="rB")
    for report, measure, programme in [("rA", "mA", "p1"), ("rB", "mB1", "p1"), ("rB", "mB2", "p2")]:
        G.add_node(measure, label=measure, **{"class": "Measure"}, iri=measure, reports=[report],
                   years=G.nodes[report]["years"])
        G.add_edge(report, measure, predicate="gk:hasMeasure", report=report)
        G.add_edge(measure, programme, predicate="gk:partOfProgramme", report=report)
    for org in ("o1", "o2"):
        G.add_edge("mB1", org, predicate="gk:actor", report="rB")
    for law in ("law1", "law2"):
        G.add_edge("mB1", law, predicate="gk:involvesLaw", report="rB")
    return G


def _copy_node(H: nx.Graph, G: nx.MultiDiGraph, node, **extra) -> None:
    attrs = G.nodes[node]
    H.add_node(node, label=attrs.get("label", str(node)), iri=attrs.get("iri", str(node)),
               years=list(attrs.get("years", [])), **{"class": attrs.get("class", "")}, **extra)


def _out(G: nx.MultiDiGraph, node, predicate: str) -> list:
    return sorted({v for _, v, d in G.out_edges(node, data=True) if d.get("predicate") == predicate})


def _report_years(G: nx.MultiDiGraph, report) -> list[int]:
    attrs = G.nodes[report]
    year = attrs.get("year")
    return [year] if year is not None else list(attrs.get("years", []))


def governments(G: nx.MultiDiGraph) -> dict:
    """Governments (divisions a report is about) -> sorted list of their reports.

    >>> governments(_example())
    {'A': ['rA'], 'B': ['rB']}
    """
    govs: dict = defaultdict(set)
    for report, attrs in G.nodes(data=True):
        if attrs.get("class") == "Report":
            for gov in _out(G, report, "gk:government"):
                govs[gov].add(report)
    return {gov: sorted(reports) for gov, reports in sorted(govs.items())}


def government_programme_bipartite(G: nx.MultiDiGraph, *, include_implements: bool = True) -> nx.Graph:
    """Government x programme bipartite graph (``bipartite`` = 0 governments, 1 programmes).

    A government is linked to a programme when a measure of one of its reports
    is part of the programme (and, with ``include_implements``, when the graph
    asserts ``gk:implements``).  ``weight`` counts the supporting measures and
    assertions; ``years`` lists the report years.

    >>> B = government_programme_bipartite(_example())
    >>> sorted(B.edges("B", data="weight"))
    [('B', 'p1', 1), ('B', 'p2', 1)]
    """
    B = nx.Graph(name="government-programme")
    support: dict = defaultdict(lambda: {"weight": 0, "reports": set(), "years": set()})
    for gov, reports in governments(G).items():
        _copy_node(B, G, gov, bipartite=0)
        for report in reports:
            years = _report_years(G, report)
            for measure in _out(G, report, "gk:hasMeasure"):
                for programme in _out(G, measure, "gk:partOfProgramme"):
                    s = support[(gov, programme)]
                    s["weight"] += 1
                    s["reports"].add(report)
                    s["years"].update(years)
        if include_implements:
            for _, programme, data in G.out_edges(gov, data=True):
                if data.get("predicate") == "gk:implements":
                    s = support[(gov, programme)]
                    s["weight"] += 1
                    if data.get("report"):
                        s["reports"].add(data["report"])
                        s["years"].update(_report_years(G, data["report"]) if data["report"] in G else [])
    for (gov, programme), s in sorted(support.items()):
        if programme not in B:
            _copy_node(B, G, programme, bipartite=1)
        B.add_edge(gov, programme, weight=s["weight"], reports=sorted(s["reports"]),
                   years=sorted(s["years"]))
    return B


def government_similarity(G: nx.MultiDiGraph, *, min_weight: float = 0.0) -> nx.Graph:
    """Governments linked by the programmes they share, weighted by Jaccard similarity.

    ``weight`` = |shared programmes| / |programmes of either|; ``shared`` lists
    the shared programmes' labels.  Every government is a node, linked or not.

    >>> S = government_similarity(_example())
    >>> S.edges["A", "B"]["weight"], S.edges["A", "B"]["shared"]
    (0.5, ['扫黑除恶专项斗争'])
    """
    B = government_programme_bipartite(G)
    govs = sorted(n for n, side in B.nodes(data="bipartite") if side == 0)
    S = nx.Graph(name="government-similarity")
    for gov in govs:
        S.add_node(gov, **B.nodes[gov])
        del S.nodes[gov]["bipartite"]
    projected = nx.bipartite.overlap_weighted_projected_graph(B, govs, jaccard=True)
    for u, v, weight in sorted(projected.edges(data="weight")):
        if weight < min_weight:
            continue
        shared = sorted(set(B[u]) & set(B[v]))
        years = sorted({y for p in shared for g in (u, v) for y in B.edges[g, p]["years"]})
        S.add_edge(u, v, weight=round(weight, 6), shared=[B.nodes[p]["label"] for p in shared],
                   years=years)
    return S


def _measure_groups(G: nx.MultiDiGraph, predicates: set[str], classes: tuple[str, ...]):
    """(measure, report, years, sorted nodes of ``classes`` the measure links through ``predicates``)."""
    for measure, attrs in sorted(G.nodes(data=True)):
        if attrs.get("class") != "Measure":
            continue
        members = sorted({v for _, v, d in G.out_edges(measure, data=True)
                          if d.get("predicate") in predicates and G.nodes[v].get("class") in classes})
        yield measure, attrs.get("reports", []), attrs.get("years", []), members


def _pair_network(G, name, classes, groups, direct_predicates=()) -> nx.Graph:
    H = nx.Graph(name=name)
    for node, cls in sorted(G.nodes(data="class")):
        if cls in classes:
            _copy_node(H, G, node)
    support: dict = defaultdict(lambda: {"weight": 0, "reports": set(), "years": set()})
    for _, reports, years, members in groups:
        for u, v in combinations(members, 2):
            s = support[(u, v)]
            s["weight"] += 1
            s["reports"].update(reports)
            s["years"].update(years)
    for u, v, data in G.edges(data=True):
        if data.get("predicate") in direct_predicates and u in H and v in H and u != v:
            s = support[tuple(sorted((u, v)))]
            s["weight"] += 1
            if data.get("report"):
                s["reports"].add(data["report"])
                if data["report"] in G:
                    s["years"].update(G.nodes[data["report"]].get("years", []))
    for (u, v), s in sorted(support.items()):
        H.add_edge(u, v, weight=s["weight"], reports=sorted(s["reports"]), years=sorted(s["years"]))
    return H


def collaboration_network(G: nx.MultiDiGraph, *, drop_isolates: bool = False) -> nx.Graph:
    """Organisations linked when they act together in a measure (actor/partner) or
    the graph asserts ``gk:collaboratesWith``; ``weight`` counts both.

    >>> C = collaboration_network(_example(), drop_isolates=True)
    >>> list(C.edges(data="weight"))
    [('o1', 'o2', 1)]
    """
    groups = _measure_groups(G, {"gk:actor", "gk:partner"}, ("Organization",))
    H = _pair_network(G, "collaboration", ("Organization",), groups, {"gk:collaboratesWith"})
    if drop_isolates:
        H.remove_nodes_from(sorted(nx.isolates(H)))
    return H


def law_copromotion_network(G: nx.MultiDiGraph, *, within: str = "measure",
                            drop_isolates: bool = False) -> nx.Graph:
    """Laws and other legal documents linked when promoted together: involved in the
    same measure (``within="measure"``) or the same report (``within="report"``).

    >>> L = law_copromotion_network(_example())
    >>> list(L.edges(data="weight"))
    [('law1', 'law2', 1)]
    """
    if within not in ("measure", "report"):
        raise ValueError(f"within={within!r}: use 'measure' or 'report'")
    groups = list(_measure_groups(G, {"gk:involvesLaw"}, LEGAL_CLASSES))
    if within == "report":
        by_report: dict = defaultdict(lambda: (set(), set()))
        for _, reports, years, members in groups:
            for report in reports:
                by_report[report][0].update(members)
                by_report[report][1].update(years)
        groups = [(r, [r], sorted(y), sorted(m)) for r, (m, y) in sorted(by_report.items())]
    H = _pair_network(G, f"law-copromotion-{within}", LEGAL_CLASSES, groups)
    if drop_isolates:
        H.remove_nodes_from(sorted(nx.isolates(H)))
    return H

