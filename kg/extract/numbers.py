"""Parse numbers as Chinese reports write them: Arabic, Chinese numerals, and mixes.

>>> parse_number("4.6万")
46000.0
>>> parse_number("一千五百")
1500.0
>>> parse_number("百")
100.0
>>> parse_number("1,234.5")
1234.5
>>> parse_number("二〇二〇") is None  # a year written digit by digit is not a number
True
"""

from __future__ import annotations

import re
from typing import Optional

__all__ = ["parse_number", "parse_chinese_integer", "CHINESE_DIGITS", "CHINESE_NUMERAL_CHARS"]

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                  "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL_CHARS = "".join(CHINESE_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

_ARABIC = re.compile(r"^(\d+(?:,\d{3})*(?:\.\d+)?)([十百千万亿]*)$")


def parse_chinese_integer(text: str) -> Optional[int]:
    """Value of a Chinese numeral such as 三千二百零五, 十五, 百 or 1.2 written as words.

    Returns None for digit-by-digit strings (二〇二〇) and anything that is not a numeral.
    """
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        return None
    if not any(ch in _SMALL_UNITS or ch in _BIG_UNITS for ch in text):
        # 五 is five, but 二〇二〇 (a year) and 一二三 are not amounts.
        return CHINESE_DIGITS[text] if len(text) == 1 else None
    total = 0  # completed 万/亿 groups
    section = 0  # the current group below 万
    digit: Optional[int] = None
    for ch in text:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            digit = None
            unit = _BIG_UNITS[ch]
            if total and total < unit:
                total = (total + section) * unit
            else:
                total += max(section, 1) * unit
            section = 0
    return total + section + (digit or 0)


def parse_number(text: str) -> Optional[float]:
    """Value of ``text`` (Arabic with optional 万/亿/千 multiplier, or a Chinese numeral)."""
    text = text.strip()
    match = _ARABIC.match(text)
    if match:
        value = float(match.group(1).replace(",", ""))
        for ch in match.group(2):
            value *= {**_SMALL_UNITS, **_BIG_UNITS}[ch]
        return value
    integer = parse_chinese_integer(text)
    return None if integer is None else float(integer)
