#!/usr/bin/env bash
# The tests: install, then run every notebook (slow cells skipped) and the repository checks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec .venv/bin/python -m pytest tests "$@"
