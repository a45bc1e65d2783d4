from __future__ import annotations

import pytest

from kg.extract.numbers import parse_chinese_integer, parse_number


@pytest.mark.parametrize("text, value", [
    ("4.6万", 46000), ("1495.85万", 14958500), ("1,234", 1234), ("99.14", 99.14), ("百", 100),
    ("十", 10), ("十五", 15), ("二十", 20), ("一百零八", 108), ("三千二百零五", 3205), ("两万", 20000),
    ("十五万", 150000), ("一亿五千万", 150000000), ("1.2亿", 120000000), ("五", 5),
])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["二〇二〇", "一二三", "abc", "", "万元"])
def test_not_numbers(text):
    assert parse_number(text) is None or text == "万元" and parse_chinese_integer(text) is None
