"""Extraction: entities and quantities (kg.extract.entities), measures, relations.

Import-light on purpose: submodules are imported inside :func:`extract_report`,
so ``import kg.extract`` never loads spaCy.
"""

from __future__ import annotations

from typing import Any, Optional

from kg.records import Document, Extraction

__all__ = ["extract_report"]


def extract_report(document: Document, nlp: Optional[Any] = None) -> Extraction:
    """Everything extracted from one report: entities, quantities, measures, relations.

    ``nlp`` is the pipeline from :func:`kg.nlp.load_pipeline` (loaded when omitted).
    """
    from kg.extract.entities import extract_entities
    from kg.extract.measures import extract_measures
    from kg.extract.relations import extract_relations

    extraction = extract_entities(document, nlp=nlp)
    extraction.relations = extract_relations(extraction)
    # Measures after relations: partners are read from collaboratesWith relations in build.
    extraction.measures = extract_measures(extraction)
    return extraction
