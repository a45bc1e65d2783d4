"""Fixtures for the ingest tests: the shared development corpus, when present."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def shared_dir() -> Path:
    env = os.environ.get("GOVKG_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared"


CORPUS = shared_dir() / "corpus"


@pytest.fixture(scope="session")
def corpus_reports() -> Path:
    reports = CORPUS / "reports"
    if not reports.is_dir():
        pytest.skip("../shared/corpus not available (set GOVKG_SHARED)")
    return reports


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    path = CORPUS / "gold.jsonl"
    if not path.is_file():
        pytest.skip("../shared/corpus/gold.jsonl not available (set GOVKG_SHARED)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def gazetteer():
    from kg.gazetteer import Gazetteer

    return Gazetteer.load()
