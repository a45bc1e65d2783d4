"""LAW, PROGRAMME and OBSERVANCE rules on titles and quotes: 《…》, “…”, “3.15”…日, unquoted titles."""

from __future__ import annotations

import re

from kg.nlp.lexicon import read_words
from kg.nlp.phrases import CJK, Hit, PhraseIndex

__all__ = ["TitleRules", "has_law_suffix", "YEAR_RANGE", "THEORY"]

_LAW_SUFFIXES = ("法典", "法", "条例", "规定", "办法", "纲要", "规划", "意见", "方案", "通知", "清单", "细则",
                 "决定", "要点", "计划", "报告", "责任书", "指标体系", "体系", "手册", "常识", "宣传单", "问答",
                 "准则", "章程", "规则", "制度", "标准", "指引", "指南", "目录", "公约", "守则", "一封信",
                 "读本", "汇编", "条款", "决议", "批复", "公告", "通告", "函", "令", "规范", "措施", "任务分工",
                 "行动方案", "工作方案", "实施方案", "清单学习手册", "草案")
_TRAILING_PAREN = re.compile(r"[(（][^()（）]{0,20}[)）]$")
YEAR_RANGE = re.compile(r"[(（]\d{4}\s*[-—–－至]{0,2}\s*\d{4}\s*年?[)）]?")
_OBS_DATE = re.compile(r"(?<![\d.])([“\"]?)(1[0-2]|[1-9])\s*[.·•．](3[01]|[12]\d|[1-9])([”\"]?)(?![\d%.])")
_PROGRAMME_CONTEXT = re.compile(r"(主题|活动|系列|品牌|行动|创建|工程|项目|制度|机制|模式|工作法|平台|试点|示范|称号|专项|理念|服务品牌|培养)")
_PROGRAMME_SUFFIX = re.compile(r"(村|制度|机制|工程|平台|模式|行动|计划|工作法|经验|品牌)$")
_PROGRAMME_TAIL = re.compile(r"(管理法|工作法|管理制度|平台)")
# Honours and demonstration titles won: 荣获2020年中国美丽休闲乡村, 入选首批江苏省依法治校示范校
_HONOUR = re.compile(rf"(?:荣获|获评|被评为|评为|入选|获得|创成|成功创建)(?:首批|第[一二三四五六七八九十\d]+批)?"
                     rf"(?:\d{{4}}年度?)?(?:全国|首批)?(?P<name>[{CJK}]{{2,16}}?"
                     rf"(?:乡村|示范村|示范社区|示范校|示范区|示范点|示范单位|先进集体|试点村|文明村|文明单位))"
                     rf"(?![{CJK}])")
THEORY = re.compile(r"(新时代中国特色社会主义|法治|经济|生态文明|外交|强军|文化)?思想")


def has_law_suffix(title: str) -> bool:
    """Does a title end in a document word, ignoring (2021-2025年), (草案) or an unclosed (…?"""
    core = title
    while _TRAILING_PAREN.search(core):
        core = _TRAILING_PAREN.sub("", core)
    core = re.sub(r"[(（][^()（）]*$", "", core)
    return any(core.endswith(s) for s in _LAW_SUFFIXES)


class TitleRules:
    """Document titles, quoted names and observance dates."""

    def __init__(self, base, lexicon: PhraseIndex, org_cores: dict[str, str]) -> None:
        self.lexicon = lexicon
        self.org_cores = org_cores
        # heads that end an organisation name in quotes (the org pass finds it)
        self._org_heads = tuple(c for c in org_cores if org_cores[c] != "prefix" and len(c) > 1)
        self.quoted_stop = set(read_words("quoted_not_programme.txt", base))
        self.slogan_openers = read_words("quoted_slogan_openers.txt", base)
        verbs = "|".join(sorted(read_words("law_verbs.txt", base), key=len, reverse=True))
        self.law_verb_pattern = re.compile(
            rf"(?:{verbs})(?P<title>(?:\d{{4}}年度?)?[{CJK}]{{2,24}}?"
            rf"(?:工作要点|实施方案|工作方案|实施意见|实施细则|实施办法|管理办法|管理规定|工作规则|议事规则|"
            rf"权责清单|责任清单|负面清单|免罚清单|程序规定|活动规定|工作规定|行动计划|工作计划|责任书))"
            rf"(?![{CJK}])")

    def titles(self, text: str) -> list[Hit]:
        """LAW: the content of 《…》 when its head is a document word (法, 条例, 方案, 手册 …)."""
        hits = []
        for match in re.finditer(r"《([^《》\n]{1,150})》", text):
            title = match.group(1).strip()
            if has_law_suffix(title):
                hits.append(Hit("LAW", match.start(1), match.end(1), title, "pattern:title"))
        return hits

    def unquoted_titles(self, text: str) -> list[Hit]:
        """研究2020年有庆镇法治政府建设工作要点, 梳理街道权责清单: a title right after a verb."""
        hits = []
        for m in self.law_verb_pattern.finditer(text):
            title = m.group("title")
            if not re.match(r"(\d{4}年|省|市|区|县|镇|乡|街道|全[省市区县镇乡])", title) \
                    or re.search(r"[和与及并、]", title):
                continue  # only titles that name their year or level: 2020年…工作要点, 街道权责清单
            hits.append(Hit("LAW", m.start("title"), m.end("title"), title, "pattern:unquoted-title"))
        return hits

    def quoted(self, text: str) -> list[Hit]:
        """Quoted terms classified by form and context: titles, “八五”普法规划, programme names."""
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
            if len(term) >= 8 and has_law_suffix(term) and not re.search(r"[，,；;。、]|谁.+谁", term):
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
            if term.endswith(self._org_heads):
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

    def honours(self, text: str) -> list[Hit]:
        """Named honours and demonstration titles a place or unit won (PROGRAMME)."""
        return [Hit("PROGRAMME", m.start("name"), m.end("name"), m.group("name"), "pattern:honour")
                for m in _HONOUR.finditer(text)]

    def observance_dates(self, text: str) -> list[Hit]:
        """OBSERVANCE: “3.15”消费者权益保护日 (date and name as written), or a quoted date alone."""
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
