"""Decoding: each encoding the reports come in, built here from real report text."""

from __future__ import annotations

import codecs
import random

import pytest

from kg.errors import InputError
from kg.ingest.encoding import decode

SIMPLIFIED = ("坡头镇人民政府关于2019年度法治政府建设的工作报告\n"
              "2019年,在区委、区政府的正确领导下,我镇始终坚持以习近平新时代中国特色社会主义思想为指导,"
              "全面贯彻党的十九大精神,严格按照依法治国基本方略的总体要求。\n一、主要工作措施及成效\n")
TRADITIONAL = ("小龍門鄉2024年法治政府建設情況報告\n2024年,小龍門鄉在縣全面依法治縣委員會的指導下,"
               "深入貫徹習近平總書記關于全面依法治國新思想新戰略,堅持依法全面履行政府職能。\n")


@pytest.mark.parametrize("text, codec, expected_codec", [
    (SIMPLIFIED, "utf-8", "utf-8"),
    (SIMPLIFIED, "utf-8-sig", "utf-8-sig"),
    (SIMPLIFIED, "utf-16", "utf-16"),  # with BOM
    (SIMPLIFIED, "utf-16-le", "utf-16-le"),  # without BOM
    (SIMPLIFIED, "utf-16-be", "utf-16-be"),
    (SIMPLIFIED, "gbk", "gb18030"),
    (SIMPLIFIED, "gb2312", "gb18030"),
    (SIMPLIFIED, "gb18030", "gb18030"),
    (TRADITIONAL, "big5", "big5"),
    (TRADITIONAL, "utf-8", "utf-8"),
    (TRADITIONAL, "gbk", "gb18030"),
])
def test_decodes_real_text(text, codec, expected_codec):
    decoded, used, warnings = decode(text.encode(codec))
    assert decoded.lstrip("\ufeff") == text
    assert used == expected_codec
    assert warnings == []


def test_short_gbk_is_not_mistaken_for_utf16():
    decoded, used, _ = decode("小龍門鄉".encode("gbk"))
    assert (decoded, used) == ("小龍門鄉", "gb18030")


def test_ascii_is_utf8():
    assert decode(b"Rule of law report 2020\n")[:2] == ("Rule of law report 2020\n", "utf-8")


@pytest.mark.parametrize("raw", [b"", b"   \n\t"])
def test_empty_is_an_error(raw):
    with pytest.raises(InputError, match="empty"):
        decode(raw, "empty.txt")


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_an_error(seed):
    raw = random.Random(seed).randbytes(4000)
    with pytest.raises(InputError) as info:
        decode(raw, "noise.txt")
    assert info.value.path == "noise.txt" and info.value.fix


def test_binary_with_nuls_is_an_error():
    with pytest.raises(InputError, match="binary"):
        decode(b"\x00\x01\x02\x03" * 100 + "法治".encode(), "x.bin")


def test_bad_utf16_bom_is_an_error():
    with pytest.raises(InputError):
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8", "bad.txt")  # lone surrogate


def test_low_confidence_is_reported():
    # Decodable GBK whose characters are mostly rare: kept, but said to be a guess.
    text = ("的" + "鑫淼焱垚犇骉麟鹏") * 6
    decoded, used, warnings = decode(text.encode("gbk"))
    assert (decoded, used) == (text, "gb18030")
    assert len(warnings) == 1 and "low confidence" in warnings[0]


def test_plain_characters_are_never_counted_as_binary():
    import unicodedata

    from kg.ingest.encoding import _PLAIN

    plain = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000 and _PLAIN.fullmatch(chr(c))]
    assert len(plain) > 20000
    assert all(unicodedata.category(c) not in ("Cc", "Co", "Cs", "Cn") or c in "\n\r\t\f\x0b" for c in plain)
