"""The embedded on-disk Oxigraph store that queries run on.

One named graph per report (docs/graph-model.md).  ``kg build`` calls
:meth:`Store.replace_graph` once per report, so re-running on a changed report
rewrites that report's graph and never reloads the rest.

What consistency rests on (Oxigraph 0.5, RocksDB backend):

* :meth:`Store.replace_graph` is ONE SPARQL update (``DROP SILENT GRAPH`` then
  ``INSERT DATA``) and pyoxigraph applies an update in a single transaction:
  either the whole update is written or nothing is.  RocksDB commits a
  transaction through its write-ahead log, so a process killed at any point
  leaves either the old graph or the new one, never a mix.
* RocksDB takes a ``LOCK`` file: a second process (or a second ``Store`` in the
  same process) that opens the same directory for writing gets an error, which
  we turn into a :class:`~kg.errors.GovKGError` naming the fix.  One writer at a
  time is therefore enforced, not merely assumed.
* Read-only opening (``kg serve``) while another process writes is undefined
  behaviour in Oxigraph: stop ``kg serve`` before ``kg build`` (docs/sparql.md).

Every query sees all named graphs as its default graph (Oxigraph's
``use_default_graph_as_union``).  That union keeps duplicates: a triple copied
into two report graphs (entity labels) matches twice, so the canned queries use
``DISTINCT`` / ``COUNT(DISTINCT …)``.

>>> store = Store(None)   # in memory, for examples and tests
>>> g = "https://w3id.org/govkg/id/graph/0000000000000000"
>>> store.replace_graph(g, f'<http://e/a> <http://e/p> "月浦镇"@zh <{g}> .'.encode())
1
>>> store.graphs() == [g], store.count()
(True, 1)
"""

from __future__ import annotations

import io
import os
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Optional, Union

import pyoxigraph as ox

from kg.errors import GovKGError, InputError
from kg.settings import DEFAULT_OUTPUT

__all__ = ["Store", "DEFAULT_STORE", "open_store"]

#: Where ``kg build`` keeps the store and where ``kg query``/``kg serve`` look.
DEFAULT_STORE = DEFAULT_OUTPUT / "store"

PathLike = Union[str, os.PathLike]


class Store:
    """An Oxigraph store on disk (``path``), or in memory when ``path`` is None.

    ``read_only=True`` opens an existing store without taking the write lock
    (several readers may share it).
    """

    def __init__(self, path: Optional[PathLike] = DEFAULT_STORE, *, read_only: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not (self.path / "CURRENT").exists():
                    raise InputError(str(self.path), "no Oxigraph store here",
                                     "run `kg build` first, or pass --store DIR")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as err:
            if "lock" in str(err).lower():
                raise GovKGError(
                    f"{self.path}: the store is in use by another process (or already open in "
                    f"this one): wait for it to finish, or stop `kg serve`/`kg build` first"
                ) from err
            raise GovKGError(f"{self.path}: cannot open the Oxigraph store: {err}") from err

    # -- context manager: closing releases the RocksDB lock -----------------
    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Flush and release the store (pyoxigraph closes it when dropped)."""
        store = getattr(self, "_store", None)
        if store is not None and not self.read_only:
            store.flush()
        self._store = None

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`."""
        if self._store is None:
            raise GovKGError("the store is closed")
        return self._store

    # -- writing ---------------------------------------------------------------
    def replace_graph(self, graph_iri: str, nquads: bytes) -> int:
        """Replace the named graph ``graph_iri`` by the quads in ``nquads``, in one
        transaction.  Every quad must be in ``graph_iri``.  Returns the number of
        triples now in the graph."""
        graph = _named_node(graph_iri)
        quads = list(_parse_nquads(nquads))
        stray = sorted({str(q.graph_name) for q in quads if q.graph_name != graph})
        if stray:
            raise GovKGError(f"replace_graph({graph_iri}): quads for other graphs {stray[:3]}: "
                             f"serialise one report graph at a time")
        self._update([(graph, quads)])
        return self.count(graph_iri)

    def bulk_load(self, chunks: Iterable[bytes]) -> None:
        """Load N-Quads, streamed from ``chunks``, with Oxigraph's bulk loader: several times
        faster than :meth:`replace_graph`, but NOT transactional (a failure leaves a partial
        store), so only for a fresh store that replaces the real one when complete
        (``kg build`` does this when most graphs change)."""
        try:
            # lenient: no IRI re-validation of N-Quads that GovKG's own writer made (its
            # IRIs are encoded by kg.graph.iri); 7 s less of 29 s for 1,000 reports.  Syntax
            # errors are still refused.
            self.oxigraph.bulk_load(io.BufferedReader(_ChunkReader(chunks), 1 << 20),
                                    format=ox.RdfFormat.N_QUADS, lenient=True)
        except (SyntaxError, ValueError) as err:
            raise GovKGError(f"{self.path}: the bulk load refused its N-Quads: {err}") from err
        self.oxigraph.flush()

    def remove_graph(self, graph_iri: str) -> None:
        """Remove a named graph and its triples (no error when absent)."""
        self.oxigraph.update(f"DROP SILENT GRAPH {_named_node(graph_iri)}")

    def load_trig(self, path: PathLike) -> list[str]:
        """Load a TriG or N-Quads file; each named graph in it REPLACES the graph of
        the same name, all in one transaction.  Returns the graphs loaded, sorted."""
        path = Path(path)
        fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
        try:
            quads = list(ox.parse(path=str(path), format=fmt))
        except (OSError, SyntaxError, ValueError) as err:
            raise InputError(str(path), f"cannot read RDF: {err}", "pass a TriG (.trig) or N-Quads (.nq) file") from err
        by_graph: dict = defaultdict(list)
        for quad in quads:
            by_graph[quad.graph_name].append(quad)
        self._update(sorted(by_graph.items(), key=lambda kv: str(kv[0])))
        return sorted(g.value for g in by_graph if isinstance(g, ox.NamedNode))

    def _update(self, graphs: Iterable[tuple]) -> None:
        # One SPARQL update = one Oxigraph transaction (see the module docstring).
        parts = []
        for graph, quads in graphs:
            if isinstance(graph, ox.NamedNode):
                parts.append(f"DROP SILENT GRAPH {graph}")
                body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
                parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
            else:  # default graph: added to, never dropped
                body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
                parts.append(f"INSERT DATA {{\n{body}\n}}")
        if parts:
            self.oxigraph.update(" ;\n".join(parts))

    # -- reading ---------------------------------------------------------------
    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph_iri: Optional[str] = None) -> int:
        """Number of quads in the store, or of triples in one named graph."""
        if graph_iri is None:
            return len(self.oxigraph)
        res = self.oxigraph.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_named_node(graph_iri)} {{ ?s ?p ?o }} }}")
        return int(next(iter(res))["n"].value)

    def query(self, sparql: str, **options):
        """Run a SPARQL query over the union of all graphs; returns pyoxigraph's
        result object.  ``options`` go to :meth:`pyoxigraph.Store.query`."""
        options.setdefault("use_default_graph_as_union", True)
        return self.oxigraph.query(sparql, **options)

    def dump_graph(self, graph_iri: str) -> bytes:
        """One named graph as N-Triples (sorted lines, so the bytes are stable)."""
        data = self.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=_named_node(graph_iri))
        return b"".join(sorted(data.splitlines(keepends=True)))

    def __len__(self) -> int:
        return self.count()

    def __repr__(self) -> str:
        return f"Store({str(self.path) if self.path else None!r})"


def open_store(store: "Store | PathLike | None" = None, *, read_only: bool = True) -> Store:
    """A :class:`Store` from a Store, a path, or None (the default location)."""
    if isinstance(store, Store):
        return store
    path = Path(store) if store is not None else DEFAULT_STORE
    if read_only and not (path / "CURRENT").exists():
        raise InputError(str(path), "no Oxigraph store here", "run `kg build` first, or pass --store DIR")
    return Store(path, read_only=read_only)


class _ChunkReader(io.RawIOBase):
    """A readable stream over an iterable of byte strings (read lazily, one at a time)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = memoryview(chunk)
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as err:
        raise GovKGError(f"{iri!r} is not a valid graph IRI: {err}") from err


def _parse_nquads(data: bytes):
    try:
        yield from ox.parse(data, format=ox.RdfFormat.N_QUADS)
    except SyntaxError as err:
        raise GovKGError(f"invalid N-Quads given to the store: {err}") from err
