"""kg.io (atomic writes) and kg.cache (fingerprint, per-report cache, store journal)."""

import json
import os

import pytest

from kg import io
from kg.cache import ARTIFACT_KINDS, ReportCache, StoreJournal, fingerprint


def test_atomic_open_keeps_old_file_when_writer_fails(tmp_path):
    target = tmp_path / "kg.trig"
    target.write_text("old 月浦镇")
    with pytest.raises(RuntimeError):
        with io.atomic_open(target, "w") as handle:
            handle.write("new half")
            raise RuntimeError("killed midway")
    assert target.read_text() == "old 月浦镇"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.trig"]  # no temp file left


def test_atomic_write_replaces_and_sets_normal_permissions(tmp_path):
    target = tmp_path / "sub" / "summary.json"
    io.write_json(target, {"政府": "坡头镇", "a": [3, 1]})
    assert json.loads(target.read_text("utf-8")) == {"政府": "坡头镇", "a": [3, 1]}
    assert target.read_text("utf-8").index('"a"') < target.read_text("utf-8").index('"政府"')
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_remove_stale_temps_only_removes_temp_files(tmp_path):
    (tmp_path / ".kg.trig.tmp-abc123").write_text("torn")
    (tmp_path / "kg.trig").write_text("whole")
    assert io.remove_stale_temps(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["kg.trig"]


def test_fingerprint_changes_with_data_and_extra(tmp_path):
    lexicon = tmp_path / "orgs.jsonl"
    lexicon.write_text('{"label": "ORG", "pattern": "司法所"}\n')
    first = fingerprint(sources=[lexicon])
    assert fingerprint(sources=[lexicon]) == first
    lexicon.write_text('{"label": "ORG", "pattern": "司法局"}\n')
    assert fingerprint(sources=[lexicon]) != first
    assert fingerprint({"stages": "x"}, sources=[lexicon]) != fingerprint(sources=[lexicon])


def test_default_fingerprint_covers_stage_code_and_ontology():
    from kg.cache import fingerprint_sources
    names = {p.as_posix() for p in fingerprint_sources()}
    assert any(n.endswith("kg/records.py") for n in names)
    assert not any("/samples/" in n for n in names)
    assert not any(n.endswith("kg/workflow/runner.py") for n in names)


def _artifacts(text):
    return {kind: f"{kind}:{text}".encode() for kind in ARTIFACT_KINDS}


def test_report_cache_round_trip_and_invalidation(tmp_path):
    cache = ReportCache(tmp_path / "cache", "fp1")
    sha = "ab" * 32
    assert cache.get(sha) is None
    cache.put(sha, {"name": "月浦镇.txt", "graph": "g"}, _artifacts("月浦"))
    assert cache.get(sha, "月浦镇.txt")["graph"] == "g"
    assert cache.read(sha, "trig") == "trig:月浦".encode()
    assert cache.get(sha, "renamed.txt") is None  # the name is in the graph: re-process
    cache.path(sha, "nq").write_bytes(b"torn")  # size no longer matches
    assert cache.get(sha) is None
    assert ReportCache(tmp_path / "cache", "fp2").get(sha) is None  # other pipeline


def test_report_cache_prune(tmp_path):
    old = ReportCache(tmp_path / "cache", "old")
    old.put("aa" * 32, {"name": "a"}, _artifacts("a"))
    cache = ReportCache(tmp_path / "cache", "new")
    cache.put("bb" * 32, {"name": "b"}, _artifacts("b"))
    cache.put("cc" * 32, {"name": "c"}, _artifacts("c"))
    cache.prune(keep={"bb" * 32})
    assert not old.folder.exists()
    assert cache.get("bb" * 32) and cache.get("cc" * 32) is None


def test_store_journal_replays_and_ignores_torn_line(tmp_path):
    path = tmp_path / "journal.log"
    journal = StoreJournal(path)
    journal.added("g1", "k1")
    journal.added("g2", "k2")
    journal.removed("g1")
    journal.close()
    with open(path, "a") as handle:
        handle.write("+ g3 k")  # a kill while appending: no newline
    assert StoreJournal(path).loaded == {"g2": "k2"}
    reopened = StoreJournal(path)
    reopened.compact()
    assert path.read_text() == "+ g2 k2\n"
