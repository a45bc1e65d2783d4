"""Small stand-ins for the pipeline stages, so the orchestration can be tested
without the 850 MB segmenter.  They follow the real contracts: records from
kg.records, InputError for unreadable files, sorted N-Quads."""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

from kg.errors import InputError
from kg.records import Document, Extraction, Measure, Mention, ReportMeta
from kg.workflow import Stages

BASE = "https://w3id.org/govkg/id/"
GK = "https://w3id.org/govkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
OA = "http://www.w3.org/ns/oa#"



def load_document(path) -> Document:
    raw = Path(path).read_bytes()
    if not raw:
        raise InputError(str(path), "the file is empty", "remove it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(str(path), "not UTF-8 text", "convert it to UTF-8") from err
    if "BOOM" in text:
        raise RuntimeError("fake stage crashed")
    delay = float(os.environ.get("FAKE_DELAY", "0"))
    if delay:
        time.sleep(delay)
    government = re.search(r"([\u4e00-\u9fff]{1,6}?(?:镇|街道|县|区))", text)
    year = re.search(r"(20\d\d)年", text)
    meta = ReportMeta(government=government.group(1) if government else None,
                      year=int(year.group(1)) if year else None,
                      title=text.splitlines()[0][:40])
    return Document(name=Path(path).name, path=str(path), sha256=hashlib.sha256(raw).hexdigest(),
                    format="txt", encoding="utf-8", original=text, text=text,
                    offset_map=list(range(len(text) + 1)), meta=meta)


def load_pipeline():
    log = os.environ.get("FAKE_LOAD_LOG")  # pid of every process that loads, for the tests
    if log:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()}\n")
    return {"model": "fake"}


def extract_report(document, nlp) -> Extraction:
    assert nlp == {"model": "fake"}
    entities = []
    if document.meta.government:
        start = document.text.index(document.meta.government)
        entities.append(Mention("DIVISION", document.meta.government, start,
                                start + len(document.meta.government), document.meta.government))
    for match in re.finditer(r"《([^》]+)》", document.text):
        entities.append(Mention("LAW", match.group(0), match.start(), match.end(), match.group(1)))
    measures = [Measure(i, (i,), line[:20], 0, 0, "done", "other")
                for i, line in enumerate(document.text.splitlines()) if line.startswith("一、")]
    return Extraction(document=document, entities=entities, measures=measures)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"@zh'


def report_graph(extraction):
    doc = extraction.document
    rid = doc.sha256[:16]
    graph = f"{BASE}graph/{rid}"
    report = f"<{BASE}report/{rid}>"
    triples = [f"{report} <{RDF_TYPE}> <{GK}Report>",
               f"{report} <{GK}sourceFile> \"{doc.name}\"",
               f"{report} <http://purl.org/dc/terms/title> {_lit(doc.meta.title or '')}"]
    for n, mention in enumerate(extraction.entities):
        entity = f"<{BASE}entity/{hashlib.sha1(mention.id.encode()).hexdigest()[:12]}>"
        kind = "Township" if mention.type == "DIVISION" else "Law"
        triples += [f"{entity} <{RDF_TYPE}> <{GK}{kind}>", f"{entity} <{LABEL}> {_lit(mention.id)}",
                    f"{report} <{GK}mentions> {entity}"]
        node = f"<{BASE}mention/{rid}/{n}>"
        # a blank-node selector, as the real graph has
        triples += [f"{node} <{OA}hasBody> {entity}", f"{node} <{OA}hasSelector> _:sel{n}",
                    f"_:sel{n} <{OA}exact> {_lit(mention.text)}"]
    return graph, triples


def report_graph_iri(sha256: str) -> str:
    """The graph IRI report_graph gives, from the content hash (as the real graph stage)."""
    return f"{BASE}graph/{sha256[:16]}"


def report_nquads(graph_iri, triples) -> bytes:
    return "".join(sorted(f"{t} <{graph_iri}> .\n" for t in set(triples))).encode("utf-8")


class FakeStore:
    """A store on disk as one N-Quads file per graph (enough to check sync)."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)

    def _file(self, iri):
        return self.path / (hashlib.sha1(iri.encode()).hexdigest() + ".nq")

    def replace_graph(self, iri, nquads):
        from kg import io
        io.write_bytes(self._file(iri), nquads, fsync=False)

    def remove_graph(self, iri):
        self._file(iri).unlink(missing_ok=True)

    def graphs(self):
        out = []
        for file in self.path.glob("*.nq"):
            first = file.read_bytes().split(b"\n", 1)[0].decode()
            out.append(first.rsplit("<", 1)[1].split(">")[0] if first else "")
        return sorted(g for g in out if g)

    def graph_bytes(self, iri):
        return self._file(iri).read_bytes()


def fake_stages(store: str = "fake", **changes) -> Stages:
    """Fake stages; ``store`` is "fake" (FakeStore), "oxigraph" (kg.query.store) or None."""
    if store == "oxigraph":
        from kg.query.store import Store
        open_store = Store
    elif store == "fake":
        open_store = FakeStore
    else:
        open_store = None
    from kg.graph.namespaces import PREFIXES
    values = dict(load_document=load_document, load_pipeline=load_pipeline,
                  extract_report=extract_report, report_graph=report_graph,
                  report_nquads=report_nquads, report_graph_iri=report_graph_iri,
                  open_store=open_store,
                  prefixes=tuple(sorted(PREFIXES.items())), ontology_dir=None,
                  fingerprint_extra=(("stages", "fake-1"),), fingerprint_sources=())
    values.update(changes)
    return Stages(**values)
