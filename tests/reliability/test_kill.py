"""Nothing lost: SIGKILL a build at seeded random moments; after every kill the
previous outputs and the store must still be readable and consistent, and the
next run must complete the work with the same bytes as a clean build.

Two versions: the workflow with fake stages at many kill points (fast), and the
real ``kg build`` command at a few (slow: it loads the segmenter each time).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

REPO = Path(__file__).resolve().parents[2]
FAKES_DIR = REPO / "tests" / "workflow"
OUTPUTS = ("kg.trig", "kg.ttl", "kg.jsonld", "summary.json", "failures.json")


def fake_build_command(src: Path, out: Path, *, rebuild: bool) -> list[str]:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import workflow_fakes as f; "
        "from kg.workflow import build; "
        "r = build([sys.argv[2]], sys.argv[3], stages=f.fake_stages(store='oxigraph'), jobs=2, "
        "rebuild=sys.argv[4] == '1', progress=False); sys.exit(r.exit_code)"
    )
    return [sys.executable, "-c", code, str(FAKES_DIR), str(src), str(out), "1" if rebuild else "0"]


def real_build_command(src: Path, out: Path, *, rebuild: bool) -> list[str]:
    kg = Path(sys.executable).with_name("kg")
    cmd = [str(kg), "build", str(src), "-o", str(out), "-q", "-j", "2"]
    return cmd + (["--rebuild"] if rebuild else [])


def run_to_end(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.perf_counter() - started


def snapshot(out: Path) -> dict:
    """Every output file's bytes and every store graph's size."""
    from kg.query.store import Store
    files = {name: (out / name).read_bytes() for name in OUTPUTS if (out / name).exists()}
    with Store(out / "store") as store:
        graphs = {g: store.count(g) for g in store.graphs()}
    return {"files": files, "graphs": graphs}


def check_consistent(out: Path, versions: list[dict]) -> None:
    """Each output is whole (one of the complete versions) and parses; each store
    graph is a complete graph of one of the versions."""
    state = snapshot(out)
    for name in ("kg.trig", "kg.ttl", "kg.jsonld"):  # summary.json holds timings
        data = state["files"][name]
        assert any(data == v["files"].get(name) for v in versions), f"{name} is torn"
    json.loads(state["files"]["failures.json"])
    list(parse(state["files"]["kg.trig"], RdfFormat.TRIG))
    list(parse(state["files"]["kg.ttl"], RdfFormat.TURTLE))
    json.loads(state["files"]["summary.json"])
    known = {}
    for version in versions:
        known.update(version["graphs"])
    for graph, size in state["graphs"].items():
        assert known.get(graph) == size, f"store graph {graph} has {size} triples"


def kill_at_random_points(command, out: Path, versions, *, points: int, window: tuple, seed: int,
                          env: dict) -> int:
    """Start ``command`` ``points`` times and SIGKILL it at a random moment of ``window``
    (seconds); after each run, the outputs must be consistent.  The machine's speed drifts:
    when a run ends before its kill, the window shrinks below that moment and the point is
    tried again (up to three times), so that most kills land while the build runs."""
    rng = random.Random(seed)
    survived = 0
    interrupted = 0
    low, high = window
    for _ in range(points):
        for _attempt in range(3):
            delay = rng.uniform(low, high)
            proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(delay)
            ended = proc.poll() is not None
            if not ended:
                os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers
            proc.wait()
            check_consistent(out, versions)
            survived += 1
            if not ended:
                interrupted += proc.returncode == -signal.SIGKILL
                break
            low, high = low * 0.8 * delay / high, 0.8 * delay  # it ran faster than measured
    print(f"{survived} kill points survived, {interrupted} of them interrupted the build")
    assert interrupted >= points // 2, "the kills came too late to test anything"
    return survived


def make_versions(src_v1: Path, src_v2: Path, reports: dict[str, str]) -> None:
    """v2 changes some reports, removes some, adds some."""
    names = sorted(reports)
    src_v1.mkdir()
    src_v2.mkdir()
    for i, name in enumerate(names):
        (src_v1 / name).write_text(reports[name], "utf-8")
        if i % 7 == 3:
            continue  # removed in v2
        text = reports[name] + ("（修订）\n" if i % 3 == 0 else "")
        (src_v2 / name).write_text(text, "utf-8")
    (src_v2 / "新增_报告.txt").write_text(reports[names[0]] + "新增。\n", "utf-8")


def _kill_scenario(tmp_path, reports, command_for, *, points, seed, env, window=(0.0, 1.2)):
    """``window``: kill moments as fractions of a clean build's duration."""
    make_versions(tmp_path / "v1", tmp_path / "v2", reports)
    # the complete versions, built cleanly
    run_to_end(command_for(tmp_path / "v1", tmp_path / "clean1", rebuild=False), env)
    span = run_to_end(command_for(tmp_path / "v2", tmp_path / "clean2", rebuild=False), env)
    versions = [snapshot(tmp_path / "clean1"), snapshot(tmp_path / "clean2")]

    out = tmp_path / "out"
    shutil.copytree(tmp_path / "clean1", out)  # the previous build
    survived = kill_at_random_points(command_for(tmp_path / "v2", out, rebuild=True), out, versions,
                                     points=points, window=(span * window[0], span * window[1]),
                                     seed=seed, env=env)
    run_to_end(command_for(tmp_path / "v2", out, rebuild=False), env)  # completes the work
    final = snapshot(out)
    assert final["files"]["kg.trig"] == versions[1]["files"]["kg.trig"]
    assert final["files"]["kg.ttl"] == versions[1]["files"]["kg.ttl"]
    assert final["graphs"] == versions[1]["graphs"]  # nothing lost, nothing stale
    assert not [p for p in out.rglob(".*tmp-*")], "temporary files left behind"
    return survived


def test_killed_fake_builds_lose_nothing(tmp_path):
    pytest.importorskip("kg.query.store")
    reports = {f"{i:03d}_镇{i}.txt": f"第{i}镇2020年法治政府建设工作报告\n一、普法\n《宪法》《法{i % 5}》。\n"
               for i in range(40)}
    env = dict(os.environ, FAKE_DELAY="0.02")
    survived = _kill_scenario(tmp_path, reports, fake_build_command, points=10, seed=7, env=env)
    assert survived >= 10
    print(f"kill points survived: {survived}")


@pytest.mark.slow
def test_killed_kg_build_loses_nothing(tmp_path, real_stages):
    from kg.cache import fingerprint
    from kg.settings import sample_paths
    reports = {p.name: p.read_text("utf-8") for p in sample_paths()[:2]}
    pipeline = fingerprint()
    try:
        # most of a short real build is loading the model: kill in its second half
        # one hash seed for every run: this test is about atomic writes; the
        # determinism across seeds is test_real_build's business
        survived = _kill_scenario(tmp_path, reports, real_build_command, points=2, seed=11,
                                  env=dict(os.environ, PYTHONHASHSEED="0"), window=(0.5, 1.05))
    except AssertionError:
        if fingerprint() != pipeline:  # only while developing, never in CI
            pytest.skip("the pipeline's code changed while the test ran")
        raise
    assert survived >= 2
