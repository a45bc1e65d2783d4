"""Throughput of ``kg build`` against the segmenter's own speed (issue 7).

Builds a corpus of ``--reports`` reports (default 1,000, at least ``--min-mb``
MB) by replicating the bundled samples and the corpus excerpts of
../shared/corpus/reports, each copy made distinct by a serial-number line at its
end; then measures, in one run:

1. the ceiling: characters/s of bare spaCy tokenisation (``nlp.make_doc``) with
   spacy-pkuseg and the pipeline's model and user dictionary (``chars_per_s``);
   for comparison, the same with GovKG's own segmenter, kg.nlp.segmenter, which
   the build uses (``own_chars_per_s``: the same words), and spacy-pkuseg with
   the plain model (``plain_chars_per_s``);
2. full ``kg build --rebuild`` at --jobs 1 and --jobs 2 (subprocesses, each into
   a new folder; wall time includes start-up and model loading), characters/s
   and the ratio to the ceiling, the speed-up at --jobs 2, and peak memory of
   the process tree (sum of PSS — shared pages counted once — and sum of RSS);
3. an incremental re-run after one report changed, and at once a second one after
   another report changed (``incremental_again``): the first comes after the other
   full build, when the host may have reclaimed the page cache (the model, the
   store and the cached pieces are then read back from disk; ``page_cache_mb``
   before each build is the kernel's ``Cached`` figure), the second shows the
   same work with them in memory (``machine.page_reclaim`` lists the kernel's DAMON
   page-out schemes: on the development machine, pages idle for 30 s are reclaimed);
4. the machine's load average around each step (os.getloadavg), and its speed
   right before and after each build (``probe_before``/``probe_after``: the
   ceiling's measure on 100k characters; the speed drifts by up to 2x within
   minutes, so ``ratio_to_adjacent_probe`` is the build against those).

``--rounds N`` repeats 1-3 N times, the --jobs order reversed every other
round, and prints the medians (``summary``).

``--profile N`` also profiles an in-process build of N reports with
pyinstrument and prints the top hotspots.

    .venv/bin/python bench/throughput.py --reports 50          # a quick look
    .venv/bin/python bench/throughput.py --json bench/last.json  # the full run
    .venv/bin/python bench/throughput.py --rounds 3              # medians of three
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("GOVKG_SHARED", REPO.parent / "shared"))


def source_reports() -> list[tuple[str, str]]:
    """(name, text) of the reports to replicate: samples first, then excerpts."""
    from kg.settings import sample_paths

    texts = [(p.stem, p.read_text("utf-8")) for p in sample_paths()]
    folder = SHARED / "corpus" / "reports"
    if folder.is_dir():
        seen = {name for name, _ in texts}
        for path in sorted(folder.glob("*.txt")):
            if path.stem not in seen:
                texts.append((path.stem, path.read_text("utf-8")))
    return texts


def make_corpus(folder: Path, reports: int, min_bytes: int) -> dict:
    """Write the corpus: at least ``reports`` files and ``min_bytes`` bytes."""
    sources = source_reports()
    samples = [s for s in sources if "_" in s[0]] or sources
    excerpts = [s for s in sources if "_" not in s[0]] or samples
    folder.mkdir(parents=True, exist_ok=True)
    written = chars = 0
    i = 0
    while i < reports or written < min_bytes:
        # three samples (~13 kB) then one web excerpt (~2 kB): ~10 kB a report
        if i % 4 == 3:
            name, text = excerpts[(i // 4) % len(excerpts)]
        else:
            name, text = samples[i % len(samples)]
        body = f"{text.rstrip()}\n\n（基准测试副本编号：{i:06d}）\n"
        path = folder / f"{i:06d}_{name}.txt"
        path.write_text(body, "utf-8")
        written += path.stat().st_size
        chars += len(body)
        i += 1
    return {"reports": i, "bytes": written, "chars": chars}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


DAMON_ADMIN = Path("/sys/kernel/mm/damon/admin/kdamonds")


def page_reclaim(root: Path = DAMON_ADMIN) -> list[dict]:
    """The kernel's DAMON page-out schemes, if any: pages idle for ``idle_s`` seconds are
    written out or dropped, so files not read for that long (the model, the store, the cached
    pieces) come back from disk.  On the development machine: 30 s."""
    found = []
    for kdamond in sorted(root.glob("[0-9]*")):
        try:
            if (kdamond / "state").read_text().strip() != "on":
                continue
            for context in sorted((kdamond / "contexts").glob("[0-9]*")):
                aggregation_us = int((context / "monitoring_attrs/intervals/aggr_us").read_text())
                for scheme in sorted((context / "schemes").glob("[0-9]*")):
                    action = (scheme / "action").read_text().strip()
                    min_age = int((scheme / "access_pattern/age/min").read_text())
                    found.append({"action": action, "idle_s": round(min_age * aggregation_us / 1e6, 1)})
        except (OSError, ValueError):
            continue
    return found


def page_cache_mb() -> int | None:
    """The kernel's page cache (``Cached`` in /proc/meminfo), MB; None where there is none."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("Cached:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def sample_texts(corpus: Path, max_chars: int) -> tuple[list[str], int]:
    """The first reports of the corpus (by name) up to ``max_chars`` characters, and their total."""
    texts, total = [], 0
    for path in sorted(corpus.iterdir()):
        text = path.read_text("utf-8")
        texts.append(text)
        total += len(text)
        if total >= max_chars:
            break
    return texts, total


def ceiling(corpus: Path, max_chars: int) -> dict:
    """Characters/s of bare tokenisation with spacy-pkuseg (the ceiling) and with the
    pipeline's own tokenizer."""
    from kg.nlp import load_pipeline

    nlp = load_pipeline(fast_segmenter=False)
    own = load_pipeline()
    texts, total = sample_texts(corpus, max_chars)
    figures = {"chars": total}
    plain = None
    try:  # the same model without GovKG's user dictionary, for comparison
        from spacy.lang.zh import Chinese

        from kg.nlp.pipeline import pkuseg_model_dir

        plain = Chinese.from_config({"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
        plain.tokenizer.initialize(pkuseg_model=str(pkuseg_model_dir()))
    except Exception as err:  # only a comparison: never fail the benchmark on it
        figures["plain_error"] = str(err)
    for label, model in (("", nlp), ("own_", own), ("plain_", plain)):
        if model is None:
            continue
        model.make_doc(texts[0][:200])  # warm up
        seconds = float("inf")
        for _ in range(2):  # the best of two passes: the limit, not the machine's noise
            started = time.perf_counter()
            tokens = sum(len(model.make_doc(t)) for t in texts)
            seconds = min(seconds, time.perf_counter() - started)
        figures.update({f"{label}tokens": tokens, f"{label}seconds": round(seconds, 2),
                        f"{label}chars_per_s": round(total / seconds)})
    return figures


class SpeedProbe:
    """The ceiling's own measure on a small sample (bare spacy-pkuseg tokenisation of about
    ``chars`` characters, one pass, ~2 s), taken right before and after each build: the
    machine's speed drifts by up to 2x within minutes, and the ratio to the probes next to a
    build (``ratio_to_adjacent_probe``) is not thrown off by that drift."""

    def __init__(self, corpus: Path, chars: int = 100_000) -> None:
        from kg.nlp import load_pipeline

        self.nlp = load_pipeline(fast_segmenter=False)
        self.texts, self.chars = sample_texts(corpus, chars)
        self.nlp.make_doc(self.texts[0][:200])  # warm up

    def __call__(self) -> int:
        started = time.perf_counter()
        for text in self.texts:
            self.nlp.make_doc(text)
        return round(self.chars / (time.perf_counter() - started))


def corpus_chars(corpus: Path) -> int:
    return sum(len(path.read_text("utf-8")) for path in corpus.iterdir())


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return round(ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2, 4)


def _rss_pss(proc) -> tuple[int, int]:
    """RSS and PSS of a process in bytes: from /proc/PID/smaps_rollup (the kernel sums; psutil's
    memory_full_info parses every mapping, 19 ms for a 1 GB process, and holds its memory map
    lock meanwhile, slowing the build it measures), else from psutil."""
    try:
        text = Path(f"/proc/{proc.pid}/smaps_rollup").read_text()
    except OSError:
        info = proc.memory_full_info()
        return info.rss, getattr(info, "pss", info.rss)
    fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in text.splitlines()[1:]
              if line.endswith(" kB")}
    return fields["Rss"], fields.get("Pss", fields["Rss"])


#: Seconds between memory samples.  Reading smaps_rollup walks the process's page tables (about
#: 5 ms for 255 MB resident, so some 25-50 ms per sample of a build's 1.5-2.4 GB) under its
#: memory-map lock: sampled every 0.2 s, that took a sixth of a core and more from the build
#: being measured; the bulk loader's memory peaks last seconds, so 1 s still finds them.
MEMORY_INTERVAL = 1.0


class TreeMemory:
    """Samples the memory of a process and its children every ``interval`` seconds; ``stop()``
    also gives the sampling's own CPU time (it is spent in the kernel on the benchmark's
    behalf, so it shows in this process's CPU time, not in the build's)."""

    def __init__(self, pid: int, interval: float = MEMORY_INTERVAL) -> None:
        import psutil

        self.interval = interval
        self.cpu_seconds = 0.0
        self.root = psutil.Process(pid)
        self.peak_pss = self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        started = time.thread_time()
        try:
            self._sample(psutil)
        finally:
            self.cpu_seconds = time.thread_time() - started

    def _sample(self, psutil) -> None:
        while not self._stop.is_set():
            pss = rss = 0
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            for proc in procs:
                try:
                    proc_rss, proc_pss = _rss_pss(proc)
                    pss += proc_pss
                    rss += proc_rss
                except (psutil.Error, OSError):
                    pass
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_rss = max(self.peak_rss, rss)
            self._stop.wait(self.interval)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        return {"peak_pss_mb": round(self.peak_pss / 2**20), "peak_rss_mb": round(self.peak_rss / 2**20),
                "memory_sampling": {"interval_s": self.interval,
                                    "cpu_seconds": round(self.cpu_seconds, 2)}}


def snapshot_code(work: Path) -> Path:
    """A frozen copy of the package: edits made while the benchmark runs (a
    shared tree) must neither change what is measured nor invalidate the cache."""
    snap = work / "snapshot"
    if snap.exists():
        shutil.rmtree(snap)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "kg", snap / "kg", ignore=ignore)
    if (REPO / "ontology").is_dir():
        shutil.copytree(REPO / "ontology", snap / "ontology", ignore=ignore)
    import compileall

    # byte-compiled, as scripts/setup.sh leaves the installed package
    compileall.compile_dir(str(snap / "kg"), quiet=1)
    return snap


def kg_build(corpus: Path, out: Path, jobs: int, *, rebuild: bool, snapshot: Path,
             memory_interval: float = MEMORY_INTERVAL) -> dict:
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-j", str(jobs), "-q"]
    if rebuild:
        cmd.append("--rebuild")
    # One hash seed for every run, so that comparing the -j 1 and -j 2 outputs
    # tests --jobs only (tests/reliability checks outputs across hash seeds).
    env = dict(os.environ, PYTHONPATH=str(snapshot), PYTHONHASHSEED="0")
    # The previous step's gigabytes still being written back would stall this step's fsyncs.
    os.sync()
    before = load()
    cached = page_cache_mb()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=snapshot, env=env)
    memory = TreeMemory(proc.pid, memory_interval)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU of the build and of the workers it waited for (user + system)
    cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    figures = {"jobs": jobs, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
               "exit": proc.returncode,
               "load_before": before, "load_after": load(), "page_cache_mb": cached,
               **memory.stop()}
    summary = out / "summary.json"
    if summary.exists():
        totals = json.loads(summary.read_text("utf-8"))["totals"]
        figures.update(reports=totals["reports"], processed=totals["processed"],
                       failed=totals["failed"], triples=totals["triples"], quads=totals["quads"])
    if proc.returncode not in (0, 3):
        figures["stderr"] = stderr[-2000:]
    return figures


def profile(corpus: Path, reports: int, work: Path) -> str:
    """Top of a pyinstrument profile of an in-process build of ``reports`` reports."""
    from pyinstrument import Profiler

    from kg.workflow import build

    subset, warm = work / "profile-corpus", work / "profile-warm"
    for folder in (subset, warm):
        folder.mkdir(exist_ok=True)
    files = sorted(corpus.iterdir())
    for path in files[:reports]:
        shutil.copy(path, subset / path.name)
    shutil.copy(files[-1], warm / files[-1].name)
    # one report first, unprofiled: model and lazily built indexes are loaded once
    # per process, so they are not what limits a long build
    build([warm], work / "profile-warm-out", jobs=1, rebuild=True, progress=False)
    profiler = Profiler(interval=0.005)
    profiler.start()
    build([subset], work / "profile-out", jobs=1, rebuild=True, progress=False)
    profiler.stop()
    tree = profiler.output_text(unicode=True, color=False)
    flat = profiler.output_text(unicode=True, color=False, flat=True)
    top = "\n".join(flat.splitlines()[:40])
    return f"{tree[:7000]}\n--- top functions by own time ---\n{top}"


def summarise(rounds: list[dict], jobs_list: list[int]) -> dict:
    """Medians over the rounds of the figures the targets are about; peak memory: the highest."""
    summary: dict = {"rounds": len(rounds),
                     "ceiling_chars_per_s": median([r["ceiling"]["chars_per_s"] for r in rounds])}
    for jobs in jobs_list:
        runs = [r[f"full_j{jobs}"] for r in rounds]
        summary[f"j{jobs}_seconds"] = median([run["seconds"] for run in runs])
        summary[f"j{jobs}_ratio_to_ceiling"] = median([run["ratio_to_ceiling"] for run in runs])
        summary[f"j{jobs}_ratio_to_adjacent_probe"] = median(
            [run["ratio_to_adjacent_probe"] for run in runs])
        summary[f"j{jobs}_peak_pss_mb"] = max(run["peak_pss_mb"] for run in runs)
    if all("speedup_j2" in r for r in rounds):
        summary["speedup_j2"] = median([r["speedup_j2"] for r in rounds])
        summary["trig_identical_j1_j2"] = all(r["trig_identical_j1_j2"] for r in rounds)
    summary["incremental_fraction"] = median(
        [r["incremental_1_changed"]["fraction_of_full"] for r in rounds])
    summary["incremental_again_fraction"] = median(
        [r["incremental_again"]["fraction_of_full"] for r in rounds])
    return summary


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--min-mb", type=float, default=None,
                        help="corpus size at least this (default 10 MB per 1,000 reports)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ceiling-chars", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat ceiling, builds and incremental run this many times (the "
                             "--jobs order reversed every other round) and summarise by medians")
    parser.add_argument("--memory-interval", type=float, default=MEMORY_INTERVAL, metavar="S",
                        help="seconds between memory samples of the build's processes")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile a build of N reports with pyinstrument")
    parser.add_argument("--work", type=Path, default=None, help="keep the corpus and outputs here")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here too")
    args = parser.parse_args(argv)
    min_mb = args.min_mb if args.min_mb is not None else 10.0 * args.reports / 1000
    work = args.work or Path(tempfile.mkdtemp(prefix="govkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    snapshot = snapshot_code(work)
    sys.path.insert(0, str(snapshot))
    corpus = work / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    figures: dict = {"machine": {"cpus": os.cpu_count(), "load_start": load(),
                                 "page_reclaim": page_reclaim()}}
    import kg
    assert Path(kg.__file__).is_relative_to(snapshot), kg.__file__
    figures["corpus"] = make_corpus(corpus, args.reports, int(min_mb * 1e6))
    print(f"corpus: {figures['corpus']}", flush=True)

    probe = SpeedProbe(corpus)
    first_jobs = args.jobs[0]
    rounds = []
    for serial in range(args.rounds):
        rnd: dict = {"round": serial + 1, "ceiling": ceiling(corpus, args.ceiling_chars)}
        print(f"round {serial + 1}: ceiling (bare pkuseg tokenisation): {rnd['ceiling']}", flush=True)
        ceiling_cps = rnd["ceiling"]["chars_per_s"]
        chars = corpus_chars(corpus)
        # odd rounds in the order given, even rounds reversed: drift does not favour one --jobs
        for jobs in (args.jobs if serial % 2 == 0 else list(reversed(args.jobs))):
            out = work / f"out-j{jobs}"
            shutil.rmtree(out, ignore_errors=True)  # every round builds into a new folder
            before = probe()
            result = kg_build(corpus, out, jobs, rebuild=True, snapshot=snapshot,
                              memory_interval=args.memory_interval)
            after = probe()
            result["chars_per_s"] = round(chars / result["seconds"])
            result["ratio_to_ceiling"] = round(result["chars_per_s"] / ceiling_cps, 3)
            result["ratio_to_own_tokenizer"] = round(
                result["chars_per_s"] / rnd["ceiling"]["own_chars_per_s"], 3)
            result["probe_before"], result["probe_after"] = before, after
            result["ratio_to_adjacent_probe"] = round(result["chars_per_s"] * 2 / (before + after), 3)
            rnd[f"full_j{jobs}"] = result
            print(f"round {serial + 1}: full build --jobs {jobs}: {result}", flush=True)
        if "full_j1" in rnd and "full_j2" in rnd:
            rnd["speedup_j2"] = round(rnd["full_j1"]["seconds"] / rnd["full_j2"]["seconds"], 2)
            print(f"round {serial + 1}: speed-up at --jobs 2: {rnd['speedup_j2']}", flush=True)
            same = (work / "out-j1" / "kg.trig").read_bytes() == (work / "out-j2" / "kg.trig").read_bytes()
            rnd["trig_identical_j1_j2"] = same

        files = sorted(corpus.iterdir())
        full = rnd[f"full_j{first_jobs}"]["seconds"]
        for key, offset in (("incremental_1_changed", 0), ("incremental_again", 3)):
            # another report each round, and another for the second run
            changed = files[(len(files) // 2 + serial * 7 + offset) % len(files)]
            changed.write_text(changed.read_text("utf-8") + "（已修订）\n", "utf-8")
            incremental = kg_build(corpus, work / f"out-j{first_jobs}", first_jobs, rebuild=False,
                                   snapshot=snapshot, memory_interval=args.memory_interval)
            incremental["fraction_of_full"] = round(incremental["seconds"] / full, 4)
            rnd[key] = incremental
            print(f"round {serial + 1}: {key.replace('_', ' ')}, 1 of {figures['corpus']['reports']} "
                  f"changed: {incremental}", flush=True)
        rounds.append(rnd)
    figures["rounds"] = rounds
    figures["summary"] = summarise(rounds, args.jobs)
    print(f"summary over {len(rounds)} round(s) (medians; memory: the highest): "
          f"{figures['summary']}", flush=True)

    if args.profile:
        text = profile(corpus, args.profile, work)
        figures["profile"] = text
        print(text)
    figures["machine"]["load_end"] = load()
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return figures


if __name__ == "__main__":
    main()
