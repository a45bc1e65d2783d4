"""Export: the RDF graph as NetworkX, its projections, Gephi formats and offline HTML views.

No spaCy here: this stage reads only the built RDF graph (docs/graph-model.md).
"""

from kg.export.formats import (export_graph, load_graph, load_networkx, read_nodelink,
                               scalar_attributes, write_gexf, write_graphml, write_nodelink)
from kg.export.html import external_references, render_html, write_html
from kg.export.nxgraph import to_networkx
from kg.export.projections import (collaboration_network, government_programme_bipartite,
                                   government_similarity, governments, law_copromotion_network)
from kg.export.views import select_view, write_views

__all__ = [
    "to_networkx",
    "governments",
    "government_programme_bipartite",
    "government_similarity",
    "collaboration_network",
    "law_copromotion_network",
    "load_graph",
    "load_networkx",
    "scalar_attributes",
    "write_graphml",
    "write_gexf",
    "write_nodelink",
    "read_nodelink",
    "export_graph",
    "render_html",
    "write_html",
    "external_references",
    "select_view",
    "write_views",
]
