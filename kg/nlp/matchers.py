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

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from kg.nlp.lexicon import read_table, read_words

__all__ = ["Hit", "MatchContext", "RuleSet", "PhraseIndex", "to_simplified"]

CJK = r"\u4e00-\u9fff"
_PUNCT = set("，。、；：！？,.;:!?“”\"'‘’《》()（）[]【】「」 \n\t·•")
# Characters after which a new name may start (besides punctuation).
_NAME_BOUNDARY = _PUNCT | set("与在到请和及由为对向把将从于等是以同跟给让被")
_LAW_SUFFIXES = ("法典", "法", "条例", "规定", "办法", "纲要", "规划", "意见", "方案", "通知", "清单", "细则",
                 "决定", "要点", "计划", "报告", "责任书", "指标体系", "体系", "手册", "常识", "宣传单", "问答",
                 "准则", "章程", "规则", "制度", "标准", "指引", "指南", "目录", "公约", "守则", "一封信",
                 "读本", "汇编", "条款", "决议", "批复", "公告", "通告", "函", "令", "规范", "措施", "任务分工",
                 "行动方案", "工作方案", "实施方案", "清单学习手册", "草案")
_TRAILING_PAREN = re.compile(r"[(（][^()（）]{0,20}[)）]$")
_YEAR_RANGE = re.compile(r"[(（]\d{4}\s*[-—–－至]{0,2}\s*\d{4}\s*年?[)）]?")
_OBS_DATE = re.compile(r"(?<![\d.])([“\"]?)(1[0-2]|[1-9])\s*[.·•．](3[01]|[12]\d|[1-9])([”\"]?)(?![\d%.])")
_PROGRAMME_CONTEXT = re.compile(r"(主题|活动|系列|品牌|行动|创建|工程|项目|制度|机制|模式|工作法|平台|试点|示范|称号|专项|理念|服务品牌|培养)")
_PROGRAMME_SUFFIX = re.compile(r"(村|制度|机制|工程|平台|模式|行动|计划|工作法|经验|品牌)$")
_PROGRAMME_TAIL = re.compile(r"(管理法|工作法|管理制度|平台)")
_THEORY = re.compile(r"(新时代中国特色社会主义|法治|经济|生态文明|外交|强军|文化)?思想")
_ENUM_VILLAGE = re.compile(rf"((?:[{CJK}]{{2,4}}、)+[{CJK}]{{2,4}})等(?:村|社区)")


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


def _has_law_suffix(title: str) -> bool:
    core = title
    while _TRAILING_PAREN.search(core):
        core = _TRAILING_PAREN.sub("", core)
    core = re.sub(r"[(（][^()（）]*$", "", core)
    return any(core.endswith(s) for s in _LAW_SUFFIXES)


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
        self.quoted_stop = set(read_words("quoted_not_programme.txt", base))
        self.slogan_openers = read_words("quoted_slogan_openers.txt", base)
        cores = {row[0]: row[1] for row in read_table("org_cores.tsv", base)}
        self.org_domains = set(read_words("org_domains.txt", base))
        modifiers = set(read_words("org_modifiers.txt", base)) | self.org_domains
        org_words = [(w, ("core", cores[w])) for w in cores]
        org_words += [(w, ("mod", "")) for w in modifiers if w not in cores]
        self.org_words = PhraseIndex(org_words)
        self.org_cores = cores
        self.org_stop = set(read_words("org_stop.txt", base))
        self.levels = sorted(read_words("level_prefixes.txt", base), key=len, reverse=True)
        self.titles = PhraseIndex((t, t) for t in read_words("person_titles.txt", base))
        self.surnames = set(read_words("surnames.txt", base))
        self.name_stop = set(read_words("name_stop_chars.txt", base))
        self.named_org_suffixes = sorted((c for c, flag in cores.items() if flag == "bound" and c in
                                          ("律师事务所", "中学", "小学", "幼儿园", "公司", "商贸城")), key=len, reverse=True)
        self.division_stop = set(read_words("division_stop.txt", base))
        verbs = "|".join(sorted(read_words("law_verbs.txt", base), key=len, reverse=True))
        self.law_verb_pattern = re.compile(
            rf"(?:{verbs})(?P<title>(?:\d{{4}}年度?)?[{CJK}]{{2,24}}?"
            rf"(?:工作要点|实施方案|工作方案|实施意见|实施细则|实施办法|管理办法|管理规定|工作规则|议事规则|"
            rf"权责清单|责任清单|负面清单|免罚清单|程序规定|活动规定|工作规定|行动计划|工作计划|责任书))"
            rf"(?![{CJK}])")
        self.village_stop = set(read_words("village_stop.txt", base))
        # 和 is left out: 和平社区 is a name; shortest-first picks 胜利西 in 和胜利西社区
        self.village_name_stop = (self.name_stop - {"和"}) | set(
            "各全本该每驻进到送下包农乡城行政自然示范美丽文明无毒整洁干净先进试点贫困重点开展组织深入走进活动建设实现推进个些多几")
        self.org_name_stop = self.name_stop | set(read_words("org_name_stop_chars.txt", base))
        self._divisions: Optional[PhraseIndex] = None
        self._province_shorts: set[str] = set()

    @classmethod
    def load(cls, data_dir: Optional[Path] = None, gazetteer="auto") -> "RuleSet":
        """Rules from ``data_dir`` (default: the shipped data) and the gazetteer when installed."""
        if gazetteer == "auto":
            gazetteer = _load_gazetteer()
        return cls(data_dir, gazetteer)

    # -- public ---------------------------------------------------------------------------------
    def user_words(self) -> list[str]:
        """Words the segmenter should keep whole (domain user dictionary)."""
        words = set(self.lexicon.values) | set(self.org_cores)
        words.update(w for w in self.org_words.values if len(w) >= 2)
        return sorted(w for w in words if 2 <= len(w) <= 12)

    def find(self, text: str, context: Optional[MatchContext] = None) -> list[Hit]:
        """Every entity mention in ``text`` (offsets into ``text``), sorted by position."""
        context = context or MatchContext()
        work = to_simplified(text)
        hits: list[Hit] = []
        hits += self._titles(work)
        hits += self._quoted(work)
        hits += self._lexicon(work)
        hits += self._unquoted_titles(work)
        places = self._divisions_in(work, context)
        hits += places
        hits += self._villages(work, places, context)
        hits += self._orgs(work, places)
        hits += self._named_orgs(work, places)
        hits += self._place_brands(work, places)
        hits += self._persons(work)
        hits += self._observance_dates(work)
        resolved = self._resolve(work, hits)
        resolved += self._persons_after_orgs(work, resolved)
        return sorted((replace(h, text=text[h.start:h.end]) for h in resolved),
                      key=lambda h: (h.start, -h.end, h.type))

    # -- LAW: 《…》 titles ---------------------------------------------------------------------------
    def _titles(self, text: str) -> list[Hit]:
        hits = []
        for match in re.finditer(r"《([^《》\n]{1,150})》", text):
            title = match.group(1).strip()
            if _has_law_suffix(title):
                hits.append(Hit("LAW", match.start(1), match.end(1), title, "pattern:title"))
        return hits

    def _unquoted_titles(self, text: str) -> list[Hit]:
        """研究2020年有庆镇法治政府建设工作要点, 梳理街道权责清单: a title right after a verb."""
        hits = []
        for m in self.law_verb_pattern.finditer(text):
            title = m.group("title")
            if not re.match(r"(\d{4}年|省|市|区|县|镇|乡|街道|全[省市区县镇乡])", title) \
                    or re.search(r"[和与及并、]", title):
                continue  # only titles that name their year or level: 2020年…工作要点, 街道权责清单
            hits.append(Hit("LAW", m.start("title"), m.end("title"), title, "pattern:unquoted-title"))
        return hits

    # -- quoted terms ----------------------------------------------------------------------------
    def _quoted(self, text: str) -> list[Hit]:
        hits = []
        # “…”, and the mismatched "…" and “…“ that real pages contain
        for match in re.finditer(r"[“\"「]([^“”\"「」\n]{1,30})[”\"“」]", text):
            term, start, end = match.group(1), match.start(1), match.end(1)
            after = text[match.end():match.end() + 12]
            if _OBS_DATE.fullmatch(term):
                continue  # handled by the observance rule
            known = self.lexicon.longest_at(term, 0)
            if known and len(known[0]) == len(term):
                continue  # the lexicon pass finds it
            if len(term) >= 8 and _has_law_suffix(term) and not re.search(r"[，,；;。、]|谁.+谁", term):
                hits.append(Hit("LAW", start, end, term, "pattern:quoted-title"))
                continue
            law_suffix = re.match(r"(普法规划|规划|纲要|条例|实施方案|方案|意见)", after)
            if law_suffix:
                hits.append(Hit("LAW", match.start(), match.end() + law_suffix.end(), term, "pattern:quoted"))
                continue
            if after.startswith("普法") and re.fullmatch(r"[一二三四五六七八九十]+五", term):
                hits.append(Hit("PROGRAMME", match.start(), match.end() + 2, term, "pattern:quoted"))
                continue
            tail = _PROGRAMME_TAIL.match(after)
            if tail and term not in self.quoted_stop:
                hits.append(Hit("PROGRAMME", match.start(), match.end() + tail.end(), term, "pattern:quoted"))
                continue
            if "、" in term and all(re.fullmatch(r"谁[^、，,]{1,4}谁[^、，,]{1,4}", p) for p in term.split("、")):
                offset = start
                for part in term.split("、"):  # “谁执法谁普法、谁主管谁普法、谁服务谁普法”
                    hits.append(Hit("PROGRAMME", offset, offset + len(part), part, "pattern:quoted"))
                    offset += len(part) + 1
                continue
            if any(term.endswith(c) for c in self.org_cores if self.org_cores[c] != "prefix" and len(c) > 1):
                continue  # organisation: the org pass finds it
            if self._looks_like_programme(term, after):
                hits.append(Hit("PROGRAMME", start, end, term, "pattern:quoted"))
        return hits

    def _looks_like_programme(self, term: str, after: str) -> bool:
        """Is a quoted term a programme/brand name (not a slogan, metaphor or ordinary word)?"""
        bare = term.replace(" ", "")
        if bare in self.quoted_stop or len(bare) < 2 or re.fullmatch(r"[\d.%+]+", bare):
            return False
        if re.search(r"\d+%", bare) or bare.endswith(("式", "效应", "之城", "精神", "调查")):
            return False
        if any(bare.startswith(w) for w in self.slogan_openers):
            return False
        context = bool(_PROGRAMME_CONTEXT.match(after))
        if re.fullmatch(r"(谁[^、，,]{1,4}[，,]?){2,}", bare):
            return True
        if re.search(r"[，,；;。]", bare):
            halves = re.split(r"[，,；;。]", bare)
            return context and len(halves) == 2 and all(2 <= len(h) <= 4 for h in halves)
        if "、" in bare:
            parts = bare.split("、")
            return len(parts) <= 3 and all(len(p) <= 5 for p in parts) and (
                context or all(re.match(r"[一二三四五六七八九十两双]", p) for p in parts))
        formula = bool(re.match(r"[一二三四五六七八九十两双多\d]", bare)) or "+" in bare
        return len(bare) <= 7 or formula or context or bool(_PROGRAMME_SUFFIX.search(bare))

    # -- lexicon -----------------------------------------------------------------------------------
    def _lexicon(self, text: str) -> list[Hit]:
        hits = []
        for start, end, (etype, canonical) in self.lexicon.scan(text):
            if etype == "GROUP" and text[start:end] in self.group_stop:
                continue
            if etype == "LAW":
                nxt = text[end:end + 1]
                if text[start:end].endswith("法") and nxt and nxt in "律规治学制官院庭人理务条定宣网类":
                    continue  # 教育法律, 宪法宣传周 is an observance, 刑法学 …
                year = _YEAR_RANGE.match(text, end)
                if year:
                    end = year.end()
            if etype == "PERSON" and _THEORY.match(text, end):
                continue  # 习近平法治思想 names a theory, not the person
            if etype == "PROGRAMME" and text[start:end] in ("六进",) and not text[end:end + 1] == "”":
                continue  # 六进 only as a quoted slogan; 法律六进 is in the lexicon
            hits.append(Hit(etype, start, end, text[start:end], "lexicon", canonical))
        return hits

    # -- DIVISION ------------------------------------------------------------------------------------
    def _division_index(self) -> PhraseIndex:
        if self._divisions is None:
            entries = []
            if self.gazetteer is not None:
                for level in ("province", "city", "county", "township"):
                    for name in self.gazetteer.names(level):
                        if len(name) < 2:
                            continue
                        full = any(d.name == name for d in self.gazetteer.lookup(name))
                        if full:
                            entries.append((name, level))
                        elif level == "province":
                            self._province_shorts.add(name)
                            entries.append((name, "province-short"))
            self._divisions = PhraseIndex(entries)
        return self._divisions

    def _divisions_in(self, text: str, context: MatchContext) -> list[Hit]:
        index = self._division_index()
        seeds = [re.sub(r"(人民政府|政府|党委|党工委|办事处)$", "", n)
                 for n in [context.government, *context.parents] if n]
        candidates: list[Hit] = []
        pos = 0
        while pos < len(text):
            match = index.longest_at(text, pos)
            if not match or match[0] in self.division_stop:
                pos += 1
                continue
            name, level = match
            end = pos + len(name)
            if self._division_ok(text, pos, end, name, level):
                candidates.append(Hit("DIVISION", pos, end, name, f"gazetteer:{level}"))
                pos = end
            else:
                pos += 1
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
                if not upper_all and not (self._left_boundary(text, hit.start)
                                          or (hit.text.endswith("街道") and len(hit.text) >= 4)):
                    continue
            found.append(hit)
        # seeds the metadata gives (the reporting government and its parents)
        for seed in seeds:
            if 2 <= len(seed) <= 12 and seed not in index:
                for m in re.finditer(re.escape(seed), text):
                    found.append(Hit("DIVISION", m.start(), m.end(), seed, "metadata"))
        # short forms of divisions the report named in full (惠南 after 惠南镇), 海滨街 for 海滨街道
        fulls = {h.text for h in found} | {s for s in seeds if s}
        shorts: dict[str, str] = {}
        for full in fulls:
            for short in self._short_forms(full):
                if short not in fulls and short not in index:
                    shorts[short] = full
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

    @staticmethod
    def _left_boundary(text: str, start: int) -> bool:
        before = text[start - 1] if start else ""
        return not before or before in _NAME_BOUNDARY or before in "省市区县州旗"

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
        if len(name) <= 2 and not self._left_boundary(text, start):
            return False  # 和县 in 省人民政府和县委
        if level == "township" and len(name) <= 2:
            return False
        return True

    def _place_brands(self, text: str, places: list[Hit]) -> list[Hit]:
        """法治东里, 法治有庆: a rule-of-law brand named after the place."""
        return [Hit("PROGRAMME", h.start - 2, h.end, text[h.start - 2:h.end], "pattern:place-brand")
                for h in places if h.type == "DIVISION" and h.start >= 2 and text[h.start - 2:h.start] == "法治"]

    # -- VILLAGE -------------------------------------------------------------------------------------
    def _villages(self, text: str, places: list[Hit], context: MatchContext) -> list[Hit]:
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
            pos = 0
            while pos < len(text):
                match = index.longest_at(text, pos)
                if match:
                    hits.append(Hit("VILLAGE", pos, pos + len(match[0]), match[0], "gazetteer:village"))
                    pos += len(match[0])
                else:
                    pos += 1
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
                        or before in _NAME_BOUNDARY or before in "赴于":
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

    # -- ORG -------------------------------------------------------------------------------------------
    def _orgs(self, text: str, places: list[Hit]) -> list[Hit]:
        place_at = {}
        for h in places:
            if h.type == "DIVISION":
                place_at.setdefault(h.start, h.end)
        hits = []
        for start in range(len(text)):
            hit = self._org_at(text, start, place_at)
            if hit:
                hits.append(hit)
        return hits

    def _org_at(self, text: str, start: int, place_at: dict[int, int]) -> Optional[Hit]:
        """The longest organisation name starting at ``start``: [中共][divisions|level] (modifier|head)* head."""
        openings: list[tuple[int, bool]] = [(start, False)]
        pos = start + 2 if text.startswith("中共", start) else start
        if pos != start:
            openings.append((pos, False))
        chained = pos
        while chained in place_at:  # a chain of divisions: 重庆市江津区四屏镇
            chained = place_at[chained]
        if chained != pos:
            openings.append((chained, True))
        before = text[pos - 1] if pos else ""
        if not before or before not in "社辖城园片景小都乡村街":
            for level in self.levels:
                if text.startswith(level, chained):
                    openings.append((chained + len(level), True))
        best_end = -1
        for opening, prefixed in openings:
            end = self._longest_body(text, opening, prefixed)
            best_end = max(best_end, end)
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

    def _longest_body(self, text: str, pos: int, prefixed: bool) -> int:
        best = -1
        stack: list[tuple[int, tuple]] = [(pos, ())]
        while stack:
            at, parts = stack.pop()
            if len(parts) >= 8:
                continue
            for word, (kind, flag) in self.org_words.all_at(text, at):
                path = parts + ((word, kind, flag, at + len(word)),)
                if kind == "core" and self._core_ok(list(path), prefixed):
                    best = max(best, at + len(word))
                stack.append((at + len(word), path))
            if parts and parts[-1][1] == "mod" and at < len(text) and text[at] in "“”":
                stack.append((at + 1, parts))  # “法治建设”工作领导小组
        return best

    def _core_ok(self, parts: list[tuple[str, str, str, int]], prefixed: bool) -> bool:
        word, _, flag, _ = parts[-1]
        previous = parts[-2] if len(parts) > 1 else None
        if flag == "free":
            return True
        if flag == "prefix":
            return prefixed and (previous is None or previous[1] == "mod")
        # bound: needs a modifier or prefix right before (政府中心工作 is not an organisation)
        if previous is None:
            return prefixed
        if previous[1] == "mod":
            return len(word) > 1 or previous[0] in self.org_domains  # 住建局, not 工作局
        return word in ("办公室", "办事处") or previous[0].endswith(("委", "党组", "政协"))

    def _named_orgs(self, text: str, places: list[Hit]) -> list[Hit]:
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
                    if begin != name_start or not before or before in _NAME_BOUNDARY:
                        hits.append(Hit("ORG", begin, m.end(), text[begin:m.end()], "pattern:named-org"))
                        break
        return hits

    # -- PERSON ------------------------------------------------------------------------------------------
    def _name_ok(self, name: str) -> bool:
        if len(name) < 2 or len(name) > 4:
            return False
        surname = name[:2] if name[:2] in self.surnames else name[0]
        given = name[len(surname):]
        return (surname in self.surnames and 1 <= len(given) <= 2
                and re.fullmatch(rf"[{CJK}]+", given) is not None
                and not any(c in self.name_stop for c in given))

    def _persons(self, text: str) -> list[Hit]:
        hits = []
        for start, end, title in self.titles.scan(text):
            if text[end:end + 3].startswith(("事务所", "协会", "工作室", "服务")):
                continue
            # title + name: 法官杨猛为…, 主任翟业明任…
            for length in (3, 2):
                name = text[end:end + length]
                nxt = text[end + length:end + length + 1]
                if self._name_ok(name) and (not nxt or nxt in _NAME_BOUNDARY or nxt in "任主作讲带出参担"):
                    hits.append(Hit("PERSON", end, end + length, name, "pattern:title-name"))
                    break
            # name + title: 林继凯律师, 李胜镇长
            for length in (3, 2):
                name_start = start - length
                if name_start < 0:
                    continue
                name = text[name_start:start]
                before = text[name_start - 1] if name_start else ""
                if self._name_ok(name) and (not before or before in _NAME_BOUNDARY or before in "请聘以所院局室站队庭会心组委"):
                    hits.append(Hit("PERSON", name_start, start, name, "pattern:name-title"))
                    break
        return hits

    def _persons_after_orgs(self, text: str, hits: list[Hit]) -> list[Hit]:
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

    # -- OBSERVANCE ------------------------------------------------------------------------------------------
    def _observance_dates(self, text: str) -> list[Hit]:
        hits = []
        for m in _OBS_DATE.finditer(text):
            quoted = bool(m.group(1)) and bool(m.group(4))
            end = m.end()
            named = self.lexicon.longest_at(text, end) if end < len(text) else None
            if named and named[1][0] == "OBSERVANCE":
                hits.append(Hit("OBSERVANCE", m.start(), end + len(named[0]), "", "pattern:date+name",
                                named[1][1]))
                continue
            tail = re.match(rf"[{CJK}]{{1,10}}?(?:宣传日|宣传周|宣传月|纪念日|日|节|周|月)(?![{CJK}])", text[end:end + 12])
            if tail:
                hits.append(Hit("OBSERVANCE", m.start(), end + tail.end(), "", "pattern:date+name"))
            elif quoted:
                hits.append(Hit("OBSERVANCE", m.start(), end, "", "pattern:date"))
        return hits

    # -- overlaps ------------------------------------------------------------------------------------------
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
            for i in range(h.start, h.end):
                occupied[i] = 1
        for h in others:
            if h.source != "pattern:title" and any(occupied[h.start:h.end]):
                continue
            for i in range(h.start, h.end):
                occupied[i] = 1
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
            for i in range(h.start, h.end):
                place_taken[i] = 1
            chosen.append(h)
        return [h for h in chosen if h.end > h.start]


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
