"""Assemble the corpus outputs from the per-report cache entries, streaming.

Reports are taken in the order of their graph IRIs and their ready-made pieces
are concatenated, so kg.trig and kg.ttl are byte-identical whatever the number
of workers or the order of the input files, and memory does not grow with the
corpus.  Each file is written to a temporary name and renamed.
"""

from __future__ import annotations

import heapq
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Sequence

from pyoxigraph import RdfFormat, parse, serialize

from kg import io
from kg.cache import ReportCache
from kg.workflow.unit import strip_prefix_header

__all__ = ["prefix_header", "write_trig", "write_ttl", "write_jsonld", "copy_ontology",
           "merge_sorted_unique"]

_COPY = 1 << 20
#: More sorted runs than this are merged in several passes (open files stay few).
MERGE_FAN_IN = 256


def prefix_header(prefixes: dict[str, str]) -> bytes:
    lines = [f"@prefix {name}: <{ns}> .\n" for name, ns in sorted(prefixes.items())]
    return ("".join(lines) + "\n").encode("utf-8")


def _copy_into(out: BinaryIO, path: Path) -> None:
    with open(path, "rb") as handle:
        shutil.copyfileobj(handle, out, _COPY)


def write_trig(path: Path, cache: ReportCache, shas: Sequence[str], prefixes: dict[str, str]) -> None:
    """kg.trig: every report's named graph, in the order given (sorted by graph IRI)."""
    with io.atomic_open(path, "wb") as out:
        out.write(prefix_header(prefixes))
        for sha in shas:
            _copy_into(out, cache.path(sha, "trig"))


def _unique_lines(streams: Sequence[Iterable[bytes]]) -> Iterator[bytes]:
    last = None
    for line in heapq.merge(*streams):
        if line != last:
            yield line
            last = line


def merge_sorted_unique(paths: Sequence[Path], out: BinaryIO, workdir: Path) -> int:
    """Merge sorted line files into ``out``, dropping repeats; return the lines written.

    At most :data:`MERGE_FAN_IN` files are open at once (merged in passes).
    """
    runs = list(paths)
    serial = 0
    while len(runs) > MERGE_FAN_IN:
        merged = []
        for start in range(0, len(runs), MERGE_FAN_IN):
            group = runs[start:start + MERGE_FAN_IN]
            serial += 1
            target = workdir / f"run-{serial}.nt"
            with open(target, "wb") as handle:
                _merge_group(group, handle)
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


def write_ttl(path: Path, cache: ReportCache, shas: Sequence[str], prefixes: dict[str, str]) -> int:
    """kg.ttl: the union of all report graphs; returns the number of shared triples.

    Report-local nodes (measures, evidence, mentions...) occur in one report
    only, so their Turtle is copied as is; triples about shared entities are
    merged from the reports' sorted lists with repeats dropped.
    """
    with tempfile.TemporaryDirectory(prefix=".merge-", dir=path.parent) as work:
        workdir = Path(work)
        shared = workdir / "shared.nt"
        with open(shared, "wb") as handle:
            shared_count = merge_sorted_unique([cache.path(s, "shared.nt") for s in shas],
                                               handle, workdir)
        shared_ttl = workdir / "shared.ttl"
        if shared_count:
            serialize(parse(path=str(shared), format=RdfFormat.N_TRIPLES), str(shared_ttl),
                      format=RdfFormat.TURTLE, prefixes=prefixes)
        with io.atomic_open(path, "wb") as out:
            out.write(prefix_header(prefixes))
            for sha in shas:
                _copy_into(out, cache.path(sha, "ttl"))
            if shared_count:
                with open(shared_ttl, "rb") as handle:
                    head = handle.read(1 << 16)
                    body = strip_prefix_header(head)
                    out.write(body)
                    shutil.copyfileobj(handle, out, _COPY)
    return shared_count


def write_jsonld(path: Path, cache: ReportCache, shas: Sequence[str]) -> None:
    """kg.jsonld: a JSON-LD array with one named-graph object per report."""
    with io.atomic_open(path, "wb") as out:
        out.write(b"[\n")
        first = True
        for sha in shas:
            chunk = cache.read(sha, "jsonld")
            if not chunk:
                continue
            if not first:
                out.write(b",\n")
            out.write(chunk)
            first = False
        out.write(b"\n]\n")


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
