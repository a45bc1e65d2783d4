"""The examples in the ingest and gazetteer docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["kg.ingest", "kg.ingest.clean", "kg.ingest.encoding", "kg.ingest.sections",
           "kg.ingest.metadata", "kg.gazetteer"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
