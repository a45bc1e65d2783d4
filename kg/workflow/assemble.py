"""Assemble the corpus outputs from the per-report cache entries, streaming.

Reports are taken in the order of their graph IRIs and their ready-made pieces
are concatenated, so kg.trig and kg.ttl are byte-identical whatever the number
of workers or the order of the input files, and memory does not grow with the
corpus.  Each file is written to a temporary name and renamed.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Optional, Sequence

from pyoxigraph import RdfFormat, parse, serialize

from kg import io
from kg.cache import ReportCache
from kg.graph.jsonld import DOCUMENT_TAIL, Compactor, document_head
from kg.workflow.unit import strip_prefix_header

__all__ = ["prefix_header", "write_corpus_files", "write_trig", "write_ttl", "write_jsonld", "copy_ontology",
           "merge_sorted_unique", "unchanged_outputs", "forget_outputs", "record_outputs",
           "CORPUS_FILES"]

#: The corpus files assembled from the per-report pieces.
CORPUS_FILES = ("kg.trig", "kg.ttl", "kg.jsonld")
_STATE = Path("cache") / "outputs.json"

_COPY = 1 << 20
#: More sorted runs than this are merged in several passes (open files stay few).
MERGE_FAN_IN = 256
#: The corpus files are written back to disk every this many bytes, not all at the final
#: fsync: that fsync took 0.7 s for 825 MB, after the last byte, and an early assembly
#: (kg.workflow.early) does most of its writing back while it waits for reports.
WRITE_BACK_BYTES = 32 << 20


def prefix_header(prefixes: dict[str, str]) -> bytes:
    lines = [f"@prefix {name}: <{ns}> .\n" for name, ns in sorted(prefixes.items())]
    return ("".join(lines) + "\n").encode("utf-8")


class _Sink:
    """An output file that pieces are copied into, written back to disk as it grows."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.dirty = 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self._wrote(len(data))

    def copy(self, path: Path) -> None:
        with open(path, "rb") as source:
            self.copy_rest(source)

    def copy_rest(self, source: BinaryIO) -> None:
        while True:
            chunk = source.read(_COPY)
            if not chunk:
                return
            self.write(chunk)

    def _wrote(self, size: int) -> None:
        self.dirty += size
        if self.dirty >= WRITE_BACK_BYTES:
            self.handle.flush()
            os.fdatasync(self.handle.fileno())
            self.dirty = 0


def write_corpus_files(out: Path, cache: ReportCache, shas: Iterable[str],
                       prefixes: dict[str, str], *, base: Optional[str] = None,
                       gate: Optional[Callable[[], None]] = None,
                       failed: Optional[Callable[[], None]] = None) -> int:
    """kg.trig, kg.ttl and kg.jsonld in ``out``, written at the same time (each by its own
    thread: the work is reading, writing and fsync, which release the GIL); returns the
    number of shared triples (see :func:`write_ttl`).  Each file's bytes depend only on
    the cache entries, never on the threads' timing.  kg.jsonld's context is ``prefixes``
    and ``base``, the context its pieces were written with (:mod:`kg.graph.jsonld`).

    Each thread iterates over ``shas`` once: it may be an iterable that waits for reports
    still being processed (:mod:`kg.workflow.early`).  ``gate`` is called before each new
    file replaces the old one (see :func:`kg.io.atomic_open`), and ``failed`` as soon as
    one file fails, so that the others stop waiting."""
    def guarded(write, *args):
        try:
            return write(*args, gate=gate)
        except BaseException:
            if failed is not None:
                failed()
            raise

    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="govkg-assemble") as pool:
        trig = pool.submit(guarded, write_trig, out / "kg.trig", cache, shas, prefixes)
        ttl = pool.submit(guarded, write_ttl, out / "kg.ttl", cache, shas, prefixes)
        jsonld = pool.submit(guarded, write_jsonld, out / "kg.jsonld", cache, shas,
                             document_head(Compactor(prefixes, base)))
        trig.result()
        jsonld.result()
        return ttl.result()


def write_trig(path: Path, cache: ReportCache, shas: Iterable[str], prefixes: dict[str, str], *,
               gate: Optional[Callable[[], None]] = None) -> None:
    """kg.trig: every report's named graph, in the order given (sorted by graph IRI)."""
    with io.atomic_open(path, "wb", before_replace=gate) as handle:
        out = _Sink(handle)
        out.write(prefix_header(prefixes))
        for sha in shas:
            out.copy(cache.path(sha, "trig"))


def _unique_lines(streams: Sequence[Iterable[bytes]]) -> Iterator[bytes]:
    last = None
    for line in heapq.merge(*streams):
        if line != last:
            yield line
            last = line


def merge_sorted_unique(paths: Iterable[Path], out: BinaryIO, workdir: Path) -> int:
    """Merge sorted line files into ``out``, dropping repeats; return the lines written
    (see :class:`SortedUnion`)."""
    union = SortedUnion(workdir)
    for path in paths:
        union.add(path)
    return union.write(out)


class SortedUnion:
    """The distinct lines of sorted line files, added one file at a time (so that the work
    is done as the files come) and written sorted at the end.

    Files are taken :data:`MERGE_FAN_IN` at a time: each group's distinct lines are
    collected in a set and sorted into a run (the reports of a corpus repeat the same
    entity triples, so a group's set is small: 3,410 distinct lines of 317,034 for the
    benchmark's 1,000 reports), then the runs are merged.  Memory is bounded by a group's
    distinct lines, and at most :data:`MERGE_FAN_IN` files are open at once.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.lines: set[bytes] = set()
        self.files = 0
        self.runs: list[Path] = []

    def add(self, path: Path) -> None:
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            data += b"\n"
        self.lines.update(data.splitlines(keepends=True))
        self.files += 1
        if self.files % MERGE_FAN_IN == 0:
            self._spill()

    def _spill(self) -> None:
        target = self.workdir / f"run-{len(self.runs)}.nt"
        target.write_bytes(b"".join(sorted(self.lines)))
        self.runs.append(target)
        self.lines = set()

    def write(self, out: BinaryIO) -> int:
        if self.lines or not self.runs:
            self._spill()
        runs = self.runs
        while len(runs) > MERGE_FAN_IN:
            merged = []
            for start in range(0, len(runs), MERGE_FAN_IN):
                target = self.workdir / f"run-{len(runs)}-{start}.nt"
                with open(target, "wb") as handle:
                    _merge_group(runs[start:start + MERGE_FAN_IN], handle)
                merged.append(target)
            runs = merged
        return _merge_group(runs, out)


def _merge_group(paths: Sequence[Path], out: BinaryIO) -> int:
    handles = [open(p, "rb") for p in paths]
    try:
        count = 0
        for line in _unique_lines(handles):
            out.write(line)
            count += 1
        return count
    finally:
        for handle in handles:
            handle.close()


def write_ttl(path: Path, cache: ReportCache, shas: Iterable[str], prefixes: dict[str, str], *,
              gate: Optional[Callable[[], None]] = None) -> int:
    """kg.ttl: the union of all report graphs; returns the number of shared triples.

    Report-local nodes (measures, evidence, mentions...) occur in one report
    only, so their Turtle is copied as is; triples about shared entities are
    merged from the reports' sorted lists with repeats dropped, and come last.
    """
    with tempfile.TemporaryDirectory(prefix=".merge-", dir=path.parent) as work:
        workdir = Path(work)
        with io.atomic_open(path, "wb", before_replace=gate) as handle:
            out = _Sink(handle)
            out.write(prefix_header(prefixes))
            union = SortedUnion(workdir)
            for sha in shas:
                out.copy(cache.path(sha, "ttl"))
                union.add(cache.path(sha, "shared.nt"))
            shared = workdir / "shared.nt"
            with open(shared, "wb") as merged:
                shared_count = union.write(merged)
            if shared_count:
                shared_ttl = workdir / "shared.ttl"
                serialize(parse(path=str(shared), format=RdfFormat.N_TRIPLES), str(shared_ttl),
                          format=RdfFormat.TURTLE, prefixes=prefixes)
                with open(shared_ttl, "rb") as source:
                    out.write(strip_prefix_header(source.read(1 << 16)))
                    out.copy_rest(source)
    return shared_count


def write_jsonld(path: Path, cache: ReportCache, shas: Iterable[str], opening: bytes, *,
                 gate: Optional[Callable[[], None]] = None) -> None:
    """kg.jsonld: ``opening`` (:func:`kg.graph.jsonld.document_head`: the ``@context`` and
    the start of ``@graph``), then one named-graph object per report."""
    with io.atomic_open(path, "wb", before_replace=gate) as handle:
        out = _Sink(handle)
        out.write(opening)
        first = True
        for sha in shas:
            with open(cache.path(sha, "jsonld"), "rb") as source:  # copied, not read whole
                head = source.read(_COPY)
                if not head:  # a report without triples
                    continue
                if not first:
                    out.write(b",\n")
                out.write(head)
                out.copy_rest(source)
            first = False
        out.write(DOCUMENT_TAIL)


def copy_ontology(source: Path | None, target: Path) -> list[str]:
    """Mirror the ontology folder into ``target`` (file by file, atomically)."""
    if source is None or not Path(source).is_dir():
        return []
    source = Path(source)
    copied = []
    for file in sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = file.relative_to(source)
        io.copy_file(file, target / rel)
        copied.append(rel.as_posix())
    keep = set(copied)
    for existing in sorted(target.rglob("*")) if target.is_dir() else []:
        if existing.is_file() and existing.relative_to(target).as_posix() not in keep:
            os.unlink(existing)
    return copied


def _made_from_key(made_from: Sequence[str], prefixes: dict[str, str]) -> str:
    text = repr((sorted(prefixes.items()), list(made_from)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unchanged_outputs(out: Path, made_from: Sequence[str], prefixes: dict[str, str]) -> int | None:
    """If the corpus files on disk were assembled from exactly these cache
    entries (and are the files written then), their shared-triple count; else None.

    Lets a re-run with nothing changed skip rewriting hundreds of megabytes.
    """
    try:
        state = json.loads((out / _STATE).read_text("utf-8"))
        if state["key"] != _made_from_key(made_from, prefixes):
            return None
        for name in CORPUS_FILES:
            if (out / name).stat().st_size != state["sizes"][name]:
                return None
        return int(state["shared"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget_outputs(out: Path) -> None:
    """Before rewriting the corpus files: they no longer match any record."""
    try:
        os.unlink(out / _STATE)
    except FileNotFoundError:
        pass


def record_outputs(out: Path, made_from: Sequence[str], prefixes: dict[str, str], shared: int) -> None:
    """Written after the corpus files: what they were made from (see above)."""
    sizes = {name: (out / name).stat().st_size for name in CORPUS_FILES}
    io.write_json(out / _STATE, {"key": _made_from_key(made_from, prefixes), "sizes": sizes,
                                 "shared": shared}, fsync=False)
