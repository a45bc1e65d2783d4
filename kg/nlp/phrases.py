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
    """Exact phrase lookup by first character: fast longest-match scanning without a trie library."""

    def __init__(self, entries: Iterable[tuple[str, object]]) -> None:
        self.values: dict[str, object] = {}
        self.lengths: dict[str, list[int]] = defaultdict(list)
        for phrase, value in entries:
            if phrase and phrase not in self.values:
                self.values[phrase] = value
                self.lengths[phrase[0]].append(len(phrase))
        for key in self.lengths:
            self.lengths[key] = sorted(set(self.lengths[key]), reverse=True)

    def __contains__(self, phrase: str) -> bool:
        return phrase in self.values

    def __len__(self) -> int:
        return len(self.values)

    def longest_at(self, text: str, pos: int) -> Optional[tuple[str, object]]:
        for length in self.lengths.get(text[pos], ()):
            phrase = text[pos:pos + length]
            if phrase in self.values:
                return phrase, self.values[phrase]
        return None

    def all_at(self, text: str, pos: int) -> list[tuple[str, object]]:
        """Every phrase starting at ``pos``, longest first."""
        found = []
        for length in self.lengths.get(text[pos], ()) if pos < len(text) else ():
            phrase = text[pos:pos + length]
            if phrase in self.values:
                found.append((phrase, self.values[phrase]))
        return found

    def scan(self, text: str) -> Iterable[tuple[int, int, object]]:
        """Every longest match at every position (overlaps allowed)."""
        for pos in range(len(text)):
            found = self.longest_at(text, pos)
            if found:
                yield pos, pos + len(found[0]), found[1]


def left_boundary(text: str, start: int) -> bool:
    """May a name start at ``start`` (text start, punctuation, a function word, a division suffix)?"""
    before = text[start - 1] if start else ""
    return not before or before in NAME_BOUNDARY or before in "省市区县州旗"
