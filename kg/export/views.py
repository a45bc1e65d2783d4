"""The named views ``kg viz`` writes: which part of the graph each one shows.

>>> from kg.export.projections import _example
>>> [v.slug for v in plan_views(_example())]
['overview', 'laws', 'collaboration', 'similarity', 'bipartite', 'government-月浦镇', 'government-齐村镇']
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import networkx as nx

from kg.errors import ConfigError
from kg.export import projections as proj
from kg.export.html import MAX_NODES, ViewFile, write_html
from kg.export.nxgraph import DIVISION_CLASSES

__all__ = ["VIEW_KINDS", "View", "find_node", "select_view", "plan_views", "write_views"]

#: kinds that take a NAME
NAMED_KINDS = ("government", "programme")
VIEW_KINDS = ("overview", "laws", "collaboration", "similarity", "bipartite") + NAMED_KINDS


PROJECTIONS = {
    "laws": proj.law_copromotion_network,
    "collaboration": proj.collaboration_network,
    "similarity": proj.government_similarity,
    "bipartite": proj.government_programme_bipartite,
}
TITLES = {
    "overview": "GovKG overview 总览",
    "laws": "Laws promoted together 法律共同宣传网络",
    "collaboration": "Organisation collaboration 部门协作网络",
    "similarity": "Governments by shared programmes 政府相似度 (Jaccard)",
    "bipartite": "Governments × programmes 政府—项目",
    "government": "{name} 政府视图",
    "programme": "{name} 项目视图",
}


@dataclass(frozen=True)
class View:
    kind: str
    name: Optional[str]
    slug: str  # file name without .html
    title: str


def _view(kind: str, name: Optional[str] = None, *, qualifier: str = "") -> View:
    slug = kind if name is None else f"{kind}-{_slug(name)}" + (f"-{_slug(qualifier)}" if qualifier else "")
    return View(kind, name, slug, TITLES[kind].format(name=name) + (f" ({qualifier})" if qualifier else ""))


def _named_view(G: nx.Graph, kind: str, node, classes: tuple[str, ...]) -> View:
    """The view of ``node``; when another node of ``classes`` has the same label (two
    城关镇 in different counties) the statistical code or IRI tail tells them apart."""
    label = G.nodes[node]["label"]
    twins = [n for n, a in G.nodes(data=True) if a.get("label") == label and a.get("class") in classes]
    qualifier = ""
    if len(twins) > 1:
        qualifier = G.nodes[node].get("stat_code") or str(node).rstrip("/").rsplit("/", 1)[-1]
    return _view(kind, label, qualifier=qualifier)


def _slug(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", text).strip("_") or "unnamed"


def find_node(G: nx.Graph, name: str, classes: tuple[str, ...]) -> str:
    """The node of one of ``classes`` whose label (or alt label, or IRI) is ``name``;
    a unique substring match also counts.

    >>> find_node(proj._example(), "齐村", ("Township",))
    'B'
    """
    candidates = [(n, a) for n, a in G.nodes(data=True) if a.get("class") in classes]
    for n, a in sorted(candidates, key=lambda na: str(na[0])):
        if name in (a.get("label"), a.get("iri"), str(n)) or name in (a.get("alt_labels") or []):
            return n
    partial = sorted(n for n, a in candidates if name in str(a.get("label", "")))
    if len(partial) == 1:
        return partial[0]
    known = sorted({str(a.get("label")) for _, a in candidates})
    hint = f"did you mean one of: {', '.join(known[:20])}" if known else "the graph has none"
    what = "ambiguous" if partial else "no"
    raise ConfigError(f"{what} {'/'.join(classes)} named {name!r}: {hint}")


def select_view(G: nx.MultiDiGraph, kind: str, name: Optional[str] = None) -> tuple[nx.Graph, View]:
    """The subgraph or projection a view shows, and its description."""
    if kind not in VIEW_KINDS:
        raise ConfigError(f"unknown view {kind!r}: use one of {', '.join(VIEW_KINDS)}")
    if kind in NAMED_KINDS and not name:
        example = "月浦镇" if kind == "government" else "扫黑除恶专项斗争"
        raise ConfigError(f"view {kind!r} needs a NAME, e.g. `kg viz {kind} {example}`")
    if kind == "overview":
        return G, _view(kind)
    if kind in PROJECTIONS:
        return PROJECTIONS[kind](G), _view(kind)
    if kind == "government":
        classes = DIVISION_CLASSES
        node = find_node(G, name, classes)
        reports = set(proj.governments(G).get(node, []))
        keep = {n for n, a in G.nodes(data=True) if reports & set(a.get("reports", []))} | {node}
    else:
        classes = ("Programme",)
        node = find_node(G, name, classes)
        keep = {node} | _programme_neighbourhood(G, node)
    return G.subgraph(sorted(keep)), _named_view(G, kind, node, classes)


def _programme_neighbourhood(G: nx.MultiDiGraph, programme) -> set:
    """The programme's measures, what they link to, their reports and governments, and
    the divisions asserted to implement it."""
    measures = {u for u, _, p in G.in_edges(programme, data="predicate") if p == "gk:partOfProgramme"}
    keep = set(measures)
    keep |= {u for u, _, p in G.in_edges(programme, data="predicate") if p == "gk:implements"}
    for m in measures:
        keep |= set(G.successors(m))
        for report, _, p in G.in_edges(m, data="predicate"):
            if p == "gk:hasMeasure":
                keep.add(report)
                keep |= {g for _, g, q in G.out_edges(report, data="predicate") if q == "gk:government"}
    return keep


def plan_views(G: nx.MultiDiGraph) -> list[View]:
    """Every view ``kg viz all`` writes: the five graph-wide ones and one per government."""
    views = [_view(kind) for kind in ("overview", "laws", "collaboration", "similarity", "bipartite")]
    views += [_named_view(G, "government", gov, DIVISION_CLASSES) for gov in proj.governments(G)]
    return views


def write_views(G: nx.MultiDiGraph, out_dir: str | os.PathLike, *,
                views: Optional[list[tuple[str, Optional[str]]]] = None,
                max_nodes: Optional[int] = MAX_NODES) -> list[ViewFile]:
    """Write ``views`` ((kind, name) pairs; default: :func:`plan_views`) as HTML into ``out_dir``."""
    out_dir = Path(out_dir)
    # governments go by IRI: two of them may share a label
    wanted = ([(kind, None) for kind in ("overview", "laws", "collaboration", "similarity", "bipartite")]
              + [("government", gov) for gov in proj.governments(G)]) if views is None else views
    written = []
    for kind, name in wanted:
        sub, view = select_view(G, kind, name)
        written.append(write_html(sub, out_dir / f"{view.slug}.html", title=view.title, max_nodes=max_nodes))
    return written
