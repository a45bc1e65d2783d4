"""Shared pieces of the rule layer: hits, report context, phrase lookup, character classes.

>>> index = PhraseIndex([("司法所", "ORG"), ("司法", "x")])
>>> index.longest_at("镇司法所", 1)
('司法所', 'ORG')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

import numpy

from kg.ingest.t2s import unchanged_by_t2s

__all__ = ["CJK", "PUNCT", "NAME_BOUNDARY", "Hit", "MatchContext", "PhraseIndex", "to_simplified",
           "left_boundary"]

CJK = r"\u4e00-\u9fff"
PUNCT = set("，。、；：！？,.;:!?“”\"'‘’《》()（）[]【】「」 \n\t·•")
# Characters after which a new name may start (besides punctuation).
NAME_BOUNDARY = PUNCT | set("与在到请和及由为对向把将从于等是以同跟给让被")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified when that keeps every offset; else ``text`` unchanged."""
    if unchanged_by_t2s(text):  # most texts: no need to run OpenCC
        return text
    converted = _converter().convert(text)
    return converted if len(converted) == len(text) else text


@dataclass(frozen=True)
class Hit:
    """A mention found by a rule: character offsets into the text given to :meth:`RuleSet.find`."""

    type: str
    start: int
    end: int
    text: str
    source: str
    canonical: str = ""


@dataclass
class MatchContext:
    """What the rules may know about the report besides its text."""

    government: Optional[str] = None
    parents: list[str] = field(default_factory=list)


class PhraseIndex:
    """Exact phrase lookup: fast longest-match scanning without a trie library.

    Phrases are indexed by their first two characters (one-character phrases apart);
    :meth:`candidates` finds every position where a phrase may start in one vectorised
    pass over the text, so scans look up phrases only there.
    """

    def __init__(self, entries: Iterable[tuple[str, object]]) -> None:
        self.values: dict[str, object] = {}
        for phrase, value in entries:
            if phrase and phrase not in self.values:
                self.values[phrase] = value
        pairs: dict[str, set[int]] = defaultdict(set)
        for phrase in self.values:
            if len(phrase) > 1:
                pairs[phrase[:2]].add(len(phrase))
        # first two characters -> lengths of the phrases starting with them, longest first
        self._lengths: dict[str, tuple[int, ...]] = {k: tuple(sorted(v, reverse=True))
                                                     for k, v in pairs.items()}
        self._singles = frozenset(p for p in self.values if len(p) == 1)
        # for candidates(): the first two characters (as one code number) and the one-character
        # phrases (as code points), each in a hash table of flags
        self._pair_table = _HashedSet(_pair_code(ord(k[0]), ord(k[1])) for k in self._lengths)
        self._single_table = _HashedSet(ord(c) for c in self._singles)

    def __contains__(self, phrase: str) -> bool:
        return phrase in self.values

    def __len__(self) -> int:
        return len(self.values)

    def longest_at(self, text: str, pos: int) -> Optional[tuple[str, object]]:
        """The longest phrase starting at ``pos`` and its value, else None."""
        for length in self._lengths.get(text[pos:pos + 2], ()):
            phrase = text[pos:pos + length]
            if len(phrase) == length and phrase in self.values:
                return phrase, self.values[phrase]
        single = text[pos:pos + 1]
        if single in self._singles:
            return single, self.values[single]
        return None

    def all_at(self, text: str, pos: int) -> list[tuple[str, object]]:
        """Every phrase starting at ``pos``, longest first."""
        found = []
        for length in self._lengths.get(text[pos:pos + 2], ()):
            phrase = text[pos:pos + length]
            if len(phrase) == length and phrase in self.values:
                found.append((phrase, self.values[phrase]))
        single = text[pos:pos + 1]
        if single in self._singles:
            found.append((single, self.values[single]))
        return found

    def candidates(self, text: str) -> list[int]:
        """Increasing positions where a phrase may start: every position a phrase starts at is one."""
        codes = code_points(text)
        hit = numpy.zeros(len(codes), dtype=bool)
        if len(codes) > 1 and self._pair_table:
            hit[:-1] = self._pair_table.may_contain(_pair_code(codes[:-1], codes[1:]))
        if self._single_table:
            hit |= self._single_table.may_contain(codes)
        return numpy.flatnonzero(hit).tolist()

    def scan(self, text: str) -> Iterable[tuple[int, int, object]]:
        """Every longest match at every position (overlaps allowed)."""
        for pos in self.candidates(text):
            found = self.longest_at(text, pos)
            if found:
                yield pos, pos + len(found[0]), found[1]


def code_points(text: str) -> numpy.ndarray:
    """The characters of ``text`` as int64 code points (one per str index)."""
    return numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="uint32").astype("int64")


class _HashedSet:
    """Flags in a hash table: may_contain() is exact for members, rarely true for others."""

    _MULTIPLIER = numpy.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, numbers: Iterable[int]) -> None:
        keys = numpy.array(sorted(set(numbers)), dtype="uint64")
        self._size = len(keys)
        bits = max(10, (64 * len(keys)).bit_length())  # at most 1 in 64 of the slots is set
        self._shift = numpy.uint64(64 - bits)
        self._flags = numpy.zeros(1 << bits, dtype=bool)
        self._flags[self._slots(keys)] = True

    def __len__(self) -> int:
        return self._size

    def _slots(self, numbers: numpy.ndarray) -> numpy.ndarray:
        with numpy.errstate(over="ignore"):  # the multiplication wraps around on purpose
            return (numbers.astype("uint64") * self._MULTIPLIER) >> self._shift

    def may_contain(self, numbers: numpy.ndarray) -> numpy.ndarray:
        """Per number: True if it is a member (and, rarely, when it is not)."""
        return self._flags[self._slots(numbers)]


def _pair_code(first, second):
    """One number for two code points (each below 2**21); works on numbers and arrays."""
    return (first << 21) | second


def left_boundary(text: str, start: int) -> bool:
    """May a name start at ``start`` (text start, punctuation, a function word, a division suffix)?"""
    before = text[start - 1] if start else ""
    return not before or before in NAME_BOUNDARY or before in "省市区县州旗"
