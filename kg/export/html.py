"""Self-contained, offline HTML views of GovKG graphs (vis-network, as shipped by pyvis).

pyvis's own template loads bootstrap and tom-select from CDNs even with
``cdn_resources="in_line"``, and its ``add_node`` is linear per call (quadratic
for a view), so the page is rendered from our own template: the vis-network
script and stylesheet are read at run time from the installed pyvis package
(``pyvis/templates/lib/vis-9.1.2``) and inlined, and the node/edge records use
the vis-network fields pyvis would write.  :func:`external_references` checks
that a page loads nothing from the network.

Views above ``physics_max_nodes`` get positions computed in Python
(:func:`kg.export.layout.layout_positions`) and physics off; smaller ones start
from the same positions and run a bounded stabilisation.  Views are capped at
``max_nodes`` (highest degree kept) with a visible note of what was left out.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import networkx as nx

from kg.errors import MissingDependency
from kg.io import write_text
from kg.export.layout import layout_positions

__all__ = [
    "CLASS_STYLE",
    "MAX_NODES",
    "PHYSICS_MAX_NODES",
    "ViewFile",
    "view_data",
    "render_html",
    "write_html",
    "external_references",
]

MAX_NODES = 5000
PHYSICS_MAX_NODES = 400
LABEL_MAX_NODES = 1500  # above this only the hubs get a drawn label (all stay searchable)

#: class -> (colour, vis-network shape)
CLASS_STYLE = {
    "Report": ("#455a64", "square"),
    "Measure": ("#90a4ae", "dot"),
    "Indicator": ("#a1887f", "triangleDown"),
    "Province": ("#1b5e20", "hexagon"),
    "City": ("#2e7d32", "hexagon"),
    "County": ("#43a047", "hexagon"),
    "Township": ("#66bb6a", "hexagon"),
    "Village": ("#a5d6a7", "hexagon"),
    "AdministrativeDivision": ("#81c784", "hexagon"),
    "Organization": ("#1e88e5", "dot"),
    "Law": ("#e53935", "diamond"),
    "Regulation": ("#fb8c00", "diamond"),
    "PolicyDocument": ("#fdd835", "diamond"),
    "LegalDocument": ("#ef9a9a", "diamond"),
    "Programme": ("#8e24aa", "star"),
    "Person": ("#f06292", "triangle"),
    "TargetGroup": ("#00acc1", "triangle"),
    "Observance": ("#26a69a", "square"),
    "Mention": ("#cfd8dc", "dot"),
    "Evidence": ("#eceff1", "dot"),
    "RelationAssertion": ("#b0bec5", "dot"),
    "RoleAssignment": ("#b0bec5", "dot"),
}
DEFAULT_STYLE = ("#9e9e9e", "dot")

VIS_VERSION = "vis-9.1.2"


@dataclass(frozen=True)
class ViewFile:
    """A written view: where, and what the browser should draw."""

    path: Path
    title: str
    nodes: int  # nodes drawn
    edges: int  # edges drawn (parallel edges of a multigraph merged)
    omitted_nodes: int = 0


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    try:
        import pyvis
    except ImportError as err:
        raise MissingDependency("pyvis", "pip install pyvis", "HTML views") from err
    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / VIS_VERSION
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as err:
        raise MissingDependency(f"pyvis ({VIS_VERSION} assets)", "pip install 'pyvis==0.3.2'", "HTML views") from err
    return js, css


def _template() -> str:
    return (Path(__file__).resolve().parent / "templates" / "view.html").read_text(encoding="utf-8")


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cap(G: nx.Graph, max_nodes: Optional[int]) -> tuple[nx.Graph, str, int]:
    if max_nodes is None or len(G) <= max_nodes:
        return G, "", 0
    keep = sorted(G, key=lambda n: (-G.degree(n), str(n)))[:max_nodes]
    H = G.subgraph(keep)
    left_out = len(G) - len(H)
    counts: dict = {}
    for n in G:
        if n not in H:
            cls = G.nodes[n].get("class", "?")
            counts[cls] = counts.get(cls, 0) + 1
    detail = ", ".join(f"{cls} {k:,}" for cls, k in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    note = (f"Showing the {len(H):,} best-connected of {len(G):,} nodes; "
            f"{left_out:,} nodes ({detail}) and {G.number_of_edges() - H.number_of_edges():,} edges left out. "
            f"仅显示连接最多的 {len(H):,} 个节点。")
    return H, note, left_out


def _node_tip(attrs: dict) -> str:
    lines = [attrs.get("label", ""), f"class: {attrs.get('class', '')}"]
    if attrs.get("years"):
        lines.append("years: " + ", ".join(str(y) for y in attrs["years"]))
    for key in ("status", "category"):
        if attrs.get(key):
            lines.append(f"{key}: {attrs[key]}")
    if attrs.get("evidence"):
        lines.append("evidence: " + attrs["evidence"])
    return "\n".join(lines)


def _merged_edges(G: nx.Graph) -> list[dict]:
    """One record per (u, v, predicate): parallel per-report edges are merged."""
    merged: dict = {}
    for u, v, data in G.edges(data=True):
        pred = data.get("predicate", "")
        rec = merged.setdefault((u, v, pred), {"weight": 0, "reports": set(), "evidence": "", "extra": []})
        rec["weight"] += data.get("weight", 1) if not G.is_multigraph() else 1
        if data.get("report"):
            rec["reports"].add(data["report"])
        rec["reports"].update(data.get("reports", []))
        if data.get("evidence") and not rec["evidence"]:
            rec["evidence"] = data["evidence"]
        if data.get("role"):
            rec["extra"].append(f"role: {data['role']}")
        if data.get("shared"):
            rec["extra"].append("shared: " + ", ".join(data["shared"]))
    out = []
    for (u, v, pred), rec in sorted(merged.items(), key=lambda kv: tuple(map(str, kv[0]))):
        out.append({"u": u, "v": v, "predicate": pred, **rec})
    return out


def view_data(G: nx.Graph, *, max_nodes: Optional[int] = MAX_NODES,
              physics_max_nodes: int = PHYSICS_MAX_NODES, seed: int = 7) -> dict:
    """The JSON the page draws: nodes, edges, vis options, legend, years and the cap note.

    >>> G = nx.Graph(); G.add_node("a", label="月浦镇", years=[2020]); G.nodes["a"]["class"] = "Township"
    >>> G.add_edge("a", "b")
    >>> d = view_data(G)
    >>> [n["name"] for n in d["nodes"]], d["legend"][0]["shape"], d["years"]
    (['月浦镇', 'b'], 'hexagon', [2020])
    """
    G, note, omitted = _cap(G, max_nodes)
    order = sorted(G, key=str)
    ids = {n: i for i, n in enumerate(order)}
    degree = dict(G.degree())
    large = len(G) > physics_max_nodes
    pos = layout_positions(G, seed=seed)
    labelled = set(sorted(G, key=lambda n: (-degree[n], str(n)))[:300]) if len(G) > LABEL_MAX_NODES else None
    nodes, counts, years = [], {}, set()
    for n in order:
        attrs = G.nodes[n]
        cls = attrs.get("class", "") or "Other"
        color, shape = CLASS_STYLE.get(cls, DEFAULT_STYLE)
        name = str(attrs.get("label") or n)
        node_years = sorted(int(y) for y in attrs.get("years", []) or [])
        years.update(node_years)
        counts[cls] = counts.get(cls, 0) + 1
        size = min(40.0, 6.0 + 3.0 * math.sqrt(degree[n]))
        x, y = pos[n]
        nodes.append({
            "id": ids[n], "label": _short(name) if labelled is None or n in labelled else "",
            "name": name, "cls": cls, "years": node_years, "color": color, "shape": shape,
            "size": round(size, 1), "title": _node_tip({**attrs, "label": name, "class": cls}),
            "x": x, "y": y,
        })
    directed = G.is_directed()
    edges = []
    for rec in _merged_edges(G):
        lines = [rec["predicate"]] if rec["predicate"] else []
        if not G.is_multigraph():
            lines.append(f"weight: {rec['weight']:g}")
        lines += sorted(set(rec["extra"]))
        if len(rec["reports"]) > 1:
            lines.append(f"reports: {len(rec['reports'])}")
        if rec["evidence"]:
            lines.append("evidence: " + rec["evidence"])
        edge = {"from": ids[rec["u"]], "to": ids[rec["v"]], "title": "\n".join(lines) or " "}
        if not G.is_multigraph() and rec["weight"]:
            edge["width"] = round(1 + math.log1p(rec["weight"]) * 1.5, 2)
        edges.append(edge)
    physics = {"enabled": False}
    if not large:
        physics = {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -45, "springLength": 90, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 150, "updateInterval": 25, "fit": True},
            "minVelocity": 1.5, "maxVelocity": 40,
        }
    options = {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "nodes": {"font": {"size": 12}, "borderWidth": 1},
        "edges": {"color": {"color": "#b0bec5", "highlight": "#37474f", "hover": "#546e7a"},
                  "smooth": False, "width": 1,
                  "arrows": {"to": {"enabled": directed, "scaleFactor": 0.4}}},
        "interaction": {"hover": not large, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large},
        "physics": physics,
    }
    legend = [{"cls": cls, "color": CLASS_STYLE.get(cls, DEFAULT_STYLE)[0],
               "shape": CLASS_STYLE.get(cls, DEFAULT_STYLE)[1], "count": k}
              for cls, k in sorted(counts.items(), key=lambda kv: (_class_rank(kv[0]), kv[0]))]
    return {"nodes": nodes, "edges": edges, "options": options, "legend": legend,
            "years": sorted(years), "note": note, "omitted": omitted}


def _class_rank(cls: str) -> int:
    order = list(CLASS_STYLE)
    return order.index(cls) if cls in order else len(order)


def _json_for_script(data) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # keep the data from closing the <script> element or opening a comment
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def render_html(G: nx.Graph, *, title: str, note: str = "", **options) -> tuple[str, dict]:
    """The page for ``G`` and the data drawn in it (options go to :func:`view_data`)."""
    data = view_data(G, **options)
    js, css = _vis_assets()
    notes = " ".join(x for x in (note, data["note"]) if x)
    payload = {k: data[k] for k in ("nodes", "edges", "options", "legend", "years")}
    page = _template()
    # substitute the data last so text inside it is never taken for a marker
    for marker, value in (("@@TITLE@@", _escape(title)), ("@@NOTE@@", _escape(notes)),
                          ("@@VIS_CSS@@", css), ("@@VIS_JS@@", js.replace("</script", "<\\/script"))):
        page = page.replace(marker, value)
    page = page.replace("@@DATA@@", _json_for_script(payload))
    problems = external_references(page)
    if problems:  # a pyvis upgrade could bring CDN links back: fail loudly, never ship them
        raise RuntimeError(f"view {title!r} would load from the network: {problems[:3]}")
    return page, data


def write_html(G: nx.Graph, path: str | os.PathLike, *, title: str, note: str = "", **options) -> ViewFile:
    """Write the self-contained view of ``G`` to ``path`` (atomically)."""
    page, data = render_html(G, title=title, note=note, **options)
    write_text(path, page)
    return ViewFile(path=Path(path), title=title, nodes=len(data["nodes"]), edges=len(data["edges"]),
                    omitted_nodes=data["omitted"])


_EXTERNAL = [
    re.compile(r"""\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""<link\b[^>]*\bhref\s*=\s*["']?(?!data:|#)[^"'\s>]+""", re.I),
    re.compile(r"""<script\b[^>]*\bsrc\s*=""", re.I),
]


def external_references(html: str) -> list[str]:
    """Every place the page would load something from outside itself (empty = offline).

    >>> external_references('<script src="https://cdn.example/x.js"></script>')
    ['src="https://', '<script src=']
    >>> external_references('<style>a{background:url(data:image/png;base64,AA)}</style>')
    []
    """
    found = []
    for pattern in _EXTERNAL:
        found += [m.group(0) for m in pattern.finditer(html)]
    return found
