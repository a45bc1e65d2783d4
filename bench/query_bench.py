"""Time every canned query on the Oxigraph store and on rdflib's memory Dataset.

    .venv/bin/python bench/query_bench.py [--triples 1000000] [--source FILE] [--rdflib-cap 20]

Builds a graph of at least ``--triples`` triples by replicating a seed graph
with distinct report identities, loads it into a fresh on-disk Oxigraph store
(through ``Store.replace_graph``, one report at a time, as ``kg build`` does)
and into ``rdflib.Dataset(default_union=True)``, then runs every query of the
library on both, with the same parameter values, and prints per-query
milliseconds, row counts and the median speed-up.

The seed is, in order of preference: ``--source``; ``output/kg.trig`` from a
sample build; a fresh pipeline build of the bundled samples; the hand-made test
fixture.  The output says which one was used.

Replica ``k`` of a report gets a new report id (so new graph, report, measure,
indicator, mention, evidence, relation and role IRIs), its administrative
divisions are renamed per group of three replicas (``月浦镇`` -> ``月浦镇·7``)
and its years shifted by ``k % 3``, so every replicated government has three
consecutive yearly reports; laws, programmes, organisations and categories stay
shared across replicas, as in a real corpus.  Replica 0 is the seed unchanged.

rdflib queries run in a forked child that is killed after ``--rdflib-cap``
seconds; a capped query counts as the cap (so the reported ratio is then a
lower bound).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.query.sparql import bind_params, list_queries  # noqa: E402
from kg.query.store import Store  # noqa: E402

BASE = "https://w3id.org/govkg/id/"
LOCAL_KINDS = ("graph", "report", "measure", "indicator", "mention", "evidence", "relation", "role")
LOCAL = re.compile(r"<" + re.escape(BASE) + r"(" + "|".join(LOCAL_KINDS) + r")/([0-9a-f]{16})")
DIVISION = re.compile(r"<" + re.escape(BASE) + r"(division|village)/([^>]+)>")
YEAR = re.compile(r'"(\d{4})"\^\^<http://www.w3.org/2001/XMLSchema#gYear>')
LABEL_PREDICATES = ("<http://www.w3.org/2000/01/rdf-schema#label>", "<http://www.w3.org/2004/02/skos/core#altLabel>",
                    "<http://www.w3.org/2004/02/skos/core#prefLabel>")


# -- the seed ------------------------------------------------------------------------------
def seed_nquads(source: str | None) -> tuple[bytes, str]:
    """N-Quads of the seed graph and a sentence saying where it came from."""
    if source:
        return _as_nquads(Path(source)), f"--source {source}"
    built = REPO / "output" / "kg.trig"
    if built.exists():
        return _as_nquads(built), f"the sample build {built.relative_to(REPO)}"
    try:
        from kg.settings import sample_paths
        from kg.workflow.runner import build

        with tempfile.TemporaryDirectory(prefix="govkg-bench-build-") as tmp:
            build(sample_paths(), Path(tmp), progress=False)
            seed = _as_nquads(Path(tmp) / "kg.trig")
        return seed, f"a fresh pipeline build of the {len(sample_paths())} bundled samples"
    except Exception as err:  # noqa: BLE001 - any failure: say so and fall back
        fixture = REPO / "tests" / "query" / "fixtures" / "two_towns.trig"
        return _as_nquads(fixture), (f"the hand-made fixture {fixture.relative_to(REPO)} "
                                     f"(the pipeline could not build the samples: {type(err).__name__}: {err})")


def _as_nquads(path: Path) -> bytes:
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    quads = [q for q in ox.parse(path=str(path), format=fmt) if isinstance(q.graph_name, ox.NamedNode)]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


# -- replication ----------------------------------------------------------------------------
def replicate(seed: bytes, target: int) -> tuple[dict[str, list[str]], int, int]:
    """{graph IRI: N-Quads lines} with at least ``target`` quads; also the replica count."""
    lines = [line for line in seed.decode("utf-8").splitlines() if line.strip()]
    replicas = max(1, -(-target // len(lines)))
    graphs: dict[str, list[str]] = defaultdict(list)
    graph_of = re.compile(r"<([^>]+)> \.$")
    for k in range(replicas):
        rid_map: dict[str, str] = {}

        def new_rid(m, k=k, rid_map=rid_map):
            rid = m.group(2)
            if k == 0:
                return m.group(0)
            if rid not in rid_map:
                rid_map[rid] = hashlib.sha256(f"{rid}/{k}".encode()).hexdigest()[:16]
            return f"<{BASE}{m.group(1)}/{rid_map[rid]}"

        group, shift = k // 3, k % 3
        for line in lines:
            out = LOCAL.sub(new_rid, line)
            if group and DIVISION.search(out):
                out = DIVISION.sub(lambda m: f"<{BASE}{m.group(1)}/{m.group(2)}-g{group}>", out)
                subject, predicate, rest = out.split(" ", 2)
                if predicate in LABEL_PREDICATES and DIVISION.fullmatch(subject):
                    rest = re.sub(r'^"((?:[^"\\]|\\.)*)"', lambda m: f'"{m.group(1)}·{group}"', rest)
                    out = f"{subject} {predicate} {rest}"
            if shift:
                out = YEAR.sub(lambda m: f'"{int(m.group(1)) + shift}"^^<http://www.w3.org/2001/XMLSchema#gYear>', out)
            graphs[graph_of.search(out).group(1)].append(out)
    total = sum(len(v) for v in graphs.values())
    return graphs, total, replicas


# -- parameters -------------------------------------------------------------------------------
PICKS = {
    "programme": "SELECT ?v WHERE { ?m <https://w3id.org/govkg/ontology#partOfProgramme> ?p . ?p <http://www.w3.org/2000/01/rdf-schema#label> ?v } GROUP BY ?v ORDER BY DESC(COUNT(DISTINCT ?m)) ?v LIMIT 1",
    "government": "SELECT ?v WHERE { ?r <https://w3id.org/govkg/ontology#government> ?g ; <https://w3id.org/govkg/ontology#hasMeasure> ?m . ?g <http://www.w3.org/2000/01/rdf-schema#label> ?v } GROUP BY ?v ORDER BY DESC(COUNT(DISTINCT ?m)) ?v LIMIT 2",
    "organisation": "SELECT ?v WHERE { ?m <https://w3id.org/govkg/ontology#partner> ?o . ?o <http://www.w3.org/2000/01/rdf-schema#label> ?v } GROUP BY ?v ORDER BY DESC(COUNT(DISTINCT ?m)) ?v LIMIT 1",
    "person": "SELECT ?v WHERE { ?p a <https://w3id.org/govkg/ontology#Person> ; <http://www.w3.org/2000/01/rdf-schema#label> ?v } ORDER BY ?v LIMIT 1",
    "category": "SELECT ?v WHERE { ?m <https://w3id.org/govkg/ontology#category> ?c . ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?v FILTER(LANG(?v) = 'zh') } GROUP BY ?v ORDER BY DESC(COUNT(DISTINCT ?m)) ?v LIMIT 1",
    "year": "SELECT ?v WHERE { ?r a <https://w3id.org/govkg/ontology#Report> ; <https://w3id.org/govkg/ontology#year> ?v } GROUP BY ?v ORDER BY DESC(COUNT(?r)) ?v LIMIT 1",
    "node": "SELECT ?v WHERE { ?v a <https://w3id.org/govkg/ontology#Measure> ; <https://w3id.org/govkg/ontology#evidence> ?e } ORDER BY ?v LIMIT 1",
    "name": "SELECT ?v WHERE { ?m <https://w3id.org/govkg/ontology#involvesLaw> ?l . ?l <http://www.w3.org/2000/01/rdf-schema#label> ?v } GROUP BY ?v ORDER BY DESC(COUNT(DISTINCT ?m)) ?v LIMIT 1",
}


def pick_params(store: Store) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, query in PICKS.items():
        values = [row["v"].value for row in store.query(query)]
        if key == "government" and values:
            found["government"] = found["government_a"] = values[0]
            found["government_b"] = values[-1]
        elif values:
            found[key] = values[0]
    if "year" in found:
        found["year"] = str(int(found["year"]) + 1)  # plans_for_year: the year after the reports
    return found


#: Optional parameters the benchmark fills in (the others run unrestricted).
OPTIONAL_FILLED = ("programme", "government", "name", "category")


def params_for(info, picked: dict[str, str]) -> dict[str, str]:
    out = {}
    for p in info.params:
        if p.name in picked and (not p.optional or p.name in OPTIONAL_FILLED):
            out[p.name] = picked[p.name]
    return out


# -- timing -------------------------------------------------------------------------------------
def time_oxigraph(store: Store, text: str, runs: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(list(store.query(text)))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def time_rdflib(dataset, text: str, cap: float) -> tuple[float, int | None]:
    """Run in a forked child killed after ``cap`` seconds: (ms, rows) or (cap ms, None)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            from rdflib.plugins.sparql import prepareQuery

            prepared = prepareQuery(text)
            started = time.perf_counter()
            rows = len(list(dataset.query(prepared)))
            ms = (time.perf_counter() - started) * 1000
            os.write(write, f"{ms} {rows}".encode())
        finally:
            os._exit(0)
    os.close(write)
    deadline = time.monotonic() + cap
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(read)
        return cap * 1000, None
    data = os.read(read, 100).decode()
    os.close(read)
    if not data:
        return float("nan"), None
    ms, rows = data.split()
    return float(ms), int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--source", help="seed .trig or .nq (default: see the module docstring)")
    parser.add_argument("--runs", type=int, default=5, help="Oxigraph runs per query (median)")
    parser.add_argument("--rdflib-cap", type=float, default=20.0, help="seconds before an rdflib query is killed")
    parser.add_argument("--no-rdflib", action="store_true")
    args = parser.parse_args()

    t0 = time.perf_counter()
    seed, origin = seed_nquads(args.source)
    graphs, total, replicas = replicate(seed, args.triples)
    print(f"seed: {origin}")
    print(f"graph: {total:,} quads in {len(graphs):,} report graphs ({replicas} replicas of "
          f"{len(seed.splitlines()):,} seed quads); prepared in {time.perf_counter() - t0:.1f} s")

    with tempfile.TemporaryDirectory(prefix="govkg-bench-") as tmp:
        store = Store(Path(tmp) / "store")
        t0 = time.perf_counter()
        for graph in sorted(graphs):
            store.replace_graph(graph, ("\n".join(graphs[graph]) + "\n").encode())
        print(f"oxigraph: loaded with replace_graph per report in {time.perf_counter() - t0:.1f} s "
              f"({store.count():,} quads)")
        picked = pick_params(store)
        print(f"params: {picked}")

        dataset = None
        if not args.no_rdflib:
            from rdflib import Dataset

            t0 = time.perf_counter()
            dataset = Dataset(default_union=True)
            dataset.parse(data="\n".join(line for g in sorted(graphs) for line in graphs[g]), format="nquads")
            print(f"rdflib: Dataset(default_union=True) parsed in {time.perf_counter() - t0:.1f} s "
                  f"({len(dataset):,} triples in the union)")
        del graphs

        print(f"\n{'query':38} {'oxigraph ms':>12} {'rows':>7} {'rdflib ms':>11} {'rows':>7} {'ratio':>8}")
        ratios, slow = [], []
        for info in list_queries():
            text = bind_params(info, params_for(info, picked))
            ox_ms, ox_rows = time_oxigraph(store, text, args.runs)
            if ox_ms >= 200:
                slow.append(info.name)
            if dataset is None:
                print(f"{info.name:38} {ox_ms:12.1f} {ox_rows:7d}")
                continue
            rd_ms, rd_rows = time_rdflib(dataset, text, args.rdflib_cap)
            ratio = rd_ms / ox_ms if ox_ms > 0 else float("inf")
            ratios.append(ratio)
            capped = ">" if rd_rows is None else " "
            print(f"{info.name:38} {ox_ms:12.1f} {ox_rows:7d} {capped}{rd_ms:10.0f} "
                  f"{'-' if rd_rows is None else rd_rows:>7} {capped}{ratio:7.0f}x")
        print()
        print(f"queries over 200 ms on Oxigraph: {len(slow)} {slow if slow else ''}")
        if ratios:
            print(f"median speed-up Oxigraph vs rdflib memory: {statistics.median(ratios):.0f}x "
                  f"(min {min(ratios):.0f}x, max {max(ratios):.0f}x)")
        store.close()


if __name__ == "__main__":
    main()
