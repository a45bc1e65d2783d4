"""Rule layer: find entity mentions in report text with lexicons, patterns and the gazetteer.

Everything here works on plain strings so it can be tested without spaCy; the
spaCy component :class:`kg.nlp.components.EntityRuler` calls :meth:`RuleSet.find`
and aligns the hits to tokens.  Types and boundaries follow ../shared/ANNOTATION.md:
the longest name wins, and a DIVISION or VILLAGE inside a longer name is kept as well.

>>> rules = RuleSet.load(gazetteer=None)
>>> hits = rules.find("月浦镇邀请月浦法庭法官杨猛讲解《民法典》。", MatchContext(government="月浦镇"))
>>> [(h.type, h.text) for h in hits]
[('DIVISION', '月浦镇'), ('ORG', '月浦法庭'), ('DIVISION', '月浦'), ('PERSON', '杨猛'), ('LAW', '民法典')]
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Optional

from kg.nlp.lexicon import read_table, read_words
from kg.nlp.organisations import OrgRules
from kg.nlp.persons import PersonRules
from kg.nlp.phrases import Hit, MatchContext, PhraseIndex, to_simplified
from kg.nlp.places import PlaceRules
from kg.nlp.titles import THEORY, YEAR_RANGE, TitleRules

__all__ = ["Hit", "MatchContext", "RuleSet", "PhraseIndex", "to_simplified"]


class RuleSet:
    """All rule data of the entity layer, loaded once from a data folder."""

    def __init__(self, data_dir: Optional[Path] = None, gazetteer=None) -> None:
        base = data_dir
        self.gazetteer = gazetteer
        laws = []
        for short in read_words("laws_national.txt", base):
            full = short if short.startswith("中华人民共和国") else f"中华人民共和国{short}"
            laws += [(short, full), (full, full)]
        laws += [(row[0], row[1] if len(row) > 1 else row[0]) for row in read_table("laws.tsv", base)]
        entries: list[tuple[str, tuple[str, str]]] = []
        entries += [(s, ("LAW", c)) for s, c in laws]
        entries += [(row[0], ("PROGRAMME", row[1] if len(row) > 1 else row[0]))
                    for row in read_table("programmes.tsv", base)]
        entries += [(row[0], ("OBSERVANCE", row[1] if len(row) > 1 else row[0]))
                    for row in read_table("observances.tsv", base)]
        entries += [(w, ("GROUP", w)) for w in read_words("groups.txt", base)]
        entries += [(w, ("PERSON", w)) for w in read_words("leaders.tsv", base)]
        self.lexicon = PhraseIndex(entries)
        self.group_stop = set(read_words("group_stop.txt", base))
        name_stop = set(read_words("name_stop_chars.txt", base))
        self.places = PlaceRules(base, gazetteer, name_stop)
        self.organisations = OrgRules(base, name_stop)
        self.persons = PersonRules(base, name_stop)
        self.titles = TitleRules(base, self.lexicon, self.organisations.org_cores)

    @classmethod
    def load(cls, data_dir: Optional[Path] = None, gazetteer="auto") -> "RuleSet":
        """Rules from ``data_dir`` (default: the shipped data) and the gazetteer when installed."""
        if gazetteer == "auto":
            gazetteer = _load_gazetteer()
        return cls(data_dir, gazetteer)

    def user_words(self) -> list[str]:
        """Words the segmenter should keep whole (domain user dictionary)."""
        words = set(self.lexicon.values) | set(self.organisations.org_cores)
        words.update(w for w in self.organisations.org_words.values if len(w) >= 2)
        return sorted(w for w in words if 2 <= len(w) <= 12)

    def find(self, text: str, context: Optional[MatchContext] = None) -> list[Hit]:
        """Every entity mention in ``text`` (offsets into ``text``), sorted by position."""
        context = context or MatchContext()
        work = to_simplified(text)
        hits: list[Hit] = []
        hits += self.titles.titles(work)
        hits += self.titles.quoted(work)
        hits += self._lexicon(work)
        hits += self.titles.unquoted_titles(work)
        hits += self.titles.honours(work)
        places = self.places.divisions(work, context)
        hits += places
        villages = self.places.villages(work, places, context)
        hits += villages
        hits += self.organisations.orgs(work, places + villages)
        hits += self.organisations.named_orgs(work, places)
        hits += self.places.place_brands(work, places)
        hits += self.persons.persons(work)
        hits += self.titles.observance_dates(work)
        resolved = self._resolve(work, hits)
        resolved += self.persons.persons_after_orgs(work, resolved)
        return sorted((replace(h, text=text[h.start:h.end]) for h in resolved),
                      key=lambda h: (h.start, -h.end, h.type))

    def _lexicon(self, text: str) -> list[Hit]:
        hits = []
        for start, end, (etype, canonical) in self.lexicon.scan(text):
            if etype == "GROUP" and text[start:end] in self.group_stop:
                continue
            if etype == "LAW":
                nxt = text[end:end + 1]
                if text[start:end].endswith("法") and nxt and nxt in "律规治学制官院庭人理务条定宣网类":
                    continue  # 教育法律, 宪法宣传周 is an observance, 刑法学 …
                year = YEAR_RANGE.match(text, end)
                if year:
                    end = year.end()
            if etype == "PERSON" and THEORY.match(text, end):
                continue  # 习近平法治思想 names a theory, not the person
            if etype == "PROGRAMME" and text[start:end] in ("六进",) and not text[end:end + 1] == "”":
                continue  # 六进 only as a quoted slogan; 法律六进 is in the lexicon
            hits.append(Hit(etype, start, end, text[start:end], "lexicon", canonical))
        return hits

    def _resolve(self, text: str, hits: list[Hit]) -> list[Hit]:
        """Longest name wins; places (DIVISION, VILLAGE) survive inside longer names."""
        priority = {"LAW": 0, "OBSERVANCE": 1, "ORG": 2, "PROGRAMME": 3, "PERSON": 4, "GROUP": 5,
                    "VILLAGE": 6, "DIVISION": 7}
        titles = [h for h in hits if h.source == "pattern:title"]
        places = [h for h in hits if h.type in ("DIVISION", "VILLAGE")]
        others = [h for h in hits if h.type not in ("DIVISION", "VILLAGE")]
        others.sort(key=lambda h: (-(h.end - h.start), priority[h.type], h.start))
        chosen: list[Hit] = []
        occupied = bytearray(len(text) + 1)
        for h in titles:
            _mark(occupied, h)
        for h in others:
            if h.source != "pattern:title" and any(occupied[h.start:h.end]):
                continue
            _mark(occupied, h)
            chosen.append(h)
        # places: one per span; a VILLAGE beats a DIVISION on the same characters; a place
        # inside a programme name (法治东里) is part of the brand, not a mention of the place
        place_taken = bytearray(len(text) + 1)
        programmes = [h for h in chosen if h.type == "PROGRAMME"]
        places = [p for p in places if not (p.source == "short-form" and any(
            g.start <= p.start and p.end <= g.end for g in programmes))]
        for h in sorted(places, key=lambda h: (h.type != "VILLAGE", -(h.end - h.start), h.start)):
            if any(place_taken[h.start:h.end]):
                continue
            _mark(place_taken, h)
            chosen.append(h)
        return [h for h in chosen if h.end > h.start]


def _mark(taken: bytearray, hit: Hit) -> None:
    """Mark the characters of ``hit`` as taken."""
    if hit.end > hit.start:
        taken[hit.start:hit.end] = b"\x01" * (hit.end - hit.start)


@lru_cache(maxsize=1)
def _load_gazetteer():
    try:
        from kg.gazetteer import Gazetteer
    except ImportError:  # the gazetteer ships with the package; tolerate a partial checkout
        return None
    try:
        return Gazetteer.load()
    except (OSError, ValueError):
        return None
