#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite; CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Browser tests need Debian's chromium + chromedriver (and a CJK font so screenshots and
# figures show Chinese labels); install them when we can.
if { ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
     || ! fc-list 2>/dev/null | grep -qi wqy; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test: installing chromium, chromedriver and a CJK font for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >/dev/null) \
    || echo "test: could not install chromium; browser tests will be skipped"
fi
.venv/bin/python -m pytest -q "$@"
