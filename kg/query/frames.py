"""pandas helpers for notebooks.

>>> from kg.query.store import Store
>>> store = Store(None)
>>> df = to_dataframe("SELECT (1 AS ?one) WHERE {}", store=store)
>>> df.to_dict("records")
[{'one': 1}]
"""

from __future__ import annotations

from typing import Mapping, Optional

from kg.query.sparql import QueryResult, run_query

__all__ = ["to_dataframe", "result_to_dataframe"]


def result_to_dataframe(result: QueryResult):
    """A SELECT result as a DataFrame of plain Python values (str, int, float,
    bool; None where unbound), one column per variable, in result order."""
    import pandas as pd

    return pd.DataFrame.from_records(result.records(), columns=result.variables)


def to_dataframe(query, params: Optional[Mapping[str, object]] = None, *, store=None):
    """Run ``query`` (a library name, a ``.rq`` file or SPARQL text) with
    ``params`` and return the result as a DataFrame."""
    return result_to_dataframe(run_query(query, params, store=store))
