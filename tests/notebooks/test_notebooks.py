"""Execute every notebook in notebooks/ with the project's Python and fail on any error.

The samples are built once per session into a temporary folder
(GOVKG_NOTEBOOK_OUT), which every notebook reuses.  Set GOVKG_NOTEBOOK_OUT
yourself to run them against an existing build.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
TIME_LIMIT_S = 60
EXPECTED_FIGURES = {"02_network_analysis.ipynb": 3}


def test_there_are_three_notebooks():
    assert [p.name for p in ALL] == ["01_quickstart.ipynb", "02_network_analysis.ipynb",
                                     "03_sparql_cookbook.ipynb"]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs"


@pytest.fixture(scope="session")
def built_samples(tmp_path_factory):
    """Build the bundled samples once (or use GOVKG_NOTEBOOK_OUT when given)."""
    given = os.environ.get("GOVKG_NOTEBOOK_OUT")
    if given:
        return Path(given)
    from kg.workflow import build

    out = tmp_path_factory.mktemp("notebook-build")
    result = build(None, out, progress=False)
    assert (out / "kg.trig").is_file(), f"build wrote no kg.trig: {result.failures[:3]}"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_notebook_runs(path, built_samples, monkeypatch):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("GOVKG_NOTEBOOK_OUT", str(built_samples))
    nb = nbformat.read(path, as_version=4)
    # a first cell reports the kernel's interpreter: it must be this one (the project's .venv)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    client = NotebookClient(nb, timeout=TIME_LIMIT_S, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"{path.name} failed:\n{err}")
    elapsed = time.perf_counter() - start
    assert Path(nb.cells[0].outputs[0]["text"].strip()) == Path(sys.executable)
    assert elapsed < TIME_LIMIT_S, f"{path.name} took {elapsed:.0f} s (keep notebooks under {TIME_LIMIT_S} s)"
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    assert figures >= EXPECTED_FIGURES.get(path.name, 0), f"{path.name}: {figures} figures drawn"


@pytest.mark.slow
def test_sample_build_exports_and_views(built_samples, tmp_path):
    """The real sample graph, not only the hand-made fixture: every export round-trips
    and every view is self-contained."""
    import networkx as nx

    from kg.export import external_references, load_networkx, write_views
    from kg.export.formats import PROJECTIONS, project, read_nodelink, scalar_attributes
    from kg.export.formats import write_gexf, write_graphml, write_nodelink

    G = load_networkx(built_samples / "kg.trig")
    classes = {c for _, c in G.nodes(data="class")}
    assert {"Report", "Measure", "Organization", "Programme"} <= classes
    assert sum(1 for *_, e in G.edges(data="evidence") if e) > G.number_of_edges() / 4
    for name in PROJECTIONS:
        H = project(G, name)
        expected = scalar_attributes(H)
        multi = H.is_multigraph()
        back = nx.read_graphml(write_graphml(H, tmp_path / f"{name}.graphml"), force_multigraph=multi)
        assert sorted(back.nodes(data=True)) == sorted(expected.nodes(data=True))
        assert back.number_of_edges() == H.number_of_edges()
        assert nx.read_gexf(write_gexf(H, tmp_path / f"{name}.gexf")).number_of_nodes() == len(H)
        assert read_nodelink(write_nodelink(H, tmp_path / f"{name}.json")).number_of_edges() == H.number_of_edges()
    written = write_views(G, tmp_path / "views")
    assert len(written) >= 6
    for view in written:
        assert external_references(view.path.read_text(encoding="utf-8")) == []

    from kg.export.browser import browser_missing, headless_chromium, open_view

    if browser_missing():
        pytest.skip(f"views written; not drawn: {browser_missing()}")
    shots = NOTEBOOKS.parent / "output" / "screenshots"
    with headless_chromium() as driver:
        for view in written:
            result = open_view(driver, view.path, screenshot=shots / f"samples-{view.path.stem}.png")
            assert (result.drawn_nodes, result.drawn_edges) == (view.nodes, view.edges), view.path.name
            assert all(u.startswith(("file:", "data:", "about:")) for u in result.resources), result.resources
            assert result.console_errors == [], view.path.name
