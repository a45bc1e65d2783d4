"""Progress of a build: a bar with reports/s and an ETA (rich), or nothing."""

from __future__ import annotations

import time
from typing import Any, Optional

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

__all__ = ["BuildProgress"]


class BuildProgress:
    """Context manager fed one outcome per finished report."""

    def __init__(self, total: int, *, cached: int = 0, enabled: bool = True,
                 console: Optional[Console] = None) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self.started = time.perf_counter()
        self._progress: Optional[Progress] = None
        if enabled:
            self._progress = Progress(
                TextColumn("[bold]kg build[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} reports/s"),
                TextColumn("{task.fields[note]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console or Console(stderr=True),
                transient=False,
            )
            note = f"({cached} cached)" if cached else ""
            self._task = self._progress.add_task("build", total=total, rate="-", note=note)
            self._cached_note = note

    def __enter__(self) -> "BuildProgress":
        self.started = time.perf_counter()
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()

    @property
    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, outcome: Any) -> None:
        self.done += 1
        if not outcome.ok:
            self.failed += 1
        if self._progress is not None:
            notes = [n for n in (self._cached_note, f"{self.failed} failed" if self.failed else "") if n]
            self._progress.update(self._task, advance=1, rate=f"{self.rate:.2f}",
                                  note=" ".join(notes))
