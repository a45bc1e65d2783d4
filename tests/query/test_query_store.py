"""The on-disk store: per-report graph replacement, one writer, crash consistency."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from kg.errors import GovKGError
from kg.query.store import Store

from queryfix import BASE, TWO_TOWNS

G1 = BASE + "graph/aaaa000000000001"
G2 = BASE + "graph/aaaa000000000002"
G3 = BASE + "graph/bbbb000000000001"


def nquads(graph: str, labels: list[str]) -> bytes:
    lines = [f'<{BASE}division/{i}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@zh <{graph}> .'
             for i, label in enumerate(labels)]
    return ("\n".join(lines) + "\n").encode()


def test_load_trig_makes_one_graph_per_report(tmp_path):
    with Store(tmp_path / "s") as store:
        assert store.load_trig(TWO_TOWNS) == [G1, G2, G3]
        assert store.graphs() == [G1, G2, G3]
        counts = [store.count(g) for g in (G1, G2, G3)]
        assert sum(counts) == store.count() == len(store)
        assert all(c > 20 for c in counts)


def test_replace_graph_touches_only_that_graph(tmp_path):
    with Store(tmp_path / "s") as store:
        store.load_trig(TWO_TOWNS)
        before = {g: store.dump_graph(g) for g in (G1, G3)}
        assert store.replace_graph(G2, nquads(G2, ["月浦镇", "宝山区"])) == 2
        assert store.count(G2) == 2
        assert {g: store.dump_graph(g) for g in (G1, G3)} == before
        # replacing again with the same data is idempotent
        store.replace_graph(G2, nquads(G2, ["月浦镇", "宝山区"]))
        assert store.count(G2) == 2
        store.remove_graph(G2)
        assert store.graphs() == [G1, G3]


def test_store_survives_reopening(tmp_path):
    with Store(tmp_path / "s") as store:
        store.replace_graph(G1, nquads(G1, ["坡头镇"]))
    with Store(tmp_path / "s", read_only=True) as again:
        assert again.graphs() == [G1] and again.count(G1) == 1


@pytest.mark.parametrize(
    "data, why",
    [
        (nquads(G3, ["坡头镇"]), "quads for other graphs"),
        (b'<http://e/a> <http://e/p> "unterminated <%s> .\n' % G2.encode(), "invalid N-Quads"),
    ],
)
def test_a_refused_replacement_leaves_the_old_graph(tmp_path, data, why):
    with Store(tmp_path / "s") as store:
        store.load_trig(TWO_TOWNS)
        old = store.dump_graph(G2)
        with pytest.raises(GovKGError, match=why):
            store.replace_graph(G2, data)
        assert store.dump_graph(G2) == old


def test_blank_nodes_of_two_reports_stay_distinct(tmp_path):
    with Store(tmp_path / "s") as store:
        for g in (G1, G2):
            store.replace_graph(g, f'_:b0 <http://e/p> "选择器" <{g}> .\n'.encode())
        rows = list(store.query("SELECT DISTINCT ?b WHERE { ?b <http://e/p> ?o }"))
        assert len(rows) == 2


def test_a_second_writer_is_refused_with_a_fix(tmp_path):
    with Store(tmp_path / "s"):
        with pytest.raises(GovKGError, match="in use by another process"):
            Store(tmp_path / "s")


def test_read_only_open_of_a_missing_store_names_the_fix(tmp_path):
    with pytest.raises(GovKGError, match="kg build"):
        Store(tmp_path / "nothing", read_only=True)


WRITER = textwrap.dedent(
    """
    import sys
    from kg.query.store import Store
    path, graph = sys.argv[1], sys.argv[2]
    store = Store(path)
    n = 0
    while True:
        n += 1
        size = 3000 if n % 2 else 1000      # alternate: each version has a known size
        lines = [f'<http://e/s{i}> <http://e/p> "第{n}版 {i}" <{graph}> .' for i in range(size)]
        store.replace_graph(graph, ("\\n".join(lines) + "\\n").encode())
        print(n, flush=True)
    """
)


@pytest.mark.parametrize("delay", [0.35, 0.6, 0.9])
def test_sigkill_during_replace_leaves_old_or_new_graph(tmp_path, delay):
    """Kill a writer mid-update: the graph is one whole version, never a mix."""
    path = tmp_path / "s"
    with Store(path) as store:
        store.load_trig(TWO_TOWNS)
        untouched = store.dump_graph(G1)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), G2], stdout=subprocess.PIPE)
    first = proc.stdout.readline()  # at least one replacement committed
    assert first.strip()
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(path) as store:
        assert store.dump_graph(G1) == untouched
        count = store.count(G2)
        assert count in (1000, 3000)
        versions = {int(row["v"].value) for row in store.query(
            f"SELECT DISTINCT ?v WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o BIND(REPLACE(STR(?o), '^第([0-9]+)版.*$', '$1') AS ?v) }} }}")}
        assert len(versions) == 1
        (version,) = versions
        assert count == (3000 if version % 2 else 1000)
        # and the store is writable again
        store.replace_graph(G2, nquads(G2, ["月浦镇"]))
        assert store.count(G2) == 1
