"""Fixtures of the NLP tests: the rule set (fast) and the full pkuseg pipeline (once per session)."""

from __future__ import annotations

import pytest

from kg.nlp.matchers import RuleSet


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return RuleSet.load()


@pytest.fixture(scope="session")
def rules_without_gazetteer() -> RuleSet:
    return RuleSet.load(gazetteer=None)


@pytest.fixture(scope="session")
def pkuseg_nlp():
    """The default pipeline (pkuseg + user dictionary): ~10 s and ~850 MB, so load it once."""
    from kg.nlp import load_pipeline

    return load_pipeline()
