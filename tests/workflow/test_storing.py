"""The store writer: per-report transactions for a few changes, a fresh bulk-loaded
store swapped in for many, and recovery from a kill during the swap."""

import os
import shutil
import threading
import time

import pyoxigraph as ox
import pytest

import workflow_fakes as fakes
from test_build import REPORTS, run, write_corpus

import kg.workflow.storing as storing
from kg.workflow.storing import graph_name
from kg.query.store import Store

MANY = {f"{name[:-4]}-{i}.txt": text + f"第{i}份。\n" for i in range(4) for name, text in REPORTS.items()}


def store_state(out):
    """Graphs, size and the quads (blank nodes labelled canonically: the fakes make some)."""
    with Store(out / "store") as store:
        dataset = ox.Dataset(store.oxigraph)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return store.graphs(), store.count(), sorted(str(q) for q in dataset)


def built_then_all_changed(tmp_path, stages, crash_name):
    """A corpus built once into tmp_path/"out", then every report changed (so the next build
    makes a fresh store) and a report named ``crash_name`` added that fails; returns the source
    folder, the output folder and the store's state after the first build."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    out = tmp_path / "out"
    run(src, out, stages=stages)
    before = store_state(out)
    for name in MANY:
        (src / name).write_text((src / name).read_text("utf-8") + "改。\n", "utf-8")
    (src / crash_name).write_text("BOOM 坡头镇", encoding="utf-8")
    return src, out, before


def journal_graphs(out):
    lines = (out / "cache" / "store-journal.log").read_text("utf-8").splitlines()
    return sorted(line.split(" ")[1] for line in lines)


@pytest.fixture
def oxigraph_stages():
    return fakes.fake_stages(store="oxigraph")


def test_bulk_and_per_report_loading_give_the_same_store(tmp_path, monkeypatch, oxigraph_stages):
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    chosen = []
    choose = storing.StoreWriter.choose

    def spy(self, pending, total, **processing):
        chosen.append(choose(self, pending, total, **processing))
        return chosen[-1]

    monkeypatch.setattr(storing.StoreWriter, "choose", spy)
    assert len(MANY) >= storing.BULK_MIN_GRAPHS
    bulk = run(src, tmp_path / "bulk", stages=oxigraph_stages)
    monkeypatch.setattr(storing, "BULK_MIN_GRAPHS", 10 ** 6)
    each = run(src, tmp_path / "each", stages=oxigraph_stages)
    assert chosen == [True, False]
    assert len(bulk.reports) == len(each.reports) == len(MANY)
    assert store_state(tmp_path / "bulk") == store_state(tmp_path / "each")
    graphs, count, _ = store_state(tmp_path / "bulk")
    assert graphs == sorted(r["graph"] for r in bulk.reports) and count == bulk.quads
    assert journal_graphs(tmp_path / "bulk") == graphs
    assert not list((tmp_path / "bulk").glob(".store-*"))


def test_bulk_loading_in_small_batches_gives_the_same_store(tmp_path, monkeypatch, oxigraph_stages):
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    run(src, tmp_path / "one", stages=oxigraph_stages)
    calls = []
    bulk_load = Store.bulk_load

    def counting(self, chunks):
        calls.append(1)
        return bulk_load(self, chunks)

    monkeypatch.setattr(Store, "bulk_load", counting)
    monkeypatch.setattr(storing, "BULK_BATCH_BYTES", 1)  # one report per call
    result = run(src, tmp_path / "many", stages=oxigraph_stages)
    assert len(calls) == len(result.reports) == len(MANY)
    assert store_state(tmp_path / "many") == store_state(tmp_path / "one")


def test_an_incremental_run_after_a_bulk_build_updates_graphs_in_place(tmp_path, oxigraph_stages):
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    out = tmp_path / "out"
    first = run(src, out, stages=oxigraph_stages)
    (src / "月浦镇2020-0.txt").write_text("月浦镇2020年法治政府建设工作报告\n一、改了\n《宪法》。\n", "utf-8")
    (src / "坡头镇2021-1.txt").unlink()
    second = run(src, out, stages=oxigraph_stages)
    assert second.processed == 1
    graphs, count, _ = store_state(out)
    assert graphs == sorted(r["graph"] for r in second.reports) != sorted(r["graph"] for r in first.reports)
    assert count == second.quads
    assert journal_graphs(out) == graphs


def test_rebuild_replaces_the_store_and_keeps_it_consistent(tmp_path, oxigraph_stages):
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    out = tmp_path / "out"
    run(src, out, stages=oxigraph_stages)
    before = store_state(out)
    again = run(src, out, stages=oxigraph_stages, rebuild=True)
    assert again.processed == len(MANY)
    assert store_state(out) == before


@pytest.mark.parametrize("empty_store_made_since", [False, True])
def test_a_kill_between_the_renames_puts_the_old_store_back(tmp_path, oxigraph_stages,
                                                            empty_store_made_since):
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    out = tmp_path / "out"
    run(src, out, stages=oxigraph_stages)
    before = store_state(out)
    # what a kill after "store -> .store-old-x" and before ".store-new-y -> store" leaves
    (out / "store").rename(out / ".store-old-x")
    if empty_store_made_since:
        (out / "store").mkdir()
    (out / ".store-new-y").mkdir()
    (out / ".store-new-y" / "half-written").write_bytes(b"\0")
    result = run(src, out, stages=oxigraph_stages)
    assert result.processed == 0 and result.exit_code == 0
    assert store_state(out) == before
    assert not list(out.glob(".store-*"))


def test_a_bulk_load_failure_leaves_the_old_store_and_names_no_report(tmp_path, monkeypatch,
                                                                      oxigraph_stages):
    """A report whose N-Quads the store refuses fails alone; the other graphs are loaded."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    out = tmp_path / "out"
    real_read = storing.ReportCache.read
    victim = []

    def read(self, sha, kind):
        data = real_read(self, sha, kind)
        if kind == "nq" and (not victim or victim[0] == sha):
            victim[:1] = [sha]
            return data + b"<not an iri> broken .\n"
        return data

    monkeypatch.setattr(storing.ReportCache, "read", read)
    result = run(src, out, stages=oxigraph_stages)
    assert [f["reason"].startswith("cannot store its graph") for f in result.failures] == [True]
    assert len(result.reports) == len(MANY) - 1
    graphs, count, _ = store_state(out)
    assert graphs == sorted(r["graph"] for r in result.reports)
    assert count == result.quads
    # the corpus files, first written while the store loaded, were written again without it
    in_trig = {graph_name(q.graph_name) for q in ox.parse(path=str(out / "kg.trig"), format=ox.RdfFormat.TRIG)}
    assert sorted(in_trig) == graphs


@pytest.mark.parametrize("batch_bytes", [storing.BULK_BATCH_BYTES, 1])
def test_a_build_that_stops_leaves_the_old_store_and_no_new_one(tmp_path, monkeypatch, oxigraph_stages,
                                                                batch_bytes):
    monkeypatch.setattr(storing, "BULK_BATCH_BYTES", batch_bytes)  # 1: graphs loaded as they come
    src, out, before = built_then_all_changed(tmp_path, oxigraph_stages, "zz_crash.txt")
    stopped = run(src, out, stages=oxigraph_stages, strict=True)
    assert stopped.aborted
    assert store_state(out) == before
    assert not list(out.glob(".store-*"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_bulk_batches_load_in_the_background_while_reports_are_processed(tmp_path, monkeypatch,
                                                                          oxigraph_stages, jobs):
    """Batches go to the loader thread during processing, not all after it; the store is
    the same as one loaded in a single call."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    run(src, tmp_path / "one", stages=oxigraph_stages)
    events = []
    submit, rebuild = storing.StoreWriter._submit, storing.StoreWriter.rebuild

    def spy_submit(self):
        events.append("submit")
        return submit(self)

    def spy_rebuild(self, entries):
        events.append("rebuild")
        return rebuild(self, entries)

    monkeypatch.setattr(storing.StoreWriter, "_submit", spy_submit)
    monkeypatch.setattr(storing.StoreWriter, "rebuild", spy_rebuild)
    monkeypatch.setattr(storing, "BULK_BATCH_BYTES", 1)
    result = run(src, tmp_path / "streamed", stages=oxigraph_stages, jobs=jobs)
    assert len(result.reports) == len(MANY) and not result.failures
    during = events[:events.index("rebuild")]
    # before the second report nothing is submitted (a fork may follow the first)
    assert len(during) >= len(MANY) - 2
    assert store_state(tmp_path / "streamed") == store_state(tmp_path / "one")
    assert not list((tmp_path / "streamed").glob(".store-*"))


def test_a_loader_thread_error_reaches_the_build(tmp_path, monkeypatch, oxigraph_stages):
    """An unexpected error in the background loader is raised by the build, and the old
    store stays."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    out = tmp_path / "out"
    run(src, out, stages=oxigraph_stages)
    before = store_state(out)

    def broken(self, batch):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(storing.StoreWriter, "_load_batch", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run(src, out, stages=oxigraph_stages, rebuild=True)
    assert store_state(out) == before
    assert not list(out.glob(".store-*"))


def test_batches_stay_bounded_when_streaming_never_started(tmp_path, monkeypatch, oxigraph_stages):
    """Graphs taken before streaming starts are still loaded a batch at a time."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    run(src, tmp_path / "one", stages=oxigraph_stages)
    sizes = []
    load_batch = storing.StoreWriter._load_batch

    def spy(self, batch):
        sizes.append(len(batch.items))  # sealed before loading: streaming never started
        return load_batch(self, batch)

    monkeypatch.setattr(storing.StoreWriter, "start_streaming", lambda self: None)
    monkeypatch.setattr(storing.StoreWriter, "_load_batch", spy)
    monkeypatch.setattr(storing, "BULK_BATCH_BYTES", 1)
    run(src, tmp_path / "late", stages=oxigraph_stages)
    assert sizes == [1] * len(MANY)
    assert store_state(tmp_path / "late") == store_state(tmp_path / "one")


def spy_calls(monkeypatch):
    """Lists filled as the bulk calls run: their batches, in call order, and the (sha, graph)
    pairs in the order the calls read them."""
    calls, pulled = [], []
    stream = storing._Batch.stream

    def spy_stream(self, stopping):
        if all(call is not self for call in calls):  # two calls can read at once after processing
            calls.append(self)
        for item in stream(self, stopping):
            pulled.append(item)
            yield item

    monkeypatch.setattr(storing._Batch, "stream", spy_stream)
    return calls, pulled


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def test_a_batch_call_reads_each_report_as_it_joins_the_batch(tmp_path, monkeypatch, oxigraph_stages):
    """Once streaming, the bulk call of a batch starts with its first report and takes each
    report while the batch is still filling; one call per batch, in order, bounded in bytes."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    run(src, tmp_path / "one", stages=oxigraph_stages)
    sizes = sorted(p.stat().st_size for p in (tmp_path / "one" / "cache").rglob("*.nq"))
    assert len(sizes) == len(MANY)
    monkeypatch.setattr(storing, "BULK_BATCH_BYTES", sum(sizes) // 3)  # three or four batches
    calls, pulled = spy_calls(monkeypatch)
    checks = []  # per report added to a batch still filling: read by the call before the next one?
    events = []
    rebuild = storing.StoreWriter.rebuild
    enqueue = storing.StoreWriter._enqueue

    def spy_enqueue(self, sha, graph):
        if (sha, graph) in self._queued:
            return enqueue(self, sha, graph)
        enqueue(self, sha, graph)
        if self._streaming and self._batch is not None:  # not full: the batch is still filling
            checks.append(wait_for(lambda: (sha, graph) in pulled))
            events.append("read")

    def spy_rebuild(self, entries):
        events.append("rebuild")
        return rebuild(self, entries)

    monkeypatch.setattr(storing.StoreWriter, "_enqueue", spy_enqueue)
    monkeypatch.setattr(storing.StoreWriter, "rebuild", spy_rebuild)
    result = run(src, tmp_path / "streamed", stages=oxigraph_stages, jobs=1)
    assert len(result.reports) == len(MANY) and not result.failures
    assert checks and all(checks)
    assert events.index("rebuild") >= len(MANY) // 2  # reports were read during processing
    assert 3 <= len(calls) <= 4
    assert [item for batch in calls for item in batch.items] == pulled  # one call per batch, in order
    limit = storing.BULK_BATCH_BYTES
    assert all(batch.bytes >= limit for batch in calls[:-1])  # sealed when full ...
    assert all(batch.bytes < limit + max(sizes) for batch in calls)  # ... by the report that filled it
    assert store_state(tmp_path / "streamed") == store_state(tmp_path / "one")
    assert not list((tmp_path / "streamed").glob(".store-*"))


def test_a_call_refused_while_its_batch_fills_reloads_the_whole_batch(tmp_path, monkeypatch,
                                                                      oxigraph_stages):
    """A bulk call that refuses its input while reports are still joining its batch: the
    batch, with the reports added after the refusal, is loaded one report at a time."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    run(src, tmp_path / "one", stages=oxigraph_stages)
    events = []
    bulk_load, rebuild = Store.bulk_load, storing.StoreWriter.rebuild

    def refusing(self, chunks):
        if "refused" not in events:
            next(iter(chunks))
            events.append("refused")
            raise storing.GovKGError("the bulk load refused its N-Quads")
        return bulk_load(self, chunks)

    def spy_rebuild(self, entries):
        events.append("rebuild")
        return rebuild(self, entries)

    def spy_enqueue(self, sha, graph):
        enqueue(self, sha, graph)
        if self._streaming and self._batch is not None:  # the batch is filling: let the call read
            wait_for(lambda: "refused" in events)

    enqueue = storing.StoreWriter._enqueue
    monkeypatch.setattr(Store, "bulk_load", refusing)
    monkeypatch.setattr(storing.StoreWriter, "rebuild", spy_rebuild)
    monkeypatch.setattr(storing.StoreWriter, "_enqueue", spy_enqueue)
    result = run(src, tmp_path / "out", stages=oxigraph_stages, jobs=1)
    assert events == ["refused", "rebuild"]  # refused during processing, with one batch
    assert len(result.reports) == len(MANY) and not result.failures
    assert store_state(tmp_path / "out") == store_state(tmp_path / "one")
    assert not list((tmp_path / "out").glob(".store-*"))


def test_a_strict_build_stopped_while_a_call_waits_for_input_ends_promptly(tmp_path, monkeypatch,
                                                                          oxigraph_stages):
    """The bulk call is waiting for the batch's next report when --strict stops the build:
    the call ends, the build returns at once, the old store stays and the new one is gone."""
    src, out, before = built_then_all_changed(tmp_path, oxigraph_stages, "龥_crash.txt")  # sorts last
    _, pulled = spy_calls(monkeypatch)
    waiting, closing = [], []
    close = storing.StoreWriter.close

    def spy_close(self):
        if self._loader is not None:  # the build stops with a call running
            waiting.append(wait_for(lambda: len(pulled) == len(self._queued)))
            started = time.monotonic()
            close(self)
            closing.append(time.monotonic() - started)
        else:
            close(self)

    monkeypatch.setattr(storing.StoreWriter, "close", spy_close)
    results = []
    builder = threading.Thread(target=lambda: results.append(
        run(src, out, stages=oxigraph_stages, strict=True, jobs=1)), daemon=True)
    builder.start()
    builder.join(timeout=60)
    assert not builder.is_alive(), "the build hangs"
    assert results and results[0].aborted
    assert waiting == [True] and len(pulled) == len(MANY)  # the call read them all and waited
    assert closing[0] < 10
    assert store_state(out) == before
    assert not list(out.glob(".store-*"))


def spy_batches(monkeypatch):
    """Lists filled during a build: the batches in the order they go to the loader, and the
    (sha, graph) pairs in the order they are queued."""
    submitted, queued = [], []
    submit, enqueue = storing._BackgroundLoader.submit, storing.StoreWriter._enqueue

    def spy_submit(self, batch):
        submitted.append(batch)
        return submit(self, batch)

    def spy_enqueue(self, sha, graph):
        if (sha, graph) not in self._queued:
            queued.append((sha, graph))
        return enqueue(self, sha, graph)

    monkeypatch.setattr(storing._BackgroundLoader, "submit", spy_submit)
    monkeypatch.setattr(storing.StoreWriter, "_enqueue", spy_enqueue)
    return submitted, queued


def test_the_last_reports_get_smaller_and_smaller_calls_of_their_own(tmp_path, monkeypatch,
                                                                     oxigraph_stages):
    """New bulk calls start after all but the last shares of the reports (a half and a quarter
    here), so that each call's work after its input ends overlaps with the processing of the
    next call's reports; shares below the minimum get no call of their own."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    submitted, queued = spy_batches(monkeypatch)
    assert all(len(MANY) // share < storing.LAST_CALL_MIN_GRAPHS for share in storing.LAST_CALLS)
    run(src, tmp_path / "one", stages=oxigraph_stages)
    assert [len(batch.items) for batch in submitted] == [len(MANY)]

    submitted.clear(), queued.clear()
    monkeypatch.setattr(storing, "LAST_CALLS", (2, 4, len(MANY)))
    monkeypatch.setattr(storing, "LAST_CALL_MIN_GRAPHS", 2)
    result = run(src, tmp_path / "split", stages=oxigraph_stages, jobs=1, rebuild=True)
    assert len(result.reports) == len(MANY) and not result.failures
    n = len(MANY)
    assert [len(batch.items) for batch in submitted] == [n - n // 2, n // 2 - n // 4, n // 4]
    assert [item for batch in submitted for item in batch.items] == queued  # in processing order
    assert store_state(tmp_path / "split") == store_state(tmp_path / "one")

    submitted.clear(), queued.clear()  # the store lost, every graph from the cache: one call
    shutil.rmtree(tmp_path / "split" / "store")
    result = run(src, tmp_path / "split", stages=oxigraph_stages, jobs=1)
    assert result.processed == 0 and result.cached == len(MANY)
    assert [len(batch.items) for batch in submitted] == [len(MANY)]
    assert store_state(tmp_path / "split") == store_state(tmp_path / "one")


def test_after_processing_the_calls_not_started_run_beside_the_running_one(tmp_path, monkeypatch,
                                                                          oxigraph_stages):
    """While reports are processed one loader thread runs the calls; once processing is over a
    second one takes the batches not started yet, beside the call still running."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    run(src, tmp_path / "one", stages=oxigraph_stages)
    monkeypatch.setattr(storing, "BULK_BATCH_BYTES", 1)  # a call per report
    started, over, beside = threading.Event(), threading.Event(), threading.Event()
    lanes, waited = [], []
    load_batch, queue_rest = storing.StoreWriter._load_batch, storing.StoreWriter.queue_rest

    def spy_load(self, batch):
        lanes.append((threading.current_thread().name, over.is_set()))
        started.set()
        if len(lanes) == 1:  # the first call lasts until another one runs beside it
            waited.append(beside.wait(timeout=20))
        else:
            beside.set()
        return load_batch(self, batch)

    def spy_queue_rest(self, entries):  # processing is over once the first call runs
        started.wait(timeout=20)
        over.set()
        return queue_rest(self, entries)

    monkeypatch.setattr(storing.StoreWriter, "_load_batch", spy_load)
    monkeypatch.setattr(storing.StoreWriter, "queue_rest", spy_queue_rest)
    result = run(src, tmp_path / "lanes", stages=oxigraph_stages, jobs=1, rebuild=True)
    assert len(result.reports) == len(MANY) and not result.failures
    assert lanes[0] == ("govkg-store-loader", False) and waited == [True]
    second = [seen for name, seen in lanes if name == "govkg-store-loader-2"]
    assert second and all(second)  # the second thread only after processing
    assert len(lanes) == len(MANY)
    assert store_state(tmp_path / "lanes") == store_state(tmp_path / "one")


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs CPU affinity (Linux) and two CPUs")
def test_widening_gives_the_loaders_threads_every_cpu():
    """The threads confined to the loader's CPUs (the loader's own and those it started) get
    every CPU of the process; other threads keep theirs."""
    every = os.sched_getaffinity(0)
    cpus, other = {max(every)}, {min(every)}
    release, ready, seen = threading.Event(), threading.Barrier(4), {}

    def child(name):
        seen[name] = threading.get_native_id()
        ready.wait()
        release.wait(timeout=20)

    def loader():
        storing._confine(cpus)
        threading.Thread(target=child, args=("started by the loader",)).start()
        child("loader")

    def bystander():
        os.sched_setaffinity(threading.get_native_id(), other)
        child("bystander")

    threads = [threading.Thread(target=loader), threading.Thread(target=bystander)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=20)
    try:
        assert os.sched_getaffinity(seen["started by the loader"]) == cpus
        storing._widen(cpus, every)
        assert os.sched_getaffinity(seen["loader"]) == every
        assert os.sched_getaffinity(seen["started by the loader"]) == every
        assert os.sched_getaffinity(seen["bystander"]) == other
        assert os.sched_getaffinity(0) == every
    finally:
        release.set()
        for thread in threads:
            thread.join()


def test_the_corpus_files_are_written_while_the_store_finishes_loading(tmp_path, monkeypatch,
                                                                       oxigraph_stages):
    """The last bulk call has read its input when the corpus files are assembled; the store is
    swapped in after both."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    out = tmp_path / "out"
    written_meanwhile = []
    load_batch = storing.StoreWriter._load_batch

    def spy(self, batch):
        load_batch(self, batch)
        written_meanwhile.append(wait_for(lambda: (out / "kg.trig").exists(), seconds=10))
        assert list(out.glob(".store-new-*"))  # not swapped in yet

    monkeypatch.setattr(storing.StoreWriter, "_load_batch", spy)
    result = run(src, out, stages=oxigraph_stages)
    assert len(result.reports) == len(MANY) and not result.failures
    assert written_meanwhile == [True]
    graphs, count, _ = store_state(out)
    assert graphs == sorted(r["graph"] for r in result.reports) and count == result.quads


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's")
@pytest.mark.parametrize("jobs", [1, 2])
def test_the_loader_thread_opens_the_new_store_on_the_cpus_the_workers_leave(tmp_path, monkeypatch,
                                                                           oxigraph_stages, jobs):
    """The bulk load keeps off the CPUs the report processing needs: its thread (and so the
    threads Oxigraph starts from it, for the store it opens there) runs on the last CPUs the
    workers leave, at least one."""
    src = write_corpus(tmp_path / "in", MANY, bad=False)
    seen, opened = {}, threading.Event()
    open_new, queue_rest = storing.StoreWriter._open_new, storing.StoreWriter.queue_rest
    allowed = sorted(os.sched_getaffinity(0))

    def spy_open(self):
        seen["opened in"] = threading.current_thread().name
        seen["loader cpus"] = os.sched_getaffinity(threading.get_native_id())
        opened.set()
        return open_new(self)

    def spy_queue_rest(self, entries):  # processing is over once the store is open
        opened.wait(timeout=20)
        return queue_rest(self, entries)

    monkeypatch.setattr(storing.StoreWriter, "_open_new", spy_open)
    monkeypatch.setattr(storing.StoreWriter, "queue_rest", spy_queue_rest)
    result = run(src, tmp_path / "out", stages=oxigraph_stages, jobs=jobs)
    assert len(result.reports) == len(MANY) and not result.failures
    assert seen["opened in"] == "govkg-store-loader"
    assert seen["loader cpus"] == set(allowed[-max(1, len(allowed) - jobs):])
    assert os.sched_getaffinity(0) == set(allowed)  # the building thread is not confined
    graphs, count, _ = store_state(tmp_path / "out")
    assert graphs == sorted(r["graph"] for r in result.reports) and count == result.quads


def test_loader_cpus_are_those_the_workers_leave(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5, 6, 7}, raising=False)
    assert storing.loader_cpus(1) == {1, 2, 3, 4, 5, 6, 7}
    assert storing.loader_cpus(6) == {6, 7}
    assert storing.loader_cpus(8) == storing.loader_cpus(16) == {7}
    monkeypatch.delattr(os, "sched_getaffinity")
    assert storing.loader_cpus(1) is None


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs CPU affinity (Linux) and two CPUs")
def test_a_loader_widened_before_its_thread_runs_is_not_confined():
    """Processing can end before the loader's first thread confines itself: it then stays
    on every CPU."""
    every, seen = os.sched_getaffinity(0), []
    loader = storing._BackgroundLoader(
        lambda batch: None, start=lambda: seen.append(os.sched_getaffinity(threading.get_native_id())),
        cpus={max(every)}, lanes=2)
    loader.widen()
    loader.start()
    loader.finish()
    assert seen == [every]
