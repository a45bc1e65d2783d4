"""The NLP stage: a spaCy ``zh`` pipeline (pkuseg segmenter) with GovKG's rule components.

``load_pipeline()`` is the entry point; rule data lives in ``kg/nlp/data``.
"""

from kg.nlp.pipeline import load_pipeline

__all__ = ["load_pipeline"]
