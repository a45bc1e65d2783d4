"""``kg validate [PATH]``: SHACL-validate a built graph (default output/kg.trig)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from kg import settings
from kg.cli import app


def run_validate(path: Optional[Path] = None, shapes: Optional[Path] = None) -> tuple[bool, str]:
    """Validate ``path`` (default output/kg.trig) against ``shapes`` (default ontology/shapes.ttl)."""
    from kg.graph.validate import validate_file

    return validate_file(path or settings.DEFAULT_OUTPUT / "kg.trig", shapes)


@app.command("validate")
def validate_command(
    path: Optional[Path] = typer.Argument(None, help="Graph to check (.trig, .nq, .ttl, .jsonld); default output/kg.trig."),
    shapes: Optional[Path] = typer.Option(None, "--shapes", help="SHACL shapes file; default ontology/shapes.ttl."),
) -> None:
    """Check a built graph against the SHACL shapes; exit 1 on any violation."""
    conforms, text = run_validate(path, shapes)
    typer.echo(text)
    if not conforms:
        raise typer.Exit(code=1)
