"""Every ``Doc._`` / ``Span._`` extension GovKG uses, registered once.

>>> register_extensions()
>>> from spacy.tokens import Doc
>>> Doc.has_extension("kg_hits")
True
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

__all__ = ["register_extensions", "SPAN_KEY"]

#: ``doc.spans`` key of the entity mentions (overlapping: a DIVISION inside an ORG).
SPAN_KEY = "kg_entities"


def register_extensions() -> None:
    """Idempotent: safe to call from every component factory."""
    # What the report says about itself (kg.nlp.matchers.MatchContext), set before the pipes run.
    if not Doc.has_extension("kg_context"):
        Doc.set_extension("kg_context", default=None)
    # Exact character-level hits [{"type","start","end","source","canonical"}]: the spans in
    # doc.spans[SPAN_KEY] are aligned to tokens and may be wider than the name.
    if not Doc.has_extension("kg_hits"):
        Doc.set_extension("kg_hits", default=None)
    if not Span.has_extension("kg_source"):
        Span.set_extension("kg_source", default="")
