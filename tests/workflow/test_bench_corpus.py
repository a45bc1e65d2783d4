"""The benchmark's corpus: enough reports, enough bytes, every one distinct."""

import hashlib
import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "throughput.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("govkg_bench_throughput", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_has_distinct_reports_of_the_requested_size(tmp_path):
    bench = load_bench()
    figures = bench.make_corpus(tmp_path, reports=40, min_bytes=300_000)
    files = sorted(tmp_path.iterdir())
    assert figures["reports"] == len(files) >= 40
    assert figures["bytes"] == sum(f.stat().st_size for f in files) >= 300_000
    assert len({hashlib.sha256(f.read_bytes()).hexdigest() for f in files}) == len(files)
    first = files[0].read_text("utf-8")
    assert "法治政府" in first and first.rstrip().endswith("000000）")
