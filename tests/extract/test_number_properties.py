"""Property tests: the Chinese number parser and the quantity finder on arbitrary input."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.numbers import CHINESE_NUMERAL_CHARS, parse_chinese_integer, parse_number
from kg.extract.quantities import find_quantities

DIGITS = "零一二三四五六七八九"
numeralish = st.text(alphabet=CHINESE_NUMERAL_CHARS + "0123456789.,%余多近约", max_size=12)
report_like = st.text(alphabet=CHINESE_NUMERAL_CHARS + "0123456789.,%余多近约份次人件场个万元年月日法治宣传资料发放开展《》“”,。、\n ",
                      max_size=80)


def to_chinese(n: int) -> str:
    """Write 1..99,999,999 in Chinese numerals the way reports do (一万零五百, 三千二百零五)."""
    def below_10k(x: int, pad: bool) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, x = divmod(x, value)
            if d:
                if zero or (pad and not out and value < 1000):
                    out += "零"
                out += DIGITS[d] + unit
                zero = False
            elif out or pad:
                zero = True
        return out
    high, low = divmod(n, 10_000)
    if high:
        return below_10k(high, False) + "万" + (below_10k(low, True) if low else "")
    return below_10k(low, False)


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n):
    assert parse_chinese_integer(to_chinese(n)) == n
    assert parse_number(to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["", "万", "亿"]))
def test_arabic_with_multiplier(n, unit):
    factor = {"": 1, "万": 10_000, "亿": 100_000_000}[unit]
    assert parse_number(f"{n}{unit}") == n * factor


@given(numeralish)
def test_parse_number_never_crashes_and_is_finite(text):
    value = parse_number(text)
    assert value is None or (math.isfinite(value) and value >= 0)


@settings(max_examples=200)
@given(report_like)
def test_quantities_point_at_their_text(text):
    for q in find_quantities(text):
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start:q.end] == q.text
        assert math.isfinite(q.value) and q.unit
