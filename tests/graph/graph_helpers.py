"""Build small Extractions by hand from real report sentences (no spaCy)."""

from __future__ import annotations

from kg.ingest import load_text
from kg.records import Extraction, Mention, Quantity


def mention(text: str, kind: str, surface: str, ident: str = "", canonical: str = "", nth: int = 0,
            after: int = 0) -> Mention:
    """The ``nth`` occurrence of ``surface`` in ``text`` at or after ``after``, as a Mention."""
    pos = after - 1
    for _ in range(nth + 1):
        pos = text.find(surface, pos + 1)
        if pos < 0:
            raise ValueError(f"{surface!r} not found in the text")
    return Mention(kind, surface, pos, pos + len(surface), ident or surface, canonical or surface, "test")


def quantity(text: str, surface: str, value: float, unit: str, counted: str, approx: bool = False) -> Quantity:
    pos = text.index(surface)
    return Quantity(value, unit, approx, counted, surface, pos, pos + len(surface))


def extraction(report: str, name: str, entities: list[tuple], quantities: list[tuple] = ()) -> Extraction:
    """Load ``report`` with kg.ingest and attach hand-made mentions and quantities.

    ``entities`` holds (type, surface[, id[, canonical[, nth]]]) tuples, found in the cleaned text.
    """
    doc = load_text(report, name=name)
    mentions = [mention(doc.text, kind, surface, *rest) for kind, surface, *rest in entities]
    mentions.sort(key=lambda m: (m.start, m.end))
    qs = [quantity(doc.text, *q) for q in quantities]
    qs.sort(key=lambda q: q.start)
    return Extraction(document=doc, entities=mentions, quantities=qs)
