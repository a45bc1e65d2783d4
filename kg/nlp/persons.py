"""PERSON rules: names next to titles (法官杨猛, 林继凯律师) or right after an organisation."""

from __future__ import annotations

import re

from kg.nlp.lexicon import read_words
from kg.nlp.phrases import CJK, NAME_BOUNDARY, Hit, PhraseIndex

__all__ = ["PersonRules"]


class PersonRules:
    def __init__(self, base, name_stop: set[str]) -> None:
        self.titles = PhraseIndex((t, t) for t in read_words("person_titles.txt", base))
        self.surnames = set(read_words("surnames.txt", base))
        self.name_stop = name_stop

    def _name_ok(self, name: str) -> bool:
        if len(name) < 2 or len(name) > 4:
            return False
        surname = name[:2] if name[:2] in self.surnames else name[0]
        given = name[len(surname):]
        return (surname in self.surnames and 1 <= len(given) <= 2
                and re.fullmatch(rf"[{CJK}]+", given) is not None
                and not any(c in self.name_stop for c in given))

    def persons(self, text: str) -> list[Hit]:
        hits = []
        for start, end, title in self.titles.scan(text):
            if text[end:end + 3].startswith(("事务所", "协会", "工作室", "服务")):
                continue
            # title + name: 法官杨猛为…, 主任翟业明任…
            for length in (3, 2):
                name = text[end:end + length]
                nxt = text[end + length:end + length + 1]
                if self._name_ok(name) and (not nxt or nxt in NAME_BOUNDARY or nxt in "任主作讲带出参担"):
                    hits.append(Hit("PERSON", end, end + length, name, "pattern:title-name"))
                    break
            # name + title: 林继凯律师, 李胜镇长
            for length in (3, 2):
                name_start = start - length
                if name_start < 0:
                    continue
                name = text[name_start:start]
                before = text[name_start - 1] if name_start else ""
                if self._name_ok(name) and (not before or before in NAME_BOUNDARY or before in "请聘以所院局室站队庭会心组委"):
                    hits.append(Hit("PERSON", name_start, start, name, "pattern:name-title"))
                    break
        return hits

    def persons_after_orgs(self, text: str, hits: list[Hit]) -> list[Hit]:
        """邀请宝山区法律援助中心沈昕、…: a name right after an organisation, closed by 、 or ，."""
        taken = {(h.start, h.end) for h in hits}
        out = []
        for h in hits:
            if h.type != "ORG":
                continue
            for length in (3, 2):
                name = text[h.end:h.end + length]
                nxt = text[h.end + length:h.end + length + 1]
                if self._name_ok(name) and nxt in ("、", "，", ",") and (h.end, h.end + length) not in taken:
                    out.append(Hit("PERSON", h.end, h.end + length, name, "pattern:org-name"))
                    break
        return out
