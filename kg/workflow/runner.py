"""``kg build``: reports in, knowledge graph out — parallel, incremental, atomic.

1. find the report files, hash them, set duplicate content aside;
2. look each report up in the cache (content hash × pipeline fingerprint);
3. process the others (here, in forked workers, or on Dask), streaming each
   result into the cache and into the store (one transaction per report);
4. drop the store graphs of reports that are gone;
5. assemble kg.trig / kg.ttl / kg.jsonld from the cache in graph-IRI order
   (while a fresh store's last bulk call finishes), copy the ontology, write
   summary.json and failures.json — all atomically.

A killed build leaves the previous outputs in place and a cache the next run
picks up from.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from kg import io, settings
from kg.cache import ReportCache, StoreJournal, fingerprint
from kg.errors import ConfigError, GovKGError
from kg.workflow import assemble, storing
from kg.workflow.discover import DEFAULT_MAX_BYTES, discover
from kg.workflow.early import EarlyAssembly
from kg.workflow.executors import run_dask, run_processes, run_serial
from kg.workflow.progress import BuildProgress
from kg.workflow.stages import Stages, default_stages
from kg.workflow.storing import StoreWriter
from kg.workflow.unit import ReportInput

__all__ = ["build", "BuildResult", "EXIT_OK", "EXIT_FAILURES", "EXECUTORS"]

#: Exit status of ``kg build`` when every report was built.
EXIT_OK = 0
#: Exit status when some reports failed (they are listed, the rest were built),
#: or when ``--strict`` stopped at the first failure.
EXIT_FAILURES = 3

EXECUTORS = ("process", "local", "dask")


@dataclass
class BuildResult:
    """What a build did; ``summary.json`` holds the same figures."""

    out_dir: Path
    reports: list[dict] = field(default_factory=list)  # summaries of built reports, by name
    failures: list[dict] = field(default_factory=list)  # path, name, kind, reason, fix
    duplicates: list[dict] = field(default_factory=list)
    same_government_year: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)  # distinct entities per type
    triples: int = 0  # in the union graph (kg.ttl)
    quads: int = 0  # in kg.trig
    processed: int = 0  # reports run through the pipeline this time
    cached: int = 0  # reports taken from the cache
    chars: int = 0  # characters of cleaned text processed this time
    seconds: float = 0.0
    aborted: bool = False  # --strict stopped the build
    outputs: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILURES if (self.failures or self.aborted) else EXIT_OK

    def to_json(self) -> dict:
        return {
            "reports": self.reports,
            "failures": self.failures,
            "duplicates": self.duplicates,
            "same_government_year": self.same_government_year,
            "skipped": self.skipped,
            "totals": {
                "reports": len(self.reports),
                "failed": len(self.failures),
                "duplicates": len(self.duplicates),
                "processed": self.processed,
                "cached": self.cached,
                "entities": self.entities,
                "triples": self.triples,
                "quads": self.quads,
                "seconds": round(self.seconds, 3),
            },
            "aborted": self.aborted,
            "pipeline_version": settings.PIPELINE_VERSION,
        }


def _clean_leftovers(out: Path) -> None:
    io.remove_stale_temps(out)
    io.remove_stale_temps(out / "ontology", recursive=True)
    storing.recover(out)
    for stale in out.glob(".merge-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _flag_same_government_year(reports: list[dict]) -> list[dict]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for summary in reports:
        if summary.get("government") and summary.get("year"):
            groups[(summary["government"], summary["year"])].append(summary)
    flagged = []
    for (government, year), members in sorted(groups.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        if len(members) < 2:
            continue
        names = sorted(m["name"] for m in members)
        for member in members:
            others = [n for n in names if n != member["name"]]
            member.setdefault("flags", []).append(
                f"same government and year as {', '.join(others)}")
        flagged.append({"government": government, "year": year, "reports": names})
    return flagged


def build(paths: Optional[Iterable[Any]] = None, out_dir: Any = settings.DEFAULT_OUTPUT, *,
          jobs: int = 1, rebuild: bool = False, strict: bool = False, executor: str = "process",
          scheduler: Optional[str] = None, progress: bool = True, stages: Optional[Stages] = None,
          max_bytes: int = DEFAULT_MAX_BYTES, console: Any = None,
          dask_client_factory: Any = None) -> BuildResult:
    """Build the knowledge graph of ``paths`` (files or folders) into ``out_dir``.

    With no ``paths`` the sample reports bundled with GovKG are built.  A bad
    report never stops the build (unless ``strict``): it is listed in
    ``result.failures`` with the reason and the fix.

    >>> result = build(["reports/"], "output", jobs=2)   # doctest: +SKIP
    >>> result.exit_code, len(result.reports), result.triples   # doctest: +SKIP
    (0, 5, 12345)
    """
    started = time.perf_counter()
    if executor not in EXECUTORS:
        raise ConfigError(f"unknown executor {executor!r}: use one of {', '.join(EXECUTORS)}")
    if jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, not {jobs}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out)
    stages = stages or default_stages()
    prefixes = dict(stages.prefixes)
    result = BuildResult(out_dir=out)

    found = discover(list(paths) if paths is not None else settings.sample_paths(),
                     max_bytes=max_bytes)
    result.duplicates, result.skipped = found.duplicates, found.skipped
    failures = list(found.failures)

    cache = ReportCache(out / "cache", fingerprint(
        dict(stages.fingerprint_extra) | {"prefixes": repr(sorted(prefixes.items())),
                                          "base": repr(stages.base_iri)},
        sources=stages.fingerprint_sources))
    summaries: dict[str, dict] = {}  # sha -> summary of a built report
    todo: list[ReportInput] = []
    for item in found.reports:
        summary = None if rebuild else cache.get(item.sha256, item.name)
        if summary is None:
            todo.append(item)
        else:
            summaries[item.sha256] = dict(summary, path=item.path)
    result.cached = len(summaries)

    shared: Optional[int] = None  # shared triples of the corpus files, once written
    early: Optional[EarlyAssembly] = None  # the corpus files, written while reports are processed
    journal = StoreJournal(out / "cache" / "store-journal.log")
    writer = StoreWriter(out, stages.open_store, cache, journal, workers=jobs)

    def add_built(sha: str, summary: dict) -> bool:
        try:
            writer.add(sha, summary)
        except (GovKGError, SyntaxError) as err:  # N-Quads the store refuses: this report only
            failures.append({"path": summary["path"], "name": summary["name"], "kind": "pipeline",
                             "reason": f"cannot store its graph: {err}", "fix": ""})
            summaries.pop(sha, None)
            if early is not None:
                early.drop(sha)
            return False
        if early is not None:
            early.ready(sha)
        return True

    try:
        if strict and failures:
            todo = []
            result.aborted = True
        pending = sum(writer.needs_load(sha, s) for sha, s in summaries.items()) + len(todo)
        writer.choose(pending, len(summaries) + len(todo), processing=len(todo))
        for sha in sorted(summaries):
            add_built(sha, summaries[sha])
        early = _start_early(out, cache, stages, summaries, todo, prefixes)

        outcomes = _run(todo, executor=executor, jobs=jobs, scheduler=scheduler, stages=stages,
                        prefixes=prefixes, cache=cache, client_factory=dask_client_factory)
        tracker = BuildProgress(len(todo), cached=result.cached, enabled=progress and bool(todo),
                                console=console)
        with tracker:
            for seen, outcome in enumerate(outcomes, 1):
                tracker.advance(outcome)
                if seen == 2:  # worker processes have been forked by now (see run_processes)
                    writer.start_streaming()
                if outcome.ok:
                    summary = dict(outcome.summary, path=outcome.item.path)
                    if early is not None and early.predicted(outcome.item.sha256) != summary["graph"]:
                        early.abort()  # the files are written here after all
                    summaries[outcome.item.sha256] = summary
                    result.processed += 1
                    result.chars += summary.get("chars", 0)
                    if not add_built(outcome.item.sha256, summary) and strict:
                        result.aborted = True
                        break
                else:
                    failures.append(dict(outcome.error, path=outcome.item.path,
                                         name=outcome.item.name))
                    if early is not None:
                        early.drop(outcome.item.sha256)
                    if strict:
                        result.aborted = True
                        break
            if result.aborted and hasattr(outcomes, "close"):
                outcomes.close()  # stops the workers

        if not result.aborted and writer.bulk:
            entries = sorted(summaries.items(), key=lambda kv: kv[1]["graph"])
            writer.queue_rest(entries)
            # The corpus files are written while the store's last call finishes (Oxigraph
            # does most of a call's work after its input ends); written again in the rare
            # case that the store refuses a report's graph.
            shared = _corpus_files(out, cache, summaries, prefixes, stages.base_iri, early)
            for failed in writer.rebuild(entries):
                summary = summaries.pop(failed["sha256"])
                failures.append({"path": summary["path"], "name": summary["name"],
                                 "kind": "pipeline", "reason": failed["reason"], "fix": ""})
                shared = None
        if not result.aborted and shared is None:
            shared = _corpus_files(out, cache, summaries, prefixes, stages.base_iri, early)
        result.failures = sorted(failures, key=lambda f: (f["name"], f["path"]))
        if result.aborted:
            io.write_json(out / "failures.json", result.failures)
            result.seconds = time.perf_counter() - started
            return result
        writer.drop_others({s["graph"] for s in summaries.values()})
        journal.compact()
    finally:
        if early is not None:
            early.abort()  # unless committed: the old files stay
        journal.close()
        writer.close()

    ordered = sorted(summaries, key=lambda sha: summaries[sha]["graph"])
    result.triples = shared + sum(summaries[sha].get("triples", 0)
                                  - summaries[sha].get("shared_triples", 0) for sha in ordered)
    assemble.copy_ontology(stages.ontology_dir, out / "ontology")
    cache.prune(keep=summaries)

    entity_ids: dict[str, set] = defaultdict(set)
    reports = []
    for sha in ordered:
        summary = dict(summaries[sha])
        for kind, ids in summary.pop("entity_ids", {}).items():
            entity_ids[kind].update(ids)
        summary.pop("artifact_sizes", None)
        reports.append(summary)
        result.quads += summary.get("triples", 0)
    result.reports = sorted(reports, key=lambda s: (s["name"], s["sha256"]))
    result.entities = {kind: len(ids) for kind, ids in sorted(entity_ids.items())}
    result.same_government_year = _flag_same_government_year(result.reports)
    result.seconds = time.perf_counter() - started
    result.outputs = ["kg.trig", "kg.ttl", "kg.jsonld", "ontology/", "summary.json", "failures.json"]
    if stages.open_store is not None:
        result.outputs.append("store/")
    io.write_json(out / "failures.json", result.failures)
    io.write_json(out / "summary.json", result.to_json())
    return result


def _corpus_files(out: Path, cache: ReportCache, summaries: dict[str, dict], prefixes: dict[str, str],
                  base: Optional[str], early: Optional[EarlyAssembly] = None) -> int:
    """kg.trig, kg.ttl and kg.jsonld of the reports in ``summaries`` (sha -> summary), unless
    the files on disk were made from exactly these cache entries; returns the number of
    shared triples.  ``early``'s files are taken when they are these files."""
    ordered = sorted(summaries, key=lambda sha: summaries[sha]["graph"])
    made_from = [cache.key(sha, summaries[sha]["name"]) for sha in ordered]
    shared = assemble.unchanged_outputs(out, made_from, prefixes)
    if shared is not None:
        if early is not None:
            early.abort()
        return shared
    # Something changed: assemble the corpus files again.
    assemble.forget_outputs(out)  # a kill while rewriting must not look "unchanged"
    shared = early.commit(made_from) if early is not None else None
    if shared is None:
        shared = assemble.write_corpus_files(out, cache, ordered, prefixes, base=base)
    assemble.record_outputs(out, made_from, prefixes, shared)
    return shared


def _start_early(out: Path, cache: ReportCache, stages: Stages, summaries: dict[str, dict],
                 todo: Sequence[ReportInput], prefixes: dict[str, str]) -> Optional[EarlyAssembly]:
    """Start writing the corpus files now, when the reports' order is known in advance
    and the files will change."""
    if not todo or stages.report_graph_iri is None:
        return None
    graphs = {sha: summary["graph"] for sha, summary in summaries.items()}
    names = {sha: summary["name"] for sha, summary in summaries.items()}
    for item in todo:
        graphs[item.sha256] = stages.report_graph_iri(item.sha256)
        names[item.sha256] = item.name
    if len(set(graphs.values())) != len(graphs):  # two reports would share a graph
        return None
    ordered = sorted(graphs, key=graphs.__getitem__)
    made_from = [cache.key(sha, names[sha]) for sha in ordered]
    if assemble.unchanged_outputs(out, made_from, prefixes) is not None:
        return None  # --rebuild of the same reports: the files stay as they are
    return EarlyAssembly.start(out, cache, ordered, made_from, {item.sha256 for item in todo},
                               prefixes, graphs, stages.base_iri)


def _run(items: Sequence[ReportInput], *, executor: str, jobs: int, scheduler: Optional[str],
         stages: Stages, prefixes: dict, cache: ReportCache, client_factory: Any):
    """The outcomes of processing ``items`` with the chosen executor (a generator)."""
    if not items:
        return iter(())
    if executor == "dask":
        return run_dask(items, jobs=jobs, stages=stages, prefixes=prefixes, cache=cache,
                        scheduler=scheduler, client_factory=client_factory)
    nlp = _load_pipeline(stages)  # once, before forking: the workers share it
    if jobs == 1 or len(items) == 1:
        return run_serial(items, stages=stages, nlp=nlp, prefixes=prefixes, cache=cache)
    return run_processes(items, jobs=min(jobs, len(items)), stages=stages, nlp=nlp,
                         prefixes=prefixes, cache=cache)


def _load_pipeline(stages: Stages) -> Any:
    """The loaded pipeline.  The garbage collector is off meanwhile: loading creates
    millions of objects that all live as long as the build, and the collector's passes over
    them took 15 % of the load (median of 5 loads: 1.63 s with it, 1.39 s without)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return stages.load_pipeline()
    finally:
        if enabled:
            gc.enable()
