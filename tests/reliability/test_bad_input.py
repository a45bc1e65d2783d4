"""Bad input never aborts a batch: each bad file is listed with a reason and a
fix, the others are built, and the exit status says some failed."""

from __future__ import annotations

import pytest

import workflow_fakes as fakes
from badinput import make_bad_inputs
from kg.workflow import EXIT_FAILURES, build


def check_outcomes(result, expected):
    built = {r["name"]: r for r in result.reports}
    failed = {f["name"]: f for f in result.failures}
    duplicates = {d["name"] for d in result.duplicates}
    handled = 0
    for name, (outcome, detail) in sorted(expected.items()):
        if outcome == "built":
            assert name in built, f"{name}: {failed.get(name)}"
            assert built[name]["government"] == detail, name
        elif outcome == "failed":
            assert name in failed, f"{name} should fail"
            assert failed[name]["kind"] == "input", failed[name]
            assert detail in failed[name]["reason"] and failed[name]["fix"], failed[name]
        elif outcome == "duplicate":
            assert name in duplicates
        else:  # read or refused, but never a crash
            assert name in built or failed[name]["kind"] == "input", failed.get(name)
        handled += 1
    assert not [f for f in result.failures if f["kind"] != "input"]
    assert result.exit_code == EXIT_FAILURES
    return handled


def test_bad_inputs_are_listed_and_the_batch_goes_on(tmp_path):
    ingest = pytest.importorskip("kg.ingest")
    if not hasattr(ingest, "load_document"):
        pytest.skip("kg.ingest.load_document not written yet")
    expected = make_bad_inputs(tmp_path / "in")
    # real readers, fake NLP and graph: this test is about reading and orchestration
    stages = fakes.fake_stages(load_document=ingest.load_document)
    result = build([tmp_path / "in"], tmp_path / "out", stages=stages, progress=False, jobs=2)
    handled = check_outcomes(result, expected)
    assert handled == len(expected) == 22
    # the second report of the same government and year is kept and flagged
    flagged = {n for group in result.same_government_year for n in group["reports"]}
    assert {"report_utf8.txt", "月浦镇2020年报告（第二份）.txt"} <= flagged
    print(f"bad inputs tried and handled: {handled}")


@pytest.mark.slow
def test_bad_inputs_through_the_real_pipeline(tmp_path, real_stages):
    stages = real_stages
    expected = make_bad_inputs(tmp_path / "in")
    result = build([tmp_path / "in"], tmp_path / "out", stages=stages, progress=False, jobs=2)
    check_outcomes(result, expected)
    assert result.triples > 0
