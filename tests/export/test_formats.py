"""GraphML / GEXF / node-link round trips and `kg export`."""

from __future__ import annotations

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ConfigError, InputError
from kg.export import formats
from kg.export.formats import project, read_nodelink, scalar_attributes, write_gexf, write_graphml, write_nodelink

PROJECTIONS = ["none", "bipartite", "similarity", "collaboration", "laws"]


def _read(fmt, path, multigraph):
    if fmt == "graphml":
        return nx.read_graphml(path, force_multigraph=multigraph)
    if fmt == "gexf":
        H = nx.read_gexf(path)
        for *_, data in (H.edges(keys=True, data=True) if H.is_multigraph() else H.edges(data=True)):
            data.pop("id", None)  # the GEXF reader adds the edge id
        return H
    return read_nodelink(path)


def _comparable(G):
    nodes = sorted((n, sorted(a.items())) for n, a in G.nodes(data=True))
    if G.is_multigraph():
        edges = sorted((u, v, str(k), sorted(d.items())) for u, v, k, d in G.edges(keys=True, data=True))
    else:
        edges = sorted((*sorted((u, v)), sorted(d.items())) for u, v, d in G.edges(data=True))
    return nodes, edges


WRITE = {"graphml": write_graphml, "gexf": write_gexf, "nodelink": write_nodelink}


@pytest.mark.parametrize("projection", PROJECTIONS)
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "nodelink"])
def test_round_trip(kg_graph, tmp_path, fmt, projection):
    G = project(kg_graph, projection)
    path = WRITE[fmt](G, tmp_path / f"g.{fmt}")
    back = _read(fmt, path, G.is_multigraph())
    expected = G if fmt == "nodelink" else scalar_attributes(G)
    assert back.is_directed() == G.is_directed()
    assert _comparable(back) == _comparable(expected)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "nodelink"])
def test_writers_are_deterministic(kg_graph, tmp_path, fmt):
    a = WRITE[fmt](kg_graph, tmp_path / "a").read_bytes()
    b = WRITE[fmt](kg_graph.copy(), tmp_path / "b").read_bytes()
    assert a == b and "月浦镇".encode() in a


def test_lists_become_joined_strings(kg_graph, tmp_path):
    back = nx.read_graphml(write_graphml(kg_graph, tmp_path / "g.graphml"))
    law = next(a for a in back.nodes.values() if a["label"] == "中华人民共和国民法典")
    assert law["years"] == "2020; 2021"
    assert law["reports"].count("; ") == 1


def test_cli_export(fixture_trig, tmp_path):
    out = tmp_path / "sim.gexf"
    result = CliRunner().invoke(app, ["export", "gexf", "--input", str(fixture_trig), "-o", str(out),
                                      "--projection", "similarity"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("<node ") == 2


def test_cli_default_output_next_to_input(fixture_trig, tmp_path):
    src = tmp_path / "kg.trig"
    src.write_bytes(fixture_trig.read_bytes())
    result = CliRunner().invoke(app, ["export", "nodelink", "--input", str(src), "-p", "laws"])
    assert result.exit_code == 0, result.output
    assert read_nodelink(tmp_path / "kg-laws.json").number_of_edges() == 3


@pytest.mark.parametrize("kwargs, error, message", [
    ({"fmt": "dot"}, ConfigError, "unknown export format 'dot'"),
    ({"fmt": "gexf", "projection": "friends"}, ConfigError, "unknown projection 'friends'"),
    ({"fmt": "gexf", "input_path": "missing.trig"}, InputError, "no such file"),
    ({"fmt": "gexf", "input_path": "kg.csv"}, InputError, "unknown RDF file type '.csv'"),
])
def test_export_errors_name_the_bad_value(fixture_trig, tmp_path, kwargs, error, message):
    args = {"input_path": fixture_trig, "output": tmp_path / "x", **kwargs}
    fmt = args.pop("fmt")
    if isinstance(args["input_path"], str):
        args["input_path"] = tmp_path / args["input_path"]
    with pytest.raises(error, match=message):
        formats.export_graph(fmt, **args)
