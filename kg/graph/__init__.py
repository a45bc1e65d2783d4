"""The graph stage: extraction records -> RDF named graphs (no spaCy here).

- :mod:`kg.graph.namespaces`: ``GK`` (generated from ontology/govkg.ttl), scheme namespaces, ``PREFIXES``;
- :mod:`kg.graph.iri`: ``mint(kind, *parts, base=...)``, deterministic IRIs;
- :mod:`kg.graph.schemes`: the ontology folder and the SKOS concept schemes as lookups;
- :mod:`kg.graph.build`: ``report_graph(extraction) -> (graph IRI, Graph)``;
- :mod:`kg.graph.serialize`: ``write_trig``, ``write_ttl``, ``write_jsonld``, ``report_nquads``;
- :mod:`kg.graph.validate`: ``validate(graph) -> (conforms, report text)`` with ontology/shapes.ttl.

Submodules are imported on use, so ``import kg.graph`` stays cheap.
"""
