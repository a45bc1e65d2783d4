"""The unit of work: one report file in, its graph's serialisations and a summary out.

``path -> Document -> Extraction -> named graph -> sorted N-Quads`` plus, so that
assembling the corpus outputs is a matter of concatenating bytes, the report's
ready-made pieces of kg.trig, kg.ttl and kg.jsonld (see :func:`derive_artifacts`).
Everything here is deterministic: the same report gives the same bytes.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Optional

from pyoxigraph import (BlankNode, CanonicalizationAlgorithm, Dataset, NamedNode, Quad, RdfFormat,
                        parse, serialize)

from kg.errors import GovKGError, InputError
from kg.graph.jsonld import RDF_LANG_STRING, RDF_TYPE, Compactor, blank_ref, graph_piece

__all__ = ["ReportInput", "Outcome", "process_report", "derive_artifacts", "strip_prefix_header",
           "is_report_local"]


@dataclass(frozen=True)
class ReportInput:
    """A report file to process: where it is and what its bytes hash to."""

    path: str
    name: str
    sha256: str
    size: int


@dataclass
class Outcome:
    """What processing one report gave: a summary and artifacts, or an error."""

    item: ReportInput
    summary: Optional[dict] = None
    artifacts: Optional[dict] = None  # kind -> bytes; None once written to the cache
    error: Optional[dict] = None  # reason, fix, kind (input/pipeline/internal), detail
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def strip_prefix_header(data: bytes) -> bytes:
    """Drop the ``@prefix`` lines a Turtle/TriG serialiser puts first."""
    pos = 0
    while data.startswith(b"@prefix ", pos):
        pos = data.index(b"\n", pos) + 1
    return data[pos:]


def is_report_local(term: Any, rid: str) -> bool:
    """True for nodes only this report can have: blank nodes and IRIs minted with its id."""
    return isinstance(term, BlankNode) or (isinstance(term, NamedNode) and f"/{rid}" in term.value)


def _sort_key(quad: Quad) -> tuple:
    return (str(quad.subject), str(quad.predicate), str(quad.object))


def derive_artifacts(graph_iri: str, nquads: bytes, prefixes: dict[str, str],
                     base: Optional[str] = None) -> dict[str, bytes]:
    """The report's pieces of every corpus output, from its N-Quads.

    - ``nq``: the quads, all in graph ``graph_iri``, sorted (as the stage gave
      them when it did; otherwise re-serialised with blank nodes canonically
      labelled and prefixed with the report id, so two reports' ``_:b0`` never
      merge);
    - ``trig``: its ``graph { ... }`` block for kg.trig (no prefix lines);
    - ``ttl``: Turtle of the triples about report-local nodes (they occur in no
      other report), for kg.ttl;
    - ``shared.nt``: the other triples (about shared entities) as sorted N-Triples
      lines, merged and de-duplicated across reports into kg.ttl;
    - ``jsonld``: its named-graph object for kg.jsonld's ``@graph``, compact JSON-LD under
      the context of ``prefixes`` and ``base`` (:mod:`kg.graph.jsonld`).
    """
    rid = graph_iri.rstrip("/").rsplit("/", 1)[-1]
    graph = NamedNode(graph_iri)

    def fix(term: Any) -> Any:
        return BlankNode(f"r{rid}x{term.value}") if isinstance(term, BlankNode) else term

    parsed = list(parse(nquads, RdfFormat.N_QUADS))
    # a blank node is written _:label, so without "_:" anywhere there is none; every line
    # ends with " <graph> .\n" when that tail occurs once per line (it ends a line)
    has_bnodes = b"_:" in nquads and any(
        type(q.subject) is BlankNode or type(q.object) is BlankNode for q in parsed)
    in_graph = nquads.count(f" <{graph_iri}> .\n".encode("utf-8")) == nquads.count(b"\n") == len(parsed) \
        or all(q.graph_name == graph for q in parsed)
    if not has_bnodes and in_graph:
        # The usual case: the stage's sorted N-Quads are used as they are.
        quads = parsed
        nq = nquads
    else:
        if has_bnodes:
            # Blank node labels are arbitrary: canonical ones (RDFC-1.0) keep the bytes stable.
            dataset = Dataset(Quad(q.subject, q.predicate, q.object, graph) for q in parsed)
            dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
            parsed = list(dataset)
        quads = sorted({Quad(fix(q.subject), q.predicate, fix(q.object), graph) for q in parsed},
                       key=_sort_key)
        nq = serialize(quads, format=RdfFormat.N_QUADS) if quads else b""
    local, shared = [], []
    is_local: dict[Any, bool] = {}  # per subject: quads come grouped by subject
    for quad in quads:
        subject = quad.subject
        flag = is_local.get(subject)
        if flag is None:
            flag = is_local[subject] = is_report_local(subject, rid)
        (local if flag else shared).append(quad.triple)
    shared_lines = serialize(shared, format=RdfFormat.N_TRIPLES) if shared else b""
    shared_sorted = b"".join(sorted(set(shared_lines.splitlines(keepends=True))))
    jsonld = _jsonld_piece(graph_iri, quads, Compactor(prefixes, base))
    return {
        "nq": nq,
        "trig": strip_prefix_header(serialize(quads, format=RdfFormat.TRIG, prefixes=prefixes))
        if quads else b"",
        "ttl": strip_prefix_header(serialize(local, format=RdfFormat.TURTLE, prefixes=prefixes))
        if local else b"",
        "shared.nt": shared_sorted,
        "jsonld": jsonld,
    }


def _jsonld_piece(graph_iri: str, quads: list, compactor: Compactor) -> bytes:
    """The report's named-graph object for kg.jsonld, from its sorted quads."""
    # term -> (its @id text, its key/@type text or None, its text as an object)
    texts: dict[Any, tuple[str, Optional[str], str]] = {}

    def text(term: Any) -> tuple[str, Optional[str], str]:
        found = texts.get(term)
        if found is None:
            kind = type(term)
            if kind is NamedNode:
                vocab, ref = compactor.texts(term.value)
                found = (ref, vocab, f'{{"@id":{ref}}}')
            elif kind is BlankNode:
                ref = blank_ref(term.value)
                found = (ref, None, f'{{"@id":{ref}}}')
            else:
                datatype = term.datatype.value
                value = compactor.literal(term.value, term.language,
                                          None if datatype == RDF_LANG_STRING else datatype)
                found = (value, None, value)
            texts[term] = found
        return found

    rows = []
    for quad in quads:
        object_ = text(quad.object)
        rows.append((text(quad.subject)[0], text(quad.predicate)[1], quad.predicate.value == RDF_TYPE,
                     object_[2], object_[1]))
    return graph_piece(compactor.ref(graph_iri), rows).encode("utf-8")


def _summarise(document: Any, extraction: Any, graph_iri: str, triples: int) -> dict:
    meta = document.meta
    ids: dict[str, set] = defaultdict(set)
    for mention in extraction.entities:
        ids[mention.type].add(mention.id or mention.text)
    return {
        "name": document.name,
        "sha256": document.sha256,
        "graph": graph_iri,
        "format": document.format,
        "encoding": document.encoding,
        "chars": len(document.text),
        "government": meta.government,
        "level": meta.level,
        "year": meta.year,
        "date": meta.date,
        "title": meta.title,
        "division_code": meta.division_code,
        "warnings": list(document.warnings),
        "entities": {t: len(v) for t, v in sorted(ids.items())},
        "entity_ids": {t: sorted(v) for t, v in sorted(ids.items())},
        "mention_types": dict(sorted(Counter(m.type for m in extraction.entities).items())),
        "measures": len(extraction.measures),
        "quantities": len(extraction.quantities),
        "relations": len(extraction.relations),
        "sections": len(document.sections),
        "triples": triples,
    }


def error_record(err: BaseException, path: str) -> dict:
    """A failure as the closing summary and failures.json show it."""
    if isinstance(err, InputError):
        return {"kind": "input", "reason": err.reason, "fix": err.fix}
    if isinstance(err, GovKGError):
        return {"kind": "pipeline", "reason": str(err), "fix": ""}
    detail = "".join(traceback.format_exception(type(err), err, err.__traceback__)[-6:])
    return {"kind": "internal", "reason": f"{type(err).__name__}: {err}",
            "fix": "a bug in GovKG: please report it with this file", "detail": detail}


def process_report(item: ReportInput, stages: Any, nlp: Any, prefixes: dict[str, str]) -> Outcome:
    """Run one report through every stage; never raises for a bad report."""
    started = time.perf_counter()
    try:
        document = stages.load_document(item.path)
        if document.sha256 and document.sha256 != item.sha256:
            # The file changed between hashing and reading: use what was read.
            item = ReportInput(item.path, item.name, document.sha256, item.size)
        extraction = stages.extract_report(document, nlp)
        artifacts = None
        jsonld_base = getattr(stages, "base_iri", None)  # the one source of kg.jsonld's @base
        if getattr(stages, "report_artifacts", None) is not None:
            graph_iri, nquads, artifacts = stages.report_artifacts(extraction, prefixes, jsonld_base)
        elif getattr(stages, "report_quads", None) is not None:
            graph_iri, nquads = stages.report_quads(extraction)
        else:
            graph_iri, graph = stages.report_graph(extraction)
            nquads = stages.report_nquads(str(graph_iri), graph)
        if artifacts is None:
            artifacts = derive_artifacts(str(graph_iri), nquads, prefixes, jsonld_base)
        summary = _summarise(document, extraction, str(graph_iri), artifacts["nq"].count(b"\n"))
    except Exception as err:  # one bad report never aborts the batch
        return Outcome(item, error=error_record(err, item.path))
    summary["name"] = item.name
    summary["sha256"] = item.sha256
    summary["shared_triples"] = artifacts["shared.nt"].count(b"\n")
    summary["seconds"] = round(time.perf_counter() - started, 4)
    return Outcome(item, summary=summary, artifacts=artifacts)
