"""Decode report bytes: UTF-8 (±BOM), UTF-16, GB18030/GBK/GB2312, Big5.

Strategy: byte-order marks first, then strict UTF-8, then UTF-16 without BOM (many
NUL bytes), then every Chinese candidate codec that decodes the bytes strictly,
ranked by how much of the result is common Chinese text; charset-normalizer's
best guess joins the candidates.  A weak winner is kept but reported in the
warnings, never silently.

>>> decode("法治政府建设".encode("gbk"))[:2]
('法治政府建设', 'gb18030')
>>> decode("法治政府建設".encode("big5"))[:2]
('法治政府建設', 'big5')
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from kg.errors import InputError

__all__ = ["decode", "looks_binary"]

# Frequent characters of these reports, simplified and traditional; a right guess
# puts a good share of the text here, a wrong codec almost nothing.
_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两"
    "体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线"
    "内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并"
    "提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见"
    "计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七"
    "海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场"
    "身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广"
    "石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办"
    "青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江"
    "型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严镇乡村街依宣普"
    "執為個來們對會發動過說產種後學經進著當點從業應開還與關於這時實現體製機種數變條結問題黨員"
    "幹網區導組計別論運農處隊給門規熱領務達議報類離華確張話節場車縣鄉鎮調員職責維護營環監督參"
)
_MIN_SCORE = 0.12  # share of CJK characters that are common, below which we warn
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
# Characters that are never control, private-use, surrogate or unassigned (checked by the tests):
# ASCII, CJK symbols and punctuation, the unified ideographs of Unicode 1.1, full-width ASCII, quotes.
_PLAIN = re.compile("[\t\n\x0b\x0c\r\x20-\x7e\u3000-\u303f\u4e00-\u9fa5\uff01-\uff5e\u2018-\u201d]+")


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(_COMMON)


def _score(text: str) -> float:
    cjk = _CJK_RE.findall(text[:20000])
    if not cjk:
        return 0.0
    common = _common()
    return sum(1 for c in cjk if c in common) / len(cjk)


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control or private-use characters."""
    sample = text[:20000]
    if not sample:
        return False
    rest = _PLAIN.sub("", sample)  # most of a text: no need to look up each character's category
    bad = sum(1 for c in rest if (unicodedata.category(c) in ("Cc", "Co", "Cs", "Cn")
                                  and c not in "\n\r\t\f\x0b"))
    return "\x00" in sample or bad / len(sample) > 0.02


def decode(raw: bytes, path: str = "<bytes>") -> tuple[str, str, list[str]]:
    """Decode ``raw``; return ``(text, encoding, warnings)``.

    Raises :class:`~kg.errors.InputError` for empty or binary input.
    """
    if not raw.strip():
        raise InputError(path, "the file is empty", "check that the download or export finished")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                       (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return _checked(raw.decode(codec), codec, [], path)
            except UnicodeDecodeError as err:
                raise InputError(path, f"starts with a {codec} byte-order mark but does not decode as {codec}",
                                 "re-save the file as UTF-8") from err
    try:
        return _checked(raw.decode("utf-8"), "utf-8", [], path)
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_by_nuls(raw)
    if utf16:
        return _checked(raw.decode(utf16), utf16, [], path)

    candidates: dict[str, str] = {}
    for codec in ("gb18030", "big5", "big5hkscs", "utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec.startswith("utf-16") and _score(text) < 0.3:
            continue  # any even-length bytes decode as UTF-16: demand Chinese-looking text
        if text not in candidates.values():
            candidates[codec] = text
    guessed = _charset_normalizer_guess(raw)
    if guessed and guessed[1] not in candidates.values():
        candidates[guessed[0]] = guessed[1]
    if not candidates:
        raise InputError(path, "not text in UTF-8, UTF-16, GB18030/GBK or Big5 (or binary data)",
                         "convert the file to UTF-8 text, or give the original .docx/.pdf/.html")
    preference = ["gb18030", "big5", "big5hkscs", "utf-16-le", "utf-16-be"]
    ranked = sorted(candidates.items(), key=lambda kv: (
        -round(_score(kv[1]), 2), preference.index(kv[0]) if kv[0] in preference else 9, kv[0]))
    codec, text = ranked[0]
    warnings: list[str] = []
    score = _score(text)
    if looks_binary(text) or (score < 0.03 and _CJK_RE.search(text)):
        raise InputError(path, "bytes look binary or in an unknown encoding (decoded text is noise)",
                         "convert the file to UTF-8 text, or give the original .docx/.pdf/.html")
    if score < _MIN_SCORE:
        warnings.append(f"encoding guessed as {codec} with low confidence "
                        f"({score:.0%} common characters); check the text")
    elif len(ranked) > 1 and _score(ranked[1][1]) > score * 0.8:
        warnings.append(f"encoding ambiguous between {codec} and {ranked[1][0]}; chose {codec}")
    return _checked(text, codec, warnings, path)


def _checked(text: str, codec: str, warnings: list[str], path: str) -> tuple[str, str, list[str]]:
    if looks_binary(text):
        raise InputError(path, "the file looks binary, not text",
                         "give a .txt/.html/.docx/.pdf report; for scans, run OCR first")
    return text, codec, warnings


def _utf16_by_nuls(raw: bytes) -> str | None:
    """UTF-16 without BOM, recognised by NUL bytes in every other position (ASCII-heavy)."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    half = len(raw) // 2
    for codec, nuls in (("utf-16-le", raw[1::2].count(0)), ("utf-16-be", raw[0::2].count(0))):
        if nuls > half * 0.3 and raw[(0 if codec == "utf-16-le" else 1)::2].count(0) < half * 0.05:
            try:
                raw.decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def _charset_normalizer_guess(raw: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200000]).best()
    if best is None:
        return None
    try:
        return best.encoding, raw.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
