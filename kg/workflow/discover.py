"""Find the report files a build covers, hash them, and set duplicates aside."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from kg.cache import file_sha256
from kg.workflow.unit import ReportInput

__all__ = ["REPORT_SUFFIXES", "Discovery", "discover"]

#: Suffixes picked up when walking a folder (a file named explicitly is always tried).
REPORT_SUFFIXES = (".txt", ".text", ".htm", ".html", ".xhtml", ".shtml", ".docx", ".pdf")

#: Larger files are refused before reading: a real report is 10-100 kB of text.
DEFAULT_MAX_BYTES = 32 * 1024 * 1024


@dataclass
class Discovery:
    """The result of :func:`discover`."""

    reports: list[ReportInput] = field(default_factory=list)  # unique content, sorted by name
    duplicates: list[dict] = field(default_factory=list)  # {path, name, same_as}
    failures: list[dict] = field(default_factory=list)  # {path, name, kind, reason, fix}
    skipped: list[str] = field(default_factory=list)  # folder files with other suffixes


def _walk(root: Path, skipped: list[str]) -> Iterable[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            if path.suffix.lower() in REPORT_SUFFIXES:
                yield path
            else:
                skipped.append(str(path))


def _failure(path: Path, reason: str, fix: str) -> dict:
    return {"path": str(path), "name": path.name, "kind": "input", "reason": reason, "fix": fix}


def discover(paths: Sequence[os.PathLike | str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Discovery:
    """Expand files and folders (recursively), hash each file, drop repeated content.

    Among files with the same bytes the one with the smallest (name, path) is
    kept, so the choice does not depend on the order the paths were given in.
    """
    found = Discovery()
    files: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = list(_walk(path, found.skipped))
        elif path.exists():
            candidates = [path]
        else:
            found.failures.append(_failure(path, "no such file or folder",
                                           "check the path (folders are searched recursively)"))
            continue
        for candidate in candidates:
            files.setdefault(os.path.abspath(candidate), candidate)

    by_hash: dict[str, list[ReportInput]] = {}
    for path in files.values():
        try:
            size = path.stat().st_size
            if size == 0:
                found.failures.append(_failure(path, "the file is empty (0 bytes)",
                                               "save the report's text into it or remove it"))
                continue
            if size > max_bytes:
                found.failures.append(_failure(
                    path, f"the file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB "
                    "limit for one report",
                    "split it into one file per report, or raise the limit with --max-mb"))
                continue
            sha = file_sha256(path)
        except OSError as err:
            found.failures.append(_failure(path, f"cannot read the file ({err.strerror})",
                                           "check that it exists and is readable"))
            continue
        by_hash.setdefault(sha, []).append(ReportInput(str(path), path.name, sha, size))

    for sha, items in by_hash.items():
        items.sort(key=lambda i: (i.name, i.path))
        found.reports.append(items[0])
        for other in items[1:]:
            found.duplicates.append({"path": other.path, "name": other.name,
                                     "same_as": items[0].path, "sha256": sha})
    found.reports.sort(key=lambda i: (i.name, i.sha256, i.path))
    found.duplicates.sort(key=lambda d: (d["name"], d["path"]))
    found.failures.sort(key=lambda d: (d["name"], d["path"]))
    found.skipped.sort()
    return found
