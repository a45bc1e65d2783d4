"""PERSON rules: names next to titles (法官杨猛, 林继凯律师) or right after an organisation."""

from __future__ import annotations

import re

from kg.nlp.lexicon import read_words
from kg.nlp.phrases import CJK, NAME_BOUNDARY, Hit, PhraseIndex

__all__ = ["PersonRules"]

# First characters of what follows a title + name as its predicate (主任翟业明任…, 书记刘建国切实
# 履行…, 镇长王海亲自部署…): 任 担 作 讲 出 参 带 主 切 认 亲 积 高 深 严 组 牵 召 率 多 专 定 每 先
# 始 坚 履 负 分 督 听 强 对 到 在 为 同 与 和 及 等 (not 要 指 部 全: 严格要求, 全面部署).
_PREDICATE_STARTS = "任担作讲出参带主切认亲积高深严组牵召率多专定每先始坚履负分督听强对到在为同与和及等"


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
                if self._name_ok(name) and (not nxt or nxt in NAME_BOUNDARY or nxt in _PREDICATE_STARTS):
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
