"""``kg extract`` and ``kg eval``: thin commands over plain functions tests call directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, List, Optional

import typer

from kg.cli import app
from kg.errors import InputError

__all__ = ["collect_paths", "extract_record", "extraction_to_record", "extract_command", "eval_command"]


def collect_paths(paths: Iterable[Path]) -> list[Path]:
    """Report files named or found (recursively) in folders, in a stable order."""
    from kg.ingest import SUPPORTED_SUFFIXES

    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        elif path.exists():
            found.append(path)
        else:
            raise InputError(str(path), "no such file or folder", "check the path")
    return found


def extraction_to_record(extraction) -> dict:
    """The ``kg extract`` JSON object of one report."""
    document = extraction.document
    meta = document.meta
    return {
        "doc": document.name,
        "meta": {"government": meta.government, "level": meta.level, "year": meta.year,
                 "date": meta.date, "parents": list(meta.parents or []),
                 "division_code": meta.division_code},
        "entities": [{"type": m.type, "text": m.text, "start": m.start, "end": m.end, "id": m.id,
                      "canonical": m.canonical, "source": m.source,
                      "surface": _as_written(document, m.start, m.end)} for m in extraction.entities],
        "quantities": [{"value": q.value, "unit": q.unit, "approx": q.approx, "counted": q.counted,
                        "text": q.text, "start": q.start, "end": q.end} for q in extraction.quantities],
        "sentences": len(extraction.sentences),
    }


def _as_written(document, start: int, end: int) -> str:
    """The mention as the original text writes it (before dashes/quotes were unified)."""
    try:
        a, b = document.original_span(start, end)
    except (IndexError, TypeError):
        return document.text[start:end]
    original = document.original[a:b]
    return original if len(original) <= 2 * (end - start) + 20 else document.text[start:end]


def extract_record(path: Path, nlp=None) -> dict:
    """Read one report and return its ``kg extract`` record."""
    from kg.extract.entities import extract_entities
    from kg.ingest import load_document

    return extraction_to_record(extract_entities(load_document(path), nlp=nlp))


@app.command("extract")
def extract_command(
    paths: List[Path] = typer.Argument(..., help="Report files or folders (searched recursively)."),
    format: str = typer.Option("jsonl", "--format", help="Output format (jsonl: one JSON object per report)."),
    segmenter: Optional[str] = typer.Option(None, "--segmenter", help="pkuseg (default), jieba or char."),
) -> None:
    """Print the entities and figures of each report, one JSON object per line."""
    if format != "jsonl":
        raise typer.BadParameter(f"unknown format {format!r}: only jsonl is supported")
    from kg.nlp import load_pipeline

    nlp = load_pipeline(segmenter)
    for path in collect_paths(paths):
        typer.echo(json.dumps(extract_record(path, nlp=nlp), ensure_ascii=False))


@app.command("eval")
def eval_command(
    gold: Path = typer.Argument(..., help="Gold annotations (JSONL, ANNOTATION.md format)."),
    paths: List[Path] = typer.Argument(..., help="Report files or folders to extract and score."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    segmenter: Optional[str] = typer.Option(None, "--segmenter", help="pkuseg (default), jieba or char."),
) -> None:
    """Score extraction against gold annotations: per type (strict, lenient), quantities, metadata."""
    from kg.evaluate import evaluate
    from kg.nlp import load_pipeline

    if not gold.exists():
        raise InputError(str(gold), "gold file not found", "pass the gold.jsonl path")
    result = evaluate(gold, paths, nlp=load_pipeline(segmenter))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1))
        return
    from rich.console import Console

    Console().print(rich_table(result))


def rich_table(result: dict):
    """The eval result as a rich Table."""
    from rich.table import Table

    table = Table(title=f"kg eval ({result['documents']} reports)", title_justify="left")
    table.add_column("type", no_wrap=True, min_width=10)
    for column in ("P", "R", "F1", "P~", "R~", "F1~", "pred", "gold"):
        table.add_column(column, justify="right", no_wrap=True)
    rows = list(result["types"].items()) + [("micro", result["micro"])]
    for name, scores in rows:
        s, l = scores["strict"], scores["lenient"]
        table.add_row(name, f"{s['p']:.3f}", f"{s['r']:.3f}", f"{s['f1']:.3f}", f"{l['p']:.3f}",
                      f"{l['r']:.3f}", f"{l['f1']:.3f}", str(s["pred"]), str(s["gold"]),
                      style="bold" if name == "micro" else None)
    q = result["quantities"]
    table.add_row("quantities", f"{q['p']:.3f}", f"{q['r']:.3f}", f"{q['f1']:.3f}", "", "", "",
                  str(q["pred"]), str(q["gold"]))
    m = result["meta"]
    table.caption = ("strict scores; ~ = lenient (containment). "
                     f"meta accuracy: government {m['government']:.3f}, level {m['level']:.3f}, "
                     f"year {m['year']:.3f}")
    return table
