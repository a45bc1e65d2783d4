"""Mentions, sentences and quantities of one report, as :class:`kg.records.Extraction`.

The spaCy pipeline (``kg.nlp``) finds the mentions; this module turns them into
records with canonical ids (division code where the gazetteer resolves it,
canonical law title, programme concept key, organisation qualified by its
division), adds the sentences and the reported figures, and leaves measures and
relations to the graph stage.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Optional

from kg.extract.normalize import canonical_law, canonical_programme, clean_surface, qualify_org
from kg.extract.quantities import find_quantities
from kg.nlp.components import doc_text
from kg.nlp.extensions import register_extensions
from kg.nlp.matchers import MatchContext
from kg.records import Document, Extraction, Mention, Sentence

__all__ = ["extract_entities", "extract_many", "make_doc", "context_of"]


def context_of(document: Document) -> MatchContext:
    """What the rules may use from the report's metadata."""
    meta = document.meta
    return MatchContext(government=meta.government, parents=list(meta.parents or []))


def _tokenized(document: Document, nlp):
    register_extensions()
    doc = nlp.make_doc(document.text)
    doc._.kg_context = context_of(document)
    return doc


def make_doc(document: Document, nlp):
    """Run ``nlp`` on the document's cleaned text with its metadata attached."""
    doc = _tokenized(document, nlp)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def extract_many(documents: Iterable[Document], nlp=None, batch_size: int = 8) -> Iterator[Extraction]:
    """:func:`extract_entities` for many reports through ``nlp.pipe`` (metadata attached), in order."""
    if nlp is None:
        from kg.nlp import load_pipeline

        nlp = load_pipeline()
    documents = list(documents)
    docs = nlp.pipe((_tokenized(d, nlp) for d in documents), batch_size=batch_size)
    for document, doc in zip(documents, docs):
        yield extract_entities(document, doc=doc)


def extract_entities(document: Document, nlp=None, doc=None) -> Extraction:
    """Sentences, every entity mention (each occurrence) and every figure of ``document``.

    ``doc`` may be a spaCy Doc already made from ``document.text`` (e.g. by ``nlp.pipe``).
    """
    if doc is None:
        if nlp is None:
            from kg.nlp import load_pipeline

            nlp = load_pipeline()
        doc = make_doc(document, nlp)
    elif doc_text(doc) != document.text:
        raise ValueError(f"{document.name}: the spaCy Doc was not made from this document's text")
    hits = doc._.kg_hits or []
    sentences = [Sentence(s.start_char, s.end_char) for s in doc.sents] if doc.has_annotation("SENT_START") \
        else [Sentence(0, len(document.text))]
    mentions = _mentions(document, hits)
    return Extraction(document=document, sentences=sentences, entities=mentions,
                      quantities=find_quantities(document.text))


def _mentions(document: Document, hits: list[dict]) -> list[Mention]:
    meta = document.meta
    text = document.text
    places = sorted({text[h["start"]:h["end"]] for h in hits if h["type"] == "DIVISION"})
    context = [*places, *(meta.parents or [])]
    gazetteer = _gazetteer()
    township_code = meta.division_code if meta.level == "township" else None
    resolved: dict[str, object] = {}  # one gazetteer look-up per distinct name and report
    mentions = []
    for hit in hits:
        surface = text[hit["start"]:hit["end"]]
        etype = hit["type"]
        canonical = hit.get("canonical") or ""
        if etype == "DIVISION":
            full = canonical or surface
            if full not in resolved:
                resolved[full] = gazetteer.resolve(full, context=context) if gazetteer is not None else None
            div = resolved[full]
            ident = div.code if div is not None and div.code else clean_surface(full)
            canonical = div.name if div is not None else clean_surface(full)
        elif etype == "VILLAGE":
            ident = f"{township_code}/{clean_surface(surface)}" if township_code else clean_surface(surface)
            canonical = clean_surface(surface)
        elif etype == "LAW":
            canonical = canonical_law(canonical or surface)
            ident = canonical
        elif etype == "PROGRAMME":
            ident = canonical_programme(surface, canonical)
            canonical = clean_surface(surface)
        elif etype == "ORG":
            canonical = (qualify_org(surface, meta.government, meta.parents or [])
                         if hit.get("source") == "pattern:org" else clean_surface(surface))
            ident = canonical
        else:
            canonical = clean_surface(canonical or surface)
            ident = canonical
        mentions.append(Mention(type=etype, text=surface, start=hit["start"], end=hit["end"], id=ident,
                                canonical=canonical, source=hit.get("source", "")))
    mentions.sort(key=lambda m: (m.start, -m.end, m.type))
    return mentions


def _gazetteer() -> Optional[object]:
    from kg.nlp.matchers import _load_gazetteer

    return _load_gazetteer()
