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


def test_the_summary_takes_medians_over_rounds_and_the_highest_memory():
    bench = load_bench()

    def build(seconds, ratio, pss):
        return {"seconds": seconds, "ratio_to_ceiling": ratio, "ratio_to_adjacent_probe": ratio,
                "peak_pss_mb": pss}

    rounds = [{"ceiling": {"chars_per_s": cps}, "full_j1": build(j1, r1, 1000),
               "full_j2": build(j2, r1 * j1 / j2, pss), "speedup_j2": round(j1 / j2, 2),
               "trig_identical_j1_j2": True, "incremental_1_changed": {"fraction_of_full": inc},
               "incremental_again": {"fraction_of_full": inc / 2}}
              for cps, j1, j2, r1, pss, inc in [(50000, 90.0, 60.0, 0.70, 1500, 0.07),
                                                (60000, 70.0, 55.0, 0.80, 1600, 0.05),
                                                (40000, 80.0, 40.0, 0.75, 1400, 0.06)]]
    summary = bench.summarise(rounds, [1, 2])
    assert summary["rounds"] == 3 and summary["ceiling_chars_per_s"] == 50000
    assert summary["j1_seconds"] == 80.0 and summary["j2_seconds"] == 55.0
    assert summary["j1_ratio_to_ceiling"] == 0.75
    assert summary["speedup_j2"] == 1.5  # the median of 1.5, 1.27 and 2.0, not 80 / 55
    assert summary["j2_peak_pss_mb"] == 1600 and summary["incremental_fraction"] == 0.06
    assert summary["incremental_again_fraction"] == 0.03
    assert summary["trig_identical_j1_j2"] is True
    assert bench.median([1.0, 4.0]) == 2.5


def test_the_kernels_page_reclaim_is_reported(tmp_path):
    bench = load_bench()
    context = tmp_path / "0" / "contexts" / "0"
    scheme = context / "schemes" / "0"
    (scheme / "access_pattern" / "age").mkdir(parents=True)
    (context / "monitoring_attrs" / "intervals").mkdir(parents=True)
    (tmp_path / "0" / "state").write_text("on\n")
    (context / "monitoring_attrs" / "intervals" / "aggr_us").write_text("5000000\n")
    (scheme / "action").write_text("pageout\n")
    (scheme / "access_pattern" / "age" / "min").write_text("6\n")
    assert bench.page_reclaim(tmp_path) == [{"action": "pageout", "idle_s": 30.0}]
    (tmp_path / "0" / "state").write_text("off\n")
    assert bench.page_reclaim(tmp_path) == []
    assert bench.page_reclaim(tmp_path / "absent") == []
