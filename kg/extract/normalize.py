"""Canonical ids of mentions: division codes, law titles, programme concepts, qualified organisations.

>>> canonical_law("未成年人保护法")
'中华人民共和国未成年人保护法'
>>> qualify_org("镇司法所", government="月浦镇", parents=["宝山区", "上海市"])
'月浦镇司法所'
>>> qualify_org("区委", government="月浦镇", parents=["宝山区", "上海市"])
'宝山区委'
>>> qualify_org("国务院", government="月浦镇")
'国务院'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional, Sequence

from kg.nlp.lexicon import read_table, read_words

__all__ = ["canonical_law", "canonical_programme", "qualify_org", "clean_surface", "LEVEL_OF_SUFFIX"]

#: Which level a one-character qualifier refers to.
LEVEL_OF_SUFFIX = {"省": "province", "市": "city", "区": "county", "县": "county", "镇": "township",
                   "乡": "township", "街道": "township", "街": "township"}
_NATIONAL = ("中央", "中共中央", "党中央", "国务院", "全国", "最高人民")


_NOT_IN_IDS = re.compile(r"[\s《》“”「」\"'‘’<>]")


def clean_surface(text: str) -> str:
    """NFKC, no quotes or whitespace: the form ids are built from."""
    text = unicodedata.normalize("NFKC", text)
    return _NOT_IN_IDS.sub("", text)


@lru_cache(maxsize=1)
def _laws() -> dict[str, str]:
    table = {}
    for short in read_words("laws_national.txt"):
        full = short if short.startswith("中华人民共和国") else f"中华人民共和国{short}"
        table[short] = full
    table.update({row[0]: row[1] for row in read_table("laws.tsv") if len(row) > 1})
    return table


@lru_cache(maxsize=1)
def _programmes() -> dict[str, str]:
    return {clean_surface(row[0]): row[1] for row in read_table("programmes.tsv") if len(row) > 1}


def canonical_law(title: str) -> str:
    """The canonical title: national laws get their full 中华人民共和国… title; dashes unified."""
    title = clean_surface(title)
    title = re.sub(r"[—–－]", "-", title)
    base = re.sub(r"\(\d{4}-?\d{4}年?\)?$", "", title)
    laws = _laws()
    if base in laws and base == title:
        return laws[base]
    return title


def canonical_programme(name: str, key: str = "") -> str:
    """The concept key of a programme (aliases share one), else its cleaned name."""
    name = clean_surface(name)
    return key or _programmes().get(name) or name


def _division_for(prefix: str, government: Optional[str], parents: Sequence[str]) -> Optional[str]:
    """The report's division a one-word qualifier (镇, 区, 街道) refers to: same suffix, nearest first."""
    suffixes = ("街道", "街") if prefix in ("街道", "街") else (prefix,)
    for name in [government, *parents]:
        if not name:
            continue
        name = re.sub(r"(人民政府|政府)$", "", name)
        if name.endswith(suffixes) and len(name) > len(prefix):
            return name
    return None


def qualify_org(text: str, government: Optional[str] = None, parents: Sequence[str] = ()) -> str:
    """Qualify an organisation by the division it belongs to.

    镇司法所 in 月浦镇's report is 月浦镇司法所; 区委 is 宝山区委; a bare unit name
    (司法所, 调委会) is this government's; national organs stay as they are.
    """
    name = clean_surface(text)
    if name.startswith(_NATIONAL):
        return name
    government = re.sub(r"(人民政府|政府)$", "", government or "") or None
    for prefix in ("街道", "省", "市", "区", "县", "镇", "乡"):
        if name.startswith(prefix) and len(name) > len(prefix):
            owner = _division_for(prefix, government, parents)
            return owner + name[len(prefix):] if owner else name
    if government and not re.match(r"^.{2,}?(省|市|区|县|镇|乡|街道)", name) and not name.startswith("中共"):
        return government + name
    return name
