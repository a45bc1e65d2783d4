import dataclasses
import sys
from pathlib import Path

import pytest

# workflow_fakes.py is imported by name, here and in subprocesses of the kill test.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workflow"))


@pytest.fixture(scope="session")
def real_stages():
    """The real pipeline stages, or a skip while a stage module is missing.

    The cache key is frozen for the session: other work on the stages' files
    while the tests run must not look like a pipeline change between two builds.
    """
    from kg.cache import fingerprint
    from kg.workflow import default_stages
    try:
        stages = default_stages()
    except Exception as err:  # a stage module not in place yet
        pytest.skip(f"real pipeline not available: {err}")
    return dataclasses.replace(stages, fingerprint_sources=(),
                               fingerprint_extra=(("frozen", fingerprint()),))
