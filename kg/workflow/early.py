"""The corpus files written by a child process while the build processes its reports.

Each change to the corpus rewrites kg.trig, kg.ttl and kg.jsonld in full, because each
file is in graph-IRI order.  For 1,000 reports that is 825 MB, 1.0-1.9 s with a warm page
cache: a third of an incremental build that processes one report.  When the stages
can tell a report's graph IRI from its content hash before processing it
(``Stages.report_graph_iri``), the order of the files is known from the start, and a
child process copies the pieces of the reports already in the cache while this process
loads the pipeline and processes the others.  It waits at each report still being
processed (:meth:`EarlyAssembly.ready` and :meth:`EarlyAssembly.drop` tell it), and the
new files replace the old ones only on :meth:`EarlyAssembly.commit`.

A process, not threads: the pipeline load holds the GIL, and copy threads waiting for it
between reads took 1.7-2.9 s to copy kg.trig's pieces during the load, against 0.2-0.5 s
alone, and finished after it anyway (measured on the 1,000-report benchmark corpus).
The child is forked before the pipeline is loaded, so it is small; it never touches the
store.  It stops, discarding its temporary files, when told to abort, when this process
exits or dies, or when it fails (the build then writes the files itself).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

from kg.cache import ReportCache
from kg.workflow import assemble

__all__ = ["EarlyAssembly", "available"]

#: How often (seconds) the child checks that the build is still alive when nothing comes.
_WATCH = 0.2


def available() -> bool:
    """Whether this platform can fork the child (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


class _Stopped(Exception):
    """Raised in the child's writers when the build aborts: their files are discarded."""


class _Plan:
    """The reports in file order, some still pending; iterated by each writer thread."""

    def __init__(self, shas: Sequence[str], pending: set[str]) -> None:
        self.shas = list(shas)
        self.state = dict.fromkeys(pending, "pending")
        self.cond = threading.Condition()
        self.stopped = False
        self.committed = False

    def resolve(self, sha: str, state: str) -> None:
        with self.cond:
            if self.state.get(sha) == "pending":
                self.state[sha] = state
                self.cond.notify_all()

    def commit(self) -> None:
        with self.cond:
            self.committed = True
            self.cond.notify_all()

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            self.cond.notify_all()

    def __iter__(self) -> Iterator[str]:
        for sha in self.shas:
            if sha in self.state:
                with self.cond:
                    self.cond.wait_for(lambda: self.stopped or self.state[sha] != "pending")
                    if self.stopped:
                        raise _Stopped()
                    if self.state[sha] == "dropped":
                        continue
            yield sha

    def gate(self) -> None:
        with self.cond:
            self.cond.wait_for(lambda: self.stopped or self.committed)
            if self.stopped:
                raise _Stopped()


def _child(conn: Any, other_end: Any, out: Path, cache: ReportCache, shas: list[str],
           pending: set[str], prefixes: dict[str, str], base: Optional[str], parent: int) -> None:
    other_end.close()
    # Ctrl-C reaches the whole process group: the build handles it (and aborts this child).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    plan = _Plan(shas, pending)
    outcome: dict[str, Any] = {}

    def write() -> None:
        try:
            outcome["shared"] = assemble.write_corpus_files(out, cache, plan, prefixes, base=base,
                                                            gate=plan.gate, failed=plan.stop)
        except _Stopped:  # aborted: nothing to report
            pass
        except BaseException as err:  # reported to the build, which writes the files itself
            outcome["error"] = f"{type(err).__name__}: {err}"

    writer = threading.Thread(target=write, name="govkg-early-writer", daemon=True)
    writer.start()
    _prefetch(cache, shas)
    while writer.is_alive():
        try:
            if not conn.poll(_WATCH):
                if os.getppid() != parent:  # the build died: its files must not appear
                    plan.stop()
                continue
            message = conn.recv()
        except (EOFError, OSError):
            plan.stop()
            break
        if message[0] in ("ready", "dropped"):
            plan.resolve(message[1], message[0])
        elif message[0] == "commit":
            plan.commit()
        else:
            plan.stop()
    writer.join()
    try:
        if "error" in outcome:
            conn.send(("error", outcome["error"]))
        elif "shared" in outcome:
            conn.send(("ok", outcome["shared"]))
    except OSError:
        pass


#: The cache files the corpus files are made of.
_PIECES = ("trig", "ttl", "jsonld", "shared.nt")


#: At most this many bytes of pieces are prefetched (more would push the first ones out of
#: the page cache before they are copied, on a corpus larger than the machine's memory).
PREFETCH_BYTES = 2 << 30


def _prefetch(cache: ReportCache, shas: Sequence[str]) -> None:
    """Ask the kernel to read the pieces in (asynchronously, in file order): the host may
    have dropped them from the page cache since the last build, and reading them cold,
    one at a time, made an incremental build I/O bound (21-43 s instead of 4.5 s)."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    budget = PREFETCH_BYTES
    for sha in shas:
        for kind in _PIECES:
            try:
                fd = os.open(cache.path(sha, kind), os.O_RDONLY)
            except OSError:
                continue  # the writer will say so
            try:
                budget -= os.fstat(fd).st_size
                advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
            except OSError:
                pass
            finally:
                os.close(fd)
        if budget <= 0:
            return


class EarlyAssembly:
    """The parent's side: start the child, tell it about reports, commit or abort."""

    def __init__(self, process: Any, conn: Any, shas: Sequence[str], made_from: Sequence[str],
                 pending: set[str], graphs: dict[str, str]) -> None:
        self._process = process
        self._conn = conn
        self._shas = list(shas)
        self._planned = set(self._shas)
        self._made_from = list(made_from)
        self._pending = set(pending)
        self._graphs = graphs
        self._dropped: set[str] = set()
        self._closed = False

    @classmethod
    def start(cls, out: Path, cache: ReportCache, shas: Sequence[str], made_from: Sequence[str],
              pending: set[str], prefixes: dict[str, str], graphs: dict[str, str],
              base: Optional[str] = None) -> Optional["EarlyAssembly"]:
        """Fork the child that writes the corpus files of ``shas`` (in file order; the
        cache keys ``made_from`` in the same order), waiting for those in ``pending``;
        ``graphs`` holds the graph IRI that decided each report's place; ``prefixes`` and
        ``base`` are the corpus files' prefixes and kg.jsonld's ``@base``."""
        if not available():
            return None
        for stream in (sys.stdout, sys.stderr):  # or the child would write their buffers again
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=_child, name="govkg-early-assembly", daemon=True,
            args=(child_end, parent_end, Path(out), cache, list(shas), set(pending), dict(prefixes),
                  base, os.getpid()))
        process.start()
        child_end.close()
        return cls(process, parent_end, shas, made_from, pending, graphs)

    def _send(self, message: tuple) -> bool:
        try:
            self._conn.send(message)
            return True
        except (OSError, ValueError):  # the child is gone: commit() will say so
            return False

    def predicted(self, sha: str) -> Optional[str]:
        """The graph IRI ``sha`` was placed by."""
        return self._graphs.get(sha)

    def ready(self, sha: str) -> None:
        """``sha``'s pieces are in the cache."""
        if sha in self._pending:
            self._pending.discard(sha)
            self._send(("ready", sha))

    def drop(self, sha: str) -> None:
        """``sha`` is not in the outputs (it failed)."""
        if sha in self._pending:
            self._pending.discard(sha)
            self._dropped.add(sha)
            self._send(("dropped", sha))
        elif sha in self._planned and sha not in self._dropped:
            self.abort()  # a report taken from the cache: the child may have copied it already

    def commit(self, made_from: Sequence[str]) -> Optional[int]:
        """Let the new files replace the old ones if they are the files of ``made_from``
        (the cache keys of the build's reports in file order); returns the shared-triple
        count, or ``None`` when the build must write the files itself (the plan changed,
        or the child failed)."""
        planned = [key for sha, key in zip(self._shas, self._made_from) if sha not in self._dropped]
        if self._closed or self._pending or planned != list(made_from):
            self.abort()
            return None
        self._closed = True
        reply = None
        if self._send(("commit",)):
            try:
                while reply is None:
                    if self._conn.poll(_WATCH):
                        reply = self._conn.recv()
                    elif not self._process.is_alive():
                        break
            except (EOFError, OSError):
                reply = None
        self._finish()
        if reply is None or reply[0] != "ok":
            return None
        return int(reply[1])

    def abort(self) -> None:
        """The old files stay; the child discards its own."""
        if self._closed:
            return
        self._closed = True
        self._send(("abort",))
        self._finish()

    def _finish(self) -> None:
        self._conn.close()
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
