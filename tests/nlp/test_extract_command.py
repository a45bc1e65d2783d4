"""`kg extract` and `kg eval` through the CLI (char segmenter for speed)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kg.cli import app

REPORT = "惠南镇2023年法治政府建设情况报告\n一、主要举措\n镇司法所开展“三所联动”,发放资料1558余份。\n"


def test_extract_prints_one_json_object_per_report(tmp_path):
    folder = tmp_path / "reports" / "nested"
    folder.mkdir(parents=True)
    (folder / "huinan.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "reports" / "notes.bin").write_bytes(b"\x00\x01")
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "reports"), "--segmenter", "char"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("{")]
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["doc"] == "huinan.txt"
    assert set(record["meta"]) >= {"government", "level", "year", "date", "parents"}
    assert record["meta"]["government"] == "惠南镇"
    entity = next(e for e in record["entities"] if e["text"] == "镇司法所")
    assert set(entity) >= {"type", "text", "start", "end", "id"} and entity["id"] == "惠南镇司法所"
    assert record["quantities"][0]["value"] == 1558 and record["quantities"][0]["approx"] is True
    assert "镇司法所" in lines[0]  # ensure_ascii=False


def test_extract_missing_path_is_an_input_error(tmp_path):
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "missing.txt"), "--segmenter", "char"])
    assert result.exit_code != 0
    assert "no such file" in str(result.exception)


def test_eval_scores_a_report_against_gold(tmp_path):
    (tmp_path / "huinan.txt").write_text(REPORT, encoding="utf-8")
    gold = {"doc": "huinan.txt", "meta": {"government": "惠南镇", "level": "township", "year": 2023},
            "entities": {"DIVISION": ["惠南镇"], "ORG": ["镇司法所"], "PROGRAMME": ["三所联动"], "LAW": []},
            "quantities": [{"value": 1558, "unit": "份", "approx": True, "counted": "资料"}]}
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(gold_path), str(tmp_path), "--json", "--segmenter", "char"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output[result.output.index("{"):])
    assert scores["micro"]["strict"]["f1"] == 1.0
    assert scores["quantities"]["f1"] == 1.0
    assert scores["meta"] == {"government": 1.0, "level": 1.0, "year": 1.0}
    table = CliRunner().invoke(app, ["eval", str(gold_path), str(tmp_path), "--segmenter", "char"])
    assert "micro" in table.output and "quantities" in table.output
