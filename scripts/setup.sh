#!/usr/bin/env bash
# Set up GovKG in ./.venv on a machine that has only Python (3.10+) and pip.
# Idempotent: re-running only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
VPY=.venv/bin/python
"$VPY" -m pip install -q --upgrade pip setuptools wheel
# The pretrained pkuseg "mixed" model ships in pkuseg's source package, whose build
# needs numpy and cython already present (hence --no-build-isolation).
if ! "$VPY" -c "import pkuseg" 2>/dev/null; then
  echo "setup: building pkuseg 0.0.25 (its source package carries the pretrained model; ~40 s)"
  "$VPY" -m pip install -q numpy cython
  "$VPY" -m pip install -q --no-build-isolation pkuseg==0.0.25
fi
echo "setup: installing govkg and its dependencies"
"$VPY" -m pip install -q -e ".[dev,dask]"
# Byte-compile the package: an editable install leaves that to the first import, which never
# writes it where PYTHONDONTWRITEBYTECODE is set (0.3-0.7 s more on every kg start).
"$VPY" -m compileall -q kg >/dev/null
# Compile pkuseg's model into GovKG's segmenter tables once (~10 s; cached, see docs/build.md).
"$VPY" -c "from kg.nlp.pipeline import pkuseg_model_dir; from kg.nlp.segmenter import load_tables; load_tables(pkuseg_model_dir())"
echo "setup: done. Run .venv/bin/kg --help"
