"""Governance measures: one per numbered item or 一是/二是 clause.

A report's measure-bearing sections (measures, responsibility, rectification ->
done; plans -> planned; shortcomings -> shortcoming) are walked down to their
leaves.  A leaf whose body enumerates items (一是…二是…, (1)…(2)…, or a numbering
that continues mid-paragraph: ``2、…。3、…``) yields one measure per item; any
other leaf is one measure, titled by its heading.  The category comes from a
keyword lexicon (ontology/lexicons/measure_categories.tsv, keys of the SKOS
scheme ontology/schemes/measure-category.ttl); actors are the organisations in
subject position or named by 由…牵头, else the report's government when the
report names it as an organisation.

>>> from kg.records import Document, Extraction
>>> from kg.ingest.sections import parse_sections
>>> text = "一、主要举措\\n（一）普法\\n一是开展法治宣传。二是调解矛盾纠纷。\\n二、下一步安排\\n加强执法队伍建设。"
>>> doc = Document("t", "t", "0" * 64, "txt", "utf-8", text, text, list(range(len(text) + 1)),
...                sections=parse_sections(text))
>>> [(m.title, m.status, m.category) for m in extract_measures(Extraction(doc))]
[('开展法治宣传', 'done', 'law_popularisation'), ('调解矛盾纠纷', 'done', 'dispute_mediation'), ('加强执法队伍建设', 'planned', 'capacity_building')]
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from pathlib import Path
from typing import Optional

from kg import settings
from kg.errors import ConfigError
from kg.records import Extraction, Measure, Section

__all__ = ["extract_measures", "measure_spans", "classify", "load_category_lexicon", "STATUS_OF_ROLE",
           "MeasureSpan"]

#: Section role -> measure status; roles not listed carry no measures.
STATUS_OF_ROLE = {
    "measures": "done",
    "responsibility": "done",
    "rectification": "done",
    "plans": "planned",
    "shortcomings": "shortcoming",
}
LEXICON_FILE = "lexicons/measure_categories.tsv"
#: Category keys in scheme order: ties go to the earlier one.
_TITLE_WEIGHT, _HEADING_WEIGHT, _BODY_WEIGHT, _BODY_CAP = 4, 1, 1, 2
#: A section's role makes one category likelier (a rectification report is oversight work).
_ROLE_PRIOR = {"rectification": ("oversight_accountability", 6)}

_ORDINAL = re.compile(r"(?:^|(?<=[。；;！!？?\n:：]))\s*(?P<n>[一二三四五六七八九十]{1,3})是\s*[,，、:：]?")
_NUMERIC = {
    "num_dun": r"(?P<n>\d{1,2})\s*、",
    "num_paren": r"[(（]\s*(?P<n>\d{1,2})\s*[)）]",
}
_CLAUSE_END = re.compile(r"[。；;！!？?]")
_TITLE_CUT = re.compile(r"[，,：:]")
_MAX_TITLE = 60
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
# Words before an organisation that make it an object, not the actor.
_NOT_SUBJECT_BEFORE = ("在", "与", "和", "同", "向", "对", "邀请", "联合", "携手", "协助", "配合", "会同",
                       "经", "由", "为", "给", "请", "组织", "指导", "督促", "要求", "依托", "通过", "将", "把")
_LEAD = re.compile(r"由(?P<org>⟦\d+⟧)(?:、⟦\d+⟧)*(?:牵头|负责|主导|组织|主办|承办)")


def _ontology_dir() -> Path:
    return settings.ontology_dir(LEXICON_FILE)


@functools.lru_cache(maxsize=4)
def load_category_lexicon(path: Optional[str] = None) -> tuple[tuple[str, ...], tuple[tuple[str, str, int], ...]]:
    """(category keys in file order, (key, keyword, weight) rows) from the TSV lexicon."""
    lexicon = Path(path) if path else _ontology_dir() / LEXICON_FILE
    keys: list[str] = []
    rows = []
    for lineno, line in enumerate(lexicon.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].strip().isdigit():
            raise ConfigError(f"{lexicon}:{lineno}: expected 'key<TAB>keyword<TAB>weight', got {line!r}")
        key, word, weight = parts[0].strip(), parts[1].strip(), int(parts[2])
        if key not in keys:
            keys.append(key)
        rows.append((key, word, weight))
    return tuple(keys), tuple(rows)


def classify(title: str, headings: list[str], body: str, role: str = "",
             keywords: Optional[list[tuple[str, str, int]]] = None) -> tuple[str, list[str]]:
    """(main category, secondary categories) by weighted keyword hits.

    ``keywords`` narrows the lexicon rows to try (in lexicon order) to those that can occur
    at all, e.g. the ones found in the report (:func:`extract_measures`); default: every row.

    >>> classify("开展送民法典进乡村活动", [], "推动民法典学习宣传进乡村活动")[0]
    'law_popularisation'
    >>> classify("无关标题", [], "")
    ('other', [])
    """
    keys, rows = load_category_lexicon()
    if keywords is not None:
        rows = keywords
    scores: dict[str, float] = defaultdict(float)
    in_title: dict[str, float] = defaultdict(float)
    heading_text = "\n".join(headings)
    searched = f"{title}\n{heading_text}\n{body}"  # one test skips a keyword found nowhere
    for key, word, weight in rows:
        if word not in searched:
            continue
        title_count = title.count(word)
        score = (title_count * _TITLE_WEIGHT + heading_text.count(word) * _HEADING_WEIGHT
                 + min(body.count(word), _BODY_CAP) * _BODY_WEIGHT)
        if score:
            scores[key] += score * weight
            in_title[key] += title_count * weight
    if role in _ROLE_PRIOR and scores:
        key, bonus = _ROLE_PRIOR[role]
        scores[key] += bonus
    if not scores:
        return "other", []
    order = {key: i for i, key in enumerate(keys)}
    # Ties go to the category the title names, then to the earlier one in the lexicon.
    ranked = sorted(scores, key=lambda k: (-scores[k], -in_title[k], order[k]))
    best = ranked[0]
    floor = max(6.0, scores[best] * 0.5)
    return best, [k for k in ranked[1:3] if scores[k] >= floor]


class MeasureSpan:
    """A measure's place in the text before it gets mentions, category and actors."""

    __slots__ = ("start", "end", "title", "role", "section", "headings")

    def __init__(self, start: int, end: int, title: str, role: str, section: Section, headings: list[str]):
        self.start, self.end, self.title, self.role = start, end, title, role
        self.section, self.headings = section, headings

    def __repr__(self) -> str:
        return f"MeasureSpan({self.start}, {self.end}, {self.title!r}, {self.role!r})"


def _title_of(text: str) -> str:
    """The heading phrase of an item: its first clause, trimmed to a readable length."""
    text = text.strip().lstrip("，,、:：.． ")
    m = _CLAUSE_END.search(text)
    title = text[: m.start()] if m else text
    if len(title) > 40:
        cut = _TITLE_CUT.search(title, 6)  # keep a short lead phrase with its object (高度重视,把…)
        if cut:
            title = title[: cut.start()]
    return title[:_MAX_TITLE].strip()


def _ordinal_items(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """一是…二是… across the body (line starts or after a clause end): (label_end, start, end)."""
    hits = []
    expected = 1
    for m in _ORDINAL.finditer(text, start, end):
        n = _cn(m.group("n"))
        if n == expected:
            hits.append((m.start("n"), m.end()))
            expected += 1
        elif n == 1 and len(hits) < 2:
            hits, expected = [(m.start("n"), m.end())], 2
        elif n == 1:
            break  # a second enumeration: leave it to the caller's nested handling
    if len(hits) < 2:
        return []
    out = []
    for i, (s, label_end) in enumerate(hits):
        if i + 1 < len(hits):
            e = hits[i + 1][0]
        else:
            nl = text.find("\n", label_end, end)
            e = end if nl < 0 else nl
        out.append((label_end, s, e))
    return out


def _cn(numeral: str) -> int:
    if numeral.startswith("十"):
        return 10 + _CN_NUM.get(numeral[1:], 0) if len(numeral) > 1 else 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return _CN_NUM.get(tens, 0) * 10 + _CN_NUM.get(ones, 0)
    return _CN_NUM.get(numeral, 0)


def _continuation(text: str, section: Section) -> list[tuple[int, int]]:
    """Mid-paragraph continuations of a numbered leaf: ``2、…。3、…`` inside the body of ``2、``.

    Returns (item start, label end) pairs for the numbers after the section's own.
    """
    label = section.label.strip()
    for style, pattern in _NUMERIC.items():
        m = re.fullmatch(pattern, label)
        if not m:
            continue
        expected = int(m.group("n")) + 1
        found = []
        regex = re.compile(r"(?<=[。；;！!？?])\s*" + pattern)
        pos = section.heading_end
        while True:
            hit = regex.search(text, pos, section.end)
            if not hit:
                break
            if int(hit.group("n")) == expected and not text[hit.end():hit.end() + 1] in "年月日%个项次件人":
                found.append((hit.start("n") - (1 if text[hit.start("n") - 1:hit.start("n")] in "(（" else 0),
                              hit.end()))
                expected += 1
            pos = hit.end()
        return found
    return []


def _outermost(items: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    kept: list[tuple[str, int, int]] = []
    for item in sorted(items, key=lambda it: (it[1], -it[2])):
        if any(k[1] <= item[1] and item[2] <= k[2] and k != item for k in kept):
            continue
        kept.append(item)
    return kept


def _inline(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """Enumerated items in ``text[start:end]`` as (label_end, start, end), outermost only."""
    items: list[tuple[str, int, int]] = []
    try:
        from kg.ingest.sections import inline_items

        items = list(inline_items(text, start, end))
    except ImportError:  # ingest not installed: fall back to our own 一是 detection
        items = []
    ordinal = _ordinal_items(text, start, end)
    outer = _outermost(items)
    # Prefer a document-wide 一是/二是 run when it spans more than the paragraph-bound items.
    if ordinal and (not outer or len(ordinal) > len([o for o in outer if o[0].endswith("是")])
                    and ordinal[0][1] <= outer[0][1]):
        return ordinal
    return [(s + len(label), s, e) for label, s, e in outer]


def measure_spans(text: str, sections: list[Section]) -> list[MeasureSpan]:
    """Where the measures are: spans, titles and roles, in text order."""
    spans: list[MeasureSpan] = []

    def from_items(items, role, section, headings) -> None:
        for label_end, s, e in items:
            title = _title_of(text[label_end:e])
            if title:
                spans.append(MeasureSpan(s, e, title, role, section, headings))

    def walk(section: Section, role: str, headings: list[str]) -> None:
        chain = headings + [section.heading]
        if section.children:
            intro_end = section.children[0].start
            from_items(_inline(text, section.heading_end, intro_end), role, section, chain)
            for child in section.children:
                walk(child, role, chain)
            return
        items = _inline(text, section.heading_end, section.end)
        if items:
            from_items(items, role, section, chain)
            return
        continued = _continuation(text, section)
        first_end = continued[0][0] if continued else section.end
        # A top-level section's heading is generic (存在的不足): title it by its first clause.
        title = (_title_of(section.heading) if len(section.path) > 1 else "") or \
            _title_of(text[section.heading_end:first_end])
        # A subsection's heading is its title (kept in the span); a top-level one is generic.
        start = section.start if len(section.path) > 1 else section.heading_end
        while start < first_end and text[start] in " \n\t":
            start += 1
        if title:
            spans.append(MeasureSpan(start, first_end, title, role, section,
                                     headings if len(section.path) > 1 else chain))
        for i, (s, label_end) in enumerate(continued):
            e = continued[i + 1][0] if i + 1 < len(continued) else section.end
            title = _title_of(text[label_end:e])
            if title:
                spans.append(MeasureSpan(s, e, title, role, section, headings))

    for top in sections:
        if top.role not in STATUS_OF_ROLE:
            continue
        walk(top, top.role, [])
    for sp in spans:
        sp.end = _trim_tail(text, sp.start, sp.end)
    spans.sort(key=lambda sp: (sp.start, sp.end))
    return [sp for sp in spans if text[sp.start:sp.end].strip()]


_SIGNATURE_LINE = 30


def _trim_tail(text: str, start: int, end: int) -> int:
    """End of the span without trailing blank space or a signature block (short lines
    without a sentence end after the last one: issuing body and date)."""
    while end > start and text[end - 1] in " \n\t\u3000":
        end -= 1
    last = max(text.rfind(c, start, end) for c in "。；;！!？?")
    if last < start:
        return end
    tail = text[last + 1:end]
    lines = [line.strip() for line in tail.split("\n") if line.strip()]
    if "\n" in tail and lines and all(len(line) <= _SIGNATURE_LINE for line in lines):
        return last + 1
    return end


class _ByStart:
    """Indexes of items (mentions, quantities) by start offset, to list those inside a span."""

    def __init__(self, items) -> None:
        self.order = sorted(range(len(items)), key=lambda i: items[i].start)
        self.starts = [items[i].start for i in self.order]
        self.ends = [items[i].end for i in self.order]

    def inside(self, span: MeasureSpan) -> list[int]:
        """Indexes (ascending) of the items with span.start <= start and end <= span.end."""
        lo = bisect.bisect_left(self.starts, span.start)
        hi = bisect.bisect_right(self.starts, span.end)
        return sorted(self.order[k] for k in range(lo, hi) if self.ends[k] <= span.end)


def _government_org(extraction: Extraction) -> Optional[int]:
    """Index of the ORG mention that is the report's government itself (坡头镇人民政府, 镇政府)."""
    gov = extraction.document.meta.government or ""
    names = {f"{gov}人民政府", f"{gov}政府"} if gov else set()
    for i, mention in enumerate(extraction.entities):
        if mention.type != "ORG":
            continue
        for form in (mention.text, mention.canonical, mention.id):
            if form and (form in names or form in ("镇政府", "镇人民政府", "区政府", "县政府", "街道办事处")
                         and _level_matches(form, extraction)):
                return i
    return None


def _level_matches(form: str, extraction: Extraction) -> bool:
    level = extraction.document.meta.level or ""
    return {"镇": "township", "街": "township", "区": "county", "县": "county"}.get(form[0]) == level


def _actors(extraction: Extraction, span: MeasureSpan, orgs: list[int]) -> list[int]:
    """Organisations acting in the measure: clause subjects and 由…牵头."""
    text = extraction.document.text
    actors: list[int] = []
    # Template of the span with each ORG replaced by ⟦i⟧, so patterns see organisations as tokens.
    pieces, pos, where = [], span.start, {}
    for i in sorted(orgs, key=lambda k: extraction.entities[k].start):
        m = extraction.entities[i]
        if m.start < pos:
            continue
        pieces.append(text[pos:m.start])
        where[len("".join(pieces))] = i
        pieces.append(f"⟦{i}⟧")
        pos = m.end
    pieces.append(text[pos:span.end])
    template = "".join(pieces)
    for m in _LEAD.finditer(template):
        actors.append(int(m.group("org")[1:-1]))
    for offset, i in sorted(where.items()):
        before = template[:offset]
        clause_start = max(before.rfind(c) for c in "。；;！!？?\n，,:：") + 1
        lead = before[clause_start:].strip()
        # Subject position: first thing in its clause, or coordinated (、) with a subject.
        if lead and not re.fullmatch(r"(?:⟦\d+⟧、)+", lead):
            continue
        after = template[offset + len(f"⟦{i}⟧"):offset + len(f"⟦{i}⟧") + 2]
        if after.startswith(("的", "和", "与")) or before.endswith(_NOT_SUBJECT_BEFORE):
            continue
        actors.append(i)
    seen, out = set(), []
    for i in actors:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def extract_measures(extraction: Extraction) -> list[Measure]:
    """The report's measures, with status, category, mentions, quantities and actors."""
    doc = extraction.document
    spans = measure_spans(doc.text, doc.sections)
    government = _government_org(extraction)
    entities, quantities = _ByStart(extraction.entities), _ByStart(extraction.quantities)
    # Keywords found nowhere in the report (text, titles, headings) need no test per measure.
    report = "\n".join([doc.text, *(sp.title for sp in spans),
                        *("\n".join(h for h in sp.headings if h) for sp in spans)])
    keywords = [row for row in load_category_lexicon()[1] if row[1] in report]
    measures = []
    for index, span in enumerate(spans):
        body = doc.text[span.start:span.end]
        category, secondary = classify(span.title, [h for h in span.headings if h], body, span.role, keywords)
        mentions = entities.inside(span)
        orgs = [i for i in mentions if extraction.entities[i].type == "ORG"]
        actors = _actors(extraction, span, orgs)
        if not actors and government is not None:
            actors = [government]
        measures.append(Measure(
            index=index,
            section_path=tuple(span.section.path),
            title=span.title,
            start=span.start,
            end=span.end,
            status=STATUS_OF_ROLE[span.role],
            category=category,
            categories=secondary,
            mentions=mentions,
            quantities=quantities.inside(span),
            actors=actors,
        ))
    return measures
