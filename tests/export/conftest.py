from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/govkg/id/"


@pytest.fixture(scope="session")
def fixture_trig() -> Path:
    return FIXTURES / "two_reports.trig"


@pytest.fixture(scope="session")
def dataset(fixture_trig):
    from kg.export import load_graph

    return load_graph(fixture_trig)


@pytest.fixture(scope="session")
def kg_graph(dataset):
    """The fixture as a MultiDiGraph; tests must not modify it (copy first)."""
    from kg.export import to_networkx

    return to_networkx(dataset)


def by_label(G, label: str) -> str:
    matches = [n for n, a in G.nodes(data=True) if a.get("label") == label]
    assert len(matches) == 1, f"{label!r}: {matches}"
    return matches[0]
