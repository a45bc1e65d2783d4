"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every output GovKG writes goes through here: the content is written to a
temporary file in the same folder, flushed to disk, and renamed over the target
with :func:`os.replace` (atomic on POSIX and Windows).  A process killed midway
leaves at most a stray ``.<name>.tmp-*`` file, which :func:`remove_stale_temps`
cleans up on the next run.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_json(folder / "a.json", {"b": 1, "a": [2]})
>>> (folder / "a.json").read_text()
'{\\n  "a": [\\n    2\\n  ],\\n  "b": 1\\n}\\n'
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Optional, Union

__all__ = [
    "atomic_open",
    "write_bytes",
    "write_text",
    "write_json",
    "copy_file",
    "remove_stale_temps",
    "TEMP_MARK",
]

PathLike = Union[str, "os.PathLike[str]"]

#: Temporary files are named ``.<target name>.tmp-<random>`` next to the target.
TEMP_MARK = ".tmp-"


def _file_mode() -> int:
    # mkstemp creates 0600 files; outputs get the usual 0666 & ~umask.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_MODE = _file_mode()


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_serial = itertools.count()


def _create_temp(target: Path) -> tuple[int, Path]:
    # Cheaper than tempfile.mkstemp (a hotspot with thousands of cache files):
    # pid + counter is unique within a machine; O_EXCL makes sure.
    while True:
        tmp = target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}-{next(_serial)}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), tmp
        except FileExistsError:
            continue


@contextlib.contextmanager
def atomic_open(path: PathLike, mode: str = "wb", *, fsync: bool = True,
                encoding: str = "utf-8",
                before_replace: Optional[Callable[[], None]] = None) -> Iterator[IO[Any]]:
    """Open a temporary file that replaces ``path`` when the block exits cleanly.

    If the block raises, the temporary file is removed and ``path`` is left as
    it was.  ``mode`` is ``"wb"`` or ``"w"`` (text, ``encoding``, ``\\n`` line ends).
    ``before_replace`` is called once the file is complete and on disk, right before
    it replaces ``path``: it may wait (for a go-ahead) or raise (the file is discarded).
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_open mode must be 'wb' or 'w', not {mode!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(target)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _MODE)
        if mode == "wb":
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline="\n")
        with handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    if fsync:
        _fsync_dir(target.parent)


def write_bytes(path: PathLike, data: bytes, *, fsync: bool = True) -> None:
    """Atomically replace ``path`` with ``data``."""
    with atomic_open(path, "wb", fsync=fsync) as handle:
        handle.write(data)


def write_text(path: PathLike, text: str, *, fsync: bool = True) -> None:
    """Atomically replace ``path`` with ``text`` encoded as UTF-8."""
    write_bytes(path, text.encode("utf-8"), fsync=fsync)


def write_json(path: PathLike, value: Any, *, fsync: bool = True) -> None:
    """Atomically write ``value`` as indented JSON with sorted keys (deterministic)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_text(path, text, fsync=fsync)


def copy_file(src: PathLike, dst: PathLike) -> None:
    """Atomically copy ``src`` to ``dst``."""
    with open(src, "rb") as source, atomic_open(dst, "wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)


def remove_stale_temps(folder: PathLike, *, recursive: bool = False) -> int:
    """Remove temporary files a killed writer left in ``folder``; return how many."""
    root = Path(folder)
    if not root.is_dir():
        return 0
    pattern = f"**/.*{TEMP_MARK}*" if recursive else f".*{TEMP_MARK}*"
    removed = 0
    for stale in root.glob(pattern):
        if stale.is_file():
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
                removed += 1
    return removed
