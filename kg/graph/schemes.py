"""The ontology files and the SKOS concept schemes, as lookups.

The ontology ships with the code: in a source checkout or editable install it is
the top-level ``ontology/`` folder (``kg/settings.PACKAGE_DIR.parent``); in an
installed wheel it is ``kg/ontology``.

>>> index = scheme_index("programme")
>>> index.match("一村（社区）一法律顾问").endswith("one_village_one_legal_adviser")
True
>>> scheme_index("observance").match("“6.26”国际禁毒日").endswith("international_anti_drug_day")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from kg import settings
from kg.errors import ConfigError

__all__ = ["ontology_dir", "ontology_files", "load_ontology", "scheme_graph", "scheme_index",
           "SchemeIndex", "normalize_label", "institution_types", "institution_type_of", "InstitutionType",
           "SCHEME_FILES"]

#: Scheme name -> file under ontology/schemes/.
SCHEME_FILES = {
    "measure-category": "measure-category.ttl",
    "institution-type": "institution-type.ttl",
    "programme": "programme.ttl",
    "target-group": "target-group.ttl",
    "observance": "observance.ttl",
}

_DROP = re.compile(r"[\s“”\"'‘’《》「」『』〈〉•·・．、，,。；;：:！!？?+]")
_DATE_PREFIX = re.compile(r"^[0-9]{1,2}(?:[.．·月][0-9]{1,2}日?)?")


def ontology_dir() -> Path:
    """The folder holding govkg.ttl, shapes.ttl and schemes/ (source checkout first)."""
    return settings.ontology_dir("govkg.ttl")


def ontology_files() -> list[Path]:
    """govkg.ttl and every concept scheme, in a stable order (shapes excluded)."""
    root = ontology_dir()
    return [root / "govkg.ttl", *sorted((root / "schemes").glob("*.ttl"))]


@functools.lru_cache(maxsize=None)
def load_ontology():
    """The ontology and all concept schemes as one rdflib Graph (read once; do not mutate)."""
    from rdflib import Graph

    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


@functools.lru_cache(maxsize=None)
def scheme_graph(name: str):
    from rdflib import Graph

    if name not in SCHEME_FILES:
        raise ConfigError(f"unknown concept scheme {name!r}: use one of {sorted(SCHEME_FILES)}")
    return Graph().parse(ontology_dir() / "schemes" / SCHEME_FILES[name], format="turtle")


def normalize_label(text: str) -> str:
    """The form labels are matched in: NFKC, lower case, no spaces, quotes or punctuation.

    >>> normalize_label("“谁执法，谁普法”")
    '谁执法谁普法'
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True)
class Concept:
    iri: str
    notation: str
    label_zh: str
    label_en: str


class SchemeIndex:
    """Match surface strings to the concepts of one scheme by any of their labels."""

    def __init__(self, name: str) -> None:
        from rdflib import Literal
        from rdflib.namespace import SKOS

        graph = scheme_graph(name)
        self.name = name
        self.concepts: dict[str, Concept] = {}
        self._by_label: dict[str, str] = {}
        for concept in sorted(graph.subjects(SKOS.inScheme, None), key=str):
            labels = {}
            for lit in graph.objects(concept, SKOS.prefLabel):
                if isinstance(lit, Literal):
                    labels[lit.language] = str(lit)
            notation = str(graph.value(concept, SKOS.notation) or "")
            self.concepts[str(concept)] = Concept(str(concept), notation, labels.get("zh", notation),
                                                  labels.get("en", notation))
            for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
                for lit in sorted(graph.objects(concept, prop), key=str):
                    key = normalize_label(str(lit))
                    if key:
                        self._by_label.setdefault(key, str(concept))

    def match(self, text: str) -> Optional[str]:
        """The IRI of the concept ``text`` names, else ``None`` (a leading date like 3.15 is ignored)."""
        key = normalize_label(text)
        if key in self._by_label:
            return self._by_label[key]
        stripped = _DATE_PREFIX.sub("", key)
        if stripped and stripped != key:
            return self._by_label.get(stripped)
        return None

    def by_notation(self, notation: str) -> Optional[Concept]:
        for concept in self.concepts.values():
            if concept.notation == notation:
                return concept
        return None


@functools.lru_cache(maxsize=None)
def scheme_index(name: str) -> SchemeIndex:
    """The (cached) index of one concept scheme, e.g. ``scheme_index("programme")``."""
    return SchemeIndex(name)


@dataclass(frozen=True)
class InstitutionType:
    iri: str
    notation: str
    endings: tuple[str, ...]
    parent: Optional[str]  # IRI of the parent institution type


@functools.lru_cache(maxsize=None)
def institution_types() -> tuple[InstitutionType, ...]:
    """Institution types with the name endings that identify them (hiddenLabels)."""
    from rdflib.namespace import SKOS

    from kg.graph.namespaces import GK

    graph = scheme_graph("institution-type")
    found = []
    for concept in sorted(graph.subjects(SKOS.inScheme, None), key=str):
        endings = tuple(sorted((str(x) for x in graph.objects(concept, SKOS.hiddenLabel)), key=lambda s: (-len(s), s)))
        parent = graph.value(concept, GK.parentInstitutionType)
        found.append(InstitutionType(str(concept), str(graph.value(concept, SKOS.notation)), endings,
                                     str(parent) if parent else None))
    return tuple(found)


def institution_type_of(name: str) -> Optional[InstitutionType]:
    """The type whose longest ending ``name`` ends with (月浦法庭 -> tribunal).

    >>> institution_type_of("镇司法所").notation, institution_type_of("月浦法庭").notation
    ('justice_office', 'tribunal')
    """
    best: Optional[tuple[int, InstitutionType]] = None
    for itype in institution_types():
        for ending in itype.endings:
            if name.endswith(ending) and (best is None or len(ending) > best[0]):
                best = (len(ending), itype)
    return best[1] if best else None
