"""Synthetic GovKG-shaped graphs of any size, for view benchmarks and scale tests.

The shape follows what :func:`kg.export.to_networkx` returns for real reports:
reports with measures, measures linked to organisations, laws, programmes and
target groups, about three edges per node.

>>> G = synthetic_graph(200)
>>> len(G), sorted({c for _, c in G.nodes(data="class")})[:3]
(200, ['Law', 'Measure', 'Organization'])
"""

from __future__ import annotations

import random

import networkx as nx

__all__ = ["synthetic_graph"]

_SHARES = (("Report", 0.01), ("Township", 0.01), ("Organization", 0.16), ("Law", 0.08),
           ("Programme", 0.04), ("TargetGroup", 0.02))


def synthetic_graph(n_nodes: int, *, seed: int = 7, years: tuple[int, ...] = (2019, 2020, 2021)) -> nx.MultiDiGraph:
    """A MultiDiGraph with exactly ``n_nodes`` nodes (at least 50), same for the same seed."""
    if n_nodes < 50:
        raise ValueError(f"n_nodes={n_nodes}: need at least 50")
    rng = random.Random(seed)
    G = nx.MultiDiGraph(name=f"synthetic-{n_nodes}")
    pools: dict[str, list[str]] = {}
    for cls, share in _SHARES:
        pools[cls] = []
        for i in range(max(1, int(n_nodes * share))):
            node = f"{cls.lower()}/{i:05d}"
            G.add_node(node, label=f"{cls} {i}", iri=f"urn:synthetic:{node}", reports=[], years=[],
                       **{"class": cls})
            pools[cls].append(node)
    reports = pools["Report"]
    for i, (report, gov) in enumerate(zip(reports, pools["Township"] * len(reports))):
        year = years[i % len(years)]
        G.nodes[report]["years"] = [year]
        G.add_edge(report, gov, predicate="gk:government", report=report, evidence="")
    i = 0
    while len(G) < n_nodes:
        report = reports[i % len(reports)]
        measure = f"measure/{i:06d}"
        year = G.nodes[report]["years"][0]
        G.add_node(measure, label=f"措施 {i}", iri=f"urn:synthetic:{measure}", reports=[report], years=[year],
                   evidence=f"第{i}句：某镇司法所开展法治宣传。", **{"class": "Measure"})
        G.add_edge(report, measure, predicate="gk:hasMeasure", report=report, evidence="")
        # hubs get most links (preferential choice), like real reports
        links = [("gk:actor", "Organization"), ("gk:involvesLaw", "Law")]
        if rng.random() < 0.5:
            links.append(("gk:partOfProgramme", "Programme"))
        if rng.random() < 0.3:
            links.append(("gk:partner", "Organization"))
        if rng.random() < 0.2:
            links.append(("gk:targetGroup", "TargetGroup"))
        for predicate, cls in links:
            pool = pools[cls]
            target = pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)] if rng.random() < 0.5 \
                else rng.choice(pool)
            G.add_edge(measure, target, predicate=predicate, report=report,
                       evidence=G.nodes[measure]["evidence"])
        i += 1
    for node in G:
        if G.nodes[node]["class"] not in ("Measure", "Report"):
            reps = sorted({d["report"] for _, _, d in G.in_edges(node, data=True)})
            G.nodes[node]["reports"] = reps
            G.nodes[node]["years"] = sorted({G.nodes[r]["years"][0] for r in reps})
    return G
