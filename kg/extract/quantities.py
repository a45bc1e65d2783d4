"""Reported figures: 4.6万余份, 百余幅, 1495.85万元, 139人次, 100%.

A figure is a number followed by a measure word from ``kg/nlp/data/units.tsv``.
Years, dates, section numbers, ordinals (第三) and numbers inside 《》 titles are
not figures.  A Chinese numeral without 十/百/千/万 (一次, 两个) is a figure only
where it closes a clause (组织普法考试一次。), because inside a phrase it is
part of a name or a modifier (一村一法律顾问, 两个联席会议).

>>> [(q.value, q.unit, q.approx) for q in find_quantities("发放宣传资料4.6万余份，制作横幅百余幅。")]
[(46000.0, '份', True), (100.0, '幅', True)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.numbers import parse_number
from kg.nlp.lexicon import read_table
from kg.records import Quantity

__all__ = ["find_quantities", "UnitInfo"]

_CLAUSE_END = set("，。；：！？,.;:!?\n）)」”")
_CLAUSE_SPLIT = re.compile(r"[，。；：！？,;:!?\n]")
_CN = "零〇一二两三四五六七八九十百千万亿"
# Words that open a clause but are not what is counted.
_LEADING_FILLERS = re.compile(
    r"^(?:(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+是|\d+[、.]|今年以来|今年|全年|年内|本年度|去年|其中|共计|累计|合计|共|目前|截至目前|同时|另外|此外|"
    r"先后|已经|已|均|并|全镇|全街|全区|全县|全市|在|对|为|向|有|分别|各|\d{4}年(?:度)?(?:以来)?)+)"
)
_TRAILING_FILLERS = re.compile(r"(?:共计|累计|合计|共|达到|达|约|为|有|近|逾|超过|超|至少|不少于|均|分别|计)+$")


@dataclass(frozen=True)
class UnitInfo:
    canonical: str
    multiplier: float
    kind: str


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, UnitInfo], re.Pattern[str], frozenset[str], frozenset[str]]:
    units = {row[0]: UnitInfo(row[1], float(row[2]), row[3]) for row in read_table("units.tsv")}
    units["％"] = units["%"]
    markers = read_table("quantity_approx.tsv")
    before = frozenset(m for m, pos in markers if pos == "before")
    after = frozenset(m for m, pos in markers if pos == "after")

    def alternation(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    pattern = re.compile(
        rf"(?P<pre>{alternation(before)})?"
        rf"(?<![\d.{_CN}])(?<!\d,)(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?[万亿千]?|[{_CN}]+)"
        rf"\s?(?P<mid>{alternation(after)})?"
        rf"(?P<unit>{alternation(units)})"
        rf"(?P<post>左右|以上|上下)?"
    )
    return units, pattern, before, after


def _title_spans(text: str) -> list[tuple[int, int]]:
    """Titles and short quoted names: numbers inside them (“最多跑一次”) are not figures."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"《[^《》\n]{0,120}》", text)]
    spans += [(m.start(), m.end()) for m in re.finditer(r"“[^“”\n]{1,15}”", text)]
    return spans


def _counted(text: str, start: int, end: int) -> str:
    """What a figure counts: the clause before it, or the noun phrase after it."""
    closes_clause = end >= len(text) or text[end] in _CLAUSE_END
    if closes_clause:
        clause_start = max((m.end() for m in _CLAUSE_SPLIT.finditer(text, max(0, start - 60), start)),
                           default=max(0, start - 60))
        phrase = text[clause_start:start]
    else:
        match = _CLAUSE_SPLIT.search(text, end, min(len(text), end + 40))
        phrase = text[end:match.start() if match else min(len(text), end + 20)]
        phrase = re.split(r"(?:的|等|和|及|进行|开展|中)", phrase, maxsplit=1)[0] or phrase
    phrase = _LEADING_FILLERS.sub("", phrase.strip())
    phrase = _TRAILING_FILLERS.sub("", phrase)
    return phrase.strip(" “”\"'")


def find_quantities(text: str) -> list[Quantity]:
    """Every reported figure in ``text``, in order of position."""
    units, pattern, _, _ = _tables()
    in_title = bytearray(len(text) + 1)  # 1 where a title span covers the character
    for a, b in _title_spans(text):
        if b > a:
            in_title[a:b] = b"\x01" * (b - a)
    found: list[Quantity] = []
    for match in pattern.finditer(text):
        number, unit = match.group("num"), match.group("unit")
        num_start = match.start("num")
        start = match.start("pre") if match.group("pre") else num_start
        end = match.end()
        if in_title[num_start]:
            continue
        if num_start > 0 and text[num_start - 1] in "第每":
            continue
        if unit == "个" and end < len(text) and text[end] in "月年季小工周星天":
            continue  # 3个月, 5个工作日: durations
        if unit in ("名", "位") and end < len(text) and text[end] in "第列次":
            continue  # 排名第一, 位列
        if number[0] in _CN:
            # 一次/两个/百/千 alone: only as 一次。 or 百余幅, never 千家万户, 两个联席会议.
            if len(number) == 1:
                closes_clause = end >= len(text) or text[end] in _CLAUSE_END
                # 三个派出所, 四家单位 count things; 一个/两个 before a noun are mostly
                # indefinite or part of a name (两个联席会议)
                counts_things = number in "三四五六七八九" and unit in ("个", "家", "名", "所", "处", "场")
                if not (match.group("mid") or (closes_clause and number not in "十百千万亿")
                        or counts_things):
                    continue
        value = parse_number(number)
        if value is None:
            continue
        info = units[unit]
        value *= info.multiplier
        approx = bool(match.group("pre") or match.group("mid") or match.group("post"))
        if value == int(value):
            value = float(int(value))
        found.append(Quantity(value=value, unit=info.canonical, approx=approx,
                              counted=_counted(text, start, end), text=text[start:end],
                              start=start, end=end))
    return found
