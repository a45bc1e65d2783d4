"""Keeping ``output/store`` in step with the report graphs, in one of two ways.

- **per report**: each new or changed report graph is loaded in its own
  transaction as it arrives, and the graphs of removed reports are dropped
  (incremental builds: a few reports change);
- **fresh store**: when many graphs must be loaded (a first build, ``--rebuild``,
  a new pipeline version), every wanted graph goes into a new store
  (``.store-new-*``) with Oxigraph's bulk loader (2.6 times less CPU than one
  transaction per report; one call per batch of 256 MB of N-Quads), and the new
  store replaces the old one.  Once the worker processes exist, the call of a
  batch runs in a background thread (the loader works outside the GIL; the
  thread is confined to the CPUs the report workers leave, at least one) from
  the batch's first report on, and reads each report's N-Quads as the report is
  added; it ends when the batch is full or, for the last ones, at fixed points
  near the end of processing, so only the end of a small last call is left to
  wait for.  Once processing is over the loader takes every CPU and a second
  thread runs the calls not started yet beside the running one.  The bulk
  loader is not transactional: that is why it only writes a store nobody reads
  yet; a build that stops ends the running call and deletes the new store,
  leaving the old one.

The swap: the new store is complete and closed before ``store/`` is renamed
to ``.store-old-*`` and the new one to ``store/``.  A kill between the two
renames leaves no ``store/``; :func:`recover` (run at the start of every build)
puts the old one back (also when something has since made an empty ``store/``),
and the journal then still describes it.  A kill after the swap, before the
journal is rewritten, only makes the next build reload graphs whose journal
entries do not match (see :class:`kg.cache.StoreJournal`).
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import pyoxigraph

from kg.cache import ReportCache, StoreJournal
from kg.errors import GovKGError

__all__ = ["StoreWriter", "recover", "BULK_MIN_GRAPHS", "BULK_BATCH_BYTES", "STORE_FLUSH_BYTES",
           "LAST_CALLS", "LAST_CALL_MIN_GRAPHS", "LOADER_LANES", "loader_cpus"]

#: A fresh bulk-loaded store is built when at least this many graphs must be
#: loaded and they are at least a quarter of the corpus; below that, one
#: transaction per report is cheaper than reloading everything.
BULK_MIN_GRAPHS = 16

#: The store is flushed to disk after this many bytes of N-Quads (per-report mode):
#: RocksDB keeps what it is given in memory until flushed, ~3 MB per report graph.
STORE_FLUSH_BYTES = 16 * 1024 * 1024

#: The bulk loader holds about four times the N-Quads it is given in memory (measured: 1.6 GB
#: for 1,000 reports' 400 MB in one call, 0.4 GB per 100 MB call): a batch's call takes
#: reports until they reach this many bytes (the next report starts the next call), so
#: memory stays bounded whatever the corpus size.  Batches are not smaller because every
#: call leaves files that RocksDB compacts later (1,000 reports: one call 22 s, four calls
#: 37-40 s, ten calls 52 s).
BULK_BATCH_BYTES = 256 * 1024 * 1024

#: The last reports to load get calls of their own, smaller and smaller: new calls start
#: after all but the last tenth, twentieth and fortieth of them (when that many are at least
#: :data:`LAST_CALL_MIN_GRAPHS` reports).  Oxigraph does most of a call's work after the
#: call's input ends (it sorts and writes the quads a chunk of about a million at a time,
#: then adds the call's files): 11-18 s for a 256 MB batch in the benchmark's builds; on one
#: CPU, 3.0 s for 100 reports and 0.4 s for 25 into an empty store (0.6-1.7 s for 25 into a
#: store that holds 400 already).  Each call's end overlaps with the processing of the next
#: call's reports, and only the end of the last, small call is left to wait for.
LAST_CALLS = (10, 20, 40)
LAST_CALL_MIN_GRAPHS = 8

#: Once processing is over, this many loader threads run bulk calls at the same time (the
#: calls not started yet go to a second thread while the first finishes its call).
LOADER_LANES = 2

_HEX = set("0123456789abcdef")


def graph_name(term: Any) -> str:
    """The IRI of a graph name as pyoxigraph or a store wrapper gives it."""
    text = getattr(term, "value", None) or str(term)
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


def is_report_graph(iri: str) -> bool:
    """True for the graph IRIs ``kg build`` mints (``…/graph/<16 hex digits>``)."""
    rid = iri.rstrip("/").rsplit("/", 1)[-1]
    return len(rid) >= 16 and set(rid) <= _HEX


def recover(out: Path) -> None:
    """Undo what a build killed during a store swap left: put the old store back when
    ``store/`` is missing, and delete unfinished new stores and swapped-out old ones."""
    store = out / "store"
    olds = sorted(out.glob(".store-old-*"))
    if olds and not (store / "CURRENT").exists():  # missing, or an empty folder made since
        shutil.rmtree(store, ignore_errors=True)
        os.replace(olds[-1], store)
        olds = olds[:-1]
    for stale in olds + sorted(out.glob(".store-new-*")):
        shutil.rmtree(stale, ignore_errors=True)


class _Cancelled(Exception):
    """Raised into a running bulk call when the build stops (the call then returns)."""


class _Batch:
    """The reports, (sha, graph IRI) pairs, of one bulk call.  The building thread adds them
    as they come; the loader thread's call reads them from :meth:`stream` as they are added,
    until the batch is sealed (full, or the last one after processing)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []  # complete once the stream has ended
        self.bytes = 0
        self._queue: "queue.Queue[Optional[tuple[str, str]]]" = queue.Queue()
        self._sealed = False
        self._ended = False  # the stream has reached the seal

    def add(self, sha: str, graph: str, size: int) -> None:
        self.items.append((sha, graph))
        self.bytes += size
        self._queue.put((sha, graph))

    def seal(self) -> None:
        if not self._sealed:
            self._sealed = True
            self._queue.put(None)

    def stream(self, stopping: threading.Event):
        """The pairs not streamed yet, each as soon as it is added, until the batch is sealed;
        raises :class:`_Cancelled` once ``stopping`` is set (whoever sets it seals the batch
        being filled, so a wait for input always ends)."""
        while not self._ended:
            item = self._queue.get()
            if stopping.is_set():
                raise _Cancelled()
            if item is None:
                self._ended = True
                return
            yield item


# The store loader's threads are confined to the CPUs the report workers leave (at least one,
# the last ones): Oxigraph's bulk loader starts a thread per CPU, and threads that compete with
# the processing for every core stall one another.  Measured on 2 cores: 30 reports took
# 3.1-6.8 s while an unconfined load ran (1.7-2.5 s without); 1,000 reports at `--jobs 2` took
# 49.8 s confined, against 65.2 s with the loader niced instead, and 58.3 s with both.
def loader_cpus(workers: int) -> Optional[set[int]]:
    """The CPUs the store loader may use while ``workers`` processes build reports: those
    they leave, at least one (the last ones); None where the system does not say."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return None
    return set(allowed[-max(1, len(allowed) - workers):])


def _confine(cpus: Optional[set[int]]) -> None:
    """Confine the calling thread, and the threads it starts, to ``cpus`` (Linux)."""
    if not cpus:
        return
    try:
        os.sched_setaffinity(threading.get_native_id(), cpus)
    except (AttributeError, OSError):
        pass


def _widen(cpus: Optional[set[int]], every: Optional[set[int]]) -> None:
    """Give every thread of this process confined to ``cpus`` all of ``every`` (Linux): the
    loader's threads, those Oxigraph and RocksDB started from them included."""
    if not cpus or not every or cpus == every:
        return
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return
    for task in tasks:
        try:
            if os.sched_getaffinity(int(task)) == cpus:
                os.sched_setaffinity(int(task), every)
        except (AttributeError, OSError, ValueError):  # the thread has ended meanwhile
            pass


class _BackgroundLoader:
    """Runs ``start()``, then ``load(batch)`` for each submitted batch, taken in submission
    order, on a thread confined to ``cpus`` (:func:`loader_cpus`; the store is opened there, so
    that the threads Oxigraph starts for it are confined too).  :meth:`widen`, once processing
    is over, gives those threads every CPU and starts up to ``lanes - 1`` more threads that
    take the batches not started yet, so that several calls run at once (two bulk calls on one
    store: 200 reports in 3.8-3.9 s against 6.6-6.7 s one after the other)."""

    def __init__(self, load: Callable[[_Batch], None], start: Optional[Callable[[], None]] = None,
                 cpus: Optional[set[int]] = None, lanes: int = 1) -> None:
        self._load = load
        self._start = start
        self._cpus = cpus
        self._lanes = max(1, lanes)
        try:
            self._every: Optional[set[int]] = os.sched_getaffinity(0)
        except (AttributeError, OSError):
            self._every = None
        self._queue: "queue.Queue[Optional[_Batch]]" = queue.Queue()
        self._opened = threading.Event()  # start() has returned
        self._wide = False  # widen() was called: the first thread must not confine itself
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._cancelled = False
        self.error: Optional[BaseException] = None

    def start(self) -> None:
        self._spawn(first=True)

    def _spawn(self, first: bool = False) -> None:
        name = "govkg-store-loader" + ("" if first else f"-{len(self._threads) + 1}")
        thread = threading.Thread(target=self._run, args=(first,), name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def submit(self, batch: _Batch) -> None:
        self._queue.put(batch)

    def widen(self) -> None:
        """Processing is over: the loader may use every CPU, with up to ``lanes`` calls at once."""
        with self._lock:
            self._wide = True
            _widen(self._cpus, self._every)
        while len(self._threads) < self._lanes:
            self._spawn()

    def _run(self, first: bool) -> None:
        if first:
            with self._lock:
                if not self._wide:
                    _confine(self._cpus)
            try:
                if self._start is not None:
                    self._start()
            except BaseException as err:  # re-raised by finish(); the batches are skipped
                self.error = err
            finally:
                self._opened.set()
        else:
            self._opened.wait()
        while True:
            batch = self._queue.get()
            if batch is None:
                self._queue.put(None)  # for the other threads
                return
            if self._cancelled or self.error is not None:
                continue
            try:
                self._load(batch)
            except BaseException as err:  # re-raised by finish() in the building thread
                self.error = err

    def _join(self) -> None:
        self._queue.put(None)
        for thread in self._threads:
            thread.join()

    def finish(self) -> None:
        """Wait until every submitted batch is loaded; raise what loading raised."""
        self._join()
        if self.error is not None:
            raise self.error

    def cancel(self) -> None:
        """Skip the batches not started and wait for the running calls (the caller has made
        their streams raise :class:`_Cancelled`)."""
        self._cancelled = True
        self._join()


class StoreWriter:
    """Loads report graphs from the cache into the store opened by ``open_store``."""

    def __init__(self, out: Path, open_store: Optional[Callable[[Path], Any]], cache: ReportCache,
                 journal: StoreJournal, workers: int = 1) -> None:
        self.out = Path(out)
        self.workers = workers  # report processes meanwhile: the loader takes the CPUs they leave
        self.path = self.out / "store"
        self.open_store = open_store
        self.cache = cache
        self.journal = journal
        self.store = open_store(self.path) if open_store else None
        self.in_store = {graph_name(g) for g in self.store.graphs()} if self.store is not None else set()
        self.bulk = False
        self._unflushed = 0
        # fresh-store mode: the new store (while rebuild() fills it) and the reports it refused
        self._new_dir: Optional[Path] = None
        self._new: Any = None
        self._failed: dict[str, str] = {}
        self._loader: Optional[_BackgroundLoader] = None
        self._batch: Optional[_Batch] = None  # the batch being filled
        self._ready: list[_Batch] = []  # batches held until streaming starts
        self._queued: set[tuple[str, str]] = set()
        self._seal_after: set[int] = set()  # numbers of reports queued that end a call
        self._streaming = False
        self._stopping = threading.Event()  # the build stops: running bulk calls end

    def _key(self, sha: str, summary: dict) -> str:
        return self.cache.key(sha, summary["name"])

    def needs_load(self, sha: str, summary: dict) -> bool:
        """True when the store does not hold this cache entry's graph."""
        graph = summary["graph"]
        return not (graph in self.in_store and self.journal.loaded.get(graph) == self._key(sha, summary))

    def choose(self, pending: int, total: int, processing: Optional[int] = None) -> bool:
        """Decide, before processing, whether ``pending`` graphs of ``total`` make a fresh store.
        ``processing`` of the pending graphs (default: all) are those of reports processed now,
        queued last as they come: the last calls (:data:`LAST_CALLS`) are shares of those."""
        oxigraph = getattr(self.store, "oxigraph", None)
        self.bulk = (isinstance(oxigraph, pyoxigraph.Store) and hasattr(self.store, "bulk_load")
                     and pending >= BULK_MIN_GRAPHS and 4 * pending >= total)
        processing = pending if processing is None else min(processing, pending)
        self._seal_after = {pending - processing // share for share in LAST_CALLS
                            if self.bulk and processing // share >= LAST_CALL_MIN_GRAPHS}
        return self.bulk

    def add(self, sha: str, summary: dict) -> None:
        """Take one report's graph: loaded now in its own transaction (per-report mode); in
        fresh-store mode it joins the next bulk batch (:meth:`rebuild` finishes the store)."""
        if self.store is None:
            return
        if self.bulk:
            self._enqueue(sha, summary["graph"])
            return
        if not self.needs_load(sha, summary):
            return
        graph = summary["graph"]
        nquads = self.cache.read(sha, "nq")
        oxigraph = getattr(self.store, "oxigraph", None)
        if graph not in self.in_store and isinstance(oxigraph, pyoxigraph.Store):
            # A new graph (the usual case: a graph's IRI is its report's hash): pyoxigraph's
            # load is one transaction too, and twice as fast as the SPARQL update that
            # replace_graph needs to drop an existing graph.
            oxigraph.load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
        else:
            self.store.replace_graph(graph, nquads)
        self.journal.added(graph, self._key(sha, summary))
        self.in_store.add(graph)
        self._unflushed += len(nquads)
        flush = getattr(self.store, "flush", None) or getattr(oxigraph, "flush", None)
        if flush is not None and self._unflushed >= STORE_FLUSH_BYTES:
            flush()
            self._unflushed = 0

    def drop_others(self, wanted: set[str]) -> None:
        """Remove the graphs of reports that are gone (per-report mode)."""
        if self.store is None or self.bulk:
            return
        for graph in sorted((self.in_store | set(self.journal.loaded)) - wanted):
            if graph in self.journal.loaded or is_report_graph(graph):
                self.store.remove_graph(graph)
                self.journal.removed(graph)

    # -- fresh store ------------------------------------------------------------------
    def _load_batch(self, batch: _Batch) -> None:
        """Bulk-load a batch of reports' graphs into the new store, in one call that reads each
        report as the batch receives it.  If the loader refuses some report's N-Quads, the
        whole batch (once sealed) is loaded again one report per transaction (replace_graph
        also clears what the failed call left of each graph) and that report alone fails."""
        try:
            self._new.bulk_load(self.cache.read(sha, "nq") for sha, _ in batch.stream(self._stopping))
            return
        except GovKGError:
            pass
        for _ in batch.stream(self._stopping):  # wait for the reports still to come
            pass
        for sha, graph in batch.items:
            if self._stopping.is_set():
                raise _Cancelled()
            try:
                self._new.replace_graph(graph, self.cache.read(sha, "nq"))
            except (GovKGError, SyntaxError) as err:
                self._new.remove_graph(graph)
                self._failed[sha] = f"cannot store its graph: {err}"

    def _enqueue(self, sha: str, graph: str) -> None:
        if (sha, graph) in self._queued:
            return
        self._queued.add((sha, graph))
        if self._batch is None:
            self._batch = _Batch()
            self._ready.append(self._batch)
        self._batch.add(sha, graph, self.cache.path(sha, "nq").stat().st_size)
        if self._batch.bytes >= BULK_BATCH_BYTES or len(self._queued) in self._seal_after:
            self._seal()
        self._submit()

    def _seal(self) -> None:
        """The batch being filled is complete: its call ends; the next report opens another."""
        if self._batch is not None:
            self._batch.seal()
            self._batch = None

    def _open_new(self) -> None:
        self._new_dir = Path(tempfile.mkdtemp(prefix=".store-new-", dir=self.out))
        self._new = self.open_store(self._new_dir)

    def _submit(self) -> None:
        """Once streaming, hand the batches held (and a batch as soon as it opens) to the loader
        thread, which starts its call at once."""
        if not self._streaming or not self._ready:
            return
        if self._loader is None:
            self._loader = _BackgroundLoader(self._load_batch, start=self._open_new,
                                             cpus=loader_cpus(self.workers), lanes=LOADER_LANES)
            self._loader.start()
        for batch in self._ready:
            self._loader.submit(batch)
        self._ready = []

    def start_streaming(self) -> None:
        """Fresh-store mode: from now on each batch is bulk-loaded in the background, from its
        first report on, while reports are processed.  The runner calls this once worker
        processes exist (a fork must not copy a process whose loader thread is busy)."""
        self._streaming = True
        if self.bulk:
            self._submit()

    def queue_rest(self, entries: Iterable[tuple[str, dict]]) -> None:
        """Fresh-store mode, after processing: queue the graphs of ``entries`` (sha, summary) not
        queued yet, a batch of :data:`BULK_BATCH_BYTES` at a time, and end the last call's input.
        The loads go on in the background; :meth:`rebuild` waits for them."""
        self._streaming = True
        for sha, summary in entries:
            self._enqueue(sha, summary["graph"])
        self._seal()
        if self._ready:
            self._submit()
        if self._loader is not None:
            self._loader.widen()

    def rebuild(self, entries: Iterable[tuple[str, dict]]) -> list[dict]:
        """Fresh-store mode, after processing: load the graphs of ``entries`` (sha, summary) not
        loaded yet (see :meth:`queue_rest`), wait for the background loads, and swap the new
        store in.  Returns the failures (sha256, reason)."""
        entries = list(entries)
        self.queue_rest(entries)
        if self._loader is None:  # nothing to load: an empty store
            self._open_new()
        else:
            self._loader.finish()  # close() still cancels it if the wait is interrupted
            self._loader = None
        wanted = {summary["graph"] for _, summary in entries}
        for sha, graph in sorted(self._queued):
            if graph not in wanted:  # taken while processing, then not wanted after all
                self._new.remove_graph(graph)
        new, self._new_dir = self._new_dir, None
        self._new.close()
        self._new = None
        self.close()
        self._swap(new)
        failures = [{"sha256": sha, "reason": reason} for sha, reason in sorted(self._failed.items())]
        self.journal.loaded = {s["graph"]: self._key(sha, s) for sha, s in entries if sha not in self._failed}
        return failures

    def _swap(self, new: Path) -> None:
        old = None
        if self.path.exists():
            old = Path(tempfile.mkdtemp(prefix=".store-old-", dir=self.out))
            os.replace(self.path, old)
        os.replace(new, self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        """Release the store; an unfinished new store (a build that stopped) is deleted."""
        self._stopping.set()
        self._seal()  # a call waiting for this batch's next report wakes up, and ends
        if self._loader is not None:
            self._loader.cancel()
            self._loader = None
        if self._new is not None:
            self._new.close()
            self._new = None
        if self._new_dir is not None:
            shutil.rmtree(self._new_dir, ignore_errors=True)
            self._new_dir = None
        if self.store is not None and hasattr(self.store, "close"):
            self.store.close()
        self.store = None
