"""``kg export`` (GraphML / GEXF / node-link JSON) and ``kg viz`` (offline HTML views)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kg.cli import app
from kg.settings import DEFAULT_OUTPUT

DEFAULT_INPUT = DEFAULT_OUTPUT / "kg.trig"


@app.command("export")
def export_command(
    fmt: str = typer.Argument(..., metavar="graphml|gexf|nodelink", help="Output format."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default: output/kg[-PROJECTION].<ext>)."),
    input_path: Path = typer.Option(DEFAULT_INPUT, "--input", "-i", help="Built graph (TriG or Turtle)."),
    projection: str = typer.Option("none", "--projection", "-p",
                                   help="none|bipartite|similarity|collaboration|laws"),
    provenance: bool = typer.Option(False, "--provenance", help="Keep mention/evidence nodes."),
) -> None:
    """Write the graph (or a projection of it) for Gephi, Cytoscape or NetworkX."""
    from kg.export.formats import export_graph

    path = export_graph(fmt, input_path=input_path, output=output, projection=projection,
                        include_provenance=provenance)
    typer.echo(str(path))


@app.command("viz")
def viz_command(
    view: str = typer.Argument("all", help="all|overview|laws|collaboration|similarity|bipartite|government|programme"),
    name: Optional[str] = typer.Argument(None, help="Government or programme name (for those views)."),
    output: Path = typer.Option(DEFAULT_OUTPUT / "views", "-o", "--output", help="Folder for the HTML files."),
    input_path: Path = typer.Option(DEFAULT_INPUT, "--input", "-i", help="Built graph (TriG or Turtle)."),
    max_nodes: int = typer.Option(5000, "--max-nodes", help="Cap per view; the rest is listed in a note."),
) -> None:
    """Write self-contained HTML views (they work offline) into a folder."""
    from kg.export.formats import load_networkx
    from kg.export.views import write_views

    G = load_networkx(input_path)
    views = None if view == "all" else [(view, name)]
    for written in write_views(G, output, views=views, max_nodes=max_nodes):
        extra = f", {written.omitted_nodes:,} left out" if written.omitted_nodes else ""
        typer.echo(f"{written.path}  ({written.nodes:,} nodes, {written.edges:,} edges{extra})")
