"""One report's extraction as its named graph, per docs/graph-model.md.

:func:`report_graph` is the only entry point.  Everything a report yields lives
in its named graph ``<base>graph/<rid>``: the report node, measures,
indicators, mentions, evidence, reified relation assertions, and copies of the
type and label triples of every entity node it touches (entity nodes
themselves are shared: the same IRI in every report that names them).  The
graph has no blank nodes, so its sorted N-Quads are byte-stable.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal
from typing import Iterable, Optional

from rdflib import Graph, URIRef

from kg import settings
from kg.graph.iri import mint, report_id
from kg.graph.namespaces import (
    CATEGORY, DCTERMS, GK, OA, ORG, PREFIXES, RDF, RDFS, SCHEME, SKOS, XSD,
)
from kg.graph.schemes import institution_type_of, normalize_label, scheme_index
from kg.graph.pieces import triples_artifacts
from kg.graph.serialize import triples_nquads
from kg.graph.terms import Lit
from kg.records import Division, Document, Extraction, Measure, Mention, Section

__all__ = ["report_graph", "report_quads", "report_artifacts", "report_graph_iri", "section_path_at",
           "LEVEL_CLASS", "STATUS"]


class _Terms:
    """A namespace whose terms are looked up once each: rdflib checks every ``GK.x`` against
    the ontology and mints a new URIRef for every ``OA.x``; the builder asks thousands of times."""

    def __init__(self, namespace) -> None:
        self._namespace = namespace
        self._items: dict = {}

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)  # AttributeError for a term GK does not define
        setattr(self, name, term)
        return term

    def __getitem__(self, key: str) -> URIRef:
        term = self._items.get(key)
        if term is None:
            term = self._items[key] = self._namespace[key]
        return term


CATEGORY, DCTERMS, GK, OA, ORG, RDF, RDFS, SCHEME, SKOS, XSD = (
    _Terms(ns) for ns in (CATEGORY, DCTERMS, GK, OA, ORG, RDF, RDFS, SCHEME, SKOS, XSD))

LEVEL_CLASS = {
    "province": GK.Province,
    "city": GK.City,
    "county": GK.County,
    "township": GK.Township,
    "village": GK.Village,
}
STATUS = {"done": GK.Done, "planned": GK.Planned, "shortcoming": GK.Shortcoming}
_STATUS_LABELS = {"done": ("已完成", "done"), "planned": ("计划中", "planned"),
                  "shortcoming": ("存在不足", "shortcoming")}
RELATION_PREDICATES = {
    "collaboratesWith": GK.collaboratesWith,
    "subOrganizationOf": ORG.subOrganizationOf,
    "locatedIn": GK.locatedIn,
    "partOf": GK.partOf,
}
# Name endings that make a legal document a law or a regulation (else a policy document).
_LAW_ENDINGS = ("法", "法典")
_REGULATION_ENDINGS = ("条例", "规定", "办法", "细则", "规则", "规章")
# An organisation named with a bare level prefix (镇司法所, 区委) belongs to the
# report's division of that level.
_LEVEL_PREFIX = {"镇": ("township",), "乡": ("township",), "街道": ("township",), "区": ("county",),
                 "县": ("county",), "市": ("city", "province"), "省": ("province",)}
_NATIONAL_PREFIXES = ("中央", "党中央", "中共中央", "国务院", "全国", "最高人民")
_SCHEME_OF_TYPE = {"PROGRAMME": ("programme", "programme", GK.Programme),
                   "OBSERVANCE": ("observance", "observance", GK.Observance),
                   "GROUP": ("target-group", "group", GK.TargetGroup)}
# Cores of organisation names that mean the same body (镇政府 = 镇人民政府).
_CORE_ALIASES = {"政府": "人民政府", "委": "党委", "镇委": "党委", "党委会": "党委"}
_YEAR = re.compile(r"(20[0-9]{2})\s*年")
_QUOTE_CONTEXT = 24
# The predicates whose objects the builder looks up by subject (_Builder._objects).
_LOOKED_UP = frozenset({RDFS.label, GK.locatedIn})
# What joins the organisations of a list (联合县司法局、县人民法院和县公安局).
_LIST_JOINERS = frozenset({"、", "和", "及", "与", "以及", ",", "同"})


def report_graph(extraction: Extraction, base: Optional[str] = None) -> tuple[URIRef, Graph]:
    """The report's named-graph IRI and its triples (see docs/graph-model.md).

    ``base`` defaults to :data:`kg.settings.BASE_IRI` (``GOVKG_BASE_IRI``), read at call time.
    """
    builder = _built(extraction, base)
    return builder.graph_iri, builder.graph()


def report_quads(extraction: Extraction, base: Optional[str] = None) -> tuple[str, bytes]:
    """The report's named-graph IRI and its sorted N-Quads: the same bytes as
    ``report_nquads(*report_graph(extraction))``, without building an rdflib Graph (the
    build's fast path; rdflib's store costs more than the rest of the graph stage)."""
    builder = _built(extraction, base)
    return str(builder.graph_iri), builder.nquads()


def report_artifacts(extraction: Extraction, prefixes: dict[str, str], jsonld_base: Optional[str] = None,
                     base: Optional[str] = None) -> tuple[str, bytes, Optional[dict[str, bytes]]]:
    """The report's graph IRI, sorted N-Quads and pieces of the corpus files, written straight
    from the builder's triples (:func:`kg.graph.pieces.triples_artifacts`: the bytes
    :func:`kg.workflow.unit.derive_artifacts` makes of the N-Quads, without parsing them).
    ``jsonld_base`` is kg.jsonld's ``@base`` (``None``: none, IRIs in full); ``base`` the
    base the IRIs are minted under.  The pieces are ``None`` for a graph that writer leaves
    to pyoxigraph."""
    builder = _built(extraction, base)
    graph_iri = str(builder.graph_iri)
    pieces = triples_artifacts(graph_iri, builder._triples, prefixes, jsonld_base)
    if pieces is None:
        return graph_iri, builder.nquads(), None
    return graph_iri, pieces["nq"], pieces


def report_graph_iri(sha256: str, base: Optional[str] = None) -> str:
    """The named-graph IRI the functions above give the report whose raw bytes hash to
    ``sha256``: known before the report is processed (the build uses it to write the
    corpus files while reports are processed, see :mod:`kg.workflow.early`)."""
    return str(mint("graph", report_id(sha256), base=settings.BASE_IRI if base is None else base))


def _built(extraction: Extraction, base: Optional[str]) -> "_Builder":
    builder = _Builder(extraction, settings.BASE_IRI if base is None else base)
    builder.build()
    return builder


def section_path_at(sections: Iterable[Section], offset: int) -> tuple[int, ...]:
    """Path of the deepest section whose span holds ``offset`` (``()`` if none)."""
    found: tuple[int, ...] = ()
    level = list(sections)
    while level:
        for section in level:
            if section.start <= offset < section.end:
                found = tuple(section.path)
                level = section.children
                break
        else:
            break
    return found


def _dotted(path: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in path)


def _decimal(value: float) -> Lit:
    """An xsd:decimal in canonical form (46000 -> "46000.0"), so Turtle round-trips it unchanged."""
    lexical = format(Decimal(repr(float(value))), "f")
    if "." not in lexical:
        lexical += ".0"
    return Lit(lexical, datatype=XSD.decimal)


@functools.lru_cache(maxsize=1)
def _partner_cues() -> tuple[str, ...]:
    """Cue words of ontology/lexicons/partner_cues.tsv, longest first."""
    from kg.graph.schemes import ontology_dir

    lines = (ontology_dir() / "lexicons" / "partner_cues.tsv").read_text(encoding="utf-8").splitlines()
    cues = {line.split("\t")[0].strip() for line in lines if line.strip() and not line.startswith("#")}
    return tuple(sorted(cues, key=lambda c: (-len(c), c)))


def _scope(div: Division) -> str:
    """The part of an organisation's IRI that names its division: code, else parent/name."""
    if div.code:
        return div.code
    return f"{div.parent_code}/{div.name}" if div.parent_code else div.name


def _guess_level(name: str) -> str:
    """Level of an unresolved division from its name ending ('' when unsure)."""
    for endings, level in ((("省", "自治区"), "province"), (("镇", "乡", "街道"), "township"),
                           (("区", "县", "旗"), "county"), (("市", "州", "盟"), "city")):
        if name.endswith(endings):
            return level
    return ""


def _zh(text: str) -> Lit:
    return Lit(unicodedata.normalize("NFC", text), language="zh")


class _Builder:
    def __init__(self, extraction: Extraction, base: str) -> None:
        self.x = extraction
        self.doc: Document = extraction.document
        self.base = base
        self.rid = report_id(self.doc.sha256)
        self.graph_iri = URIRef(report_graph_iri(self.doc.sha256, base))
        self.report = mint("report", self.rid, base=base)
        # The triples, in the order first added, and (subject, predicate) -> objects for the
        # predicates the builder looks up (_LOOKED_UP): its own lookups, so rdflib's store is
        # filled once, when the graph is done.
        self._triples: dict[tuple, None] = {}
        self._objects: dict[tuple, dict] = {}
        self.meta = self.doc.meta
        self._gaz = None
        self._evidence: dict[tuple[int, int], URIRef] = {}  # (start, end) -> evidence node
        self._labels: dict[URIRef, set[str]] = defaultdict(set)
        self._assertions = 0
        # Divisions of the report: government and its parents, nearest first.
        self.government: Optional[URIRef] = None
        self.chain: list[tuple[URIRef, Division]] = []
        self.entity_nodes: list[Optional[URIRef]] = []
        self._mentioned_divisions: list[tuple[URIRef, Division]] = []
        self._org_info: dict = {}  # org node -> (institution type, division node)
        self._forms: dict[tuple, set[str]] = {}  # (name, short name) -> the forms _division_of_name tries

    # -- gazetteer -----------------------------------------------------------------
    @property
    def gaz(self):
        if self._gaz is None:
            from kg.gazetteer import Gazetteer

            self._gaz = Gazetteer.load()
        return self._gaz

    def _gaz_get(self, code: Optional[str]) -> Optional[Division]:
        if not code:
            return None
        try:
            return self.gaz.get(code)
        except KeyError:
            return None

    # -- nodes -----------------------------------------------------------------------
    def add(self, s, p, o) -> None:
        # rdflib terms hash in Python: hash each key once (setdefault, not "in" then store)
        triples = self._triples
        size = len(triples)
        triples.setdefault((s, p, o))
        if p in _LOOKED_UP and len(triples) != size:
            self._objects.setdefault((s, p), {})[o] = None

    def _has(self, s, p, o) -> bool:
        return (s, p, o) in self._triples

    def nquads(self) -> bytes:
        """The triples added so far as sorted N-Quads in the report's graph."""
        return triples_nquads(self.graph_iri, self._triples)

    def graph(self) -> Graph:
        """The rdflib Graph of the triples added so far (same triples, added in the same order)."""
        graph = Graph(store="SimpleMemory", identifier=self.graph_iri)
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        add = graph.add
        for s, p, o in self._triples:
            add((s, p, o.to_rdflib() if type(o) is Lit else o))
        return graph

    def division_node(self, div: Division) -> URIRef:
        """The node of a division, with its type, label, code and partOf chain."""
        if div.code:
            node = mint("division", div.code, base=self.base)
        else:
            node = mint("division", div.parent_code or "-", div.name, base=self.base)
        if self._has(node, RDF.type, GK.AdministrativeDivision):
            return node
        self.add(node, RDF.type, GK.AdministrativeDivision)
        if div.level in LEVEL_CLASS:
            self.add(node, RDF.type, LEVEL_CLASS[div.level])
        self.add(node, RDFS.label, _zh(div.name))
        if div.code:
            self.add(node, GK.statCode, Lit(div.code))
        parent = self._gaz_get(div.parent_code)
        if parent is not None:
            self.add(node, GK.partOf, self.division_node(parent))
        return node

    def _government(self) -> None:
        meta = self.meta
        div = self._gaz_get(meta.division_code)
        if div is None and meta.government:
            # The entity layer may resolve the government where metadata could not.
            codes = sorted({m.id for m in self.x.entities if m.type == "DIVISION"
                            and (m.canonical or m.text) == meta.government and re.fullmatch(r"[0-9]{12}", m.id)})
            div = self._gaz_get(codes[0]) if len(codes) == 1 else None
        if div is None and meta.government:
            div = Division(name=meta.government, level=meta.level or "", code=None,
                           parent_code=(meta.parent_codes[0] if meta.parent_codes else None))
        if div is None:
            return
        self.government = self.division_node(div)
        self.chain = [(self.government, div)]
        if div.code and self._gaz_get(div.code) is not None:
            for parent in self.gaz.parents(div.code):
                self.chain.append((self.division_node(parent), parent))
            return
        # Unresolved government: the parents the report names, nearest first.
        codes = list(meta.parent_codes) + [None] * len(meta.parents)
        child = self.government
        for name, code in zip(meta.parents, codes):
            parent = self._gaz_get(code) or Division(name=name, level="", code=None, parent_code=None)
            node = self.division_node(parent)
            self.add(child, GK.partOf, node)
            self.chain.append((node, parent))
            child = node

    def _division_key(self, level_names: tuple[str, ...]) -> Optional[tuple[URIRef, Division]]:
        for node, div in self.chain:
            if div.level in level_names:
                return node, div
        return None

    def _division_of_name(self, name: str) -> Optional[tuple[URIRef, Division, str]]:
        """The report division that ``name`` starts with (full or short form), longest first."""
        from kg.gazetteer import short_forms

        best = None
        for node, div in self.chain + self._mentioned_divisions:
            forms = self._forms.get((div.name, div.short_name))
            if forms is None:
                forms = self._forms[(div.name, div.short_name)] = (
                    {div.name, div.short_name, *short_forms(div.name)} - {None, ""})
            for form in forms:
                if name.startswith(form) and len(name) > len(form) and (best is None or len(form) > len(best[2])):
                    best = (node, div, form)
        return best

    def entity_node(self, mention: Mention) -> Optional[URIRef]:
        kind = mention.type
        name = (mention.canonical or mention.text).strip()
        if not name:
            return None
        if kind in ("DIVISION", "VILLAGE"):
            return self._division_mention(mention, name)
        if kind == "ORG":
            return self._org(mention, name)
        if kind == "LAW":
            key = re.sub(r"^中华人民共和国", "", normalize_label(mention.id or name)) or normalize_label(name)
            node = mint("law", key or name, base=self.base)
            cls = (GK.Law if name.endswith(_LAW_ENDINGS) or name == "宪法"
                   else GK.Regulation if name.endswith(_REGULATION_ENDINGS) else GK.PolicyDocument)
            self.add(node, RDF.type, GK.LegalDocument)
            self.add(node, RDF.type, cls)
            self._label(node, name)
            return node
        if kind == "PERSON":
            owner = self.chain[0][1] if self.chain else None
            scope = _scope(owner) if owner else "-"
            node = mint("person", scope, name, base=self.base)
            self.add(node, RDF.type, GK.Person)
            self._label(node, name)
            return node
        if kind in _SCHEME_OF_TYPE:
            scheme, iri_kind, cls = _SCHEME_OF_TYPE[kind]
            index = scheme_index(scheme)
            concept = None
            for candidate in (mention.id, name, mention.text):
                concept = index.match(candidate) if candidate else None
                if concept:
                    break
            if concept:
                node = URIRef(concept)
                label = index.concepts[concept].label_zh
            else:
                node = mint(iri_kind, normalize_label(mention.id or name) or name, base=self.base)
                label = name
            self.add(node, RDF.type, cls)
            self.add(node, RDF.type, SKOS.Concept)
            self.add(node, SKOS.inScheme, SCHEME[scheme])
            self.add(node, SKOS.prefLabel, _zh(label))
            self._label(node, label)
            return node
        return None

    def _division_mention(self, mention: Mention, name: str) -> URIRef:
        ident = (mention.id or "").strip()
        div = self._gaz_get(ident) if re.fullmatch(r"[0-9]{12}", ident) else None
        if div is None:
            for node, known in self.chain:
                if name in {known.name, known.short_name}:
                    return node
            if mention.type == "VILLAGE":
                township = self._division_key(("township",))
                parent_code = (township[1].code or township[1].name) if township else None
                div = Division(name=name, level="village", code=None, parent_code=parent_code)
            else:
                div = Division(name=name, level=_guess_level(name), code=None, parent_code=None)
        node = self.division_node(div)
        if div.level == "village" and not self._gaz_get(div.parent_code):
            township = self._division_key(("township",))
            if township:
                self.add(node, GK.partOf, township[0])
        if mention.text != div.name:
            self._labels[node].add(mention.text)
        return node

    def _org(self, mention: Mention, name: str) -> URIRef:
        located: Optional[tuple[URIRef, Division]] = None
        core = name
        if name.startswith(_NATIONAL_PREFIXES):
            scope = "national"
        else:
            # Strip the divisions the name starts with (江门市新会区睦洲镇人民政府 -> 人民政府 in 睦洲镇).
            while True:
                named = self._division_of_name(core)
                if not named:
                    break
                located, core = (named[0], named[1]), core[len(named[2]):]
            if located is None:
                for prefix, levels in sorted(_LEVEL_PREFIX.items(), key=lambda kv: -len(kv[0])):
                    if core.startswith(prefix) and len(core) > len(prefix):
                        located = self._division_key(levels)
                        if located:
                            core = core[len(prefix):]
                        break
                else:
                    located = self.chain[0] if self.chain else None
            scope = _scope(located[1]) if located else "-"
        key = _CORE_ALIASES.get(core, core)  # 镇政府 and 镇人民政府 are one body; labels keep the wording
        node = mint("org", scope, normalize_label(key) or key, base=self.base)
        self.add(node, RDF.type, GK.Organization)
        self._label(node, self._org_label(mention, name, core, located))
        for form in {mention.text, name}:
            self._labels[node].add(form)
        if located:
            self.add(node, GK.locatedIn, located[0])
        itype = institution_type_of(key)
        if itype:
            self.add(node, GK.orgType, URIRef(itype.iri))
        self._org_info.setdefault(node, (itype, located[0] if located else None))
        return node

    def _org_label(self, mention: Mention, name: str, core: str,
                   located: Optional[tuple[URIRef, Division]]) -> str:
        """The shortest written form that names its division (坡头司法所), else division + core."""
        named = sorted({f for f in (mention.text, name) if self._division_of_name(f)}, key=lambda f: (len(f), f))
        if named:
            return named[0]
        if located and not name.startswith(_NATIONAL_PREFIXES):
            return located[1].name + core
        return name

    def government_org(self) -> Optional[URIRef]:
        """The reporting government as an organisation (default actor of its measures)."""
        if not self.chain:
            return None
        gov_node, gov = self.chain[0]
        node = mint("org", _scope(gov), "人民政府", base=self.base)
        if not self._has(node, RDF.type, GK.Organization):
            self.add(node, RDF.type, GK.Organization)
            self._label(node, gov.name + ("办事处" if gov.name.endswith("街道") else "人民政府"))
            self.add(node, GK.locatedIn, gov_node)
            itype = institution_type_of("人民政府")
            if itype:
                self.add(node, GK.orgType, URIRef(itype.iri))
        return node

    def _label(self, node: URIRef, label: str) -> None:
        if (node, RDFS.label) not in self._objects:
            self.add(node, RDFS.label, _zh(label))

    # -- evidence --------------------------------------------------------------------
    def _sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        first = self.x.sentence_at(start)
        last = self.x.sentence_at(max(start, end - 1))
        if first is not None and last is not None:
            return first.start, last.end
        text = self.doc.text
        lo = max((text.rfind(c, 0, start) for c in "。！？；\n"), default=-1) + 1
        hits = [i for i in (text.find(c, end) for c in "。！？；\n") if i >= 0]
        hi = min(hits) + 1 if hits else len(text)
        return lo, hi

    def evidence(self, start: int, end: int) -> URIRef:
        size = len(self.doc.text)
        start = min(max(0, start), size)
        end = min(max(start, end), size)
        node = self._evidence.get((start, end))
        if node is not None:
            return node
        node = self._evidence[(start, end)] = mint("evidence", self.rid, f"{start}-{end}", base=self.base)
        text = self.doc.text
        s_lo, s_hi = self._sentence_bounds(start, end)
        self.add(node, RDF.type, GK.Evidence)
        self.add(node, OA.hasSource, self.report)
        self.add(node, GK.sentence, Lit(text[s_lo:s_hi].strip() or text[start:end]))
        path = section_path_at(self.doc.sections, start)
        if path:
            self.add(node, GK.sectionPath, Lit(_dotted(path)))
        quote = mint("evidence", self.rid, f"{start}-{end}", "quote", base=self.base)
        self.add(node, OA.hasSelector, quote)
        self.add(quote, RDF.type, OA.TextQuoteSelector)
        self.add(quote, OA.exact, Lit(text[start:end]))
        self.add(quote, OA.prefix, Lit(text[max(0, start - _QUOTE_CONTEXT):start]))
        self.add(quote, OA.suffix, Lit(text[end:end + _QUOTE_CONTEXT]))
        position = mint("evidence", self.rid, f"{start}-{end}", "position", base=self.base)
        self.add(node, OA.hasSelector, position)
        self.add(position, RDF.type, OA.TextPositionSelector)
        self.add(position, OA.start, Lit(str(start), datatype=XSD.nonNegativeInteger))
        self.add(position, OA.end, Lit(str(end), datatype=XSD.nonNegativeInteger))
        if self.doc.offset_map and len(self.doc.offset_map) > end:
            o_start, o_end = self.doc.original_span(start, end)
            self.add(node, GK.originalStart, Lit(str(o_start), datatype=XSD.nonNegativeInteger))
            self.add(node, GK.originalEnd, Lit(str(o_end), datatype=XSD.nonNegativeInteger))
        return node

    def assertion(self, s: URIRef, p: URIRef, o: URIRef, evidence: Iterable[URIRef], source: str = "") -> URIRef:
        node = mint("assertion", self.rid, self._assertions, base=self.base)
        self._assertions += 1
        self.add(node, RDF.type, GK.RelationAssertion)
        self.add(node, RDF.subject, s)
        self.add(node, RDF.predicate, p)
        self.add(node, RDF.object, o)
        for ev in evidence:
            self.add(node, GK.evidence, ev)
        if source:
            self.add(node, GK.extractedBy, Lit(source))
        return node

    # -- the report ------------------------------------------------------------------
    def build(self) -> None:
        """Add every triple of the report (see :meth:`graph` for them as an rdflib Graph)."""
        doc, meta, r = self.doc, self.meta, self.report
        self.add(r, RDF.type, GK.Report)
        self.add(r, DCTERMS.title, _zh(meta.title or doc.name))
        self.add(r, DCTERMS.language, Lit("zh"))
        self.add(r, GK.sha256, Lit(doc.sha256.lower()))
        self.add(r, GK.sourceFile, Lit(doc.name))
        if meta.year:
            self.add(r, GK.year, Lit(str(meta.year), datatype=XSD.gYear))
        if meta.level:
            self.add(r, GK.level, Lit(meta.level))
        if meta.date:
            self.add(r, DCTERMS.date, Lit(meta.date, datatype=XSD.date))
        self._government()
        if self.government is not None:
            self.add(r, GK.government, self.government)
        self._mentioned_divisions = self._resolved_division_mentions()

        self.entity_nodes = [self.entity_node(m) for m in self.x.entities]
        for i, (mention, node) in enumerate(zip(self.x.entities, self.entity_nodes)):
            if node is None:
                continue
            self._labels[node].add(mention.text)  # every surface form seen is an alias
            self.add(r, GK.mentions, node)
            m = mint("mention", self.rid, i, base=self.base)
            self.add(m, RDF.type, GK.Mention)
            self.add(m, OA.hasBody, node)
            self.add(m, GK.entityType, Lit(mention.type))
            self.add(m, GK.surfaceForm, Lit(mention.text))
            if mention.source:
                self.add(m, GK.extractedBy, Lit(mention.source))
            self.add(m, GK.evidence, self.evidence(mention.start, mention.end))
        for node, forms in self._labels.items():
            labels = {str(o) for o in self._objects.get((node, RDFS.label), ())}
            for form in sorted(forms - labels):
                self.add(node, SKOS.altLabel, _zh(form))

        indicators = [self._indicator(qi, q) for qi, q in enumerate(self.x.quantities)]
        for measure in self.x.measures:
            self._measure(measure, indicators)
        for index, relation in enumerate(self.x.relations):
            self._relation(index, relation)
        self._type_hierarchy()
        self._implements()

    def _resolved_division_mentions(self) -> list[tuple[URIRef, Division]]:
        found = []
        for mention in self.x.entities:
            if mention.type == "DIVISION" and re.fullmatch(r"[0-9]{12}", mention.id or ""):
                div = self._gaz_get(mention.id)
                if div is not None:
                    found.append((self.division_node(div), div))
            elif mention.type == "VILLAGE" and (mention.canonical or mention.text).strip():
                # so that 茂盛村村委会 is placed in 茂盛村
                name = (mention.canonical or mention.text).strip()
                township = self._division_key(("township",))
                parent = (township[1].code or township[1].name) if township else None
                found.append((self._division_mention(mention, name),
                              Division(name=name, level="village", code=None, parent_code=parent)))
        return found

    def _indicator(self, qi: int, q) -> Optional[URIRef]:
        if not math.isfinite(float(q.value)) or not q.unit:
            return None  # not a figure the graph can state (the extractor should not emit it)
        node = mint("indicator", self.rid, qi, base=self.base)
        self.add(node, RDF.type, GK.Indicator)
        self.add(node, RDF.value, _decimal(q.value))
        self.add(node, GK.unit, Lit(q.unit))
        self.add(node, GK.approximate, Lit("true" if q.approx else "false", datatype=XSD.boolean))
        if q.counted:
            self.add(node, GK.counted, Lit(q.counted))
        self.add(node, GK.evidence, self.evidence(q.start, q.end))
        return node

    def _measure_year(self, measure: Measure) -> Optional[int]:
        year = self.meta.year
        if measure.status != "planned":
            return year
        top = next((s for s in self.doc.sections if tuple(s.path[:1]) == tuple(measure.section_path[:1])), None)
        if top is not None:
            found = _YEAR.findall(top.heading)
            if found:
                return int(found[0])
        return year + 1 if year else None

    def _measure(self, measure: Measure, indicators: list[URIRef]) -> None:
        node = mint("measure", self.rid, measure.index, base=self.base)
        self.add(self.report, GK.hasMeasure, node)
        self.add(node, RDF.type, GK.Measure)
        self.add(node, DCTERMS.title, _zh(measure.title))
        self.add(node, GK.position, Lit(str(measure.index), datatype=XSD.integer))
        self.add(node, GK.status, STATUS[measure.status])
        self.add(STATUS[measure.status], RDF.type, GK.MeasureStatus)
        zh, en = _STATUS_LABELS[measure.status]
        self.add(STATUS[measure.status], SKOS.prefLabel, Lit(zh, language="zh"))
        self.add(STATUS[measure.status], SKOS.prefLabel, Lit(en, language="en"))
        for prop, key in [(GK.category, measure.category)] + [(GK.secondaryCategory, k) for k in measure.categories]:
            concept = CATEGORY[key]
            self.add(node, prop, concept)
            self._category_labels(concept, key)
        year = self._measure_year(measure)
        if year:
            self.add(node, GK.year, Lit(str(year), datatype=XSD.gYear))
        if measure.section_path:
            self.add(node, GK.sectionPath, Lit(_dotted(tuple(measure.section_path))))
        self.add(node, GK.evidence, self.evidence(measure.start, measure.end))
        actors = set(measure.actors)
        partners = self._partners(measure, actors)
        implicit_actor = None if actors else self.government_org()
        if implicit_actor is not None:
            self.add(node, GK.actor, implicit_actor)
        ignored_places = {n for n, _ in self.chain}
        for i in sorted(set(measure.mentions) | actors):
            target = self.entity_nodes[i] if 0 <= i < len(self.entity_nodes) else None
            if target is None:
                continue
            kind = self.x.entities[i].type
            if kind == "ORG":
                if i in actors:
                    self.add(node, GK.actor, target)
                elif i in partners:
                    self.add(node, GK.partner, target)
            elif kind == "LAW":
                self.add(node, GK.involvesLaw, target)
            elif kind == "PROGRAMME":
                self.add(node, GK.partOfProgramme, target)
            elif kind == "GROUP":
                self.add(node, GK.targetGroup, target)
            elif kind == "OBSERVANCE":
                self.add(node, GK.observance, target)
            elif kind == "PERSON":
                self.add(node, GK.involvesPerson, target)
            elif kind in ("DIVISION", "VILLAGE") and target not in ignored_places:
                self.add(node, GK.place, target)
        for qi in measure.quantities:
            if 0 <= qi < len(indicators) and indicators[qi] is not None:
                self.add(node, GK.indicator, indicators[qi])
        self._collaborations(actors, partners, implicit_actor)

    def _collaborations(self, actors: set[int], partners: set[int], implicit_actor: Optional[URIRef]) -> None:
        """Each actor of a measure collaborates with each of its partners (``implicit_actor``, the
        government's organisation, when the measure names no actor: 联合县司法局开展…)."""
        if implicit_actor is not None:
            actor_nodes = [implicit_actor]
        else:
            actor_nodes = sorted({self.entity_nodes[i] for i in actors if 0 <= i < len(self.entity_nodes)
                                  and self.entity_nodes[i] is not None and self.x.entities[i].type == "ORG"})
        for i in sorted(partners):
            partner = self.entity_nodes[i] if 0 <= i < len(self.entity_nodes) else None
            if partner is None:
                continue
            mention = self.x.entities[i]
            for actor in actor_nodes:
                if actor == partner or self._has(actor, GK.collaboratesWith, partner):
                    continue
                self.add(actor, GK.collaboratesWith, partner)
                self.add(partner, GK.collaboratesWith, actor)
                self.assertion(actor, GK.collaboratesWith, partner,
                               [self.evidence(mention.start, mention.end)], "measure")

    def _partners(self, measure: Measure, actors: set[int]) -> set[int]:
        """Organisations working with the actor: the other side of a collaboratesWith relation
        inside the measure, or named right after a partner cue (邀请, 联合, 与 …)."""
        inside = set(measure.mentions) | actors
        partners = set()
        for rel in self.x.relations:
            if rel.predicate == "collaboratesWith" and measure.start <= rel.start < measure.end:
                partners.update(i for i in (rel.subject, rel.object) if i in inside)
        cues = _partner_cues()
        text = self.doc.text
        previous = None
        for i in sorted(inside, key=lambda k: (self.x.entities[k].start, k)):
            mention = self.x.entities[i]
            if mention.type != "ORG":
                continue
            if text[max(0, mention.start - 2):mention.start].endswith(cues):
                partners.add(i)
            elif (previous is not None and previous in partners
                  and text[self.x.entities[previous].end:mention.start] in _LIST_JOINERS):
                partners.add(i)  # 联合县司法局、县人民法院: the rest of the list too
            previous = i
        return partners - actors

    def _category_labels(self, concept: URIRef, key: str) -> None:
        if self._has(concept, RDF.type, GK.MeasureCategory):
            return
        found = scheme_index("measure-category").by_notation(key)
        self.add(concept, RDF.type, GK.MeasureCategory)
        self.add(concept, RDF.type, SKOS.Concept)
        self.add(concept, SKOS.inScheme, SCHEME["measure-category"])
        self.add(concept, SKOS.notation, Lit(key))
        if found:
            self.add(concept, SKOS.prefLabel, Lit(found.label_zh, language="zh"))
            self.add(concept, SKOS.prefLabel, Lit(found.label_en, language="en"))

    def _relation(self, index: int, rel) -> None:
        n = len(self.entity_nodes)
        if not (0 <= rel.subject < n and 0 <= rel.object < n):
            return
        s, o = self.entity_nodes[rel.subject], self.entity_nodes[rel.object]
        if s is None or o is None:
            return
        if rel.predicate == "holdsRole" and rel.subject == rel.object:
            o = self.government_org()  # no organisation named: the appointing government
            if o is None:
                return
        ev = self.evidence(rel.start, rel.end)
        if rel.predicate == "holdsRole":
            role = mint("role", self.rid, index, base=self.base)
            self.add(s, GK.holdsRole, role)
            self.add(role, RDF.type, GK.RoleAssignment)
            self.add(role, ORG.member, s)
            self.add(role, GK.roleAt, o)
            self.add(role, ORG.organization, o)
            if rel.qualifier:
                self.add(role, GK.roleTitle, Lit(rel.qualifier))
            self.add(role, GK.evidence, ev)
            return
        predicate = RELATION_PREDICATES.get(rel.predicate)
        if predicate is None or s == o:
            return
        if predicate == GK.locatedIn and next(iter(self._objects.get((s, GK.locatedIn), ())), None) not in (None, o):
            return  # the organisation's identity already places it (its name's deepest division)
        self.add(s, predicate, o)
        if predicate == GK.collaboratesWith:  # symmetric: assert both ways for plain SPARQL
            self.add(o, predicate, s)
        self.assertion(s, predicate, o, [ev], "pattern")

    def _type_hierarchy(self) -> None:
        """司法所 subOrganizationOf 区司法局 when both are named: the child's type has the
        parent's type as gk:parentInstitutionType and the parent sits in a division above."""
        ranks = {node: i for i, (node, _) in enumerate(self.chain)}
        first: dict[URIRef, Mention] = {}
        for mention, node in zip(self.x.entities, self.entity_nodes):
            if node is not None and mention.type == "ORG":
                first.setdefault(node, mention)
        for child, (ctype, cdiv) in sorted(self._org_info.items()):
            if ctype is None or ctype.parent is None or child not in first or cdiv not in ranks:
                continue
            parents = [node for node, (ptype, pdiv) in sorted(self._org_info.items())
                       if ptype is not None and ptype.iri == ctype.parent and node in first
                       and pdiv in ranks and ranks[pdiv] > ranks[cdiv]]
            if len(parents) != 1 or self._has(child, ORG.subOrganizationOf, parents[0]):
                continue  # asserted before this loop (each child comes once: none added in it)
            parent = parents[0]
            self.add(child, ORG.subOrganizationOf, parent)
            evidence = [self.evidence(first[n].start, first[n].end) for n in (child, parent)]
            self.assertion(child, ORG.subOrganizationOf, parent, evidence, "institution-type")

    def _implements(self) -> None:
        """The government implements every programme its done measures belong to."""
        if self.government is None:
            return
        evidence: dict[URIRef, set[URIRef]] = defaultdict(set)
        for measure in self.x.measures:
            if measure.status != "done":
                continue
            for i in measure.mentions:
                if 0 <= i < len(self.entity_nodes) and self.x.entities[i].type == "PROGRAMME":
                    node = self.entity_nodes[i]
                    if node is not None:
                        mention = self.x.entities[i]
                        evidence[node].add(self.evidence(mention.start, mention.end))
        for programme in sorted(evidence):
            self.add(self.government, GK.implements, programme)
            self.assertion(self.government, GK.implements, programme, sorted(evidence[programme]), "measure")
