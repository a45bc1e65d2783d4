"""The per-report build cache and the fingerprint that keys it.

A report's cached result is valid while three things hold: its raw bytes are
the same (the sha256 in the file name), it is known under the same file name
(the name goes into the graph as ``gk:sourceFile``), and the pipeline that made
it is the same (the *fingerprint*: :data:`kg.settings.PIPELINE_VERSION`, the base
IRI, and the content of the ontology, lexicons, patterns, gazetteer and the code
of the stages that shape a report's graph).  Hashing the stage code as well as
the data means an edited rule can never serve a stale graph; it costs ~10 ms.

Layout, under ``output/cache/``::

    <fingerprint>/<sha256>.json      summary; written last, so it marks the entry complete
    <fingerprint>/<sha256>.<kind>    artifacts: nq, trig, ttl, shared.nt, jsonld
    store-journal.log                which report graphs the store holds, and from which entry

Cache files are written atomically but not fsync'ed (a killed process cannot
tear them; the sizes recorded in the summary catch a power loss).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional

from kg import io, settings

__all__ = ["fingerprint", "fingerprint_sources", "ReportCache", "StoreJournal", "ARTIFACT_KINDS",
           "file_sha256"]

#: Artifacts kept per report (see :mod:`kg.workflow.unit`).
ARTIFACT_KINDS = ("nq", "trig", "ttl", "shared.nt", "jsonld")

#: Folders of the package whose content shapes a report's graph.
_STAGE_DIRS = ("ingest", "nlp", "extract", "gazetteer", "graph", "ontology", "data")
_SKIP_DIRS = {"__pycache__", "samples"}


def file_sha256(path: os.PathLike | str, *, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, read in chunks (bounded memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _content_sha256(path: Path) -> str:
    # A .gz header holds the time it was written (bytes 4-7): leave it out, so
    # regenerating identical data does not invalidate every cached report.
    data = path.read_bytes()
    if path.suffix == ".gz" and data[:2] == b"\x1f\x8b":
        data = data[:4] + b"\0\0\0\0" + data[8:]
    return hashlib.sha256(data).hexdigest()


def fingerprint_sources(package_dir: Path = settings.PACKAGE_DIR) -> list[Path]:
    """The files whose content goes into the fingerprint, in a stable order."""
    files = [package_dir / "records.py", package_dir / "settings.py"]
    for name in _STAGE_DIRS:
        root = package_dir / name
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not (_SKIP_DIRS & set(path.relative_to(root).parts)) \
                    and path.suffix not in (".pyc", ".pyo"):
                files.append(path)
    top_ontology = package_dir.parent / "ontology"
    if top_ontology.is_dir() and not settings.ONTOLOGY_DIR.is_dir():
        files.extend(sorted(p for p in top_ontology.rglob("*") if p.is_file()))
    return [f for f in files if f.is_file()]


def fingerprint(extra: Mapping[str, str] | None = None,
                sources: Optional[Iterable[Path]] = None) -> str:
    """A 16-hex-digit key for "the same pipeline": version, base IRI, data and code.

    ``extra`` adds caller-specific parts (e.g. a test's fake stages).
    """
    digest = hashlib.sha256()
    digest.update(f"version={settings.PIPELINE_VERSION}\nbase={settings.BASE_IRI}\n".encode())
    for key, value in sorted((extra or {}).items()):
        digest.update(f"{key}={value}\n".encode())
    root = settings.PACKAGE_DIR.parent
    for path in (fingerprint_sources() if sources is None else sources):
        try:
            label = path.relative_to(root).as_posix()
        except ValueError:
            label = path.name
        digest.update(f"{label}\0{_content_sha256(path)}\n".encode())
    return digest.hexdigest()[:16]


@dataclass
class ReportCache:
    """Cached results of single reports, for one pipeline fingerprint."""

    root: Path
    fingerprint: str

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.folder = self.root / self.fingerprint

    def path(self, sha256: str, kind: str) -> Path:
        return self.folder / f"{sha256}.{kind}"

    def key(self, sha256: str, name: str) -> str:
        """What the store journal records for an entry."""
        name_hash = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        return f"{self.fingerprint}:{sha256[:16]}:{name_hash}"

    def get(self, sha256: str, name: Optional[str] = None) -> Optional[dict]:
        """The summary of a complete entry made for file ``name``, else ``None``."""
        try:
            summary = json.loads(self.path(sha256, "json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if name is not None and summary.get("name") != name:
            return None
        sizes = summary.get("artifact_sizes", {})
        for kind in ARTIFACT_KINDS:
            try:
                if self.path(sha256, kind).stat().st_size != sizes.get(kind):
                    return None
            except OSError:
                return None
        return summary

    def put(self, sha256: str, summary: dict, artifacts: Mapping[str, bytes]) -> dict:
        """Store an entry: the artifacts first, the summary (with their sizes) last."""
        self.folder.mkdir(parents=True, exist_ok=True)
        summary = dict(summary)
        summary["artifact_sizes"] = {kind: len(artifacts[kind]) for kind in ARTIFACT_KINDS}
        for kind in ARTIFACT_KINDS:
            io.write_bytes(self.path(sha256, kind), artifacts[kind], fsync=False)
        io.write_json(self.path(sha256, "json"), summary, fsync=False)
        return summary

    def read(self, sha256: str, kind: str) -> bytes:
        return self.path(sha256, kind).read_bytes()

    def prune(self, keep: Iterable[str]) -> int:
        """Delete entries of other fingerprints and of reports not in ``keep``."""
        removed = 0
        if self.root.is_dir():
            for other in self.root.iterdir():
                if other.is_dir() and other.name != self.fingerprint:
                    shutil.rmtree(other, ignore_errors=True)
                    removed += 1
        keep = set(keep)
        if self.folder.is_dir():
            io.remove_stale_temps(self.folder)
            for entry in self.folder.iterdir():
                sha = entry.name.split(".", 1)[0]
                if sha not in keep:
                    with contextlib.suppress(FileNotFoundError):
                        entry.unlink()
                        removed += 1
        return removed


class StoreJournal:
    """Which report graphs the store holds, and from which cache entry.

    An append-only log of ``+ <graph> <key>`` / ``- <graph>`` lines: a line is
    appended only after the store transaction it describes has committed, so a
    kill in between leaves the graph unrecorded and the next run reloads it.
    A torn last line is ignored.  :meth:`compact` rewrites the log atomically.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.loaded: dict[str, str] = {}
        self._handle = None
        try:
            lines = self.path.read_text("utf-8").split("\n")
        except OSError:
            lines = []
        for line in lines[:-1]:  # the last piece is "" or a torn line
            parts = line.split(" ")
            if len(parts) == 3 and parts[0] == "+":
                self.loaded[parts[1]] = parts[2]
            elif len(parts) == 2 and parts[0] == "-":
                self.loaded.pop(parts[1], None)

    def _append(self, line: str) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8")
        self._handle.write(line + "\n")
        self._handle.flush()

    def added(self, graph: str, key: str) -> None:
        self.loaded[graph] = key
        self._append(f"+ {graph} {key}")

    def removed(self, graph: str) -> None:
        self.loaded.pop(graph, None)
        self._append(f"- {graph}")

    def compact(self) -> None:
        self.close()
        text = "".join(f"+ {g} {k}\n" for g, k in sorted(self.loaded.items()))
        io.write_text(self.path, text, fsync=False)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
