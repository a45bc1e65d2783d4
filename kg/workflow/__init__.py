"""The build workflow: every stage over many reports, in parallel and incrementally.

>>> from kg.workflow import build        # doctest: +SKIP
>>> build(["reports/"], "output", jobs=2).exit_code   # doctest: +SKIP
0
"""

from kg.workflow.runner import EXIT_FAILURES, EXIT_OK, EXECUTORS, BuildResult, build
from kg.workflow.stages import Stages, default_stages

__all__ = ["build", "BuildResult", "Stages", "default_stages", "EXIT_OK", "EXIT_FAILURES",
           "EXECUTORS"]
