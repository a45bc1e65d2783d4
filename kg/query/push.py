"""``kg push``: copy the named graphs to another SPARQL 1.1 store.

Uses the SPARQL 1.1 Graph Store HTTP Protocol: one ``PUT <endpoint>?graph=<iri>``
per report graph, body in N-Triples, which REPLACES that graph on the target
(so pushing twice leaves the same data).  ``endpoint`` is the target's Graph
Store endpoint, e.g.

* Oxigraph: ``http://host:7878/store``
* Apache Jena Fuseki: ``http://host:3030/DATASET/data``
* GraphDB: ``http://host:7200/repositories/REPO/rdf-graphs/service``
* Virtuoso: ``http://host:8890/sparql-graph-crud-auth``

With ``verify`` each graph is read back (GET, N-Triples) and its triple count
compared with what was sent.
"""

from __future__ import annotations

from typing import Iterable, Optional

import httpx

from kg.errors import GovKGError

__all__ = ["push"]


def push(endpoint: str, store=None, *, graphs: Optional[Iterable[str]] = None, verify: bool = True,
         timeout: float = 300.0, auth: Optional[tuple[str, str]] = None) -> dict[str, int]:
    """PUT every named graph of ``store`` (or just ``graphs``) to ``endpoint``;
    returns {graph IRI: triples sent}.  Raises GovKGError on the first failure."""
    from kg.query.store import open_store

    if not endpoint.startswith(("http://", "https://")):
        raise GovKGError(f"kg push: {endpoint!r} is not an http(s) URL (fix: pass the target's Graph Store "
                         f"endpoint, e.g. http://localhost:7878/store for Oxigraph)")
    opened = open_store(store)
    sent: dict[str, int] = {}
    try:
        wanted = opened.graphs() if graphs is None else sorted(graphs)
        missing = sorted(set(wanted) - set(opened.graphs()))
        if missing:
            raise GovKGError(f"kg push: no graph {missing[0]} in {opened} (see `kg query reports`)")
        with httpx.Client(timeout=timeout, auth=auth) as client:
            for graph in wanted:
                data = opened.dump_graph(graph)
                count = data.count(b"\n")
                try:
                    resp = client.put(endpoint, params={"graph": graph}, content=data,
                                      headers={"Content-Type": "application/n-triples"})
                except httpx.HTTPError as err:
                    raise GovKGError(f"kg push: cannot reach {endpoint}: {err}") from err
                if resp.status_code not in (200, 201, 204):
                    raise GovKGError(f"kg push: {endpoint} answered {resp.status_code} for graph {graph}: "
                                     f"{resp.text[:200].strip()}")
                if verify:
                    back = _remote_count(client, endpoint, graph)
                    if back != count:
                        raise GovKGError(f"kg push: graph {graph}: sent {count} triples, "
                                         f"{endpoint} holds {back}")
                sent[graph] = count
    finally:
        if opened is not store:
            opened.close()
    return sent


def _remote_count(client: httpx.Client, endpoint: str, graph: str) -> int:
    resp = client.get(endpoint, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    if resp.status_code != 200:
        raise GovKGError(f"kg push: cannot read graph {graph} back from {endpoint}: {resp.status_code}")
    return sum(1 for line in resp.content.splitlines() if line.strip() and not line.startswith(b"#"))
