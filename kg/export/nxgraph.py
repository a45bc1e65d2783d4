"""The RDF graph as a NetworkX ``MultiDiGraph`` for analysis.

Nodes are the things a researcher counts (reports, measures, indicators and
entity nodes); the provenance plumbing of docs/graph-model.md (mentions,
evidence, relation assertions, role assignments) is folded into edge and node
attributes instead of becoming nodes of its own.

>>> from rdflib import Graph
>>> g = Graph().parse(data='''
... @prefix gk: <https://w3id.org/govkg/ontology#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <urn:m> a gk:Measure ; gk:actor <urn:o> .
... <urn:o> a gk:Organization ; rdfs:label "司法所"@zh .
... ''', format="turtle")
>>> G = to_networkx(g)
>>> G.nodes["urn:o"]["label"], G.nodes["urn:o"]["class"]
('司法所', 'Organization')
>>> [d["predicate"] for _, _, d in G.edges(data=True)]
['gk:actor']
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator, Optional

import networkx as nx
from rdflib import RDF, RDFS, BNode, Literal, Namespace, URIRef
from rdflib.graph import Dataset, Graph
from rdflib.namespace import DCTERMS, SKOS

__all__ = [
    "to_networkx",
    "node_class",
    "ENTITY_CLASSES",
    "DIVISION_CLASSES",
    "LEGAL_CLASSES",
    "NODE_CLASSES",
    "PROVENANCE_CLASSES",
    "curie",
]

GK = Namespace("https://w3id.org/govkg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES = {
    "gk": str(GK),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "org": "http://www.w3.org/ns/org#",
    "oa": str(OA),
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
}

#: Most specific first: a node typed gk:Township and gk:AdministrativeDivision
#: gets the class "Township".
DIVISION_CLASSES = ("Township", "County", "City", "Province", "Village", "AdministrativeDivision")
LEGAL_CLASSES = ("Law", "Regulation", "PolicyDocument", "LegalDocument")
ENTITY_CLASSES = DIVISION_CLASSES + ("Organization",) + LEGAL_CLASSES + (
    "Programme", "Person", "TargetGroup", "Observance")
NODE_CLASSES = ("Report", "Measure", "Indicator") + ENTITY_CLASSES
PROVENANCE_CLASSES = ("Mention", "Evidence", "RelationAssertion", "RoleAssignment")


def curie(iri: str) -> str:
    """``https://w3id.org/govkg/ontology#actor`` -> ``gk:actor``; other IRIs unchanged.

    >>> curie("http://www.w3.org/ns/org#subOrganizationOf")
    'org:subOrganizationOf'
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def node_class(types: Iterable[str], *, classes: tuple[str, ...] = NODE_CLASSES) -> Optional[str]:
    """The most specific GovKG class among ``types`` (short names), or None.

    >>> node_class(["AdministrativeDivision", "Township"])
    'Township'
    """
    present = set(types)
    for name in classes:
        if name in present:
            return name
    return None


def _quads(graph: Graph) -> Iterator[tuple]:
    """(s, p, o, context id or None) for every triple, named graphs included."""
    if isinstance(graph, Dataset) or getattr(graph, "context_aware", False):
        for s, p, o, ctx in graph.quads((None, None, None, None)):
            ident = getattr(ctx, "identifier", ctx)
            yield s, p, o, (str(ident) if ident is not None else None)
    else:
        for s, p, o in graph:
            yield s, p, o, None


def _text(values: Iterable[Literal]) -> str:
    """One deterministic string from several literals: Chinese first, then the smallest."""
    values = [v for v in values if isinstance(v, Literal)]
    if not values:
        return ""
    zh = sorted(str(v) for v in values if (v.language or "").startswith("zh"))
    return zh[0] if zh else sorted(str(v) for v in values)[0]


def _scalar(value: Literal):
    py = value.toPython()
    if isinstance(py, (bool, int, float, str)):
        return py
    return str(value)


class _Index:
    """Everything ``to_networkx`` needs, collected in one pass over the quads."""

    def __init__(self, graph: Graph) -> None:
        self.po: dict = defaultdict(lambda: defaultdict(set))  # s -> p -> {o}
        self.types: dict = defaultdict(set)  # s -> {short class name}
        self.contexts: dict = defaultdict(set)  # s -> {context id}
        self.triples: set = set()  # (s, p, o, ctx)
        for s, p, o, ctx in _quads(graph):
            if isinstance(s, BNode) and p != RDF.type:
                self.po[s][p].add(o)
                continue
            self.po[s][p].add(o)
            self.triples.add((s, p, o, ctx))
            if ctx is not None:
                self.contexts[s].add(ctx)
            if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(str(GK)):
                self.types[s].add(str(o)[len(str(GK)):])
        # context -> the report it is about
        self.ctx_report: dict[str, str] = {}
        for s, names in self.types.items():
            if "Report" in names:
                for ctx in self.contexts.get(s, ()):
                    self.ctx_report[ctx] = str(s)

    def objects(self, s, p) -> list:
        return sorted(self.po.get(s, {}).get(p, ()), key=str)

    def one(self, s, p):
        values = self.objects(s, p)
        return values[0] if values else None

    def sentence(self, evidence_holder) -> str:
        """The sentence of the first (sorted) evidence of a measure, mention, assertion..."""
        for ev in self.objects(evidence_holder, GK.evidence):
            text = _text(self.objects(ev, GK.sentence))
            if text:
                return text
        return ""


def _year(value) -> Optional[int]:
    if value is None:
        return None
    try:
        return int(str(value)[:4])
    except ValueError:
        return None


def _node_attributes(idx: _Index, node, cls: str) -> dict:
    attrs: dict = {"label": "", "class": cls, "iri": str(node)}
    label = _text(idx.objects(node, RDFS.label)) or _text(idx.objects(node, DCTERMS.title))
    if cls == "Report":
        attrs["year"] = _year(idx.one(node, GK.year))
        attrs["level"] = str(idx.one(node, GK.level) or "")
        attrs["source_file"] = str(idx.one(node, GK.sourceFile) or "")
        gov = idx.one(node, GK.government)
        attrs["government"] = str(gov) if gov is not None else ""
    elif cls == "Measure":
        status = idx.one(node, GK.status)
        attrs["status"] = curie(str(status)).removeprefix("gk:") if status is not None else ""
        category = idx.one(node, GK.category)
        attrs["category"] = _text(idx.objects(category, SKOS.prefLabel)) if category is not None else ""
        attrs["section"] = str(idx.one(node, GK.sectionPath) or "")
        attrs["evidence"] = idx.sentence(node)
    elif cls == "Indicator":
        value = idx.one(node, RDF.value)
        unit = str(idx.one(node, GK.unit) or "")
        counted = str(idx.one(node, GK.counted) or "")
        attrs["value"] = float(value.toPython()) if isinstance(value, Literal) else None
        attrs["unit"] = unit
        attrs["counted"] = counted
        approx = idx.one(node, GK.approximate)
        attrs["approximate"] = bool(approx.toPython()) if isinstance(approx, Literal) else False
        attrs["evidence"] = idx.sentence(node)
        if not label:
            number = "" if attrs["value"] is None else f"{attrs['value']:g}"
            label = f"{counted} {number}{unit}".strip()
    else:
        alt = sorted({str(v) for v in idx.objects(node, SKOS.altLabel)} - {label})
        if alt:
            attrs["alt_labels"] = alt
        code = idx.one(node, GK.statCode)
        if code is not None:
            attrs["stat_code"] = str(code)
    attrs["label"] = label or curie(str(node)).rsplit("/", 1)[-1]
    return {k: v for k, v in attrs.items() if v is not None}


def to_networkx(graph: Graph, *, include_provenance: bool = False) -> nx.MultiDiGraph:
    """The GovKG RDF graph (a ``Dataset`` read from TriG, or a plain ``Graph``) as a MultiDiGraph.

    Node keys are IRIs.  Node attributes: ``label``, ``class`` (short class name,
    e.g. ``"Township"``), ``iri``, ``reports`` (sorted report IRIs the node
    occurs in), ``years`` (sorted ints) and a few class-specific ones (a
    measure's ``status``, ``category``, ``section``, ``evidence``; an
    indicator's ``value``, ``unit``; a division's ``stat_code``).  An edge per
    asserted triple between two nodes and per report asserting it, keyed
    ``"<predicate curie> <report IRI>"``, with attributes ``predicate``
    (CURIE), ``report`` and ``evidence`` (the sentence it was read from, or "").
    A role (person ``gk:holdsRole`` role ``gk:roleAt`` org) becomes one
    person -> organisation edge with ``role`` = the title.

    With ``include_provenance=True`` mention, evidence, relation-assertion and
    role nodes are kept as nodes too (class ``"Mention"`` etc.).
    Nodes and edges are inserted in sorted order, so writers are deterministic.
    """
    idx = _Index(graph)
    wanted = NODE_CLASSES + (PROVENANCE_CLASSES if include_provenance else ())
    classes: dict = {}
    for node, names in idx.types.items():
        if isinstance(node, URIRef):
            cls = node_class(names, classes=wanted)
            if cls:
                classes[node] = cls

    # which reports each node belongs to: named graph, and the report's own links
    reports: dict = defaultdict(set)
    for node in classes:
        for ctx in idx.contexts.get(node, ()):
            if ctx in idx.ctx_report:
                reports[node].add(idx.ctx_report[ctx])
    for report, cls in classes.items():
        if cls != "Report":
            continue
        reports[report].add(str(report))
        for p in (GK.hasMeasure, GK.mentions):
            for o in idx.objects(report, p):
                reports[o].add(str(report))
                for ind in idx.objects(o, GK.indicator):
                    reports[ind].add(str(report))
    report_year = {str(r): _year(idx.one(r, GK.year)) for r, c in classes.items() if c == "Report"}

    G = nx.MultiDiGraph(name="GovKG")
    for node in sorted(classes, key=str):
        attrs = _node_attributes(idx, node, classes[node])
        attrs["reports"] = sorted(reports.get(node, ()))
        attrs["years"] = sorted({y for r in attrs["reports"] if (y := report_year.get(r)) is not None})
        if classes[node] == "Measure" and not attrs["years"]:
            year = _year(idx.one(node, GK.year))
            attrs["years"] = [year] if year is not None else []
        G.add_node(str(node), **attrs)

    # evidence for directly asserted relations and for mentions, per context
    assertion_evidence: dict = {}
    mention_evidence: dict = {}
    for node, cls in sorted(idx.types.items(), key=lambda kv: str(kv[0])):
        if "RelationAssertion" in cls:
            key = (idx.one(node, RDF.subject), idx.one(node, RDF.predicate), idx.one(node, RDF.object))
            assertion_evidence.setdefault(key, idx.sentence(node))
        elif "Mention" in cls:
            for ctx in sorted(idx.contexts.get(node, ())) or [None]:
                for body in idx.objects(node, OA.hasBody):
                    mention_evidence.setdefault((idx.ctx_report.get(ctx), body), idx.sentence(node))
                    mention_evidence.setdefault((None, body), idx.sentence(node))
    for node in G:
        attrs = G.nodes[node]
        if attrs["class"] in ENTITY_CLASSES and "evidence" not in attrs:
            attrs["evidence"] = mention_evidence.get((None, URIRef(node)), "")

    def owner_report(s, ctx) -> str:
        if ctx is not None and ctx in idx.ctx_report:
            return idx.ctx_report[ctx]
        own = G.nodes[str(s)]["reports"] if str(s) in G else []
        return own[0] if len(own) == 1 else ""

    edges = []
    for s, p, o, ctx in idx.triples:
        if p == RDF.type or s not in classes:
            continue
        report = owner_report(s, ctx)
        if p == GK.holdsRole and o not in classes:
            for org in idx.objects(o, GK.roleAt):
                if org in classes:
                    title = _text(idx.objects(o, GK.roleTitle))
                    edges.append((s, org, "gk:holdsRole", report, idx.sentence(o), title))
            continue
        if o not in classes:
            continue
        if classes[s] in ("Measure", "Indicator"):
            evidence = idx.sentence(s)
        elif p == GK.mentions:
            evidence = mention_evidence.get((report, o)) or mention_evidence.get((None, o), "")
        else:
            evidence = assertion_evidence.get((s, p, o), "")
        edges.append((s, o, curie(str(p)), report, evidence, None))
    for s, o, pred, report, evidence, role in sorted(set(edges), key=lambda e: tuple(map(str, e))):
        attrs = {"predicate": pred, "report": report, "evidence": evidence}
        if role is not None:
            attrs["role"] = role
        G.add_edge(str(s), str(o), key=f"{pred} {report}".strip(), **attrs)
    return G
