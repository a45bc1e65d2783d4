"""The corpus files written by a child process while reports are processed
(kg.workflow.early): the same bytes as written afterwards, and no trace when the
build fails, aborts or dies."""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import workflow_fakes as fakes
from kg.workflow import assemble, early
from test_build import REPORTS, run, write_corpus

pytestmark = pytest.mark.skipif(not early.available(), reason="needs fork")

FILES = ("kg.trig", "kg.ttl", "kg.jsonld")


@pytest.fixture
def commits(monkeypatch):
    """What each EarlyAssembly.commit returned (None: the build wrote the files itself)."""
    seen = []
    original = early.EarlyAssembly.commit

    def spy(self, made_from):
        value = original(self, made_from)
        seen.append(value)
        return value

    monkeypatch.setattr(early.EarlyAssembly, "commit", spy)
    return seen


def contents(out):
    return {name: (out / name).read_bytes() for name in FILES}


def late_build(src, out):
    """The same build with the files written after processing (no early assembly)."""
    return run(src, out, stages=fakes.fake_stages(report_graph_iri=None))


def no_temps(out):
    return not [p for p in out.rglob("*") if ".tmp-" in p.name or p.name.startswith(".merge-")]


def test_an_incremental_build_commits_the_early_files_with_the_same_bytes(tmp_path, commits):
    src = write_corpus(tmp_path / "in", bad=False)
    out = tmp_path / "out"
    run(src, out)
    assert commits and commits[-1] is not None  # a full build goes through it too
    (src / "坡头镇2021.txt").write_text(REPORTS["坡头镇2021.txt"] + "二、《宪法》宣传周。\n", "utf-8")
    changed = run(src, out)
    assert changed.processed == 1 and commits[-1] == changed.triples - sum(
        r["triples"] - r.get("shared_triples", 0) for r in changed.reports)
    late_build(src, tmp_path / "late")
    assert contents(out) == contents(tmp_path / "late")
    assert no_temps(out) and not multiprocessing.active_children()


def test_a_report_that_fails_is_left_out_of_the_early_files(tmp_path, commits):
    src = write_corpus(tmp_path / "in", bad=False)
    out = tmp_path / "out"
    run(src, out)
    (src / "坡头镇2021.txt").write_text("BOOM 坡头镇", "utf-8")  # the fake stage crashes
    (src / "新镇2022.txt").write_text("新镇2022年法治政府建设工作报告\n一、普法\n《宪法》。\n", "utf-8")
    result = run(src, out)
    assert [f["name"] for f in result.failures] == ["坡头镇2021.txt"]
    assert commits[-1] is not None
    late_build(src, tmp_path / "late")
    assert contents(out) == contents(tmp_path / "late")
    assert "坡头镇" not in (out / "kg.trig").read_text("utf-8")


def test_a_wrong_graph_prediction_falls_back_to_writing_afterwards(tmp_path, commits):
    src = write_corpus(tmp_path / "in", bad=False)
    wrong = fakes.fake_stages(report_graph_iri=lambda sha: fakes.BASE + "graph/" + sha[::-1][:16])
    result = run(src, tmp_path / "out", stages=wrong)
    assert result.processed == 5 and commits == [None]
    late_build(src, tmp_path / "late")
    assert contents(tmp_path / "out") == contents(tmp_path / "late")
    assert no_temps(tmp_path / "out")


def test_a_child_that_dies_leaves_the_build_to_write_the_files(tmp_path, commits, monkeypatch):
    src = write_corpus(tmp_path / "in", bad=False)
    monkeypatch.setattr(early, "_child", lambda *args: os._exit(1))
    run(src, tmp_path / "out")
    assert commits == [None]
    late_build(src, tmp_path / "late")
    assert contents(tmp_path / "out") == contents(tmp_path / "late")


def test_an_aborted_build_keeps_the_old_files_and_leaves_nothing_behind(tmp_path, commits):
    src = write_corpus(tmp_path / "in", bad=False)
    out = tmp_path / "out"
    run(src, out)
    before = contents(out)
    (src / "月浦镇2020.txt").write_text("BOOM 月浦镇", "utf-8")
    result = run(src, out, strict=True)
    assert result.aborted and contents(out) == before
    assert no_temps(out) and not multiprocessing.active_children()


def test_the_plan_waits_for_pending_reports_and_skips_dropped_ones():
    plan = early._Plan(["a", "b", "c", "d"], {"b", "c"})
    taken = []
    reader = threading.Thread(target=lambda: taken.extend(plan))
    reader.start()
    time.sleep(0.2)
    assert taken == ["a"]  # waiting for b
    plan.resolve("c", "dropped")
    time.sleep(0.1)
    assert taken == ["a"]
    plan.resolve("b", "ready")
    reader.join(5)
    assert taken == ["a", "b", "d"]
    stopped = early._Plan(["a", "b"], {"b"})
    items = iter(stopped)
    assert next(items) == "a"
    stopped.stop()
    with pytest.raises(early._Stopped):
        next(items)
    with pytest.raises(early._Stopped):
        stopped.gate()


def test_the_files_are_written_back_as_they_grow(tmp_path, monkeypatch):
    src = write_corpus(tmp_path / "in", bad=False)
    run(src, tmp_path / "a")
    synced = []
    original = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (synced.append(fd), original(fd)))
    monkeypatch.setattr(assemble, "WRITE_BACK_BYTES", 512)
    late_build(src, tmp_path / "b")  # written in this process, where the spy is
    assert len(synced) > 3
    assert contents(tmp_path / "a") == contents(tmp_path / "b")


CHILD_OF_A_DYING_BUILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kg.cache import ReportCache
    from kg.workflow import early
    out, cache_dir, fingerprint, sha, key = sys.argv[1:]
    started = early.EarlyAssembly.start(Path(out), ReportCache(Path(cache_dir), fingerprint),
                                        [sha], [key], {sha}, {}, {})
    print(started._process.pid, flush=True)
    time.sleep(60)  # killed before the report is ever ready
""")


def test_the_child_of_a_killed_build_discards_its_files(tmp_path):
    src = write_corpus(tmp_path / "in", bad=False)
    out = tmp_path / "out"
    first = run(src, out)
    before = contents(out)
    report = first.reports[0]
    cache_root = out / "cache"
    fingerprint = next(p.name for p in cache_root.iterdir() if p.is_dir())
    from kg.cache import ReportCache
    key = ReportCache(cache_root, fingerprint).key(report["sha256"], report["name"])
    build = subprocess.Popen([sys.executable, "-c", CHILD_OF_A_DYING_BUILD, str(out), str(cache_root),
                              fingerprint, report["sha256"], key],
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent)
    child = int(build.stdout.readline())
    time.sleep(0.3)  # the child has its temporary files open by now
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(child):
        time.sleep(0.05)
    assert not _running(child)
    assert contents(out) == before and no_temps(out)


def _running(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
