"""Reading the built graph and writing NetworkX graphs for Gephi and other tools.

GraphML and GEXF hold only scalar attributes, so list attributes (``reports``,
``years``, ...) are written as ``"; "``-joined strings.  Node-link JSON keeps
them as lists.  Every writer is deterministic (sorted nodes and edges) and
atomic (:mod:`kg.io`).
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Callable, Optional

import networkx as nx
from rdflib import Dataset, Graph

from kg.errors import ConfigError, InputError
from kg.io import write_bytes, write_text

__all__ = [
    "FORMATS",
    "PROJECTIONS",
    "LIST_SEPARATOR",
    "load_graph",
    "load_networkx",
    "scalar_attributes",
    "project",
    "write_graphml",
    "write_gexf",
    "write_nodelink",
    "read_nodelink",
    "export_graph",
]

LIST_SEPARATOR = "; "
FORMATS = ("graphml", "gexf", "nodelink")
SUFFIXES = {"graphml": ".graphml", "gexf": ".gexf", "nodelink": ".json"}

_RDF_FORMATS = {".trig": "trig", ".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld"}


def load_graph(path: str | os.PathLike) -> Graph:
    """Parse a built graph: TriG/N-Quads into a ``Dataset`` (named graphs = reports),
    Turtle/N-Triples into a ``Graph``."""
    path = Path(path)
    fmt = _RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, f"unknown RDF file type {path.suffix!r}",
                         f"give one of {', '.join(sorted(_RDF_FORMATS))}")
    if not path.is_file():
        raise InputError(path, "no such file", "run `kg build` first or pass --input")
    graph: Graph = Dataset() if fmt in ("trig", "nquads") else Graph()
    try:
        graph.parse(path, format=fmt)
    except Exception as err:  # rdflib raises many parser-specific types
        raise InputError(path, f"cannot parse as {fmt}: {err}", "rebuild it with `kg build`") from err
    return graph


def load_networkx(path: str | os.PathLike, *, include_provenance: bool = False) -> nx.MultiDiGraph:
    """``to_networkx(load_graph(path))``."""
    from kg.export.nxgraph import to_networkx

    return to_networkx(load_graph(path), include_provenance=include_provenance)


def _projections() -> dict[str, Callable]:
    from kg.export import projections as p

    return {
        "none": lambda G: G,
        "bipartite": p.government_programme_bipartite,
        "similarity": p.government_similarity,
        "collaboration": p.collaboration_network,
        "laws": p.law_copromotion_network,
    }


PROJECTIONS = ("none", "bipartite", "similarity", "collaboration", "laws")


def project(G: nx.MultiDiGraph, name: str) -> nx.Graph:
    """Apply the projection called ``name`` (one of :data:`PROJECTIONS`)."""
    table = _projections()
    if name not in table:
        raise ConfigError(f"unknown projection {name!r}: use one of {', '.join(PROJECTIONS)}")
    return table[name](G)


def _scalar(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return LIST_SEPARATOR.join(str(v) for v in items)
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def scalar_attributes(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` with sorted nodes/edges and every list attribute joined with ``"; "``.

    >>> G = nx.Graph(); G.add_node("a", years=[2020, 2021]); G.add_edge("a", "b", reports=["r1"])
    >>> H = scalar_attributes(G)
    >>> H.nodes["a"]["years"], H.edges["a", "b"]["reports"]
    ('2020; 2021', 'r1')
    """
    H = G.__class__()
    H.graph.update({k: _scalar(v) for k, v in sorted(G.graph.items())})
    for node in sorted(G.nodes, key=str):
        H.add_node(node, **{k: _scalar(v) for k, v in sorted(G.nodes[node].items())})
    if G.is_multigraph():
        edges = sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
        for u, v, key, data in edges:
            H.add_edge(u, v, key=key, **{k: _scalar(x) for k, x in sorted(data.items())})
    else:
        for u, v, data in sorted(G.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
            H.add_edge(u, v, **{k: _scalar(x) for k, x in sorted(data.items())})
    return H


def write_graphml(G: nx.Graph, path: str | os.PathLike) -> Path:
    """GraphML with scalar attributes (lists joined by ``"; "``)."""
    buffer = io.BytesIO()
    nx.write_graphml(scalar_attributes(G), buffer, encoding="utf-8", prettyprint=True)
    write_bytes(path, buffer.getvalue())
    return Path(path)


def write_gexf(G: nx.Graph, path: str | os.PathLike) -> Path:
    """GEXF 1.2 with scalar attributes; node ``label`` becomes Gephi's label."""
    buffer = io.BytesIO()
    nx.write_gexf(scalar_attributes(G), buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    # the writer stamps today's date into <meta>: drop it to stay byte-identical
    write_bytes(path, re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue()))
    return Path(path)


def write_nodelink(G: nx.Graph, path: str | os.PathLike) -> Path:
    """Node-link JSON (``networkx.node_link_data``, ``edges="edges"``), lists kept as lists."""
    data = nx.node_link_data(G, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: str(n["id"]))
    data["edges"] = sorted(data["edges"], key=lambda e: (str(e["source"]), str(e["target"]), str(e.get("key", ""))))
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1, default=str)
    write_text(path, text + "\n")
    return Path(path)


def read_nodelink(path: str | os.PathLike) -> nx.Graph:
    """Read what :func:`write_nodelink` wrote."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return nx.node_link_graph(data, edges="edges")


WRITERS = {"graphml": write_graphml, "gexf": write_gexf, "nodelink": write_nodelink}


def export_graph(fmt: str, *, input_path: str | os.PathLike, output: Optional[str | os.PathLike] = None,
                 projection: str = "none", include_provenance: bool = False) -> Path:
    """Read ``input_path``, optionally project, write ``fmt``; returns the path written.

    The default output is ``output/kg[-<projection>].<suffix>`` next to the input.
    """
    if fmt not in WRITERS:
        raise ConfigError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if projection not in PROJECTIONS:
        raise ConfigError(f"unknown projection {projection!r}: use one of {', '.join(PROJECTIONS)}")
    G = project(load_networkx(input_path, include_provenance=include_provenance), projection)
    if output is None:
        stem = "kg" if projection == "none" else f"kg-{projection}"
        output = Path(input_path).parent / f"{stem}{SUFFIXES[fmt]}"
    return WRITERS[fmt](G, output)
