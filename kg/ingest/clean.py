"""Cleaning: pure ``str -> str`` functions, composed with an offset map.

Each cleaner is exposed on its own (``to_simplified``, ``to_halfwidth`` ...) and is
built from an *edit function* that lists ``(start, end, replacement)`` edits on its
input.  :func:`clean` applies them in order and composes the offset maps, so every
character of the cleaned text points back at the character of the original it
came from (``offset_map[i]``; the extra last entry is ``len(original)``).  Cleaners
that replace character for character (simplified, half-width, quotes and dashes)
also have a direct ``same_length`` function, which :func:`clean` uses: their map is
the identity.

Decisions worth knowing (see docs/ingest.md):

- Full-width ASCII (U+FF01-FF5E) becomes half-width, *including* Chinese
  punctuation in that block (，：；！？（）): web copies of the reports already mix
  both, so downstream rules see one form, the same one the scoring's NFKC sees.
  Ideographic punctuation outside that block (。、“”‘’《》【】) is kept: it is
  meaningful for later rules (titles in 《》, names in “”).
- 「」/『』/〝〞 become “”/‘’; dashes between digits become ``-`` (2021—2025 ->
  2021-2025); other single dashes become ``—``.
- Line breaks are kept (headings are lines); empty lines are dropped, each line
  is stripped and inner runs of spaces collapse to one, and spaces between CJK
  characters/digits are removed (法 治政府 -> 法治政府, 2020 年 -> 2020年).

>>> clean("領(lǐng)導(dǎo)  法 治政府（１）")[0]
'领导法治政府(1)'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from kg.ingest.t2s import unchanged_by_t2s

__all__ = [
    "clean",
    "normalize_newlines",
    "remove_docx_artefacts",
    "remove_pinyin",
    "to_simplified",
    "to_halfwidth",
    "unify_quotes_dashes",
    "remove_site_chrome",
    "is_naming_chrome",
    "split_run_in_headings",
    "join_broken_words",
    "collapse_whitespace",
    "CLEANERS",
]

Edit = tuple[int, int, str]
EditFn = Callable[[str], list[Edit]]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201f\u300a-\u300f"


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[int]]:
    """Apply sorted, non-overlapping edits; return the new text and its map to ``text``.

    A replacement as long as the span maps character to character; otherwise all
    its characters map to the start of the span.
    """
    out: list[str] = []
    mapping: list[int] = []
    pos = 0
    for start, end, repl in edits:
        if start < pos:  # overlapping edit: keep the earlier one
            continue
        out.append(text[pos:start])
        mapping.extend(range(pos, start))
        out.append(repl)
        if len(repl) == end - start:
            mapping.extend(range(start, end))
        else:
            mapping.extend([start] * len(repl))
        pos = end
    out.append(text[pos:])
    mapping.extend(range(pos, len(text)))
    mapping.append(len(text))
    return "".join(out), mapping


def _regex_edits(pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str] | str) -> EditFn:
    if isinstance(repl, str) and "\\" not in repl:  # a literal replacement: no template to expand
        literal = repl

        def edits(text: str) -> list[Edit]:
            return [(m.start(), m.end(), literal) for m in pattern.finditer(text) if m.group(0) != literal]

        return edits

    def edits(text: str) -> list[Edit]:
        found = []
        for m in pattern.finditer(text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new != m.group(0):
                found.append((m.start(), m.end(), new))
        return found

    return edits


def _same_length_edits(convert: Callable[[str], str]) -> EditFn:
    """The edit function of a character-for-character ``convert``: one edit per changed character."""
    def edits(text: str) -> list[Edit]:
        return [(i, i + 1, b) for i, (a, b) in enumerate(zip(text, convert(text))) if a != b]

    return edits


# -- individual cleaners ----------------------------------------------------------

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters, BOM, soft hyphen
_ODD_SPACES = "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"


def _newline_repl(m: re.Match[str]) -> str:
    s = m.group(0)
    if s in _INVISIBLE:
        return ""
    if s in _ODD_SPACES:
        return " "
    return "\n"


# \r\n is one match; the pattern opens with a character class so that the regex engine skips
# ahead to candidates (an alternation \r\n|[...] would be tried at every position).
_newline_edits = _regex_edits(
    re.compile(f"[\r\u2028\u2029\x0b\x0c\x85{_INVISIBLE}{_ODD_SPACES}](?:(?<=\r)\n)?"), _newline_repl)

_docx_edits = _regex_edits(
    re.compile(r"\[(?:bookmark|image|footnote|endnote|comment)\s*:[^\]\n]{0,80}\]", re.I), "")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_pinyin_edits = _regex_edits(
    re.compile(rf"[（(](?<=[{_CJK}][（(])\s*(?=[a-zü{_TONED}\s]*[{_TONED}ü])[a-zü{_TONED}]{{1,7}}"
               rf"(?:\s+[a-zü{_TONED}]{{1,7}})*\s*[)）]"), "")


@functools.lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


_HAS_CJK = re.compile(f"[{_CJK}]")


def _simplified(text: str) -> str:
    """OpenCC t2s, keeping the length: a line where a phrase changed length is converted
    character by character instead (a character that would change length is kept).

    Texts that OpenCC would leave as they are (most reports) skip it.  The others go to OpenCC in
    one call, line by line only when some line changed length: its phrases never span a line
    break, so one call converts each line as one call per line would.
    """
    if not _HAS_CJK.search(text) or unchanged_by_t2s(text):
        return text
    conv = _opencc().convert
    new = conv(text)
    lines = text.split("\n")
    new_lines = new.split("\n")
    if len(new) == len(text) and list(map(len, new_lines)) == list(map(len, lines)):
        return new
    out = []
    for line in lines:
        new = conv(line)
        if len(new) != len(line):  # a phrase changed length: fall back to characters
            new = "".join(c if len(conv(c)) != 1 else conv(c) for c in line)
        out.append(new)
    return "\n".join(out)


_simplified_edits = _same_length_edits(_simplified)


_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALFWIDTH = {"\u3000": " ", **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}}


def _halfwidth(text: str) -> str:
    # one str.replace per full-width character present: cheaper than str.translate on CJK text
    for char in set(_FULLWIDTH.findall(text)):
        text = text.replace(char, _HALFWIDTH[char])
    return text


_halfwidth_edits = _same_length_edits(_halfwidth)

_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’", "〝": "“", "〞": "”", "〟": "”", "„": "“"}
_DASHES = "‐‑‒–—―−─━"
_TILDES = "~～〜"  # a range only between digits (2021~2025); elsewhere kept
# One character class, so the regex engine skips ahead to candidates; the context is checked below.
_quote_dash_re = re.compile(rf"[{_DASHES}{_TILDES}「」『』〝〞〟„]")


def _quote_dash_repl(m: re.Match[str]) -> str:
    s = m.group(0)
    if s in _QUOTES:
        return _QUOTES[s]
    before = m.string[m.start() - 1] if m.start() else ""
    after = m.string[m.end()] if m.end() < len(m.string) else ""
    if s in _TILDES:  # decimal digits on both sides, as the regex \d
        return "-" if before.isdecimal() and after.isdecimal() else s
    if before.isdigit() and after.isdigit():
        return "-"
    return "—"


_quote_dash_edits = _regex_edits(_quote_dash_re, _quote_dash_repl)


def _quotes_dashes(text: str) -> str:
    return _quote_dash_re.sub(_quote_dash_repl, text)


# Lines that are web-page furniture, not report text.  Matched on a stripped line.
_FIELD = (r"(?:发布时间|发布日期|发表日期|发文日期|成文日期|更新时间|日期|时间|来源|信息来源|文章来源|"
          r"稿源|作者|责任编辑|编辑|浏览次数|浏览|点击数|点击率|访问量|阅读次数|字号|字体|索引号|"
          r"发文字号|文号|发文机关|发布机构|发布单位|主题分类|体裁分类|信息类别|公开方式|公开范围|"
          r"公开时限|有效性|生成日期|标题|主题词|所属机构|分类)")
_CHROME_LINE = re.compile(
    r"^(?:"
    rf"[-•·*|\s\[【(]*{_FIELD}\s*[\]】:：|].*"  # 发布时间:... / - [ 索引号 ] ... / | 标题: | ...
    r"|.*(?:【大】|【中】|【小】|字号\s*[:：]?\s*[\[【(]?\s*大|(?:^|\s|[:：\[【(])大\s*中\s*小\s*[\]】)]*\s*$)"
    r"|[-•·*\s]*分享到.*"
    r"|[-•·*\s]*(?:当前位置|您现在所在的位置|您当前的位置|您的位置|您现在的位置|所在位置)\s*[:：>].*"
    # one alternative for the words that mark a line anywhere in it: one scan of the line
    r"|.*(?:打印本页|关闭窗口|【打印】|【关闭】|相关词条|"
    r"长者版|无障碍阅读|进入老年模式|退出老年模式|网站地图|设为首页|加入收藏).*"
    r"|(?:首页|主页)\s*[>›»].*|.*\s[>›»]\s.*\s[>›»]\s.*"
    r"|[大中小\-•·|\s]{0,3}"  # widget debris: a lone 大 / 中 / 小 / -
    r"|.{0,60}\.(?:docx?|pdf|wps|xlsx?)"  # a file name shown above the text
    r"|政府文件|收藏|打印|关闭|返回顶部|上一篇.*|下一篇.*|扫一扫.*|\|[-|\s]*\|"
    r")$"
)


# Furniture that names who published the report (a portal or division in the breadcrumb, a 来源
# field naming an organ) is kept, so that the names in it are mentions of the text like any other.
_ORGAN_NAME = (r"[\u4e00-\u9fff]{2,24}?(?:人民政府(?:门户网站|网站)?|政府门户网站|政府网|办事处|街道|镇|乡|"
               r"区|县|市|州|盟|旗|省|局|所|院|委员会|委|办公室|中心)")
_SOURCE_FIELD = re.compile(rf"(?:信息来源|文章来源|来源|稿源|发布机构|发布单位|发文机关|所属机构)\s*[:：]\s*{_ORGAN_NAME}")
_CRUMB = re.compile(r"\s*[>›»]\s*")
_CRUMB_NAME = re.compile(_ORGAN_NAME)


def is_naming_chrome(line: str) -> bool:
    """True for a furniture line kept for the names in it: a 来源 field naming an organ, or a
    breadcrumb with a portal or division in it.  Title and metadata detection skip these lines."""
    stripped = line.strip()
    return bool(stripped and _CHROME_LINE.match(stripped)) and _names_publisher(stripped)


def _names_publisher(stripped: str) -> bool:
    """Does a furniture line name an organ in a 来源 field, or a portal or division in a breadcrumb?"""
    if _SOURCE_FIELD.search(stripped):
        return True
    crumbs = _CRUMB.split(re.sub(r"^.*?(?:位置)\s*[:：>]\s*", "", stripped))
    return len(crumbs) > 1 and any(_CRUMB_NAME.fullmatch(crumb) for crumb in crumbs)


def _chrome_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if (stripped and len(stripped) <= 160 and _CHROME_LINE.match(stripped) and not _has_report_text(stripped)
                and not _names_publisher(stripped)):
            edits.append((offset, offset + len(line), ""))
        offset += len(line) + 1
    return edits


def _has_report_text(line: str) -> bool:
    """A long line with sentence punctuation is report text even if it mentions a field."""
    return len(line) > 60 and ("。" in line or line.count(",") + line.count("，") >= 2)


# A page flattened to one long line (docx/pdf conversions): break before headings
# that follow a space, so the heading grammar can see them.
_RUN_IN_HEADING = re.compile(
    r"[ \t]+(?=(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])[^\n]{4})")


def _run_in_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    offset = 0
    for line in text.split("\n"):
        if len(line) > 300:
            edits.extend((offset + m.start(), offset + m.end(), "\n") for m in _RUN_IN_HEADING.finditer(line))
        offset += len(line) + 1
    return edits


_JOINABLE = f"{_CJK}{_CJK_PUNCT}。，、；：？！“”‘’《》（）【】"
_SPACE_RUN = re.compile(r"[ \t]+")
# the characters before and after a run of spaces that is removed
_JOINED_PAIR = re.compile(rf"[{_JOINABLE}](?:[{_JOINABLE}0-9])|[0-9][{_CJK}]")


def _broken_word_edits(text: str) -> list[Edit]:
    """Runs of spaces between joinable characters (CJK, CJK punctuation; digits after them), or
    between a digit and a CJK character: found as runs of spaces first, which is cheaper than
    a look-behind tried at every position."""
    edits: list[Edit] = []
    for m in _SPACE_RUN.finditer(text):
        start, end = m.span()
        if start and end < len(text) and _JOINED_PAIR.fullmatch(text[start - 1] + text[end]):
            edits.append((start, end, ""))
    return edits


# Every match starts with a space, tab or line break; that first character is taken out of the
# alternatives so that the regex engine skips ahead to it.  The alternatives, in order:
# [ \t]*\n\s* (a line end with its spaces and the empty lines after it) | ^[ \t\n]+ (the first
# character has no two before it) | [ \t\n]+$ | [ \t][ \t]+ | \t.
_whitespace_edits = _regex_edits(
    re.compile(r"[ \t\n](?:(?<=\n)\s*|(?<=[ \t])[ \t]*\n\s*|(?<![\s\S]{2})[ \t\n]*|[ \t\n]*$"
               r"|(?<=[ \t])[ \t]+|(?<=\t))"),
    lambda m: "" if m.start() == 0 or m.end() == len(m.string) else ("\n" if "\n" in m.group(0) else " "))


def _as_cleaner(edit_fn: EditFn, name: str, doc: str,
                same_length: Callable[[str], str] | None = None) -> Callable[[str], str]:
    """A cleaner from its edit function; ``same_length`` is a faster way to the same text for a
    cleaner that replaces character for character (its offset map is the identity)."""
    def cleaner(text: str) -> str:
        if same_length is not None:
            return same_length(text)
        return apply_edits(text, edit_fn(text))[0]

    cleaner.__name__ = cleaner.__qualname__ = name
    cleaner.__doc__ = doc
    cleaner.edits = edit_fn  # type: ignore[attr-defined]
    cleaner.same_length = same_length  # type: ignore[attr-defined]
    return cleaner


normalize_newlines = _as_cleaner(_newline_edits, "normalize_newlines",
                                 "CRLF/CR/form feeds -> LF; zero-width characters dropped; exotic spaces -> space.")
remove_docx_artefacts = _as_cleaner(_docx_edits, "remove_docx_artefacts",
                                    "Drop ``[bookmark: _GoBack]`` and similar conversion markers.")
remove_pinyin = _as_cleaner(_pinyin_edits, "remove_pinyin",
                            "领(lǐng)导(dǎo) -> 领导: drop toned pinyin in brackets after a character.")
to_simplified = _as_cleaner(_simplified_edits, "to_simplified",
                            "Traditional -> simplified characters (OpenCC t2s), length-preserving.", _simplified)
to_halfwidth = _as_cleaner(_halfwidth_edits, "to_halfwidth",
                           "Full-width ASCII block (U+FF01-FF5E) and ideographic space -> half-width.", _halfwidth)
unify_quotes_dashes = _as_cleaner(_quote_dash_edits, "unify_quotes_dashes",
                                  "「」『』 -> “”‘’; digit-dash-digit -> '-'; other dashes -> '—'.", _quotes_dashes)
remove_site_chrome = _as_cleaner(_chrome_edits, "remove_site_chrome",
                                 "Blank out web-page furniture lines (发布时间/来源/字号, 索引号 blocks, breadcrumbs ...).")
split_run_in_headings = _as_cleaner(_run_in_edits, "split_run_in_headings",
                                    "In very long lines, start a new line at space-preceded 一、/(一) headings.")
join_broken_words = _as_cleaner(_broken_word_edits, "join_broken_words",
                                "Remove spaces between CJK characters/punctuation and digits (法 治政府 -> 法治政府).")
collapse_whitespace = _as_cleaner(_whitespace_edits, "collapse_whitespace",
                                  "Strip lines, drop empty lines, collapse runs of spaces to one.")

#: The cleaners in the order :func:`clean` applies them.
CLEANERS = (
    normalize_newlines,
    remove_docx_artefacts,
    remove_pinyin,
    to_simplified,
    to_halfwidth,
    unify_quotes_dashes,
    split_run_in_headings,
    join_broken_words,
    remove_site_chrome,
    collapse_whitespace,
)


def clean(text: str) -> tuple[str, list[int]]:
    """Run every cleaner; return the cleaned text and its offset map into ``text``.

    ``len(offset_map) == len(cleaned) + 1``; ``offset_map`` is non-decreasing and
    ``offset_map[-1] == len(text)``.
    """
    mapping: list[int] | None = None  # None: still the identity
    for cleaner in CLEANERS:
        if cleaner.same_length is not None:  # type: ignore[attr-defined]
            text = cleaner.same_length(text)  # type: ignore[attr-defined]
            continue
        edits = cleaner.edits(text)  # type: ignore[attr-defined]
        if not edits:
            continue
        text, step = apply_edits(text, edits)
        mapping = step if mapping is None else list(map(mapping.__getitem__, step))
    return text, mapping if mapping is not None else list(range(len(text) + 1))
