"""spaCy components of the GovKG pipeline (registered as ``kg_…`` factories).

Like spaCy's ``SpanRuler``: ``__call__`` = ``match(doc)`` then
``set_annotations(doc, matches)``; rule data is loaded in ``initialize()``
from the folder the config points to.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy
from spacy.attrs import IDX, LENGTH, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from kg.nlp.extensions import SPAN_KEY, register_extensions
from kg.nlp.matchers import Hit, MatchContext, RuleSet
from kg.nlp.phrases import code_points

__all__ = ["SentenceSplitter", "EntityRuler", "SENTENCE_ENDS", "split_at_offsets", "doc_text"]

#: Characters after which a new sentence starts.
SENTENCE_ENDS = frozenset("。！？!?；;\n")
_SENTENCE_END_CODES = numpy.array(sorted(ord(c) for c in SENTENCE_ENDS), dtype="int64")


class _OrthTexts(dict):
    """Token text by ORTH id (a hash of the text, the same in every vocabulary), filled on demand."""

    strings = None  # the StringStore of the Doc being read

    def __missing__(self, orth: int) -> str:
        text = self[orth] = self.strings[orth]
        return text


_ORTH_TEXTS = _OrthTexts()


def doc_text(doc: Doc) -> str:
    """``doc.text``, read from token arrays: ``Doc.text`` makes a Token object per token."""
    _ORTH_TEXTS.strings = doc.vocab.strings
    words = list(map(_ORTH_TEXTS.__getitem__, doc.to_array(ORTH).tolist()))
    for i in doc.to_array(SPACY).nonzero()[0].tolist():
        words[i] += " "
    return "".join(words)


def _token_bounds(doc: Doc) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Start and end character offsets of every token (one array read, no Token objects)."""
    bounds = doc.to_array([IDX, LENGTH]).astype("int64")
    return bounds[:, 0], bounds[:, 0] + bounds[:, 1]


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
        # A token ends a sentence when its last character is a sentence end or a line break
        # follows it (its whitespace): computed on arrays rather than token by token.
        token_start, token_end = _token_bounds(doc)
        codes = code_points(doc_text(doc))
        ends_sentence = numpy.isin(codes, _SENTENCE_END_CODES)
        line_breaks = numpy.concatenate(([0], numpy.cumsum(codes == ord("\n"))))
        last = token_end[:-1] - 1
        by_text = (token_end[:-1] > token_start[:-1]) & ends_sentence[numpy.maximum(last, 0)]
        by_space = line_breaks[token_start[1:]] > line_breaks[token_end[:-1]]
        starts[1:, 0][by_text | by_space] = 1
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
        return self._ensure().find(doc_text(doc), context)

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
    if not len(doc) or not offsets:
        return
    token_start, token_end = _token_bounds(doc)
    ordered = numpy.array(sorted(offsets), dtype="int64")
    # the token each offset falls in (the last one starting before it), kept when strictly inside
    owner = numpy.searchsorted(token_start, ordered, side="left") - 1
    valid = owner >= 0
    inside = numpy.zeros(len(ordered), dtype=bool)
    inside[valid] = ordered[valid] < token_end[owner[valid]]
    cuts: list[tuple[object, list[str]]] = []
    for i, group in groupby(zip(owner[inside].tolist(), ordered[inside].tolist()), key=lambda p: p[0]):
        token = doc[i]
        bounds = [0, *(o - token.idx for _, o in group), len(token.text)]
        cuts.append((token, [token.text[a:b] for a, b in zip(bounds, bounds[1:])]))
    if not cuts:
        return
    with doc.retokenize() as retokenizer:
        for token, pieces in cuts:
            retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))
