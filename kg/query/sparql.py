"""The canned query library and the one way to run a query.

A library query is a ``.rq`` file in ``kg/query/queries`` headed by comments::

    # title: Governments implementing a programme
    # question: Which governments report carrying out programme X, and when?
    # param: programme (label) name or alias of the programme, e.g. 枫桥经验

and, for each parameter, a placeholder (one or more) in its WHERE clause::

    VALUES ?programme { UNDEF }

How parameters are bound (never by splicing user text into the query): each
value becomes ONE RDF term — a pyoxigraph ``Literal``/``NamedNode`` built from
the value, checked by pyoxigraph (an IRI with a space or ``>`` is refused) —
and that term's N-Triples serialisation, which escapes every quote, backslash
and newline, replaces the ``UNDEF`` of the parameter's ``VALUES`` blocks.
Kinds: ``label`` (a name, matched as ``"…"@zh`` against rdfs:label and
skos:altLabel, so the lookup is an index hit), ``literal`` (a plain string),
``iri``, ``year`` (xsd:gYear), ``integer``.  The
resulting text is parsed again by Oxigraph, so whatever the value contains it
can only ever be that one term.  Optional parameters left out keep ``UNDEF``
(no restriction).  Why not pyoxigraph's ``substitutions=``: in Oxigraph 0.5 it
requires the variable in the SELECT projection, and a ``FILTER`` using
``BOUND``/``EXISTS`` does not see the value, so optional parameters cannot be
written with it (docs/sparql.md).

>>> [q.name for q in list_queries()][:2]
['collaboration_pairs', 'collaborators_of']
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional, Union

import pyoxigraph as ox

from kg.errors import QueryError

__all__ = [
    "QueryInfo",
    "Param",
    "QueryResult",
    "QUERY_DIR",
    "PREFIXES",
    "FORMATS",
    "list_queries",
    "get_query",
    "resolve_query",
    "bind_params",
    "run_query",
    "format_result",
    "term_value",
]

QUERY_DIR = Path(__file__).resolve().parent / "queries"

#: Prefixes for compact display of IRIs (also handy for ad-hoc queries).
PREFIXES = {
    "gk": "https://w3id.org/govkg/ontology#",
    "id": "https://w3id.org/govkg/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
}

FORMATS = ("table", "csv", "json", "tsv")
PARAM_KINDS = ("label", "literal", "iri", "year", "integer")

_XSD = PREFIXES["xsd"]
_HEADER = re.compile(r"^#\s*(title|question|param):\s*(.*?)\s*$")
_PARAM = re.compile(r"^(\w+)\s*\((\w+)(\s*,\s*optional)?\)\s*(.*)$")
_PLACEHOLDER = r"VALUES\s+\?{name}\s*\{{\s*UNDEF\s*\}}"


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # one of PARAM_KINDS
    optional: bool
    description: str


@dataclass(frozen=True)
class QueryInfo:
    """A query with its header.  ``name`` is the file stem ('' for ad-hoc text)."""

    name: str
    title: str
    question: str
    params: tuple[Param, ...]
    text: str
    path: Optional[Path] = None

    def param(self, name: str) -> Optional[Param]:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class QueryResult:
    """A materialised result: ``rows`` of pyoxigraph terms (None = unbound) for
    SELECT, ``boolean`` for ASK, ``triples`` for CONSTRUCT/DESCRIBE."""

    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: Optional[bool] = None
    triples: Optional[list] = None

    def __len__(self) -> int:
        if self.triples is not None:
            return len(self.triples)
        return len(self.rows)

    def records(self) -> list[dict]:
        """Rows as dicts of plain Python values (see :func:`term_value`)."""
        return [{v: term_value(t) for v, t in zip(self.variables, row)} for row in self.rows]


# -- the library ----------------------------------------------------------------
def parse_header(text: str, name: str = "", path: Optional[Path] = None) -> QueryInfo:
    """Read the ``# title/question/param`` comments at the top of a query."""
    fields: dict[str, str] = {"title": "", "question": ""}
    params = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key != "param":
            fields[key] = value
            continue
        pm = _PARAM.match(value)
        if not pm or pm.group(2) not in PARAM_KINDS:
            raise QueryError(f"{path or name}: bad param line {line!r}: write "
                             f"'# param: NAME (KIND[, optional]) description', KIND in {PARAM_KINDS}")
        params.append(Param(pm.group(1), pm.group(2), bool(pm.group(3)), pm.group(4)))
    info = QueryInfo(name, fields["title"], fields["question"], tuple(params), text, path)
    for p in info.params:
        if not re.search(_PLACEHOLDER.format(name=p.name), text):
            raise QueryError(f"{path or name}: param {p.name!r} needs a "
                             f"'VALUES ?{p.name} {{ UNDEF }}' placeholder")
    return info


@lru_cache(maxsize=None)
def _library(directory: Path) -> dict[str, QueryInfo]:
    return {p.stem: parse_header(p.read_text(encoding="utf-8"), p.stem, p)
            for p in sorted(directory.glob("*.rq"))}


def list_queries() -> list[QueryInfo]:
    """The canned queries, sorted by name."""
    return list(_library(QUERY_DIR).values())


def get_query(name: str) -> QueryInfo:
    """A library query by name (the file stem)."""
    library = _library(QUERY_DIR)
    if name not in library:
        raise QueryError(f"no query named {name!r}: `kg query --list` shows the {len(library)} queries")
    return library[name]


def resolve_query(query: Union[str, Path, QueryInfo]) -> QueryInfo:
    """A library name, a path to a ``.rq`` file, or SPARQL text -> :class:`QueryInfo`."""
    if isinstance(query, QueryInfo):
        return query
    text = str(query)
    if isinstance(query, Path) or (text.endswith(".rq") and "\n" not in text):
        path = Path(text)
        if not path.is_file():
            raise QueryError(f"{path}: no such query file (fix: check the path, or use a name from `kg query --list`)")
        return parse_header(path.read_text(encoding="utf-8"), path.stem, path)
    if re.fullmatch(r"[A-Za-z0-9_]+", text):
        return get_query(text)
    return parse_header(text)


# -- parameters ---------------------------------------------------------------------
def make_term(value: Union[str, int, ox.NamedNode, ox.Literal], kind: str, name: str = "?"):
    """The RDF term a parameter value stands for."""
    if isinstance(value, (ox.NamedNode, ox.Literal)):
        return value
    text = str(value).strip()
    try:
        if kind == "iri":
            return ox.NamedNode(text[1:-1] if text.startswith("<") and text.endswith(">") else text)
        if kind == "year":
            if not re.fullmatch(r"\d{4}", text):
                raise ValueError("a year is four digits, e.g. 2021")
            return ox.Literal(text, datatype=ox.NamedNode(_XSD + "gYear"))
        if kind == "label":  # names in the graph are NFC, tagged @zh (kg.graph.build)
            return ox.Literal(unicodedata.normalize("NFC", str(value)), language="zh")
        if kind == "integer":
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(_XSD + "integer"))
        return ox.Literal(str(value))
    except ValueError as err:
        raise QueryError(f"param {name}={value!r} is not a valid {kind}: {err}") from err


def bind_params(info: QueryInfo, params: Optional[Mapping[str, object]] = None) -> str:
    """The query text with every given parameter bound to its RDF term."""
    params = dict(params or {})
    text = info.text
    declared = {p.name: p for p in info.params}
    if info.name:  # library/file query: only declared params, required ones present
        unknown = sorted(set(params) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise QueryError(f"query {info.name!r} has no param {unknown[0]!r} (its params: {names})")
        missing = [p.name for p in info.params if not p.optional and params.get(p.name) in (None, "")]
        if missing:
            raise QueryError(f"query {info.name!r} needs --param {missing[0]}=VALUE "
                             f"({declared[missing[0]].description})")
    trailing = []
    for name, value in sorted(params.items()):
        if value is None:
            continue
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"param name {name!r} is not a SPARQL variable name")
        kind = declared[name].kind if name in declared else _guess_kind(value)
        term = str(make_term(value, kind, name))  # N-Triples form: fully escaped
        placeholder = re.compile(_PLACEHOLDER.format(name=name))
        if placeholder.search(text):
            text = placeholder.sub(lambda _m: f"VALUES ?{name} {{ {term} }}", text)
        elif re.search(rf"[?$]{name}\b", text):
            trailing.append(f"VALUES ?{name} {{ {term} }}")  # SPARQL's own ValuesClause
        else:
            raise QueryError(f"param {name!r}: the query has no variable ?{name}")
    return text + ("\n" + "\n".join(trailing) if trailing else "")


def _guess_kind(value: object) -> str:
    if isinstance(value, ox.NamedNode):
        return "iri"
    text = str(value)
    return "iri" if text.startswith("<") and text.endswith(">") else "literal"


# -- running ---------------------------------------------------------------------------
def run_query(query: Union[str, Path, QueryInfo], params: Optional[Mapping[str, object]] = None, *,
              store=None) -> QueryResult:
    """Run a library query (by name), a ``.rq`` file or SPARQL text on the store.

    ``store`` is a :class:`kg.query.store.Store`, a path to one, or None for
    ``output/store``.  UPDATE requests are refused: this is a read-only API.
    """
    from kg.query.store import open_store

    info = resolve_query(query)
    text = bind_params(info, params)
    opened = open_store(store)
    try:
        try:
            raw = opened.query(text)
        except SyntaxError as err:
            hint = " (SPARQL UPDATE is not accepted here)" if _looks_like_update(text) else ""
            raise QueryError(f"{info.name or 'query'}: invalid SPARQL{hint}: {err}") from err
        return _materialise(raw)
    finally:
        if opened is not store:
            opened.close()


def _looks_like_update(text: str) -> bool:
    return bool(re.search(r"\b(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE|COPY|MOVE|ADD)\b", text, re.I))


def _materialise(raw) -> QueryResult:
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows = [tuple(sol[v] for v in variables) for sol in raw]
        return QueryResult(variables=variables, rows=rows)
    return QueryResult(triples=list(raw))


# -- formatting --------------------------------------------------------------------------
def term_value(term):
    """A plain Python value for a term: str for IRIs and text, int/float for
    numbers, bool for booleans, None for unbound."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value[len(_XSD):] if term.datatype.value.startswith(_XSD) else ""
        try:
            if dt in ("integer", "int", "long", "nonNegativeInteger"):
                return int(term.value)
            if dt in ("decimal", "double", "float"):
                return float(term.value)
            if dt == "boolean":
                return term.value in ("true", "1")
        except ValueError:
            pass
        return term.value
    return term.value


def compact(term) -> str:
    """Short display form: prefixed names for known namespaces, plain text for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render a result as ``table`` (rich), ``csv``, ``json`` (SPARQL 1.1 JSON
    results) or ``tsv`` (SPARQL 1.1 TSV results)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if result.triples is not None:
        lines = sorted(f"{t.subject} {t.predicate} {t.object} ." for t in result.triples)
        return "\n".join(lines) + ("\n" if lines else "")
    if fmt == "json":
        return _to_json(result)
    if result.boolean is not None:
        return f"{'true' if result.boolean else 'false'}\n"
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(result.variables)
        writer.writerows(["" if t is None else t.value for t in row] for row in result.rows)
        return out.getvalue()
    return _to_table(result)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != _XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _to_json(result: QueryResult) -> str:
    if result.boolean is not None:
        doc = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None}
                    for row in result.rows]
        doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _to_table(result: QueryResult) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(*result.variables, show_lines=False, caption=f"{len(result.rows)} rows")
    for row in result.rows:
        table.add_row(*(compact(t) for t in row))
    out = io.StringIO()
    Console(file=out, width=160, force_terminal=False, color_system=None).print(table)
    return out.getvalue()
