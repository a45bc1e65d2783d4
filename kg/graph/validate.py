"""SHACL validation of built graphs against ontology/shapes.ttl (pyshacl).

Each named graph of a dataset is validated on its own: a report's graph is
self-contained (docs/graph-model.md), so a violation names the report it is in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Union

from rdflib import Dataset, Graph

from kg.errors import InputError, MissingDependency
from kg.graph.schemes import ontology_dir

__all__ = ["validate", "validate_file", "load_shapes"]


def load_shapes(path: Optional[Union[str, Path]] = None) -> Graph:
    """The SHACL shapes graph (default: ontology/shapes.ttl)."""
    return Graph().parse(Path(path) if path else ontology_dir() / "shapes.ttl", format="turtle")


def validate(data_graph: Union[Graph, Dataset], shapes: Optional[Union[Graph, str, Path]] = None
             ) -> tuple[bool, str]:
    """Validate ``data_graph`` (a Graph, or a Dataset: each named graph separately).

    Returns ``(conforms, report_text)``; the text is pyshacl's report, one
    section per non-conforming named graph.
    """
    try:
        import pyshacl
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise MissingDependency("pyshacl", "pip install pyshacl", "kg validate") from err
    shapes_graph = shapes if isinstance(shapes, Graph) else load_shapes(shapes)
    if isinstance(data_graph, Dataset):
        graphs = sorted((g for g in data_graph.graphs() if len(g)), key=lambda g: str(g.identifier))
    else:
        graphs = [data_graph]
    conforms_all, texts = True, []
    for graph in graphs:
        plain = Graph()
        for triple in graph:
            plain.add(triple)
        conforms, _, text = pyshacl.validate(plain, shacl_graph=shapes_graph, inference="none",
                                             advanced=True, allow_warnings=True)
        if not conforms:
            conforms_all = False
            texts.append(f"graph <{graph.identifier}>:\n{text}")
    if conforms_all:
        return True, f"Conforms: True ({len(graphs)} graph(s) checked)"
    return False, "\n".join(texts)


def validate_file(path: Union[str, Path], shapes: Optional[Union[str, Path]] = None) -> tuple[bool, str]:
    """Parse a .trig/.nq (dataset) or .ttl/.jsonld/.nt (graph) file and validate it."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such graph file", "run `kg build` first or pass the path of a built graph")
    suffix = path.suffix.lower()
    try:
        if suffix in (".trig", ".nq", ".nquads"):
            data: Union[Graph, Dataset] = Dataset()
            data.parse(path, format="trig" if suffix == ".trig" else "nquads")
        else:
            fmt = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}.get(suffix, "turtle")
            data = Graph().parse(path, format=fmt)
    except Exception as err:  # rdflib raises many parser-specific types
        raise InputError(str(path), f"not a readable RDF file ({type(err).__name__}: {err})",
                         "rebuild it with `kg build`") from err
    return validate(data, shapes)
