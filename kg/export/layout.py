"""Deterministic node positions for views too large for in-browser physics.

``networkx.spring_layout`` is O(n^2) per iteration without scipy, so large
graphs get a two-step layout: the ``backbone`` highest-degree nodes are laid
out with ``spring_layout`` (seeded), then every other node is placed on a
sunflower spiral around its best-connected already placed neighbour, in
breadth-first order.  Knowledge-graph views are hub-and-spoke (measures
around the organisations, laws and programmes they cite), so this keeps
clusters readable at O(n + m) cost.  Components not reached from the backbone
are laid out the same way and placed to the right.
"""

from __future__ import annotations

import math
from collections import deque

import networkx as nx

__all__ = ["layout_positions"]

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def _order(H: nx.Graph) -> list:
    return sorted(H, key=lambda n: (-H.degree(n), str(n)))


def _spring(H: nx.Graph, seed: int, spacing: float) -> dict:
    if len(H) == 1:
        return {next(iter(H)): (0.0, 0.0)}
    nodes = sorted(H, key=str)
    S = nx.Graph()
    S.add_nodes_from(nodes)
    S.add_edges_from(sorted((u, v) for u, v in H.edges if u != v))
    pos = nx.spring_layout(S, seed=seed, iterations=60, method="force")
    scale = spacing * math.sqrt(len(H)) * 1.6
    return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in pos.items()}


def _layout_component(H: nx.Graph, *, backbone: int, seed: int, spacing: float) -> dict:
    order = _order(H)
    core = order[:backbone]
    pos = _spring(H.subgraph(core), seed, spacing)
    children: dict = {}  # anchor -> how many nodes placed around it so far
    queue = deque(core)
    while queue:
        anchor = queue.popleft()
        for nb in sorted(H[anchor], key=lambda n: (-H.degree(n), str(n))):
            if nb in pos:
                continue
            k = children.get(anchor, 0)
            children[anchor] = k + 1
            radius = spacing * (1.2 + 0.55 * math.sqrt(k))
            ax, ay = pos[anchor]
            pos[nb] = (ax + radius * math.cos(k * GOLDEN_ANGLE), ay + radius * math.sin(k * GOLDEN_ANGLE))
            queue.append(nb)
    rest = [n for n in H if n not in pos]
    if rest:
        other = _layout_component(H.subgraph(rest), backbone=backbone, seed=seed, spacing=spacing)
        _place_right(pos, other, spacing)
    return pos


def _place_right(pos: dict, other: dict, spacing: float) -> None:
    """Shift ``other`` so it sits right of ``pos``, vertically centred, and merge it in."""
    max_x = max(x for x, _ in pos.values())
    min_ox = min(x for x, _ in other.values())
    cy = (min(y for _, y in pos.values()) + max(y for _, y in pos.values())) / 2
    ocy = (min(y for _, y in other.values()) + max(y for _, y in other.values())) / 2
    dx = max_x - min_ox + 3 * spacing
    for n, (x, y) in other.items():
        pos[n] = (x + dx, y - ocy + cy)


def layout_positions(G: nx.Graph, *, backbone: int = 300, seed: int = 7, spacing: float = 30.0) -> dict:
    """Integer pixel positions ``{node: (x, y)}`` for every node of ``G``, same result every run.

    >>> pos = layout_positions(nx.star_graph(5))
    >>> len(pos), all(isinstance(x, int) for xy in pos.values() for x in xy)
    (6, True)
    """
    H = nx.Graph()
    H.add_nodes_from(sorted(G, key=str))
    H.add_edges_from(sorted(((u, v) for u, v in G.edges() if u != v), key=lambda e: (str(e[0]), str(e[1]))))
    if len(H) == 0:
        return {}
    if len(H) <= backbone:
        pos = _spring(H, seed, spacing)
    else:
        pos = _layout_component(H, backbone=backbone, seed=seed, spacing=spacing)
    return {n: (int(round(x)), int(round(y))) for n, (x, y) in pos.items()}
