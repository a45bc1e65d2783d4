"""The import-linter contracts in pyproject.toml: data flows one way, spaCy stays in nlp/extract."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        found = shutil.which("lint-imports")
        if not found:
            pytest.skip("import-linter not installed: pip install import-linter")
        exe = Path(found)
    run = subprocess.run([str(exe), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout
