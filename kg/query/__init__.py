"""SPARQL over the GovKG graph: the canned query library, the embedded Oxigraph
store, a local read-only endpoint (``kg serve``) and upload to other stores
(``kg push``).  No spaCy here."""

from kg.query.sparql import QueryInfo, QueryResult, format_result, list_queries, run_query
from kg.query.store import DEFAULT_STORE, Store

__all__ = ["Store", "DEFAULT_STORE", "QueryInfo", "QueryResult", "list_queries", "run_query",
           "format_result", "to_dataframe"]


def to_dataframe(*args, **kwargs):
    """See :func:`kg.query.frames.to_dataframe` (imported lazily: pandas is heavy)."""
    from kg.query.frames import to_dataframe as _to_dataframe

    return _to_dataframe(*args, **kwargs)
