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
2. full ``kg build --rebuild`` at --jobs 1 and --jobs 2 (subprocesses; wall
   time includes start-up and model loading), characters/s and the ratio to
   the ceiling, the speed-up at --jobs 2, and peak memory of the process tree
   (sum of PSS — shared pages counted once — and sum of RSS);
3. an incremental re-run after one report changed;
4. the machine's load average around each step (os.getloadavg).

``--profile N`` also profiles an in-process build of N reports with
pyinstrument and prints the top hotspots.

    .venv/bin/python bench/throughput.py --reports 50          # a quick look
    .venv/bin/python bench/throughput.py --json bench/last.json  # the full run
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


def ceiling(corpus: Path, max_chars: int) -> dict:
    """Characters/s of bare tokenisation with spacy-pkuseg (the ceiling) and with the
    pipeline's own tokenizer."""
    from kg.nlp import load_pipeline

    nlp = load_pipeline(fast_segmenter=False)
    own = load_pipeline()
    texts, total = [], 0
    for path in sorted(corpus.iterdir()):
        text = path.read_text("utf-8")
        texts.append(text)
        total += len(text)
        if total >= max_chars:
            break
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


class TreeMemory:
    """Samples the memory of a process and its children every 0.2 s."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.peak_pss = self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

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
            self._stop.wait(0.2)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        return {"peak_pss_mb": round(self.peak_pss / 2**20), "peak_rss_mb": round(self.peak_rss / 2**20)}


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


def kg_build(corpus: Path, out: Path, jobs: int, *, rebuild: bool, snapshot: Path) -> dict:
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-j", str(jobs), "-q"]
    if rebuild:
        cmd.append("--rebuild")
    # One hash seed for every run, so that comparing the -j 1 and -j 2 outputs
    # tests --jobs only (tests/reliability checks outputs across hash seeds).
    env = dict(os.environ, PYTHONPATH=str(snapshot), PYTHONHASHSEED="0")
    # The previous step's gigabytes still being written back would stall this step's fsyncs.
    os.sync()
    before = load()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=snapshot, env=env)
    memory = TreeMemory(proc.pid)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU of the build and of the workers it waited for (user + system)
    cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    figures = {"jobs": jobs, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
               "exit": proc.returncode,
               "load_before": before, "load_after": load(), **memory.stop()}
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


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--min-mb", type=float, default=None,
                        help="corpus size at least this (default 10 MB per 1,000 reports)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ceiling-chars", type=int, default=1_000_000)
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
    figures: dict = {"machine": {"cpus": os.cpu_count(), "load_start": load()}}
    import kg
    assert Path(kg.__file__).is_relative_to(snapshot), kg.__file__
    figures["corpus"] = make_corpus(corpus, args.reports, int(min_mb * 1e6))
    print(f"corpus: {figures['corpus']}", flush=True)

    figures["ceiling"] = ceiling(corpus, args.ceiling_chars)
    print(f"ceiling (bare pkuseg tokenisation): {figures['ceiling']}", flush=True)

    chars = figures["corpus"]["chars"]
    for jobs in args.jobs:
        out = work / f"out-j{jobs}"
        result = kg_build(corpus, out, jobs, rebuild=True, snapshot=snapshot)
        result["chars_per_s"] = round(chars / result["seconds"])
        result["ratio_to_ceiling"] = round(result["chars_per_s"] / figures["ceiling"]["chars_per_s"], 3)
        result["ratio_to_own_tokenizer"] = round(
            result["chars_per_s"] / figures["ceiling"]["own_chars_per_s"], 3)
        figures[f"full_j{jobs}"] = result
        print(f"full build --jobs {jobs}: {result}", flush=True)
    if "full_j1" in figures and "full_j2" in figures:
        figures["speedup_j2"] = round(figures["full_j1"]["seconds"] / figures["full_j2"]["seconds"], 2)
        print(f"speed-up at --jobs 2: {figures['speedup_j2']}", flush=True)
        same = (work / "out-j1" / "kg.trig").read_bytes() == (work / "out-j2" / "kg.trig").read_bytes()
        figures["trig_identical_j1_j2"] = same

    first_jobs = args.jobs[0]
    changed = sorted(corpus.iterdir())[len(list(corpus.iterdir())) // 2]
    changed.write_text(changed.read_text("utf-8") + "（已修订）\n", "utf-8")
    incremental = kg_build(corpus, work / f"out-j{first_jobs}", first_jobs, rebuild=False,
                           snapshot=snapshot)
    full = figures[f"full_j{first_jobs}"]["seconds"]
    incremental["fraction_of_full"] = round(incremental["seconds"] / full, 4)
    figures["incremental_1_changed"] = incremental
    print(f"incremental, 1 of {figures['corpus']['reports']} changed: {incremental}", flush=True)

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
