"""The heading tree of a report, and inline enumerations (一是…二是…).

Headings are lines that start with a numbering label: 一、 / (一) / 1、 / 1. /
(1) / ① / 第一.  Reports mix styles freely and reuse them at different depths (one
sample uses 1、 at the top *and* under (一)), so nesting follows the order in which
styles appear: a label continues the deepest open level of its style whose next
number it is; a style not yet open (or a restart at 1) opens a deeper level.

>>> secs = parse_sections("标题\\n一、主要举措和成效\\n(一)普法\\n正文。\\n二、存在的问题\\n问题。")
>>> [(s.label, s.heading, s.role, len(s.children)) for s in secs]
[('一、', '主要举措和成效', 'measures', 1), ('二、', '存在的问题', 'shortcomings', 0)]
>>> inline_items("一是抓学习。二是抓宣传。", 0, 12)
[('一是', 0, 6), ('二是', 6, 12)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from kg.records import Section

__all__ = ["parse_sections", "inline_items", "classify_role", "iter_sections", "section_at",
           "chinese_numeral"]

_CN = "零〇一二两三四五六七八九十百"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_numeral(text: str) -> Optional[int]:
    """一 -> 1, 十二 -> 12, 二十三 -> 23, 一百零五 -> 105; ``None`` if not a numeral.

    >>> chinese_numeral("十二"), chinese_numeral("二十"), chinese_numeral("甲")
    (12, 20, None)
    """
    if not text or any(c not in _CN for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[char]
    return total + current


# (style, pattern): each pattern has a group "n" with the number as written.
_HEADING_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("cn_dun", re.compile(r"(?P<n>[一二三四五六七八九十]{1,3})\s*[、.]\s*")),
    ("cn_paren", re.compile(r"[(（]\s*(?P<n>[一二三四五六七八九十]{1,3})\s*[)）]\s*[、.]?\s*")),
    ("num_dun", re.compile(r"(?P<n>\d{1,2})\s*[、]\s*")),
    ("num_dot", re.compile(r"(?P<n>\d{1,2})\s*[.．](?!\d)\s*")),
    ("num_paren", re.compile(r"[(（]\s*(?P<n>\d{1,2})\s*[)）]\s*[、.]?\s*")),
    ("circled", re.compile(rf"(?P<n>[{_CIRCLED}])\s*")),
    ("cn_ordinal", re.compile(r"第(?P<n>[一二三四五六七八九十]{1,3})(?:部分|章|节)?\s*[、,，:：.]\s*|"
                              r"第(?P<n2>[一二三四五六七八九十]{1,3})(?:部分|章|节)\s*")),
]
_HEADING_END = re.compile(r"[。;；:：!?！？]")
_MAX_HEADING = 100


def _number(style: str, raw: str) -> int:
    if style == "circled":
        return _CIRCLED.index(raw) + 1
    if raw.isdigit():
        return int(raw)
    return chinese_numeral(raw) or 0


def _match_heading(line: str) -> Optional[tuple[str, int, int]]:
    """(style, number, label length) if ``line`` starts with a numbering label."""
    for style, pattern in _HEADING_STYLES:
        m = pattern.match(line)
        if m is None:
            continue
        raw = m.group("n") if m.groupdict().get("n") else m.group("n2")
        rest = line[m.end():]
        if len(rest.strip()) < 2 or rest[:1] in "年月日%个项次件人万元号":
            continue  # "1、" alone, or a number that belongs to the text (10年)
        n = _number(style, raw)
        if n <= 0:
            continue
        return style, n, m.end()
    return None


# -- roles ----------------------------------------------------------------------

_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("rectification", re.compile(r"整改|督察|督查反馈|巡察反馈|问题清单")),
    ("responsibility", re.compile(r"第一责任人|主要负责人履行|主要负责人.{0,6}职责|履职情况|述法")),
    ("shortcomings", re.compile(r"存在的?(?:主要|突出)?(?:问题|不足|困难|短板|差距)|不足之处|[的和与及]不足|"
                                r"不足[和与及]|问题[和与及](?:原因|不足|差距)|困难和问题|主要问题|薄弱环节|^问题")),
    ("plans", re.compile(r"下一步|下步|下一年|明年|来年|工作计划|工作打算|打算|工作安排|主要安排|工作思路|"
                         r"工作设想|设想|展望|努力方向|下阶段|今后(?:工作|一个时期)")),
    ("measures", re.compile(r"举措|成效|措施|工作情况|开展情况|基本情况|主要做法|做法|主要工作|工作开展|"
                            r"取得|成绩|亮点|落实情况|建设情况|完成情况|推进情况")),
]


def classify_role(heading: str, reference_year: Optional[int] = None) -> list[str]:
    """Every role whose keywords the heading contains, in the order the heading names them.

    A heading naming a year after ``reference_year`` (the year reported on) is a plan.

    >>> classify_role("2020年度法治督察整改情况"), classify_role("主要举措、成效及存在的问题")
    (['rectification'], ['measures', 'shortcomings'])
    """
    hits = []
    for role, pattern in _ROLE_PATTERNS:
        m = pattern.search(heading)
        if m:
            hits.append((m.start(), role))
    roles = [role for _, role in sorted(hits)]
    if reference_year is not None and "plans" not in roles:
        years = [int(y) for y in re.findall(r"(20\d\d)\s*年", heading)]
        if years and max(years) > reference_year and "measures" not in roles:
            roles.insert(0, "plans")
    return roles


def _reference_year(text: str) -> Optional[int]:
    """The year a report is about, guessed from its opening: the earliest year there."""
    years = [int(y) for y in re.findall(r"(20\d\d)\s*年", text[:600])]
    return min(years) if years else None


# -- tree -------------------------------------------------------------------------

@dataclass
class _Open:
    style: str
    number: int
    title_like: bool
    section: Section


def parse_sections(text: str) -> list[Section]:
    """Parse the heading tree; return the top-level sections with roles set.

    Never raises on any input; text before the first heading is not a section.
    """
    reference_year = _reference_year(text)
    top: list[Section] = []
    stack: list[_Open] = []
    offset = 0
    for line in text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        lead = len(line) - len(line.lstrip())
        found = _match_heading(line[lead:])
        if found is None:
            continue
        style, number, label_len = found
        title_like = "。" not in line and len(line.strip()) <= 60
        level = _choose_level(stack, style, number, title_like)
        # Close deeper levels.
        for closed in stack[level:]:
            _close(closed.section, line_start)
        del stack[level:]
        label = line[lead:lead + label_len].strip()
        body_start = line_start + lead + label_len
        heading_text = line[lead + label_len:]
        cut = _HEADING_END.search(heading_text)
        heading_text = heading_text[: cut.start()] if cut else heading_text
        heading_text = heading_text[:_MAX_HEADING].rstrip()
        parent = stack[-1].section if stack else None
        siblings = parent.children if parent else top
        section = Section(
            path=(parent.path if parent else ()) + (len(siblings) + 1,),
            label=label,
            heading=heading_text,
            level=level + 1,
            start=line_start + lead,
            end=len(text),
            heading_end=body_start + len(heading_text),
        )
        siblings.append(section)
        stack.append(_Open(style, number, title_like, section))
    for still_open in stack:
        still_open.section.end = len(text)
    _assign_roles(top, reference_year)
    return top


def _close(section: Section, next_heading_start: int) -> None:
    # Sections end before the newline that precedes the next heading.
    section.end = max(section.heading_end, next_heading_start - 1)


def _choose_level(stack: list[_Open], style: str, number: int, title_like: bool) -> int:
    """Index in ``stack`` where a heading of this style and number goes."""
    same_style = [i for i, o in enumerate(stack) if o.style == style]
    if not same_style:
        return len(stack)
    continuing = [i for i in same_style if stack[i].number + 1 == number]
    if continuing:
        if len(continuing) > 1 and title_like:
            # 2、 may continue the top level or a list below it: a title-like line
            # continues the level whose previous heading was title-like too.
            titled = [i for i in continuing if stack[i].title_like]
            if titled:
                return titled[0]
        return continuing[-1]
    if number == 1:
        return len(stack)
    return same_style[-1]


def _assign_roles(top: list[Section], reference_year: Optional[int]) -> None:
    for section in top:
        roles = classify_role(section.heading, reference_year)
        if roles:
            role = roles[0]
        else:
            # Reports organised by theme (一、依法全面履行政府职能 ...) report measures
            # until a shortcomings/plans section starts.
            role = "measures"
        section.role = role
        mixed = len(set(roles)) > 1
        _inherit(section.children, role, mixed, reference_year)


def _inherit(children: list[Section], role: str, mixed: bool, reference_year: Optional[int]) -> None:
    for child in children:
        child.role = role
        if mixed:
            own = classify_role(child.heading, reference_year)
            if own:
                child.role = own[0]
        _inherit(child.children, child.role, False, reference_year)


def iter_sections(sections: list[Section]):
    """Every section of the tree, depth first, in document order."""
    for section in sections:
        yield section
        yield from iter_sections(section.children)


def section_at(sections: list[Section], offset: int) -> Optional[Section]:
    """The deepest section containing ``offset``."""
    found = None
    for section in iter_sections(sections):
        if section.start <= offset < max(section.end, section.start + 1):
            found = section
    return found


# -- inline enumerations ------------------------------------------------------------

_INLINE_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("shi", re.compile(r"(?:(?<=^)|(?<=[\n。;；:：,，!！?？\s]))(?P<n>[一二三四五六七八九十]{1,3})是")),
    ("cn_paren", re.compile(r"[(（](?P<n>[一二三四五六七八九十]{1,3})[)）]")),
    ("num_paren", re.compile(r"[(（](?P<n>\d{1,2})[)）]")),
    ("circled", re.compile(rf"(?P<n>[{_CIRCLED}])")),
    ("ordinal", re.compile(r"(?:(?<=^)|(?<=[\n。;；:：,，\s]))(?P<n>第[一二三四五六七八九十]{1,2})[,，、:：]")),
]


def inline_items(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Enumerated items inside ``text[start:end]``: ``(label, item_start, item_end)``.

    An enumeration is a run 1, 2, 3 ... of one style inside one paragraph (line);
    each item runs to the next item or the end of its paragraph.
    """
    start, end = max(0, start), min(len(text), end)
    items: list[tuple[str, int, int]] = []
    pos = start
    while pos < end:
        line_end = text.find("\n", pos, end)
        line_end = end if line_end < 0 else line_end
        items.extend(_items_in_paragraph(text, pos, line_end))
        pos = line_end + 1
    items.sort(key=lambda item: (item[1], -item[2]))
    return items


def _items_in_paragraph(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    runs: list[list[tuple[str, int, int]]] = []
    segment = text[start:end]
    for style, pattern in _INLINE_STYLES:
        run: list[tuple[str, int]] = []
        expected = 1
        for m in pattern.finditer(segment):
            raw = m.group("n")
            n = _number("circled", raw) if style == "circled" else (
                chinese_numeral(raw[1:]) if style == "ordinal" else _number(style, raw))
            label = m.group(0).rstrip(",，、:：")
            if n == expected:
                run.append((label, start + m.start()))
                expected += 1
            elif n == 1:  # a new enumeration in the same paragraph
                runs.append(_close_run(run, start + m.start()))
                run, expected = [(label, start + m.start())], 2
        runs.append(_close_run(run, end))
    runs = [r for r in runs if r]
    # An inner list, (1)(2) inside 二是, ends where the next item of an outer list starts.
    found: list[tuple[str, int, int]] = []
    for run in runs:
        outer_starts = sorted(item[1] for other in runs if other[0][1] < run[0][1] for item in other)
        for label, pos, item_end in run:
            clip = next((p for p in outer_starts if p > pos), item_end)
            found.append((label, pos, min(item_end, clip)))
    return found


def _close_run(run: list[tuple[str, int]], end: int) -> list[tuple[str, int, int]]:
    if len(run) < 2:  # a lone 一是 / (1) is not an enumeration
        return []
    return [(label, pos, run[i + 1][1] if i + 1 < len(run) else end)
            for i, (label, pos) in enumerate(run)]
