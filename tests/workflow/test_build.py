"""The build workflow with fake stages: outputs, determinism, incremental runs,
failures, strict mode, the store, the CLI.  (tests/reliability runs the real ones.)"""

import os
import shutil

import pytest
from pyoxigraph import RdfFormat, parse
from typer.testing import CliRunner

import workflow_fakes as fakes
from kg.workflow import EXIT_FAILURES, build

REPORTS = {
    "月浦镇2020.txt": "月浦镇2020年法治政府建设工作报告\n一、推进普法\n学习《宪法》和《民法典》。\n",
    "坡头镇2021.txt": "坡头镇2021年法治政府建设情况报告\n一、依法行政\n贯彻《行政处罚法》。\n",
    "高桥镇2020甲.txt": "高桥镇2020年法治政府建设工作报告\n一、普法\n宣传《宪法》。\n",
    "高桥镇2020乙.txt": "高桥镇2020年法治政府建设年度报告（修订）\n一、普法\n《民法典》进社区。\n",
    "张堰镇2019.txt": "张堰镇2019年工作报告\n一、学法\n《宪法》《土地管理法》。\n",
}


def write_corpus(folder, reports=REPORTS, bad=True):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
    if bad:
        (folder / "月浦镇2020副本.txt").write_text(reports["月浦镇2020.txt"], encoding="utf-8")
        (folder / "gbk.txt").write_bytes("金山区2020年报告".encode("gbk"))
        (folder / "crash.txt").write_text("BOOM 坡头镇", encoding="utf-8")
        (folder / "empty.txt").write_bytes(b"")
    return folder


def quads(path, fmt):
    return {str(q) for q in parse(path=str(path), format=fmt)}


def run(src, out, **options):
    options.setdefault("stages", fakes.fake_stages())
    options.setdefault("progress", False)
    return build(src if isinstance(src, list) else [src], out, **options)


def test_outputs_are_complete_consistent_and_parse(tmp_path):
    result = run(write_corpus(tmp_path / "in"), tmp_path / "out")
    out = tmp_path / "out"
    assert result.exit_code == EXIT_FAILURES
    assert sorted(r["name"] for r in result.reports) == sorted(REPORTS)
    assert {f["name"]: f["kind"] for f in result.failures} == {
        "gbk.txt": "input", "crash.txt": "internal", "empty.txt": "input"}
    assert all(f["reason"] and f["fix"] for f in result.failures)
    assert [d["name"] for d in result.duplicates] == ["月浦镇2020副本.txt"]
    assert result.same_government_year == [
        {"government": "高桥镇", "year": 2020, "reports": ["高桥镇2020乙.txt", "高桥镇2020甲.txt"]}]

    trig = quads(out / "kg.trig", RdfFormat.TRIG)
    assert len(trig) == result.quads
    assert quads(out / "kg.jsonld", RdfFormat.JSON_LD) == trig
    union = {str(q.triple) for q in parse(path=str(out / "kg.trig"), format=RdfFormat.TRIG)}
    ttl = {str(t) for t in parse(path=str(out / "kg.ttl"), format=RdfFormat.TURTLE)}
    assert ttl == union and len(ttl) == result.triples < result.quads  # entities de-duplicated
    # an independent parser agrees
    import rdflib
    dataset = rdflib.Dataset()
    dataset.parse(out / "kg.trig", format="trig")
    assert len(list(dataset.quads((None, None, None, None)))) == result.quads
    assert len(list(dataset.graphs())) >= len(REPORTS)
    # the per-report blank nodes stay apart
    selectors = [q for q in trig if "hasSelector" in q]
    assert len({q.split()[2] for q in selectors}) == len(selectors)

    summary = __import__("json").loads((out / "summary.json").read_text("utf-8"))
    assert summary["totals"]["reports"] == len(REPORTS)
    assert summary["totals"]["entities"] == result.entities == {"DIVISION": 4, "LAW": 4}
    assert "flags" in next(r for r in summary["reports"] if r["name"] == "高桥镇2020甲.txt")
    failures = __import__("json").loads((out / "failures.json").read_text("utf-8"))
    assert [f["name"] for f in failures] == ["crash.txt", "empty.txt", "gbk.txt"]


def test_outputs_are_byte_identical_whatever_jobs_and_input_order(tmp_path):
    src = write_corpus(tmp_path / "in")
    files = sorted(src.iterdir())
    run(src, tmp_path / "a", jobs=1)
    run(list(reversed(files)), tmp_path / "b", jobs=2)
    run(files[3:] + files[:3], tmp_path / "c", jobs=3)
    for name in ("kg.trig", "kg.ttl", "kg.jsonld"):
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes(), name
        assert first == (tmp_path / "c" / name).read_bytes(), name


def test_incremental_runs_process_only_what_changed(tmp_path):
    src = write_corpus(tmp_path / "in", bad=False)
    out = tmp_path / "out"
    first = run(src, out)
    assert (first.processed, first.cached, first.exit_code) == (5, 0, 0)
    fresh_trig = (out / "kg.trig").read_bytes()

    written = (out / "kg.trig").stat().st_mtime_ns
    again = run(src, out)
    assert (again.processed, again.cached) == (0, 5)
    assert (out / "kg.trig").read_bytes() == fresh_trig
    assert (out / "kg.trig").stat().st_mtime_ns == written  # nothing changed: not rewritten
    assert again.triples == first.triples
    fresh_ttl = (out / "kg.ttl").read_bytes()
    (out / "kg.ttl").write_bytes(b"")  # a damaged output is rewritten
    run(src, out)
    assert (out / "kg.ttl").read_bytes() == fresh_ttl

    (src / "坡头镇2021.txt").write_text(REPORTS["坡头镇2021.txt"] + "二、《宪法》宣传周。\n", "utf-8")
    changed = run(src, out)
    assert (changed.processed, changed.cached) == (1, 4)
    store = fakes.FakeStore(out / "store")
    assert sorted(store.graphs()) == sorted(r["graph"] for r in changed.reports)
    old_graph = next(r["graph"] for r in first.reports if r["name"] == "坡头镇2021.txt")
    assert old_graph not in store.graphs()

    (src / "张堰镇2019.txt").unlink()
    removed = run(src, out)
    assert (removed.processed, removed.cached) == (0, 4)
    assert sorted(store.graphs()) == sorted(r["graph"] for r in removed.reports)
    assert "张堰镇" not in (out / "kg.trig").read_text("utf-8")

    # a fresh build of the same files gives the same bytes as the incremental one
    run(src, tmp_path / "fresh")
    assert (out / "kg.trig").read_bytes() == (tmp_path / "fresh" / "kg.trig").read_bytes()
    assert (out / "kg.ttl").read_bytes() == (tmp_path / "fresh" / "kg.ttl").read_bytes()

    assert run(src, out, rebuild=True).processed == 4
    other_pipeline = fakes.fake_stages(fingerprint_extra=(("stages", "fake-2"),))
    assert run(src, out, stages=other_pipeline).processed == 4


def test_renamed_report_is_reprocessed_under_its_new_name(tmp_path):
    src = write_corpus(tmp_path / "in", bad=False)
    run(src, tmp_path / "out")
    (src / "张堰镇2019.txt").rename(src / "张堰镇2019年度.txt")
    result = run(src, tmp_path / "out")
    assert result.processed == 1
    trig = (tmp_path / "out" / "kg.trig").read_text("utf-8")
    assert '"张堰镇2019年度.txt"' in trig and '"张堰镇2019.txt"' not in trig


def test_pipeline_is_loaded_once_and_shared_by_forked_workers(tmp_path, monkeypatch):
    log = tmp_path / "loads.log"
    monkeypatch.setenv("FAKE_LOAD_LOG", str(log))
    src = write_corpus(tmp_path / "in", bad=False)
    result = run(src, tmp_path / "out", jobs=2)
    assert result.processed == 5
    assert log.read_text().split() == [str(os.getpid())]
    run(src, tmp_path / "out", jobs=2)  # nothing to do: no load at all
    assert log.read_text().split() == [str(os.getpid())]


@pytest.mark.parametrize("jobs", [1, 2])
def test_strict_stops_at_first_failure_and_keeps_previous_outputs(tmp_path, jobs):
    src = write_corpus(tmp_path / "in", bad=False)
    out = tmp_path / "out"
    run(src, out)
    before = {n: (out / n).read_bytes() for n in ("kg.trig", "kg.ttl", "summary.json")}
    many = {f"{i:03d}_{name}": text + f"第{i}份\n" for i, (name, text) in
            enumerate(list(REPORTS.items()) * 4)}
    many["000_crash.txt"] = "BOOM"
    shutil.rmtree(src)
    write_corpus(src, many, bad=False)
    result = run(src, out, strict=True, jobs=jobs)
    assert result.aborted and result.exit_code == EXIT_FAILURES
    assert [f["name"] for f in result.failures] == ["000_crash.txt"]
    assert result.processed < len(many) - 1
    assert {n: (out / n).read_bytes() for n in before} == before


def test_oxigraph_store_follows_the_reports(tmp_path):
    pytest.importorskip("kg.query.store")
    from kg.query.store import Store
    src = write_corpus(tmp_path / "in", bad=False)
    out = tmp_path / "out"
    stages = fakes.fake_stages(store="oxigraph")
    first = run(src, out, stages=stages)
    with Store(out / "store") as store:
        assert store.graphs() == sorted(r["graph"] for r in first.reports)
        assert store.count() == first.quads
    (src / "月浦镇2020.txt").unlink()
    second = run(src, out, stages=stages)
    with Store(out / "store") as store:
        assert store.graphs() == sorted(r["graph"] for r in second.reports)
        assert store.count() == second.quads
    # another pipeline: the same graphs are replaced in place, not added to
    other = fakes.fake_stages(store="oxigraph", fingerprint_extra=(("stages", "fake-2"),))
    third = run(src, out, stages=other)
    assert third.processed == len(second.reports)
    with Store(out / "store") as store:
        assert store.graphs() == sorted(r["graph"] for r in third.reports)
        assert store.count() == third.quads


def test_cli_build_exit_status_and_summary(tmp_path, monkeypatch):
    from kg.cli import app
    import kg.workflow.runner as runner
    monkeypatch.setattr(runner, "default_stages", lambda: fakes.fake_stages())
    monkeypatch.setenv("COLUMNS", "200")
    good = write_corpus(tmp_path / "good", bad=False)
    cli = CliRunner()
    ok = cli.invoke(app, ["build", str(good), "-o", str(tmp_path / "o1"), "-q"])
    assert ok.exit_code == 0, ok.output
    assert "reports built" in ok.output and "DIVISION" in ok.output
    bad = write_corpus(tmp_path / "bad")
    failed = cli.invoke(app, ["build", str(bad), "-o", str(tmp_path / "o2"), "-q", "-j", "2"])
    assert failed.exit_code == EXIT_FAILURES, failed.output
    assert "gbk.txt" in failed.output and "not UTF-8" in failed.output
    strict = cli.invoke(app, ["build", str(bad), "-o", str(tmp_path / "o3"), "-q", "--strict"])
    assert strict.exit_code == EXIT_FAILURES and "--strict" in strict.output


def test_dask_executor_gives_the_same_bytes(tmp_path):
    distributed = pytest.importorskip("distributed")
    src = write_corpus(tmp_path / "in")
    local = run(src, tmp_path / "local")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    try:
        result = run(src, tmp_path / "dask", executor="dask",
                     dask_client_factory=lambda: distributed.Client(cluster))
    finally:
        cluster.close()
    assert result.processed == local.processed
    assert [f["name"] for f in result.failures] == [f["name"] for f in local.failures]
    for name in ("kg.trig", "kg.ttl", "kg.jsonld"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_strict_stops_before_processing_when_a_file_is_refused_up_front(tmp_path):
    src = write_corpus(tmp_path / "in", bad=False)
    (src / "empty.txt").write_bytes(b"")
    result = run(src, tmp_path / "out", strict=True)
    assert result.aborted and result.processed == 0
    assert [f["name"] for f in result.failures] == ["empty.txt"]
    assert not (tmp_path / "out" / "kg.trig").exists()


def test_progress_bar_shows_rate_and_eta(tmp_path):
    import io as _io

    from rich.console import Console
    screen = _io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    run(write_corpus(tmp_path / "in"), tmp_path / "out", progress=True, console=console)
    text = screen.getvalue()
    # the empty file is refused before processing; gbk.txt and crash.txt fail in it
    assert "7/7" in text and "reports/s" in text and "ETA" in text and "2 failed" in text


def test_store_is_flushed_as_graphs_are_loaded(tmp_path, monkeypatch):
    """RocksDB holds loaded data in memory until flushed (~3 MB a report):
    the build flushes every STORE_FLUSH_BYTES so its memory stays flat."""
    import kg.workflow.storing as storing

    flushes = []

    class CountingStore(fakes.FakeStore):
        def flush(self):
            flushes.append(len(self.graphs()))

    monkeypatch.setattr(storing, "STORE_FLUSH_BYTES", 1)
    result = run(write_corpus(tmp_path / "in", bad=False), tmp_path / "out",
                 stages=fakes.fake_stages(open_store=CountingStore))
    assert flushes == list(range(1, len(result.reports) + 1))


def test_the_console_lists_at_most_max_rows_of_each_kind(tmp_path):
    """A corpus with hundreds of duplicates gets a short table and a pointer to the files."""
    import io

    from rich.console import Console

    from kg.commands.build import MAX_NAMES, MAX_ROWS, failures_table
    from kg.workflow import BuildResult

    result = BuildResult(out_dir=tmp_path)
    result.failures = [{"name": f"bad{i}.txt", "reason": "unreadable", "fix": "re-save"} for i in range(3)]
    result.duplicates = [{"name": f"copy{i}.txt", "same_as": "/x/orig.txt"} for i in range(MAX_ROWS + 7)]
    result.same_government_year = [{"government": "坡头镇", "year": 2019,
                                     "reports": [f"r{i}.txt" for i in range(MAX_NAMES + 5)]}]
    console = Console(file=io.StringIO(), width=200)
    console.print(failures_table(result))
    text = console.file.getvalue()
    assert all(f"bad{i}.txt" in text for i in range(3))
    assert f"copy{MAX_ROWS - 1}.txt" in text and f"copy{MAX_ROWS}.txt" not in text
    assert "7 more duplicates" in text and "failures.json and summary.json" in text
    assert f"r{MAX_NAMES - 1}.txt and 5 more" in text and f"r{MAX_NAMES}.txt" not in text
