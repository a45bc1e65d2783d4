"""Score extracted entities, quantities and metadata against gold annotations.

Scoring follows ../shared/ANNOTATION.md: per report and type, the DISTINCT
normalised surface strings are compared (strict: equal strings; lenient: a
predicted string that contains or is contained in a gold string of the same
type counts once), counts are summed over reports (micro average);
quantities match on (value, unit) as multisets; metadata is scored as accuracy
of government, level and year.

>>> normalize_surface("《中华人民共和国宪法》")
'中华人民共和国宪法'
>>> normalize_surface("法治政府建设实施纲要（２０２１-２０２５年）")
'法治政府建设实施纲要(2021-2025年)'
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from kg.errors import InputError
from kg.records import ENTITY_TYPES

__all__ = ["evaluate", "format_table", "normalize_surface", "score_documents", "read_gold",
           "normalize_government", "normalize_level"]

_PINYIN = re.compile(r"[(（][a-zA-Zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜüńňǹḿ\s]+[)）]")
_QUOTES = re.compile(r"[《》“”「」『』〈〉\"'‘’]")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalize_surface(text: str) -> str:
    """The form gold and predicted strings are compared in."""
    text = _t2s().convert(text)
    text = _PINYIN.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _PINYIN.sub("", text)
    text = re.sub(r"\s+", "", text)
    return _QUOTES.sub("", text)


def normalize_government(name: Optional[str]) -> Optional[str]:
    """坡头镇人民政府 -> 坡头镇; 重庆市江津区四屏镇人民政府 -> 四屏镇 (the last division named)."""
    if not name:
        return None
    name = normalize_surface(name)
    name = re.sub(r"^中共", "", name)
    name = re.sub(r"(人民政府|政府|办事处|党委|党工委|委员会)$", "", name)
    parts = re.findall(r".+?(?:特别行政区|自治区|自治州|自治县|省|市|新区|区|县|旗|街道|镇|乡|街)", name)
    return parts[-1] if parts and "".join(parts) == name else name


def normalize_level(level: Optional[str]) -> Optional[str]:
    """The gold uses street and district; the records use township and county."""
    return {"street": "township", "district": "county", "prefecture": "city"}.get(level or "", level)


def read_gold(path: Path) -> dict[str, dict]:
    gold = {}
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                gold[record["doc"]] = record
    return gold


def _strings(entities, etype: str) -> set[str]:
    if isinstance(entities, dict):
        values = entities.get(etype, [])
    else:
        # "surface" (as the original text writes it, kg extract adds it) is what gold annotates
        values = [e.get("surface") or e["text"] for e in entities if e["type"] == etype]
    return {s for s in (normalize_surface(v) for v in values) if s}


def _lenient(pred: set[str], gold: set[str]) -> tuple[int, int]:
    """(predicted strings that match some gold string, gold strings matched by some prediction)."""
    def match(a: str, b: str) -> bool:
        return a in b or b in a

    tp_pred = sum(1 for p in pred if any(match(p, g) for g in gold))
    tp_gold = sum(1 for g in gold if any(match(p, g) for p in pred))
    return tp_pred, tp_gold


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict[str, float]:
    precision = tp_p / n_pred if n_pred else 0.0
    recall = tp_g / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 4), "r": round(recall, 4), "f1": round(f1, 4),
            "pred": n_pred, "gold": n_gold}


def score_documents(gold: dict[str, dict], predicted: dict[str, dict]) -> dict:
    """Score predictions (``kg extract`` JSON objects keyed by doc name) against gold records."""
    counts = {t: Counter() for t in ENTITY_TYPES}
    quantity = Counter()
    meta = Counter()
    per_doc = {}
    for name in sorted(gold):
        g, p = gold[name], predicted.get(name)
        if p is None:
            p = {"entities": [], "quantities": [], "meta": {}}
        doc_counts = Counter()
        for etype in ENTITY_TYPES:
            gs, ps = _strings(g["entities"], etype), _strings(p["entities"], etype)
            tp = len(gs & ps)
            lp, lg = _lenient(ps, gs)
            c = counts[etype]
            c.update({"tp": tp, "pred": len(ps), "gold": len(gs), "ltp_p": lp, "ltp_g": lg})
            doc_counts.update({"tp": tp, "pred": len(ps), "gold": len(gs)})
        gq = Counter((float(q["value"]), unicodedata.normalize("NFKC", q["unit"])) for q in g["quantities"])
        pq = Counter((float(q["value"]), unicodedata.normalize("NFKC", q["unit"])) for q in p["quantities"])
        quantity.update({"tp": sum((gq & pq).values()), "pred": sum(pq.values()), "gold": sum(gq.values())})
        gm, pm = g.get("meta", {}), p.get("meta", {}) or {}
        meta["docs"] += 1
        meta["government"] += normalize_government(gm.get("government")) == normalize_government(pm.get("government"))
        meta["level"] += normalize_level(gm.get("level")) == normalize_level(pm.get("level"))
        meta["year"] += gm.get("year") == pm.get("year")
        per_doc[name] = _prf(doc_counts["tp"], doc_counts["pred"], doc_counts["tp"], doc_counts["gold"])
    result = {"types": {}, "documents": len(gold), "per_document": per_doc}
    total = Counter()
    for etype, c in counts.items():
        result["types"][etype] = {
            "strict": _prf(c["tp"], c["pred"], c["tp"], c["gold"]),
            "lenient": _prf(c["ltp_p"], c["pred"], c["ltp_g"], c["gold"]),
        }
        total.update(c)
    result["micro"] = {
        "strict": _prf(total["tp"], total["pred"], total["tp"], total["gold"]),
        "lenient": _prf(total["ltp_p"], total["pred"], total["ltp_g"], total["gold"]),
    }
    result["quantities"] = _prf(quantity["tp"], quantity["pred"], quantity["tp"], quantity["gold"])
    docs = max(meta["docs"], 1)
    result["meta"] = {k: round(meta[k] / docs, 4) for k in ("government", "level", "year")}
    return result


def _collect(paths: Iterable[Path]) -> list[Path]:
    from kg.commands.extract import collect_paths

    return collect_paths(paths)


def evaluate(gold_path: Path, paths: Iterable[Path], nlp=None) -> dict:
    """Extract every report under ``paths`` and score it against ``gold_path``."""
    from kg.commands.extract import extract_record

    gold = read_gold(Path(gold_path))
    predicted = {}
    for path in _collect(paths):
        if path.name in gold and path.name not in predicted:
            predicted[path.name] = extract_record(path, nlp=nlp)
    if not predicted:
        raise InputError(str(gold_path), "none of the reports given is annotated in this gold file",
                         "pass the folder of the reports the gold file describes")
    # Score the annotated reports that were given (a subset folder scores that subset).
    return score_documents({name: gold[name] for name in predicted}, predicted)


def format_table(result: dict) -> str:
    """A plain-text table of a result from :func:`evaluate` (rich renders it in the CLI)."""
    lines = [f"{'type':<12}{'P':>7}{'R':>7}{'F1':>7}  |{'P~':>7}{'R~':>7}{'F1~':>7}{'pred':>6}{'gold':>6}"]
    rows = list(result["types"].items()) + [("micro", result["micro"])]
    for name, scores in rows:
        s, l = scores["strict"], scores["lenient"]
        lines.append(f"{name:<12}{s['p']:>7.3f}{s['r']:>7.3f}{s['f1']:>7.3f}  |"
                     f"{l['p']:>7.3f}{l['r']:>7.3f}{l['f1']:>7.3f}{s['pred']:>6}{s['gold']:>6}")
    q = result["quantities"]
    lines.append(f"{'quantities':<12}{q['p']:>7.3f}{q['r']:>7.3f}{q['f1']:>7.3f}  |"
                 f"{'':>21}{q['pred']:>6}{q['gold']:>6}")
    m = result["meta"]
    lines.append(f"meta accuracy over {result['documents']} reports: government {m['government']:.3f}  "
                 f"level {m['level']:.3f}  year {m['year']:.3f}")
    return "\n".join(lines)
