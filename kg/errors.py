"""All errors GovKG raises on purpose.

Each message names the bad value (usually a file) and the fix.  Raise them with
``raise ... from err`` so the cause stays visible.
"""

from __future__ import annotations

__all__ = ["GovKGError", "InputError", "MissingDependency", "ConfigError", "QueryError"]


class GovKGError(Exception):
    """Base class: an error the user can act on."""


class InputError(GovKGError):
    """A report that cannot be read.  ``path`` names the file, ``fix`` says what to do."""

    def __init__(self, path: str, reason: str, fix: str = "") -> None:
        self.path = str(path)
        self.reason = reason
        self.fix = fix
        msg = f"{self.path}: {reason}"
        if fix:
            msg += f" (fix: {fix})"
        super().__init__(msg)


class MissingDependency(GovKGError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, install: str, purpose: str = "") -> None:
        self.package = package
        what = f" (needed for {purpose})" if purpose else ""
        super().__init__(f"{package} not installed{what}: {install}")


class ConfigError(GovKGError):
    """A configuration value is wrong."""


class QueryError(GovKGError):
    """A SPARQL query is missing, malformed or got bad parameters."""
