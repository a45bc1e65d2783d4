"""DIVISION and VILLAGE rules: gazetteer names that fit the report, short forms, village patterns."""

from __future__ import annotations

import re
from typing import Optional

from kg.nlp.lexicon import read_words
from kg.nlp.phrases import CJK, NAME_BOUNDARY, Hit, MatchContext, PhraseIndex, left_boundary

_DIVISION_SUFFIXES = ("省", "自治区", "市", "自治州", "州", "盟", "地区", "区", "县", "旗", "镇", "乡", "苏木", "街道", "街")

__all__ = ["PlaceRules"]

_ENUM_VILLAGE = re.compile(rf"((?:[{CJK}]{{2,4}}、)+[{CJK}]{{2,4}})等(?:村|社区)")


class PlaceRules:
    """Divisions from the gazetteer (when installed) and villages of the report's townships."""

    def __init__(self, base, gazetteer, name_stop: set[str]) -> None:
        self.gazetteer = gazetteer
        self.name_stop = name_stop
        self.division_stop = set(read_words("division_stop.txt", base))
        self.village_stop = set(read_words("village_stop.txt", base))
        # 和 is left out: 和平社区 is a name; shortest-first picks 胜利西 in 和胜利西社区
        self.village_name_stop = (name_stop - {"和"}) | set(
            "各全本该每驻进到送下包农乡城行政自然示范美丽文明无毒整洁干净先进试点贫困重点开展组织深入走进活动建设实现推进个些多几")
        self._divisions: Optional[PhraseIndex] = None

    def division_index(self) -> PhraseIndex:
        """Full names of provinces, cities, counties and townships, and provinces' short names (built once)."""
        if self._divisions is None:
            entries = []
            if self.gazetteer is not None:
                for level in ("province", "city", "county", "township"):
                    for name in self.gazetteer.names(level):
                        if len(name) < 2:
                            continue
                        if self.gazetteer.is_full_name(name):
                            entries.append((name, level))
                        elif level == "province":
                            entries.append((name, "province-short"))
            self._divisions = PhraseIndex(entries)
        return self._divisions

    def divisions(self, text: str, context: MatchContext) -> list[Hit]:
        """DIVISION hits: gazetteer names that fit the report, its metadata, and short forms."""
        index = self.division_index()
        seeds = [re.sub(r"(人民政府|政府|党委|党工委|办事处)$", "", n)
                 for n in [context.government, *context.parents] if n]
        candidates: list[Hit] = []
        after = 0  # leftmost-longest: a name found skips the positions it covers
        for pos in index.candidates(text):
            match = index.longest_at(text, pos) if pos >= after else None
            if not match or match[0] in self.division_stop:
                continue
            name, level = match
            end = pos + len(name)
            if self._division_ok(text, pos, end, name, level):
                candidates.append(Hit("DIVISION", pos, end, name, f"gazetteer:{level}"))
                after = end
        # Townships (many share a name) must fit the report: be its government, sit under a
        # division it names, or stand alone as a name in a report that names no other place.
        upper = {h.text for h in candidates if not h.source.endswith("township")}
        upper_all = upper | set(seeds)
        for name in list(upper):
            upper_all.update(self._short_forms(name))
        found: list[Hit] = []
        for hit in candidates:
            stem = re.sub(r"(街道|镇|乡)$", "", hit.text)
            own = len(stem) >= 2 and any(seed.startswith(stem) for seed in seeds)  # 海滨街道 for 海滨街
            if hit.source.endswith("township") and hit.text not in seeds and not own:
                if upper_all and not self._township_fits(hit.text, upper_all):
                    continue
                if not upper_all and not (left_boundary(text, hit.start)
                                          or (hit.text.endswith("街道") and len(hit.text) >= 4)):
                    continue
            found.append(hit)
        # seeds the metadata gives (the reporting government and its parents)
        for seed in seeds:
            # only a division's name (a 社管办 or 管委会 reporting body is an organisation)
            if 2 <= len(seed) <= 12 and seed not in index and seed.endswith(_DIVISION_SUFFIXES):
                for m in re.finditer(re.escape(seed), text):
                    found.append(Hit("DIVISION", m.start(), m.end(), seed, "metadata"))
        # short forms of divisions the report named in full (惠南 after 惠南镇), 海滨街 for 海滨街道
        fulls = {h.text for h in found} | {s for s in seeds if s}
        shorts: dict[str, str] = {}
        # A short form shared by two full names (坡头 for 坡头镇 and 坡头区) means the nearest one:
        # the reporting government first, then its parents, then the others in a fixed order.
        ordered = list(dict.fromkeys(s for s in seeds if s in fulls)) + sorted(fulls - set(seeds))
        for full in ordered:
            for short in self._short_forms(full):
                if short not in fulls and short not in index:
                    shorts.setdefault(short, full)
        if self.gazetteer is not None:
            for full in sorted(fulls):
                div = self.gazetteer.resolve(full, context=sorted(fulls))
                if div is not None and div.code:
                    for parent in self.gazetteer.parents(div):
                        for short in self._short_forms(parent.name):
                            if short not in fulls and len(short) >= 2:
                                shorts.setdefault(short, parent.name)
        short_index = PhraseIndex((s, f) for s, f in shorts.items() if len(s) >= 2)
        taken = [(h.start, h.end) for h in found]
        for start, end, full in short_index.scan(text):
            if any(a <= start < b or a < end <= b for a, b in taken):
                continue
            if text[end:end + 1] and text[end] in "镇乡区县市省街":
                continue  # the full form, which did not qualify
            found.append(Hit("DIVISION", start, end, text[start:end], "short-form", str(full)))
        return found

    def _township_fits(self, name: str, places: set[str]) -> bool:
        for div in self.gazetteer.lookup(name) if self.gazetteer is not None else ():
            if div.name != name:
                continue
            for parent in self.gazetteer.parents(div):
                if parent.name in places or (parent.short_name and parent.short_name in places):
                    return True
        return False

    def _short_forms(self, name: str) -> list[str]:
        out = []
        if name.endswith("街道"):
            out += [name[:-2], name[:-1]]
        else:
            m = re.match(rf"^([{CJK}]{{2,}}?)(省|市|新区|区|县|镇|乡)$", name)
            if m:
                out.append(m.group(1))
        return [s for s in out if len(s) >= 2]

    def _division_ok(self, text: str, start: int, end: int, name: str, level: str) -> bool:
        before = text[start - 1] if start else ""
        if level == "province-short":
            # 上海, 山东: not inside a longer word like 上海市 (longest match) or 江苏路
            return not (text[end:end + 1] and text[end] in "路街")
        if len(name) <= 2 and not left_boundary(text, start):
            return False  # 和县 in 省人民政府和县委
        if level == "township" and len(name) <= 2:
            return False
        return True

    def place_brands(self, text: str, places: list[Hit]) -> list[Hit]:
        """法治东里, 法治有庆: a rule-of-law brand named after the place."""
        return [Hit("PROGRAMME", h.start - 2, h.end, text[h.start - 2:h.end], "pattern:place-brand")
                for h in places if h.type == "DIVISION" and h.start >= 2 and text[h.start - 2:h.start] == "法治"]

    def villages(self, text: str, places: list[Hit], context: MatchContext) -> list[Hit]:
        names: dict[str, str] = {}
        if self.gazetteer is not None:
            context_names = [h.text for h in places] + [p for p in context.parents if p]
            towns = {h.text for h in places if h.source.endswith("township") or h.text.endswith(("镇", "乡", "街道"))}
            for town in sorted(towns):
                div = self.gazetteer.resolve(town, context=context_names)
                if div is None or div.level != "township":
                    continue
                for village in self.gazetteer.villages(div):
                    names[village.name] = village.name
        hits = []
        if names:
            index = PhraseIndex((n, n) for n in names)
            after = 0  # leftmost-longest: a name found skips the positions it covers
            for pos in index.candidates(text):
                match = index.longest_at(text, pos) if pos >= after else None
                if match:
                    hits.append(Hit("VILLAGE", pos, pos + len(match[0]), match[0], "gazetteer:village"))
                    after = pos + len(match[0])
            shorts = {re.sub(r"(村|社区|居委会)$", "", n): n for n in names}
            for match in _ENUM_VILLAGE.finditer(text):
                items = match.group(1).split("、")
                offset = match.start(1)
                first = items[0]
                for cut in range(len(first) - 2, -1, -1):  # 建设柏山 -> 柏山
                    if first[cut:] in shorts:
                        offset += cut
                        items[0] = first[cut:]
                        break
                if not any(item in shorts for item in items):
                    continue
                for item in items:
                    if item in shorts or (len(item) <= 3 and not any(c in self.name_stop for c in item)):
                        hits.append(Hit("VILLAGE", offset, offset + len(item), item, "gazetteer:village-short"))
                    offset += len(item) + 1
        hits += self._village_patterns(text, places)
        return hits

    def _village_patterns(self, text: str, places: list[Hit]) -> list[Hit]:
        """Villages the gazetteer does not list: 在聚源桥村开展…, 体育场社区、红旗社区和胜利西社区."""
        place_end = {h.end for h in places if h.type == "DIVISION"}
        candidates: list[tuple[int, int, str]] = []
        for m in re.finditer(r"(村|社区)(?!委|民|级|务|干部|居|两委|党)", text):
            for length in (2, 3, 4):
                start = m.start() - length
                if start < 0:
                    break
                name = text[start:m.start()]
                if not re.fullmatch(rf"[{CJK}]+", name) or any(c in self.village_name_stop for c in name) \
                        or re.match(r"[一二三四五六七八九十两几多]", name):
                    break
                before = text[start - 1] if start else ""
                if start in place_end or text.endswith("村委会", 0, start) or not before \
                        or before in NAME_BOUNDARY or before in "赴于":
                    full = text[start:m.end()]
                    if full not in self.village_stop:
                        candidates.append((start, m.end(), before))
                    break
        hits = []
        for i, (start, end, before) in enumerate(candidates):
            in_list = any(abs(start - e) == 1 and text[e] in "、和及与" or abs(s - end) == 1 and text[end] in "、和及与"
                          for s, e, _ in candidates[max(0, i - 1):i + 2] if (s, e) != (start, end))
            anchored = start in place_end or before in "在到赴于" or text.endswith("村委会", 0, start)
            if in_list or anchored:
                hits.append(Hit("VILLAGE", start, end, text[start:end], "pattern:village"))
        return hits
