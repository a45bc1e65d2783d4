"""SHACL: built graphs conform; broken ones do not; `kg validate` exits non-zero on violation."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Literal
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.namespaces import DCTERMS, GK, OA, RDF, XSD
from kg.graph.serialize import write_trig
from kg.graph.validate import validate

BASE = "http://ex.org/"


def test_built_graph_conforms(built):
    conforms, text = validate(built[1])
    assert conforms, text


def _first(graph, cls):
    return sorted(graph.subjects(RDF.type, cls))[0]


@pytest.mark.parametrize("breakage, message", [
    (lambda g: g.remove((_first(g, GK.Measure), GK.status, None)), "status"),
    (lambda g: g.add((_first(g, GK.Measure), GK.status, GK.Report)), "status"),
    (lambda g: g.add((_first(g, GK.Measure), DCTERMS.title, Literal("第二个标题", lang="zh"))), "title"),
    (lambda g: g.set((_first(g, GK.Indicator), RDF.value, Literal("many"))), "value"),
    (lambda g: g.remove((_first(g, GK.Evidence), OA.hasSource, None)), "hasSource"),
    (lambda g: g.set((_first(g, GK.Report), GK.sha256, Literal("xyz"))), "sha256"),
    (lambda g: g.set((_first(g, GK.Report), GK.year, Literal("2020", datatype=XSD.integer))), "year"),
    (lambda g: g.set((_first(g, GK.Mention), GK.entityType, Literal("THING"))), "entityType"),
    (lambda g: g.set((_first(g, OA.TextPositionSelector), OA.start, Literal(99999, datatype=XSD.nonNegativeInteger))),
     "after"),
])
def test_violations_are_reported(built, breakage, message):
    _, graph = built
    breakage(graph)
    conforms, text = validate(graph)
    assert not conforms and message in text


def test_cli_validate(tmp_path, built):
    runner = CliRunner()
    good = tmp_path / "good.trig"
    write_trig(dict([built]), good)
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    graph = built[1]
    graph.remove((_first(graph, GK.Measure), GK.category, None))
    bad = tmp_path / "bad.trig"
    write_trig(dict([built]), bad)
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1 and "category" in result.output


def test_dataset_graphs_validated_separately(built):
    ds = Dataset()
    iri, graph = built
    target = ds.graph(iri)
    for t in graph:
        target.add(t)
    assert validate(ds)[0]
