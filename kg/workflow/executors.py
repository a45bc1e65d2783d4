"""Ways to run the unit of work over many reports: in this process, in forked
worker processes, or on a Dask cluster.  Each yields :class:`Outcome` objects as
reports finish (in any order: the outputs are assembled in sorted order later).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

from kg.cache import ReportCache
from kg.errors import MissingDependency
from kg.workflow.unit import Outcome, ReportInput, error_record, process_report

__all__ = ["run_serial", "run_processes", "run_dask"]

# Set in the parent before forking; the workers inherit it (copy-on-write), so
# the ~850 MB segmenter model is loaded once, not once per worker.
_STATE: dict[str, Any] = {}


def _store_in_cache(outcome: Outcome, cache: ReportCache) -> Outcome:
    if outcome.ok and outcome.artifacts is not None:
        try:
            outcome.summary = cache.put(outcome.item.sha256, outcome.summary, outcome.artifacts)
        except OSError as err:
            outcome.error = error_record(err, outcome.item.path)
            outcome.error["reason"] = f"cannot write the cache ({err})"
            outcome.error["fix"] = "check free disk space and permissions of the output folder"
        outcome.artifacts = None
    return outcome


def _work(item: ReportInput) -> Outcome:
    state = _STATE
    outcome = process_report(item, state["stages"], state["nlp"], state["prefixes"])
    return _store_in_cache(outcome, state["cache"])


def run_serial(items: Sequence[ReportInput], *, stages: Any, nlp: Any, prefixes: dict,
               cache: ReportCache) -> Iterator[Outcome]:
    """One report after the other, in this process."""
    _STATE.update(stages=stages, nlp=nlp, prefixes=prefixes, cache=cache)
    # The model (and, after the first report, the data it loaded lazily: gazetteer indexes,
    # lexicons) are millions of objects that live as long as the build: the garbage
    # collector's full passes would walk them all, again and again (1.5 s of 10 s for 60
    # reports).  Frozen, they are left alone.  Freezing the model before the first report
    # too makes that cold report 42 % cheaper (callgrind: 2,342 M -> 1,353 M instructions),
    # which is most of what an incremental run processes.
    gc.freeze()
    try:
        for i, item in enumerate(items):
            yield _work(item)
            if i == 0 and len(items) > 1:
                gc.collect()
                gc.freeze()
    finally:
        gc.unfreeze()
        _STATE.clear()


def run_processes(items: Sequence[ReportInput], *, jobs: int, stages: Any, nlp: Any,
                  prefixes: dict, cache: ReportCache) -> Iterator[Outcome]:
    """``jobs`` forked workers sharing the parent's loaded pipeline.

    Workers write their results to the cache themselves and send back only the
    small summaries, so the parent's memory does not grow with the corpus.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from run_serial(items, stages=stages, nlp=nlp, prefixes=prefixes, cache=cache)
        return
    _STATE.update(stages=stages, nlp=nlp, prefixes=prefixes, cache=cache)
    # The first report runs here, before the fork: the stages' lazily loaded
    # data (gazetteer, lexicons, ...) is then loaded once and shared too.
    gc.freeze()  # the model, as in run_serial
    pool = None
    try:
        yield _work(items[0])
        items = items[1:]
        if not items:
            return
        # Objects that exist now are never collected: the GC then leaves the
        # model's pages alone and they stay shared between the workers.
        gc.collect()
        gc.freeze()
        pool = multiprocessing.get_context("fork").Pool(processes=jobs)
        yield from pool.imap_unordered(_work, items, chunksize=1)
        pool.close()
        pool.join()
    finally:
        if pool is not None:
            pool.terminate()
        gc.unfreeze()
        _STATE.clear()


# -- Dask -------------------------------------------------------------------

_DASK_PIPELINES: dict[str, Any] = {}


def _dask_task(stages: Any, prefixes: dict, item: ReportInput, data: bytes) -> Outcome:
    """Runs on a Dask worker: the file's bytes travel, so workers need no shared disk."""
    key = repr(stages.load_pipeline)
    if key not in _DASK_PIPELINES:
        _DASK_PIPELINES[key] = stages.load_pipeline()
    with tempfile.TemporaryDirectory(prefix="govkg-") as folder:
        local = Path(folder) / item.name
        local.write_bytes(data)
        outcome = process_report(ReportInput(str(local), item.name, item.sha256, item.size),
                                 stages, _DASK_PIPELINES[key], prefixes)
    outcome.item = item
    if outcome.error and "detail" in outcome.error:
        outcome.error["detail"] = outcome.error["detail"].replace(str(local), item.path)
    return outcome


def run_dask(items: Sequence[ReportInput], *, jobs: int, stages: Any, prefixes: dict,
             cache: ReportCache, scheduler: Optional[str] = None,
             client_factory: Optional[Callable[[], Any]] = None) -> Iterator[Outcome]:
    """On a Dask cluster at ``scheduler`` (or a local one with ``jobs`` workers).

    At most ``2 × workers`` reports are in flight, so memory stays bounded.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as err:
        raise MissingDependency("dask.distributed", "pip install 'govkg[dask]'",
                                "--executor dask") from err
    cluster = None
    if client_factory is not None:
        client = client_factory()
    elif scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        window = 2 * workers
        pending = iter(items)
        running = as_completed()

        def submit_next() -> bool:
            item = next(pending, None)
            if item is None:
                return False
            try:
                data = Path(item.path).read_bytes()
            except OSError as err:
                running.add(client.submit(_failed, item, error_record(err, item.path), pure=False))
                return True
            running.add(client.submit(_dask_task, stages, prefixes, item, data,
                                      key=f"govkg-{item.sha256[:16]}-{os.getpid()}", pure=False))
            return True

        for _ in range(window):
            if not submit_next():
                break
        for future in running:
            outcome = future.result()
            future.release()
            yield _store_in_cache(outcome, cache)
            submit_next()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _failed(item: ReportInput, error: dict) -> Outcome:
    return Outcome(item, error=error)
