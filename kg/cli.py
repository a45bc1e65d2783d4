"""The ``kg`` command line: one typer app.

Each command lives in a module under :mod:`kg.commands` and is a thin wrapper
over a plain function that notebooks and tests call directly.
"""

from __future__ import annotations

import importlib
import sys

import typer

from kg.errors import GovKGError

app = typer.Typer(
    name="kg",
    help="GovKG: turn Chinese rule-of-law government reports into a knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

@app.command()
def version() -> None:
    """Print the GovKG version."""
    from kg import __version__

    typer.echo(__version__)


# Modules that register commands on ``app`` when imported.
COMMAND_MODULES = (
    "kg.commands.build",
    "kg.commands.extract",
    "kg.commands.validate",
    "kg.commands.query",
    "kg.commands.export",
)

for _name in COMMAND_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as err:  # a command module not written yet
        if err.name != _name:
            raise


def main() -> None:
    try:
        app()
    except GovKGError as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        sys.exit(2)
