"""kg eval: normalisation and scoring as ANNOTATION.md defines them, and the regression guard."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.evaluate import (evaluate, format_table, normalize_government, normalize_surface,
                         score_documents)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GOVKG_SHARED", REPO / ".." / "shared")).resolve()
CORPUS = SHARED / "corpus"
BASELINE = REPO / "tests" / "eval_baseline.json"
ALLOWED_DROP = 0.03


@pytest.mark.parametrize("raw, normal", [
    ("《中华人民共和国宪法》", "中华人民共和国宪法"),
    ("“3.15”消费者权益保护日", "3.15消费者权益保护日"),
    ("法治政府建设实施纲要（２０２１-２０２５年）", "法治政府建设实施纲要(2021-2025年)"),
    ("鎮黨委", "镇党委"),
    ("领(lǐng)导(dǎo)干部", "领导干部"),
    ("法 治 政府", "法治政府"),
    ("「谁执法谁普法」", "谁执法谁普法"),
])
def test_normalize_surface(raw, normal):
    assert normalize_surface(raw) == normal


@pytest.mark.parametrize("written, normal", [
    ("坡头镇人民政府", "坡头镇"), ("重庆市江津区四屏镇人民政府", "四屏镇"), ("月浦镇", "月浦镇"),
    ("淮安市人民政府", "淮安市"), (None, None),
])
def test_normalize_government(written, normal):
    assert normalize_government(written) == normal


def _gold(doc, **entities):
    return {"doc": doc, "meta": {"government": "月浦镇", "level": "township", "year": 2020},
            "entities": entities, "quantities": [{"value": 46000, "unit": "份"}, {"value": 1, "unit": "次"},
                                                 {"value": 1, "unit": "次"}]}


def test_scoring_strict_lenient_quantities_meta():
    gold = {"a.txt": _gold("a.txt", ORG=["司法所", "月浦法庭"], LAW=["民法典"])}
    predicted = {"a.txt": {
        "meta": {"government": "月浦镇人民政府", "level": "street", "year": 2021},
        "entities": [{"type": "ORG", "text": "司法所"}, {"type": "ORG", "text": "司法所"},  # same string twice
                     {"type": "ORG", "text": "镇司法所"}, {"type": "LAW", "text": "《民法典》"},
                     {"type": "GROUP", "text": "青少年"}],
        "quantities": [{"value": 46000.0, "unit": "份"}, {"value": 1, "unit": "次"}, {"value": 5, "unit": "人"}],
    }}
    result = score_documents(gold, predicted)
    org = result["types"]["ORG"]
    assert org["strict"]["pred"] == 2 and org["strict"]["p"] == 0.5 and org["strict"]["r"] == 0.5
    assert org["lenient"]["p"] == 1.0 and org["lenient"]["r"] == 0.5  # 镇司法所 contains 司法所
    assert result["types"]["LAW"]["strict"]["f1"] == 1.0
    assert result["types"]["GROUP"]["strict"]["p"] == 0.0
    assert result["micro"]["strict"]["pred"] == 4 and result["micro"]["strict"]["gold"] == 3
    q = result["quantities"]
    assert (q["pred"], q["gold"], round(q["p"], 3), round(q["r"], 3)) == (3, 3, 0.667, 0.667)
    assert result["meta"] == {"government": 1.0, "level": 1.0, "year": 0.0}  # street == township
    assert "micro" in format_table(result)


def test_missing_prediction_scores_zero():
    result = score_documents({"a.txt": _gold("a.txt", ORG=["司法所"])}, {})
    assert result["types"]["ORG"]["strict"]["r"] == 0.0


@pytest.mark.slow
@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="../shared/corpus not present")
def test_no_regression_against_baseline(capsys):
    from kg.nlp import load_pipeline

    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    result = evaluate(CORPUS / "gold.jsonl", [CORPUS / "reports"], nlp=load_pipeline())
    table = format_table(result)
    with capsys.disabled():
        print("\n" + table)
    micro = result["micro"]["strict"]["f1"]
    floor = baseline["micro_f1"] - ALLOWED_DROP
    assert micro >= floor, f"micro-F1 {micro:.3f} fell below {floor:.3f} (baseline {baseline['micro_f1']})\n{table}"


def test_eval_needs_annotated_reports(tmp_path):
    from kg.errors import InputError
    from kg.nlp import load_pipeline

    (tmp_path / "other.txt").write_text("月浦镇2020年报告", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(_gold("a.txt", ORG=["司法所"]), ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="none of the reports"):
        evaluate(gold, [tmp_path], nlp=load_pipeline("char"))
