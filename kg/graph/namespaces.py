"""RDF namespaces of the graph.

``GK`` is a :class:`~rdflib.namespace.DefinedNamespace` generated from
ontology/govkg.ttl, so a mistyped term raises ``AttributeError`` instead of
minting a wrong IRI.  Regenerate it after adding a term::

    python -m kg.graph.namespaces            # rewrites the block below

and tests/graph/test_namespaces.py keeps the two in sync.

>>> str(GK.Measure)
'https://w3id.org/govkg/ontology#Measure'
>>> GK.Measur  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
AttributeError: term 'Measur' not in namespace 'https://w3id.org/govkg/ontology#'
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "GK", "OA", "ORG", "PROV", "SKOS", "DCTERMS", "SCHEMA", "FOAF", "RDF", "RDFS", "OWL", "XSD",
    "CATEGORY", "INSTITUTION_TYPE", "PROGRAMME", "TARGET_GROUP", "OBSERVANCE", "SCHEME",
    "PREFIXES", "GK_IRI", "ontology_terms", "render_gk",
]

GK_IRI = "https://w3id.org/govkg/ontology#"
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = SDO

#: Concept schemes (ontology/schemes/*.ttl): ``<SCHEME>measure-category`` is the
#: scheme, ``CATEGORY["law_popularisation"]`` a concept of it.
SCHEME = Namespace("https://w3id.org/govkg/scheme/")
CATEGORY = Namespace("https://w3id.org/govkg/scheme/measure-category/")
INSTITUTION_TYPE = Namespace("https://w3id.org/govkg/scheme/institution-type/")
PROGRAMME = Namespace("https://w3id.org/govkg/scheme/programme/")
TARGET_GROUP = Namespace("https://w3id.org/govkg/scheme/target-group/")
OBSERVANCE = Namespace("https://w3id.org/govkg/scheme/observance/")


# --- generated from ontology/govkg.ttl by `python -m kg.graph.namespaces`; do not edit ---
class GK(DefinedNamespace):
    """GovKG ontology terms (https://w3id.org/govkg/ontology#)."""

    _fail = True
    _NS = Namespace("https://w3id.org/govkg/ontology#")

    AdministrativeDivision: URIRef
    City: URIRef
    County: URIRef
    Done: URIRef
    Evidence: URIRef
    Indicator: URIRef
    InstitutionType: URIRef
    Law: URIRef
    LegalDocument: URIRef
    Measure: URIRef
    MeasureCategory: URIRef
    MeasureStatus: URIRef
    MeasureStatusScheme: URIRef
    Mention: URIRef
    Observance: URIRef
    Organization: URIRef
    Person: URIRef
    Planned: URIRef
    PolicyDocument: URIRef
    Programme: URIRef
    Province: URIRef
    Regulation: URIRef
    RelationAssertion: URIRef
    Report: URIRef
    RoleAssignment: URIRef
    Shortcoming: URIRef
    TargetGroup: URIRef
    Township: URIRef
    Village: URIRef
    actor: URIRef
    approximate: URIRef
    category: URIRef
    collaboratesWith: URIRef
    counted: URIRef
    entityType: URIRef
    evidence: URIRef
    extractedBy: URIRef
    government: URIRef
    hasMeasure: URIRef
    holdsRole: URIRef
    implements: URIRef
    indicator: URIRef
    involvesLaw: URIRef
    involvesPerson: URIRef
    level: URIRef
    locatedIn: URIRef
    mentions: URIRef
    observance: URIRef
    orgType: URIRef
    originalEnd: URIRef
    originalStart: URIRef
    parentInstitutionType: URIRef
    partOf: URIRef
    partOfProgramme: URIRef
    partner: URIRef
    place: URIRef
    position: URIRef
    roleAt: URIRef
    roleTitle: URIRef
    secondaryCategory: URIRef
    sectionPath: URIRef
    sentence: URIRef
    sha256: URIRef
    shortName: URIRef
    sourceFile: URIRef
    statCode: URIRef
    status: URIRef
    surfaceForm: URIRef
    targetGroup: URIRef
    unit: URIRef
    year: URIRef
# --- end generated ---


PREFIXES = {
    "gk": GK_IRI,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "org": str(ORG),
    "dcterms": str(DCTERMS),
    "oa": str(OA),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "cat": str(CATEGORY),
    "it": str(INSTITUTION_TYPE),
    "prog": str(PROGRAMME),
    "tg": str(TARGET_GROUP),
    "obs": str(OBSERVANCE),
}

_BEGIN = "# --- generated from ontology/govkg.ttl"
_END = "# --- end generated ---"


def ontology_terms(path: Path) -> list[str]:
    """Local names of every ``gk:`` term defined (given a type) in ``path``, sorted."""
    from rdflib import Graph

    graph = Graph().parse(path, format="turtle")
    names = {
        str(s)[len(GK_IRI):]
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(GK_IRI) and len(str(s)) > len(GK_IRI)
    }
    return sorted(names)


def render_gk(terms: list[str]) -> str:
    """The source of the generated ``GK`` class for these terms (classes first)."""
    ordered = sorted(terms, key=lambda t: (not t[0].isupper(), t))
    lines = [
        f"{_BEGIN} by `python -m kg.graph.namespaces`; do not edit ---",
        "class GK(DefinedNamespace):",
        f'    """GovKG ontology terms ({GK_IRI})."""',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{GK_IRI}")',
        "",
        *[f"    {term}: URIRef" for term in ordered],
        _END,
    ]
    return "\n".join(lines)


def _regenerate() -> None:
    from kg.graph.schemes import ontology_dir

    source = Path(__file__)
    text = source.read_text(encoding="utf-8")
    head, rest = text.split(_BEGIN, 1)
    _, tail = rest.split(_END, 1)
    block = render_gk(ontology_terms(ontology_dir() / "govkg.ttl"))
    new = head + block + tail
    tmp = source.with_suffix(".py.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(source)
    print(f"wrote {source}")


if __name__ == "__main__":
    _regenerate()
