"""ORG rules: [中共][divisions | level] (modifier | head)* head, and named firms, schools, companies."""

from __future__ import annotations

import re
from typing import Optional

from kg.nlp.lexicon import read_table, read_words
from kg.nlp.phrases import CJK, NAME_BOUNDARY, Hit, PhraseIndex

__all__ = ["OrgRules"]

#: Org words (word, (kind, flag)) found at each text position, longest first.
_WordsAt = dict[int, list[tuple[str, tuple[str, str]]]]


class _Scan:
    """What :meth:`OrgRules.orgs` looks up once per text and shares between start positions."""

    def __init__(self, text: str, place_at: dict[int, int], words: _WordsAt,
                 village_ends: frozenset = frozenset()) -> None:
        self.text = text
        self.place_at = place_at  # DIVISION or VILLAGE start -> end
        self.village_ends = village_ends  # where a village ends
        self.words = words
        self.heads = _heads_reachable(text, words)
        self.bodies: dict[tuple[int, object], int] = {}  # OrgRules._longest_body by (position, prefixed)

    def level_organ(self, pos: int) -> bool:
        """Does an organ that needs its level (政府, 党委, 人大 …) start at ``pos``?"""
        found = self.words.get(pos)
        return bool(found) and found[0][1] == ("core", "prefix")


def _heads_reachable(text: str, words: _WordsAt) -> set[int]:
    """Positions from which a run of org words (quotes allowed after a modifier, as in
    :meth:`OrgRules._longest_body`) reaches a head word: elsewhere that finds nothing."""
    reach: set[int] = set()

    def continues(end: int, kind: str) -> bool:
        while end not in reach:
            if kind != "mod" or end >= len(text) or text[end] not in "“”":
                return False
            end += 1
        return True

    for pos in sorted(words, reverse=True):
        if any(kind == "core" or continues(pos + len(word), kind) for word, (kind, _) in words[pos]):
            reach.add(pos)
    return reach


class OrgRules:
    """Organisation names composed from head words and modifiers (data: org_*.tsv/txt)."""

    def __init__(self, base, name_stop: set[str]) -> None:
        cores = {row[0]: row[1] for row in read_table("org_cores.tsv", base)}
        self.org_domains = set(read_words("org_domains.txt", base))
        modifiers = set(read_words("org_modifiers.txt", base)) | self.org_domains
        org_words = [(w, ("core", cores[w])) for w in cores]
        org_words += [(w, ("mod", "")) for w in modifiers if w not in cores]
        self.org_words = PhraseIndex(org_words)
        self.org_cores = cores
        self.org_stop = set(read_words("org_stop.txt", base))
        self.continuations = set(read_words("org_head_continuations.txt", base))
        self.levels = sorted(read_words("level_prefixes.txt", base), key=len, reverse=True)
        self.named_org_suffixes = sorted((c for c, flag in cores.items() if flag == "bound" and c in
                                          ("律师事务所", "中学", "小学", "幼儿园", "公司", "商贸城")), key=len, reverse=True)
        self.org_name_stop = name_stop | set(read_words("org_name_stop_chars.txt", base))
        # For _org_at, which runs at many positions: the levels (never empty: read_words drops
        # blanks) by first character in self.levels order, their lengths, and the characters a
        # name can start with at all (an org word, a level, 中共); elsewhere only a division
        # chain can start one.
        self._levels_by_first: dict[str, list[str]] = {}
        for level in self.levels:
            self._levels_by_first.setdefault(level[:1], []).append(level)
        self._level_set = set(self.levels)
        self._level_lengths = sorted({len(level) for level in self.levels})
        self._start_chars = {w[0] for w in self.org_words.values} | {lv[0] for lv in self.levels} | {"中"}
        # where a level or 中共 starts (zero-width: every position, overlaps included)
        self._opening_re = re.compile("(?=" + "|".join(re.escape(w) for w in [*self.levels, "中共"]) + ")")
        # For _continues: (k, n) -> the continuation words of length n that would start k
        # characters before a name's end.
        self._straddles: dict[tuple[int, int], frozenset[str]] = {}
        for word in self.continuations:
            for k in range(1, len(word)):
                key = (k, len(word))
                self._straddles[key] = self._straddles.get(key, frozenset()) | {word}

    def orgs(self, text: str, places: list[Hit]) -> list[Hit]:
        """ORG hits: at every position, the longest name the head/modifier grammar allows."""
        # A division or village chain may open a name (西街社区 + 人民调解委员会); no name starts
        # inside one (街社区人民调解委员会, 村村委会 are pieces of 西街社区…, 茂盛村村委会).
        place_at = {}
        village_ends = set()
        inside = set()
        for h in places:
            if h.type in ("DIVISION", "VILLAGE"):
                place_at.setdefault(h.start, h.end)
                if h.type == "VILLAGE":
                    village_ends.add(h.end)
                inside.update(range(h.start + 1, h.end))
        # the org words at each position, longest first (looked up once per text)
        words = {pos: found for pos in self.org_words.candidates(text)
                 if (found := self.org_words.all_at(text, pos))}
        scan = _Scan(text, place_at, words, frozenset(village_ends))
        hits = []
        # _org_at finds nothing where no org-word run to a head, no level, 中共 or place starts
        starts = scan.heads | set(place_at)
        starts.update(m.start() for m in self._opening_re.finditer(text))
        for start in sorted(starts - inside):
            hit = self._org_at(scan, start)
            if hit:
                hits.append(hit)
        return hits

    def _org_at(self, scan: _Scan, start: int) -> Optional[Hit]:
        """The longest organisation name starting at ``start``: [中共][divisions|level] (modifier|head)* head."""
        text, place_at = scan.text, scan.place_at
        # 我镇人民调解委员会: 我镇 is "our town", not part of the name (人民调解委员会); but
        # an organ that only a level names keeps it (我镇政府 -> 镇政府, 我镇党委 -> 镇党委).
        if start > 0 and text[start - 1] in "我本该":
            for level in self.levels:
                if text.startswith(level, start) and not scan.level_organ(start + len(level)):
                    return None
        if start < len(text) and text[start] not in self._start_chars and start not in place_at:
            return None  # no opening here: no org word, level, 中共 or division starts at start
        # Is a level right before start, itself after 我/本/该 (我镇|司法所)?
        determined = False
        for length in self._level_lengths:
            if start > length and text[start - length - 1] in "我本该" and text[start - length:start] in self._level_set:
                determined = True
                break
        if determined and scan.level_organ(start):
            return None
        openings: list[tuple[int, object]] = [(start, determined)]
        pos = start + 2 if text.startswith("中共", start) else start
        if pos != start:
            openings.append((pos, False))
        chained = pos
        while chained in place_at:  # a chain of divisions: 重庆市江津区四屏镇
            chained = place_at[chained]
        if chained != pos:
            # after a village only a body of its own (村委会, 党支部, 人民调解委员会), never an
            # organ that takes its level (岑霞村 + 委 is not 岑霞村委)
            openings.append((chained, "village" if chained in scan.village_ends else True))
        before = text[pos - 1] if pos else ""
        if not before or before not in "社辖城园片景小都乡村街":
            for level in self._levels_by_first.get(text[chained:chained + 1], ()):
                if text.startswith(level, chained):
                    openings.append((chained + len(level), True))
        best_end = -1
        for opening in openings:
            if opening[0] not in scan.heads:
                continue  # no head word reachable: nothing to find
            if opening not in scan.bodies:
                scan.bodies[opening] = self._longest_body(text, *opening, scan.words)
            best_end = max(best_end, scan.bodies[opening])
        if best_end <= start:
            return None
        name = text[start:best_end]
        if name in self.org_stop or len(name) < 2:
            return None
        if start > 0 and text[start - 1] in "各等该":
            return None
        if re.match(r"[文发]?〔", text[best_end:best_end + 2]):
            return None  # 鸡鸣委文〔2026〕3号 is a document number
        return Hit("ORG", start, best_end, name, "pattern:org")

    def _longest_body(self, text: str, pos: int, prefixed: object, words: _WordsAt) -> int:
        """End of the longest (modifier|head)* head run from ``pos`` (at most 8 words), else -1."""
        best = -1
        # (position, words so far, the last word as (word, kind) or None)
        stack: list[tuple[int, int, Optional[tuple[str, str]]]] = [(pos, 0, None)]
        while stack:
            at, count, last = stack.pop()
            if count >= 8:
                continue
            for word, (kind, flag) in words.get(at, ()):
                end = at + len(word)
                if kind == "core" and end > best and self._core_ok(word, flag, last, prefixed) \
                        and not self._continues(text, end):
                    best = end
                stack.append((end, count + 1, (word, kind)))
            if last is not None and last[1] == "mod" and at < len(text) and text[at] in "“”":
                stack.append((at + 1, count, last))  # “法治建设”工作领导小组
        return best

    def _continues(self, text: str, end: int) -> bool:
        """Does a word straddle the end of the name (执法队|伍建设, 中心|工作)?"""
        return any(end >= k and text[end - k:end - k + n] in words for (k, n), words in self._straddles.items())

    def _core_ok(self, word: str, flag: str, previous: Optional[tuple[str, str]], prefixed: object) -> bool:
        """May head ``word`` (with its flag) end a name after ``previous`` (word, kind)?
        ``prefixed``: True after a level or division, "village" after a village, else False."""
        if flag == "free":
            return True
        if flag == "prefix":  # 县委 + 宣传部 / 政法委: a party committee's own departments
            return prefixed is True and (previous is None or previous[1] == "mod" or (
                previous[0] in ("委", "党委") and (word.endswith("部") or word in ("政法委", "编办"))))
        # bound: needs a modifier or prefix right before (政府中心工作 is not an organisation)
        if previous is None:
            return bool(prefixed)
        if previous[1] == "mod":
            return len(word) > 1 or previous[0] in self.org_domains  # 住建局, not 工作局
        return word in ("办公室", "办事处") or previous[0].endswith(("委", "党组", "政协"))

    def named_orgs(self, text: str, places: list[Hit]) -> list[Hit]:
        """Named law firms, schools and companies: 山东金罡律师事务所, 坡头爱周中学, 慧信公司."""
        place_end = {h.end: h.start for h in places}
        hits = []
        for suffix in self.named_org_suffixes:
            for m in re.finditer(re.escape(suffix), text):
                if text[m.end():m.end() + 1] in ("习", "生", "法", "到", "会", "了"):
                    continue  # 集中学习, 小学生
                s = m.start()
                for length in range(2, 5):
                    name_start = s - length
                    if name_start < 0:
                        break
                    name = text[name_start:s]
                    if not re.fullmatch(rf"[{CJK}]+", name) or any(c in self.org_name_stop for c in name):
                        break
                    begin = name_start
                    while begin in place_end:  # 山东 + 金罡律师事务所
                        begin = place_end[begin]
                    before = text[begin - 1] if begin else ""
                    if begin != name_start or not before or before in NAME_BOUNDARY:
                        hits.append(Hit("ORG", begin, m.end(), text[begin:m.end()], "pattern:named-org"))
                        break
        return hits
