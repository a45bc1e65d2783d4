"""spaCy components of the GovKG pipeline (registered as ``kg_…`` factories).

Like spaCy's ``SpanRuler``: ``__call__`` = ``match(doc)`` then
``set_annotations(doc, matches)``; rule data is loaded in ``initialize()``
from the folder the config points to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from kg.nlp.extensions import SPAN_KEY, register_extensions
from kg.nlp.matchers import Hit, MatchContext, RuleSet

__all__ = ["SentenceSplitter", "EntityRuler", "SENTENCE_ENDS"]

#: Characters after which a new sentence starts.
SENTENCE_ENDS = frozenset("。！？!?；;\n")


@Language.factory("kg_sentences", assigns=["token.is_sent_start"])
def make_sentence_splitter(nlp: Language, name: str) -> "SentenceSplitter":
    return SentenceSplitter()


class SentenceSplitter:
    """Sentence boundaries after 。！？； and line breaks (headings are their own sentences)."""

    def __call__(self, doc: Doc) -> Doc:
        previous_end = True
        for token in doc:
            token.is_sent_start = previous_end
            previous_end = bool(token.text) and (token.text[-1] in SENTENCE_ENDS
                                                 or "\n" in token.whitespace_)
        return doc


@Language.factory(
    "kg_entities",
    assigns=[f"doc.spans", "doc._.kg_hits"],
    default_config={"data_dir": None, "use_gazetteer": True},
)
def make_entity_ruler(nlp: Language, name: str, data_dir: Optional[str],
                      use_gazetteer: bool) -> "EntityRuler":
    return EntityRuler(name, data_dir=data_dir, use_gazetteer=use_gazetteer)


class EntityRuler:
    """Gazetteer, lexicon and pattern rules over the raw text, aligned to tokens."""

    def __init__(self, name: str = "kg_entities", *, data_dir: Optional[str] = None,
                 use_gazetteer: bool = True) -> None:
        register_extensions()
        self.name = name
        self.data_dir = Path(data_dir) if data_dir else None
        self.use_gazetteer = use_gazetteer
        self.rules: Optional[RuleSet] = None

    def initialize(self, get_examples: Optional[Callable[[], Iterable]] = None, *,
                   nlp: Optional[Language] = None, data_dir: Optional[str] = None) -> None:
        """Load the rule data (lexicons, patterns, gazetteer)."""
        if data_dir:
            self.data_dir = Path(data_dir)
        self.rules = RuleSet.load(self.data_dir, gazetteer="auto" if self.use_gazetteer else None)

    def _ensure(self) -> RuleSet:
        if self.rules is None:
            self.initialize()
        return self.rules

    def match(self, doc: Doc) -> list[Hit]:
        context = doc._.kg_context if isinstance(doc._.kg_context, MatchContext) else None
        return self._ensure().find(doc.text, context)

    def set_annotations(self, doc: Doc, hits: list[Hit]) -> None:
        spans = []
        for hit in hits:
            # Hits come from the raw text; "expand" keeps an entity whose edge falls
            # inside a token (pkuseg segmented differently) instead of losing it.
            span = doc.char_span(hit.start, hit.end, label=hit.type, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPAN_KEY] = SpanGroup(doc, name=SPAN_KEY, spans=spans)
        doc._.kg_hits = [{"type": h.type, "start": h.start, "end": h.end, "source": h.source,
                          "canonical": h.canonical} for h in hits]

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def user_words(self) -> list[str]:
        return self._ensure().user_words()
