#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite; CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Browser tests need Debian's chromium + chromedriver; install them when we can.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test: installing chromium for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "test: could not install chromium; browser tests will be skipped"
fi
.venv/bin/python -m pytest -q "$@"
