"""spaCy components of the GovKG pipeline (registered as ``kg_…`` factories).

Like spaCy's ``SpanRuler``: ``__call__`` = ``match(doc)`` then
``set_annotations(doc, matches)``; rule data is loaded in ``initialize()``
from the folder the config points to.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from kg.nlp.extensions import SPAN_KEY, register_extensions
from kg.nlp.matchers import Hit, MatchContext, RuleSet

__all__ = ["SentenceSplitter", "EntityRuler", "SENTENCE_ENDS", "split_at_offsets"]

#: Characters after which a new sentence starts.
SENTENCE_ENDS = frozenset("。！？!?；;\n")


@Language.factory("kg_sentences", assigns=["token.is_sent_start"])
def make_sentence_splitter(nlp: Language, name: str) -> "SentenceSplitter":
    return SentenceSplitter()


class SentenceSplitter:
    """Sentence boundaries after 。！？； and line breaks (headings are their own sentences)."""

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # One array write: setting token.is_sent_start token by token is quadratic in spaCy.
        starts = numpy.full((len(doc), 1), -1, dtype="int64").astype("uint64")
        starts[0, 0] = 1  # SENT_START: 1 starts a sentence, -1 (as uint64) does not
        for i, token in enumerate(doc[:-1]):
            if token.text[-1:] in SENTENCE_ENDS or "\n" in token.whitespace_:
                starts[i + 1, 0] = 1
        doc.from_array([SENT_START], starts)
        return doc


@Language.factory(
    "kg_entities",
    assigns=[f"doc.spans", "doc._.kg_hits"],
    default_config={"data_dir": None, "use_gazetteer": True, "split_tokens": True},
)
def make_entity_ruler(nlp: Language, name: str, data_dir: Optional[str],
                      use_gazetteer: bool, split_tokens: bool) -> "EntityRuler":
    return EntityRuler(name, data_dir=data_dir, use_gazetteer=use_gazetteer, split_tokens=split_tokens)


class EntityRuler:
    """Gazetteer, lexicon and pattern rules over the raw text, aligned to tokens."""

    def __init__(self, name: str = "kg_entities", *, data_dir: Optional[str] = None,
                 use_gazetteer: bool = True, split_tokens: bool = True) -> None:
        register_extensions()
        self.name = name
        self.split_tokens = split_tokens
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
        if self.split_tokens:
            split_at_offsets(doc, {o for h in hits for o in (h.start, h.end)})
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


def split_at_offsets(doc: Doc, offsets: set[int]) -> None:
    """Retokenize so that every character offset in ``offsets`` is a token boundary.

    pkuseg may glue a name to its neighbour (特携手月浦 …); splitting there makes every
    rule hit an exact token span.
    """
    ordered = sorted(offsets)
    cuts: list[tuple[object, list[str]]] = []
    for token in doc:
        lo = bisect.bisect_right(ordered, token.idx)
        hi = bisect.bisect_left(ordered, token.idx + len(token.text))
        inner = [o - token.idx for o in ordered[lo:hi]]
        if inner:
            bounds = [0, *inner, len(token.text)]
            cuts.append((token, [token.text[a:b] for a, b in zip(bounds, bounds[1:])]))
    if not cuts:
        return
    with doc.retokenize() as retokenizer:
        for token, pieces in cuts:
            retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))
