"""Typed records passed between pipeline stages.

Data flows one way: ingest -> nlp -> extract -> graph -> export/query.  These
dataclasses are the contract between the stages, so graph, export and query
code never needs to import spaCy.  All offsets are Python ``str`` indices into
``Document.text`` (the cleaned text) unless a field name says ``original``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

__all__ = [
    "Division",
    "ReportMeta",
    "Section",
    "Document",
    "Sentence",
    "Mention",
    "Quantity",
    "Measure",
    "Relation",
    "Extraction",
    "ENTITY_TYPES",
    "SECTION_ROLES",
    "MEASURE_STATUSES",
    "LEVELS",
]

#: Entity types, exactly as ../shared/ANNOTATION.md defines them.
ENTITY_TYPES = (
    "DIVISION",
    "VILLAGE",
    "ORG",
    "LAW",
    "PROGRAMME",
    "PERSON",
    "OBSERVANCE",
    "GROUP",
)

#: Administrative levels used in metadata and the gazetteer.
LEVELS = ("province", "city", "county", "township", "village")

#: Roles of top-level report sections.
SECTION_ROLES = (
    "measures",  # what was done and achieved
    "shortcomings",  # problems and gaps
    "responsibility",  # first-responsible-person duties (第一责任人职责)
    "plans",  # next year's plans
    "rectification",  # rectification of inspection findings (督察整改)
    "other",
)

#: Status of a measure, derived from the role of its section.
MEASURE_STATUSES = ("done", "planned", "shortcoming")


@dataclass(frozen=True)
class Division:
    """An administrative division from the gazetteer.

    ``code`` is the 12-digit statistical code when known (the stable id of the
    division in the graph); ``level`` is one of :data:`LEVELS` (a 街道 is a
    ``township``-level division).
    """

    name: str
    level: str
    code: Optional[str] = None
    parent_code: Optional[str] = None
    short_name: Optional[str] = None


@dataclass
class ReportMeta:
    """What a report says about itself."""

    government: Optional[str] = None  # normalised: 坡头镇人民政府 -> 坡头镇
    government_as_written: Optional[str] = None
    level: Optional[str] = None  # province/city/county/township
    year: Optional[int] = None  # year reported on
    date: Optional[str] = None  # ISO yyyy-mm-dd written or published
    parents: list[str] = field(default_factory=list)  # nearest first: 宝山区, 上海市
    division_code: Optional[str] = None  # statistical code of the government, when resolved
    parent_codes: list[str] = field(default_factory=list)
    title: Optional[str] = None


@dataclass
class Section:
    """A node of the heading tree.

    ``path`` is the position in the tree (``(1, 2)`` = second subsection of the
    first top-level section); ``label`` is the numbering as written (``（二）``);
    ``start``/``end`` span the heading and its body in the cleaned text.
    """

    path: tuple[int, ...]
    label: str
    heading: str
    level: int
    start: int
    end: int
    heading_end: int
    role: str = "other"
    children: list["Section"] = field(default_factory=list)


@dataclass
class Document:
    """A report read, decoded, cleaned and parsed, ready for NLP."""

    name: str  # file name, as shown to users and in ``kg extract`` output
    path: str  # path as given
    sha256: str  # of the raw bytes: the report's identity for caching/dedup
    format: str  # txt/html/docx/pdf
    encoding: Optional[str]
    original: str  # decoded text before cleaning
    text: str  # cleaned text
    offset_map: list[int]  # len(text)+1 entries: cleaned index -> original index
    meta: ReportMeta = field(default_factory=ReportMeta)
    sections: list[Section] = field(default_factory=list)  # top-level sections
    warnings: list[str] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned-text span to the span of the original text it came from."""
        if end <= start:
            pos = self.offset_map[start]
            return pos, pos
        return self.offset_map[start], self.offset_map[end - 1] + 1


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass
class Mention:
    """An entity mention.  ``id`` is the canonical identifier used for linking
    (division code, canonical law title, programme concept key, qualified
    organisation name ...); ``canonical`` is its human-readable canonical name."""

    type: str
    text: str
    start: int
    end: int
    id: str
    canonical: str = ""
    source: str = ""  # which layer found it: gazetteer/lexicon/pattern/...


@dataclass
class Quantity:
    value: float
    unit: str
    approx: bool
    counted: str
    text: str
    start: int
    end: int


@dataclass
class Measure:
    """One governance measure: a numbered item or 一是/二是 clause."""

    index: int  # position within the report, from 0
    section_path: tuple[int, ...]
    title: str
    start: int
    end: int
    status: str  # one of MEASURE_STATUSES
    category: str  # key of the measure-category scheme (e.g. "law_popularisation")
    categories: list[str] = field(default_factory=list)  # secondary categories
    mentions: list[int] = field(default_factory=list)  # indexes into Extraction.entities
    quantities: list[int] = field(default_factory=list)  # indexes into Extraction.quantities
    actors: list[int] = field(default_factory=list)  # entity indexes of acting organisations


@dataclass
class Relation:
    """A relation between two mentions (indexes into Extraction.entities), with
    the span of text that is its evidence."""

    subject: int
    predicate: str  # collaboratesWith / subOrganizationOf / holdsRole / locatedIn / partOf
    object: int
    start: int
    end: int
    qualifier: str = ""  # e.g. the role title for holdsRole (法治副校长)


@dataclass
class Extraction:
    """Everything extracted from one report."""

    document: Document
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Mention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def sentence_at(self, offset: int) -> Optional[Sentence]:
        """The sentence containing ``offset`` (binary search)."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        return None
