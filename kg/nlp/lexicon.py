"""Read the rule data shipped in ``kg/nlp/data`` (TSV and plain word lists).

Lexicons and patterns are data, not Python literals: one entry a line, ``#``
starts a comment line, columns are separated by tabs.

>>> rows = read_table("units.tsv")
>>> ("万元", "元", "10000", "money") in rows
True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kg.errors import ConfigError

__all__ = ["DATA_DIR", "read_table", "read_words", "data_path"]

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str | Path, base: Path | None = None) -> Path:
    """Resolve a data file name against ``base`` (default: the shipped data folder)."""
    path = Path(name)
    if not path.is_absolute():
        path = (base or DATA_DIR) / path
    if not path.exists():
        raise ConfigError(f"data file {path} not found (fix: restore it from the repository "
                          f"or point the pipeline config at an existing file)")
    return path


@lru_cache(maxsize=64)
def read_table(name: str | Path, base: Path | None = None) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated data file, comments and blank lines skipped."""
    rows = []
    for line in data_path(name, base).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append(tuple(cell.strip() for cell in line.split("\t")))
    return tuple(rows)


def read_words(name: str | Path, base: Path | None = None) -> tuple[str, ...]:
    """First column of a data file: a word list."""
    return tuple(row[0] for row in read_table(name, base) if row and row[0])
