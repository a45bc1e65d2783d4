"""Paths and names shared by the query tests (a uniquely named module, so it
cannot clash with other test folders' helpers)."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TWO_TOWNS = FIXTURES / "two_towns.trig"
BASE = "https://w3id.org/govkg/id/"
REPO = Path(__file__).resolve().parents[2]
