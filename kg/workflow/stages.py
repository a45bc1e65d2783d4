"""The pipeline stages the workflow calls, gathered in one swappable object.

The workflow never imports a stage module at import time: :func:`default_stages`
imports them when a build starts, so ``kg --help`` stays fast and tests can run
the orchestration with small fakes (any object with the same attributes).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from kg.errors import GovKGError

__all__ = ["Stages", "default_stages", "StageUnavailable"]


class StageUnavailable(GovKGError):
    """A pipeline stage module cannot be imported."""


@dataclass(frozen=True)
class Stages:
    """What the workflow needs from the pipeline.

    - ``load_document(path) -> Document`` (raises :class:`kg.errors.InputError`);
    - ``load_pipeline() -> nlp`` (called once per process, before any report);
    - ``extract_report(document, nlp) -> Extraction``;
    - ``report_graph(extraction) -> (graph_iri, graph)``;
    - ``report_nquads(graph_iri, graph) -> bytes`` (sorted N-Quads);
    - ``report_quads(extraction) -> (graph_iri, nquads)``: both steps at once, when the
      graph stage has a faster way (optional; ``None`` uses the two above);
    - ``report_artifacts(extraction, prefixes, base_iri) -> (graph_iri, nquads, pieces)``:
      the graph stage writes the report's pieces of the corpus files itself (``pieces`` as
      :func:`kg.workflow.unit.derive_artifacts` returns them, kg.jsonld's under the
      ``base_iri`` below, or ``None`` to have them derived from ``nquads``); optional,
      preferred to ``report_quads``;
    - ``report_graph_iri(sha256) -> graph_iri``: the graph IRI the graph stage will give the
      report whose raw bytes hash to ``sha256``, known before processing it (optional; with
      it the corpus files are written while reports are processed, see
      :mod:`kg.workflow.early`);
    - ``open_store(path) -> store`` with ``replace_graph(iri, nquads)``,
      ``remove_graph(iri)`` and ``graphs()``; ``None`` builds no store;
    - ``prefixes``: prefix -> namespace used for kg.trig/kg.ttl/kg.jsonld;
    - ``base_iri``: the base of the IRIs the graph stage mints, kg.jsonld's ``@base``
      (``None``: no ``@base``; see :mod:`kg.graph.jsonld`);
    - ``ontology_dir``: folder copied to ``output/ontology``;
    - ``fingerprint_extra``: extra cache-key parts (fakes use it);
    - ``fingerprint_sources``: files whose content keys the cache (default: the
      stages' code and data, see :func:`kg.cache.fingerprint_sources`).
    """

    load_document: Callable[[Any], Any]
    load_pipeline: Callable[[], Any]
    extract_report: Callable[[Any, Any], Any]
    report_graph: Callable[[Any], tuple]
    report_nquads: Callable[[str, Any], bytes]
    open_store: Optional[Callable[[Path], Any]] = None
    report_quads: Optional[Callable[[Any], tuple]] = None
    report_artifacts: Optional[Callable[[Any, dict, Optional[str]], tuple]] = None
    report_graph_iri: Optional[Callable[[str], str]] = None
    prefixes: tuple = ()
    base_iri: Optional[str] = None
    ontology_dir: Optional[Path] = None
    fingerprint_extra: tuple = ()
    fingerprint_sources: Optional[tuple] = None  # None: kg.cache.fingerprint_sources()


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name and name.startswith(err.name):
            raise StageUnavailable(
                f"pipeline stage {name} is not available ({err}); "
                "reinstall GovKG: pip install -e .") from err
        raise


def _default_prefixes() -> tuple:
    prefixes = {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dcterms": "http://purl.org/dc/terms/",
        "oa": "http://www.w3.org/ns/oa#",
        "org": "http://www.w3.org/ns/org#",
        "prov": "http://www.w3.org/ns/prov#",
        "gk": "https://w3id.org/govkg/ontology#",
    }
    try:  # the graph stage's own table, when it has one
        namespaces = importlib.import_module("kg.graph.namespaces")
        table = getattr(namespaces, "PREFIXES", None)
        if isinstance(table, dict):
            prefixes.update({str(k): str(v) for k, v in table.items()})
    except ImportError:
        pass
    return tuple(sorted(prefixes.items()))


def default_stages() -> Stages:
    """The real pipeline: kg.ingest, kg.nlp, kg.extract, kg.graph, kg.query.store."""
    from kg import settings

    ingest = _module("kg.ingest")
    nlp = _module("kg.nlp")
    extract = _module("kg.extract")
    build = _module("kg.graph.build")
    serialize = _module("kg.graph.serialize")
    try:
        store_cls = _module("kg.query.store").Store
    except StageUnavailable:
        store_cls = None
    ontology_dir = settings.ONTOLOGY_DIR
    if not ontology_dir.is_dir():
        ontology_dir = settings.PACKAGE_DIR.parent / "ontology"
    return Stages(
        load_document=ingest.load_document,
        load_pipeline=nlp.load_pipeline,
        extract_report=lambda document, model: extract.extract_report(document, nlp=model),
        report_graph=build.report_graph,
        report_nquads=serialize.report_nquads,
        report_quads=build.report_quads,
        report_artifacts=build.report_artifacts,
        report_graph_iri=build.report_graph_iri,
        open_store=store_cls,
        prefixes=_default_prefixes(),
        base_iri=settings.BASE_IRI,
        ontology_dir=ontology_dir if ontology_dir.is_dir() else None,
    )
