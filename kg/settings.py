"""Project-wide settings and paths."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PACKAGE_DIR", "DATA_DIR", "SAMPLES_DIR", "ONTOLOGY_DIR", "DEFAULT_OUTPUT", "BASE_IRI",
           "PIPELINE_VERSION", "ontology_dir", "sample_paths"]

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
SAMPLES_DIR = DATA_DIR / "samples"
#: The ontology ships inside the package (kg/ontology is the same files as the
#: top-level ontology/ folder in a source checkout; a test keeps them in sync).
ONTOLOGY_DIR = PACKAGE_DIR / "ontology"
DEFAULT_OUTPUT = Path("output")

#: Base for every minted IRI; override with GOVKG_BASE_IRI or --base.
BASE_IRI = os.environ.get("GOVKG_BASE_IRI", "https://w3id.org/govkg/id/")

#: Bump when extraction output changes, so the per-report cache is invalidated.
PIPELINE_VERSION = "0.1.0"


def ontology_dir(required: str = "govkg.ttl") -> Path:
    """The ontology folder holding ``required``: the top-level ontology/ of a source checkout
    first, then the copy that ships inside the package (kg/ontology)."""
    for folder in (PACKAGE_DIR.parent / "ontology", ONTOLOGY_DIR):
        if (folder / required).is_file():
            return folder
    from kg.errors import ConfigError

    raise ConfigError(f"{required} not found under {PACKAGE_DIR.parent / 'ontology'} or {ONTOLOGY_DIR}: "
                      "reinstall govkg (pip install -e .) so the ontology ships with the package")


def sample_paths() -> list[Path]:
    """The sample reports bundled with the package, in a stable order."""
    return sorted(SAMPLES_DIR.glob("*.txt"))
