"""Offline HTML views, without a browser: self-containment, caps, layout switch, determinism."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ConfigError
from kg.export import external_references, render_html, select_view, write_views
from kg.export.html import CLASS_STYLE, view_data
from kg.export.synthetic import synthetic_graph


def page_data(page: str) -> dict:
    match = re.search(r"var DATA = (\{.*?\});\n", page)
    return json.loads(match.group(1).replace("<\\/", "</"))


@pytest.mark.parametrize("html, external", [
    ('<script src="https://cdn.jsdelivr.net/npm/bootstrap.js"></script>', True),
    ('<link rel="stylesheet" href="http://cdnjs.cloudflare.com/vis.css">', True),
    ('<link rel="stylesheet" href="lib/vis.css">', True),  # a sibling file is not self-contained either
    ("<img src='//example.org/x.png'>", True),
    ("<style>@import url('https://fonts.googleapis.com/css');</style>", True),
    ('<div style="background:url(https://a.b/c.png)"></div>', True),
    ('<style>.x{background:url("data:image/png;base64,AAAA")}</style>', False),
    ('<script>var ns = "http://www.w3.org/2000/svg";</script>', False),
    ('<a href="#kg-legend">legend</a>', False),
])
def test_external_reference_detector(html, external):
    assert bool(external_references(html)) is external


def test_every_view_is_self_contained(kg_graph, tmp_path):
    written = write_views(kg_graph, tmp_path)
    assert {f.path.name for f in written} == {
        "overview.html", "laws.html", "collaboration.html", "similarity.html", "bipartite.html",
        "government-月浦镇.html", "government-齐村镇.html"}
    for f in written:
        page = f.path.read_text(encoding="utf-8")
        assert external_references(page) == [], f.path.name
        assert not re.search(r"cdnjs|jsdelivr|unpkg|bootstrap", page)
        assert "new vis.Network(" in page and "<script src" not in page
        assert len(page_data(page)["nodes"]) == f.nodes


def test_views_are_byte_identical_across_runs(kg_graph, tmp_path):
    a = [p.path.read_bytes() for p in write_views(kg_graph, tmp_path / "a")]
    b = [p.path.read_bytes() for p in write_views(kg_graph.copy(), tmp_path / "b")]
    assert a == b


def test_hover_legend_and_size(kg_graph):
    page, data = render_html(kg_graph, title="t")
    nodes = {n["name"]: n for n in data["nodes"]}
    law = nodes["中华人民共和国禁毒法"]
    assert law["title"].splitlines()[:2] == ["中华人民共和国禁毒法", "class: Law"]
    assert "evidence: 月浦镇司法所联合月浦派出所" in law["title"]
    assert (law["color"], law["shape"]) == CLASS_STYLE["Law"]
    assert law["years"] == [2020]
    # size grows with degree
    assert nodes["市中区齐村镇2021年度法治政府建设情况报告"]["size"] > nodes["李明"]["size"]
    legend = {item["cls"]: item["count"] for item in data["legend"]}
    assert legend["Measure"] == 6 and legend["Law"] == 4 and sum(legend.values()) == len(kg_graph)
    assert data["years"] == [2020, 2021]
    assert data["options"]["physics"]["enabled"] is True  # small: tuned physics, bounded
    assert data["options"]["physics"]["stabilization"]["iterations"] <= 200


def test_text_from_reports_cannot_break_the_page():
    G = nx.Graph()
    G.add_node("x", label="</script><script>alert(1)</script>", **{"class": "Organization"})
    page, _ = render_html(G, title="<b>标题</b>")
    assert "</script><script>alert" not in page
    assert "<title>&lt;b&gt;标题&lt;/b&gt;</title>" in page
    assert page_data(page)["nodes"][0]["name"] == "</script><script>alert(1)</script>"


def test_large_views_are_laid_out_in_python_and_capped():
    G = synthetic_graph(1200)
    data = view_data(G, max_nodes=1000, physics_max_nodes=400)
    assert data["options"]["physics"] == {"enabled": False}
    assert len(data["nodes"]) == 1000 and data["omitted"] == 200
    assert data["note"].startswith("Showing the 1,000 best-connected of 1,200 nodes; 200 nodes (")
    positions = {(n["x"], n["y"]) for n in data["nodes"]}
    assert len(positions) > 990  # nodes are spread out, not stacked
    page, _ = render_html(G, title="big", max_nodes=1000)
    assert "Showing the 1,000 best-connected" in page


@pytest.mark.parametrize("kind, name, expected_labels, absent", [
    ("government", "齐村镇", {"齐村镇", "齐村镇司法所", "中华人民共和国宪法", "中华人民共和国民法典"}, {"月浦镇"}),
    ("government", "月浦", {"月浦镇", "李明", "国际禁毒日"}, {"齐村镇司法所"}),
    ("programme", "双随机、一公开", {"双随机、一公开", "齐村市场监管所", "齐村镇"}, {"月浦镇", "扫黑除恶专项斗争"}),
    ("programme", "扫黑除恶专项斗争", {"月浦镇", "齐村镇", "中华人民共和国宪法"}, {"李明", "双随机、一公开"}),
])
def test_named_views(kg_graph, kind, name, expected_labels, absent):
    sub, view = select_view(kg_graph, kind, name)
    labels = {a["label"] for _, a in sub.nodes(data=True)}
    assert expected_labels <= labels and not (absent & labels)
    assert view.slug.startswith(kind + "-")


@pytest.mark.parametrize("kind, name, message", [
    ("government", "上海市", "no Township/County/City/Province/Village/AdministrativeDivision named '上海市'"),
    ("government", "镇", "ambiguous"),
    ("programme", None, "needs a NAME"),
    ("map", None, "unknown view 'map'"),
])
def test_view_errors(kg_graph, kind, name, message):
    with pytest.raises(ConfigError, match=message):
        select_view(kg_graph, kind, name)


def test_cli_viz(fixture_trig, tmp_path):
    result = CliRunner().invoke(app, ["viz", "programme", "扫黑除恶专项斗争", "--input", str(fixture_trig),
                                      "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.glob("*.html")
    assert path.name == "programme-扫黑除恶专项斗争.html"
    assert "13 nodes" in result.output


def test_vis_network_is_read_from_the_installed_pyvis():
    from pathlib import Path

    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    page, _ = render_html(nx.path_graph(3), title="t")
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    assert js in page
    assert (lib / "vis-network.css").read_text(encoding="utf-8") in page
    # and nothing of it is vendored into the repository
    assert not list((Path(__file__).resolve().parents[2] / "kg").rglob("vis-network*"))


def test_default_cap_applies_to_cli_views(tmp_path):
    from kg.export import views

    G = synthetic_graph(5200)
    (written,) = views.write_views(G, tmp_path, views=[("overview", None)])
    assert (written.nodes, written.omitted_nodes) == (5000, 200)


def test_views_identical_across_processes_and_hash_seeds(fixture_trig, tmp_path):
    import os
    import subprocess
    import sys

    pages = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed)
        script = ("import sys; from kg.export import load_networkx, write_views; "
                  "write_views(load_networkx(sys.argv[1]), sys.argv[2])")
        subprocess.run([sys.executable, "-c", script, str(fixture_trig), str(out)],
                       check=True, env=env, capture_output=True)
        pages.append({p.name: p.read_bytes() for p in sorted(out.glob("*.html"))})
    assert len(pages[0]) == 7 and pages[0] == pages[1]


def test_governments_with_the_same_name_get_their_own_view(tmp_path):
    from kg.export.projections import _example

    G = _example()
    G.nodes["B"]["label"] = "城关镇"
    G.nodes["A"]["label"] = "城关镇"
    G.nodes["A"]["stat_code"] = "410102001000"
    names = sorted(v.path.name for v in write_views(G, tmp_path) if v.path.name.startswith("government"))
    assert names == ["government-城关镇-410102001000.html", "government-城关镇-B.html"]
