"""What a report says about itself: government, level, year, date, parents.

Sources, strongest first: the title (``市中区齐村镇2020年度法治政府建设情况报告``),
the page's fields (发布机构/来源/成文日期 ... kept in the original text, see
``fields_text``), the signature at the end (``坡头镇人民政府 / 2020年2月19日``)
and the opening sentence (``2022年,…友谊路街道深入贯彻…``).  The gazetteer
resolves the government with the divisions the report names as context, and
supplies the 12-digit codes and the chain of parents.

>>> meta = extract_meta("市中区齐村镇2020年度法治政府建设情况报告\\n2020年,齐村镇……\\n枣庄市……")
>>> meta.government, meta.level, meta.year, meta.parents[:2]
('齐村镇', 'township', 2020, ['市中区', '枣庄市'])
"""

from __future__ import annotations

import re
from typing import Optional

import numpy

from kg.gazetteer import short_forms
from kg.ingest.clean import is_naming_chrome
from kg.records import Division, ReportMeta, Section

__all__ = ["extract_meta", "parse_date", "split_divisions", "normalise_government",
           "find_title", "page_fields"]

_CJK = r"\u3400-\u9fff"
_ORGAN_SUFFIX = re.compile(r"(?:人民政府|政府|办事处|党工委|党委|管委会|委员会)$")
_DIVISION_TOKEN = re.compile(
    rf"[{_CJK}]+?(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|省|市|"
    rf"新区|区|县|旗|盟|街道|镇|乡|苏木|街)")
_TITLE_HINT = re.compile(r"(?:法治|依法行政|法制).{0,20}(?:报告|总结|情况)|(?:报告|总结)$")
_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d\d|[〇○零一二三四五六七八九O]{4})\s*[年./-]\s*"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*[月./-]\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?")
_FIELD_DATE = re.compile(
    r"(?P<field>成文日期|发文日期|发布日期|发表日期|发布时间|更新时间|日期|时间)\s*[\]】:：|\s]*\s*"
    r"(?P<date>(?:19|20)\d\d\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})")
_FIELD_ORGAN = re.compile(
    rf"(?P<field>发布机构|发布单位|发文机关|信息来源|文章来源|来源)\s*[\]】:：|\s]*\s*(?P<value>[{_CJK}]{{2,30}})")
_FIELD_TITLE = re.compile(r"标题\s*[\]】:：|]+\s*(?P<value>[^|\n]{6,80})")
_DATE_FIELD_ORDER = ("成文日期", "发文日期", "发布日期", "发表日期", "发布时间", "日期", "时间", "更新时间")
_LEVEL_BY_SUFFIX = [
    (re.compile(r"(?:街道|镇|乡|苏木|街|办事处)$"), "township"),
    (re.compile(r"(?:区|县|旗)$"), "county"),
    (re.compile(r"(?:自治州|州|盟|地区)$"), "city"),
    (re.compile(r"(?:省|自治区|特别行政区)$"), "province"),
    (re.compile(r"市$"), "city"),
]
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def _cn_number(text: str) -> Optional[int]:
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGIT for c in text):  # 二〇二〇
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    from kg.ingest.sections import chinese_numeral

    return chinese_numeral(text)


def parse_date(text: str) -> Optional[str]:
    """The first date in ``text`` as ISO ``yyyy-mm-dd``.

    >>> parse_date("二〇二〇年十二月十四日"), parse_date("2020年2月19日"), parse_date("2026-01-06")
    ('2020-12-14', '2020-02-19', '2026-01-06')
    """
    for m in _DATE_RE.finditer(text):
        year, month, day = (_cn_number(m.group(k)) for k in ("y", "m", "d"))
        if year and month and day and 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def split_divisions(name: str) -> list[str]:
    """市中区齐村镇 -> ['市中区', '齐村镇']; 重庆市江津区四屏镇 -> three names.

    >>> split_divisions("重庆市江津区四屏镇"), split_divisions("镇江市")
    (['重庆市', '江津区', '四屏镇'], ['镇江市'])
    """
    tokens = []
    pos = 0
    while pos < len(name):
        m = _DIVISION_TOKEN.match(name, pos)
        if m is None:
            break
        tokens.append(m.group(0))
        pos = m.end()
    if pos != len(name) or not tokens:
        return [name] if name else []
    return _merge_short(tokens)


def _merge_short(tokens: list[str]) -> list[str]:
    # The lazy pattern cuts "新市镇" into "新市" + "镇": a one-character token is the
    # suffix of the previous name.
    out: list[str] = []
    for token in tokens:
        if out and len(token) < 2:
            out[-1] += token
        else:
            out.append(token)
    return out


def normalise_government(as_written: str) -> tuple[str, list[str]]:
    """坡头镇人民政府 -> ('坡头镇', []); 新会区睦洲镇人民政府 -> ('睦洲镇', ['新会区']).

    Returns the government and the parents its name carries, nearest first.
    """
    name = re.sub(r"^中共", "", as_written.strip())
    name = _ORGAN_SUFFIX.sub("", name)
    parts = split_divisions(name)
    if not parts:
        return name, []
    return parts[-1], list(reversed(parts[:-1]))


def level_of(name: str) -> Optional[str]:
    """Level from a division name's suffix (雷州市 says city; the gazetteer knows better)."""
    if name in _MUNICIPALITIES:
        return "province"
    for pattern, level in _LEVEL_BY_SUFFIX:
        if pattern.search(name):
            return level
    return None


# -- title, fields, signature --------------------------------------------------------

def find_title(text: str, sections: Optional[list[Section]] = None) -> Optional[str]:
    """The report title: lines at the top naming the report (joined if split)."""
    limit = sections[0].start if sections else min(len(text), 1200)
    lines = text[:limit].split("\n")[:8]
    for i, line in enumerate(lines):
        line = line.strip()
        if not line or len(line) > 120:
            continue
        m = re.match(r"^(.{4,60}?(?:报告|总结))(?=20\d\d|$)", line)
        head = m.group(1) if m else (line if "。" not in line and len(line) <= 60 else "")
        if not head or not _TITLE_HINT.search(head + ("报告" if i + 1 < len(lines) and
                                                      lines[i + 1].strip().endswith("报告") else "")):
            continue
        parts = [head]
        # "新会区睦洲镇人民政府2020年" + "法治政府建设年度报告"; or organs on lines above.
        if not head.endswith(("报告", "总结")) and i + 1 < len(lines) and len(lines[i + 1]) <= 40:
            parts.append(lines[i + 1].strip())
        if i > 0 and _looks_like_organ_line(lines[i - 1]) and not _names_government(parts[0]):
            parts.insert(0, lines[i - 1].strip())
        return "".join(p for p in parts if p)
    return None


def _looks_like_organ_line(line: str) -> bool:
    line = line.strip()
    return 3 <= len(line) <= 40 and bool(_ORGAN_SUFFIX.search(line)) and not re.search(r"[,，。:：]", line)


def _names_government(title: str) -> bool:
    return bool(re.match(rf"^[{_CJK}]{{2,30}}?(?:镇|乡|街道|街|区|县|市|旗|州|省)", title)) and \
        not title.startswith("关于")


_YEAR = r"(?:(?:19|20)\d\d|[〇○零一二三四五六七八九]{4})\s*年度?"


def _government_in_title(title: str) -> Optional[str]:
    """The organ a title names: 坡头镇人民政府关于2019年度… / 2023年惠南镇… / 关于月浦镇…."""
    rest = re.sub(rf"^(?:关于)?(?:{_YEAR})?(?:关于)?", "", title)
    head = re.split(rf"关于|{_YEAR}|法治|依法|法制|全面", rest)[0]
    head = re.sub(r"(?:的|工作)$", "", head)
    # 中共某镇委员会某镇人民政府 (a joint report): the government is the last organ.
    head = re.split(r"委员会|党工委|党委", head)[-1] or head
    if len(head) >= 2 and level_of(_ORGAN_SUFFIX.sub("", re.sub("^中共", "", head))):
        return head
    return None


def page_fields(text: str) -> dict[str, str]:
    """Web-page fields: dates (成文日期 ...), organ (发布机构/来源), 标题."""
    fields: dict[str, str] = {}
    for m in _FIELD_DATE.finditer(text[:3000]):
        date = parse_date(re.sub(r"\s", "", m.group("date")).replace("/", "-").replace(".", "-"))
        if date:
            fields.setdefault(m.group("field"), date)
    for m in _FIELD_ORGAN.finditer(text[:3000]):
        value = m.group("value")
        if value not in ("本网", "本站", "网站") and "日期" not in value:
            fields.setdefault(m.group("field"), value)
    m = _FIELD_TITLE.search(text[:3000])
    if m:
        fields["标题"] = m.group("value").strip(" |")
    return fields


def _signature(text: str) -> tuple[list[str], Optional[str]]:
    """Organ lines and date of the closing signature block, if any."""
    tail = [ln.strip() for ln in text.rstrip().split("\n")[-5:]]
    organs, date = [], None
    for line in tail:
        if len(line) <= 24:
            d = parse_date(line)
            if d and len(re.sub(r"[\d年月日〇○零一二三四五六七八九十\s-]", "", line)) == 0:
                date = d
                continue
        if _looks_like_organ_line(line) and len(line) <= 30:
            organs.append(line)
    return organs, date


_OPENING_SUBJECT = re.compile(
    rf"(?P<name>[{_CJK}]{{2,16}}?(?:街道|镇|乡|街|县|区|市|旗)(?:人民政府|政府|党委|党工委)?)"
    rf"(?!委|政府|人大|[,，、])(?=[{_CJK}])")
_SUPERIOR = re.compile(rf"在(?P<name>[{_CJK}]{{2,8}}?(?:自治州|自治县|区|县|市|州|旗))委")


def _opening_government(text: str, gazetteer) -> Optional[str]:
    """友谊路街道 in "2022年,在区委、区政府的坚强领导下,友谊路街道深入贯彻…".

    The first name in the opening that the gazetteer knows and that is not an
    organ of a superior (雷州市委 …) or a first-person phrase (我镇, 全县).
    """
    for m in _OPENING_SUBJECT.finditer(text[:1000]):
        name = m.group("name")
        base = _ORGAN_SUFFIX.sub("", name)
        # The lazy match starts anywhere: try the suffixes of the candidate too.
        for i in range(0, max(1, len(base) - 1)):
            stem = base[i:]
            if not short_forms(stem) or re.search(r"[委的和与及在为以将对把我全本各]", stem):
                continue  # no stem left once the suffix goes (社区, 街道), or a phrase
            if gazetteer.lookup(stem) and any(d.name == stem for d in gazetteer.lookup(stem)):
                return name[i:]
    return None


_OPENING_ORGAN = re.compile(
    rf"^\s*(?:19|20)\d\d\s*年(?:度)?\s*[,，]\s*"
    rf"(?P<name>[{_CJK}]{{2,20}}?(?:党工委|管委会|管理委员会|办事处|党委|人民政府|政府))"
    rf"(?![{_CJK}]*?[,，]?(?:的|之))")


def _opening_organ(text: str) -> Optional[str]:
    """常青花园社管办党工委 in "2025年,常青花园社管办党工委紧紧围绕…": a reporting body that is
    no gazetteer division (a 管委会, a 社管办 …), named as the subject of the opening sentence."""
    for line in text.split("\n")[:12]:
        m = _OPENING_ORGAN.match(line)
        if m and not m.group("name").startswith(("在", "我", "全", "本", "各")):
            return m.group("name")
    return None


def _superiors(text: str) -> list[str]:
    """Superior governments named as leaders: 在云安区委、区政府的坚强领导下 -> 云安区."""
    return [m.group("name") for m in _SUPERIOR.finditer(text[:600])]


def _year(title: Optional[str], text: str) -> Optional[int]:
    if title:
        m = re.search(r"((?:19|20)\d\d|[〇○零一二三四五六七八九]{4})\s*年", title)
        if m:
            return _cn_number(m.group(1))
    for line in text.split("\n")[:12]:
        m = re.match(r"^\s*(20\d\d)\s*年(?:度)?(?:以来)?\s*[,，是在]", line)
        if m:
            return int(m.group(1))
    m = re.search(r"现将.{0,20}?(20\d\d)\s*年", text[:3000])
    if m:
        return int(m.group(1))
    years = re.findall(r"(20\d\d)\s*年", text[:1500])
    return int(years[0]) if years else None


def _level_from_voice(text: str) -> Optional[str]:
    counts = {
        "township": len(re.findall(r"[我全本](?:镇|乡|街道|街)|镇党委|乡党委|街道党工委|党工委", text)),
        "county": len(re.findall(r"[我全本](?:县|区)(?!委|政府)|县政府常务会", text)),
        "city": len(re.findall(r"[我全本]市(?!委|政府)|市政府常务会", text)),
    }
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    (level, n), (_, runner_up) = ranked[0], ranked[1]
    return level if n > runner_up else None


# -- main -----------------------------------------------------------------------------

def extract_meta(text: str, sections: Optional[list[Section]] = None, gazetteer=None, *,
                 fields_text: Optional[str] = None) -> ReportMeta:
    """Metadata of a cleaned report text.

    ``fields_text`` is text that still holds the web-page fields that cleaning
    removed (pass ``Document.original``); ``gazetteer`` defaults to the shipped one.
    """
    if gazetteer is None:
        from kg.gazetteer import Gazetteer

        gazetteer = Gazetteer.load()
    sections = sections or []
    # Breadcrumbs and 来源 lines stay in the text for their names, but say nothing about
    # which government reports: blank them (same length, so section offsets still hold).
    text = "\n".join(" " * len(line) if is_naming_chrome(line) else line for line in text.split("\n"))
    fields = page_fields(_normalise_fields(fields_text) if fields_text else text)
    title = find_title(text, sections) or fields.get("标题")
    meta = ReportMeta(title=title)

    as_written = None
    if title:
        as_written = _government_in_title(title)
    organs, signature_date = _signature(text)
    if as_written is None:
        for key in ("发布机构", "发布单位", "发文机关", "来源", "文章来源", "信息来源"):
            value = fields.get(key)
            if value and level_of(_ORGAN_SUFFIX.sub("", value)):
                as_written = value
                break
    if as_written is None:
        government_organs = [o for o in organs if "政府" in o or "办事处" in o] or organs
        if government_organs:
            as_written = government_organs[-1]
    if as_written is None:
        as_written = _opening_government(text, gazetteer)
    if as_written is None:
        as_written = _opening_organ(text)

    named_parents: list[str] = []
    if as_written:
        meta.government_as_written = as_written
        meta.government, named_parents = normalise_government(as_written)
        for organ in organs:  # 中共江门市新会区睦州镇委员会 names parents too
            _, more = normalise_government(organ)
            named_parents += [p for p in more if p not in named_parents]
        for key in ("发布机构", "来源", "信息来源", "文章来源"):
            value = fields.get(key)
            if value and meta.government and meta.government in value:
                _, more = normalise_government(value)
                named_parents += [p for p in more if p not in named_parents]
    named_parents += [p for p in _superiors(text) if p not in named_parents and p != meta.government]
    meta.year = _year(title, text)
    meta.date = signature_date or next((fields[k] for k in _DATE_FIELD_ORDER if k in fields), None)
    _resolve(meta, named_parents, text, gazetteer)
    if meta.level is None:
        meta.level = (level_of(meta.government) if meta.government else None) or _level_from_voice(text)
    return meta


def _normalise_fields(text: str) -> str:
    from kg.ingest.clean import to_halfwidth, to_simplified

    return to_halfwidth(to_simplified(text[:4000]))


def _resolve(meta: ReportMeta, named_parents: list[str], text: str, gazetteer) -> None:
    """Resolve the government in the gazetteer; fill level, parents and codes."""
    mentioned = _mentioned_divisions(text, gazetteer)
    context = named_parents + mentioned + _mentioned_villages(meta.government, text, gazetteer)
    division: Optional[Division] = None
    if meta.government:
        division = gazetteer.resolve(meta.government, context=context)
    if division is not None:
        meta.government = division.name  # 惠南 (a short form) -> 惠南镇
        meta.level = division.level
        meta.division_code = division.code
        chain = gazetteer.parents(division)
        meta.parents = [p.name for p in chain]
        meta.parent_codes = [p.code for p in chain if p.code]
        return
    # Unresolved: keep what the text says, completing it from any parent that resolves.
    # parent_codes stay aligned with parents from the start, or empty.
    parents = list(named_parents)
    for i, name in enumerate(parents):
        anchor = gazetteer.resolve(name, context=context)
        if anchor is not None:
            chain = [anchor] + gazetteer.parents(anchor)
            meta.parents = parents[:i] + [d.name for d in chain]
            meta.parent_codes = [d.code for d in chain if d.code] if i == 0 else []
            return
    meta.parents = parents


def _mentioned_villages(government: Optional[str], text: str, gazetteer) -> list[str]:
    """Villages of any township called ``government`` that the text names (岑霞村 …)."""
    if not government:
        return []
    found = []
    for township in gazetteer.lookup(government):
        if township.level == "township":
            found += [v.name for v in gazetteer.villages(township) if len(v.name) >= 3 and v.name in text]
    return sorted(set(found))


def _mentioned_divisions(text: str, gazetteer) -> list[str]:
    """Names of provinces, prefectures and counties that occur in the text, in order
    (of first occurrence, then of name)."""
    key = id(gazetteer)
    index = _INDEX_CACHE.get(key)
    if index is None:
        index = _INDEX_CACHE[key] = FirstOccurrences(
            name for level in ("province", "city", "county") for name in _level_names(gazetteer, level))
    first = index.find(text)
    return [name for _, name in sorted((pos, name) for name, pos in first.items())]


class FirstOccurrences:
    """Where each of many names first occurs in a text, in one pass over the text.

    ``FirstOccurrences(names).find(text)`` is ``{name: text.find(name)}`` for the names that
    occur, without one ``str.find`` per name: the names are filed under their first characters
    (as many as the shortest name has, at most two), one vectorised pass finds the positions
    where some of them start, and only those filed under the characters there are tried there.

    >>> FirstOccurrences(["江门市", "江门", "新会区", "会区"]).find("广东省江门市新会区江门市")
    {'江门': 3, '江门市': 3, '新会区': 6, '会区': 7}
    """

    def __init__(self, names) -> None:
        names = sorted({name for name in names if name})
        self._head = min([2] + [len(name) for name in names])
        self._by_head: dict[str, list[str]] = {}
        for name in names:
            self._by_head.setdefault(name[:self._head], []).append(name)
        self._head_codes = numpy.array(sorted(self._code(head) for head in self._by_head), dtype=numpy.uint64)

    @staticmethod
    def _code(head: str) -> int:
        """A head's characters as one number, 21 bits each (as :meth:`find` computes them)."""
        code = 0
        for char in head:
            code = code << 21 | ord(char)
        return code

    def find(self, text: str) -> dict[str, int]:
        first: dict[str, int] = {}
        by_head, head, head_codes = self._by_head, self._head, self._head_codes
        if len(text) < head or not by_head:
            return first
        codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32).astype(numpy.uint64)
        if head == 2:
            codes = codes[:-1] << numpy.uint64(21) | codes[1:]
        slots = numpy.minimum(numpy.searchsorted(head_codes, codes), len(head_codes) - 1)
        for i in numpy.flatnonzero(head_codes[slots] == codes).tolist():
            for name in by_head[text[i:i + head]]:
                if name not in first and text.startswith(name, i):
                    first[name] = i
        return first


_NAME_CACHE: dict[tuple[int, str], list[str]] = {}
_INDEX_CACHE: dict[int, FirstOccurrences] = {}


def _level_names(gazetteer, level: str) -> list[str]:
    key = (id(gazetteer), level)
    if key not in _NAME_CACHE:
        # Short forms of two characters match too much running text (长安, 新华):
        # keep full names, and short forms only for provinces and prefectures.
        names = [n for n in gazetteer.names(level)
                 if len(n) >= 3 or level in ("province", "city")]
        _NAME_CACHE[key] = [n for n in names if len(n) >= 2]
    return _NAME_CACHE[key]
