"""``kg build``: the command over :func:`kg.workflow.build`."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from kg import settings
from kg.cli import app
from kg.workflow import EXIT_FAILURES, BuildResult, build

__all__ = ["build_command", "summary_table", "failures_table"]


def summary_table(result: BuildResult) -> Table:
    """The closing summary: reports, entities per type, triples, time."""
    table = Table(title=f"kg build → {result.out_dir}", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_row("reports built", str(len(result.reports)))
    table.add_row("  processed now", str(result.processed))
    table.add_row("  from cache", str(result.cached))
    if result.duplicates:
        table.add_row("duplicates skipped", str(len(result.duplicates)))
    table.add_row("failed", str(len(result.failures)))
    if result.same_government_year:
        table.add_row("same government+year", str(sum(len(g["reports"])
                                                      for g in result.same_government_year)))
    for kind, count in result.entities.items():
        table.add_row(f"entities {kind}", f"{count:,}")
    table.add_row("triples (union)", f"{result.triples:,}")
    table.add_row("quads (kg.trig)", f"{result.quads:,}")
    table.add_row("time", f"{result.seconds:.1f} s")
    if result.processed and result.seconds:
        table.add_row("speed (incl. start-up)", f"{result.processed / result.seconds:.2f} reports/s")
    return table


#: Rows of each kind the console lists; the rest are counted (summary.json and failures.json
#: hold them all).  A province's corpus can have hundreds of duplicates.
MAX_ROWS = 20
#: Report names shown per same-government-and-year group.
MAX_NAMES = 4


def _names(names: List[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    return shown if len(names) <= MAX_NAMES else f"{shown} and {len(names) - MAX_NAMES} more"


def failures_table(result: BuildResult) -> Table:
    """Failures, duplicates and same-government-and-year groups, at most :data:`MAX_ROWS` of
    each (the closing row says where the rest are)."""
    table = Table(title="not built", title_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column("reason")
    table.add_column("fix")
    rows = [[(f["name"], f["reason"], f.get("fix", "")) for f in result.failures],
            [(d["name"], f"same content as {Path(d['same_as']).name}", "nothing to do")
             for d in result.duplicates],
            [(_names(g["reports"]),
              f"same government and year ({g['government']}, {g['year']}): all kept",
              "check they are different reports") for g in result.same_government_year]]
    hidden = []
    for kind, group in zip(("failures", "duplicates", "same government+year groups"), rows):
        for row in group[:MAX_ROWS]:
            table.add_row(*row)
        if len(group) > MAX_ROWS:
            hidden.append(f"{len(group) - MAX_ROWS} more {kind}")
    if hidden:
        where = "failures.json and summary.json" if result.failures else "summary.json"
        table.add_row(f"… {', '.join(hidden)}", f"all listed in {where}", "")
    return table


@app.command("build")
def build_command(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="Report files or folders (searched recursively). Default: the bundled samples."),
    out: Path = typer.Option(settings.DEFAULT_OUTPUT, "-o", "--out", help="Output folder."),
    jobs: int = typer.Option(1, "-j", "--jobs", min=1, help="Worker processes."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Ignore the cache: process every report."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first report that fails."),
    executor: str = typer.Option("local", "--executor",
                                 help="local (worker processes on this machine) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Dask scheduler address (with --executor dask)."),
    max_mb: float = typer.Option(32.0, "--max-mb", help="Refuse report files larger than this."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress bar."),
) -> None:
    """Build the knowledge graph: kg.trig, kg.ttl, kg.jsonld, store/, summary.json.

    Exit status: 0 when every report was built, 3 when some failed (they are
    listed with the reason and the fix; the others were built) or --strict stopped.
    """
    console = Console()
    result = build(paths or None, out, jobs=jobs, rebuild=rebuild, strict=strict,
                   executor="process" if executor == "local" else executor, scheduler=scheduler,
                   progress=not quiet, max_bytes=int(max_mb * 1024 * 1024))
    if not result.reports and not result.failures:
        console.print("[yellow]no report files found[/] (looked for "
                      ".txt .html .htm .docx .pdf; folders are searched recursively)")
    console.print(summary_table(result))
    if result.failures or result.duplicates or result.same_government_year:
        console.print(failures_table(result))
    if result.aborted:
        console.print("[red]stopped at the first failure (--strict); outputs not rewritten[/]")
    if result.exit_code:
        raise typer.Exit(EXIT_FAILURES)
