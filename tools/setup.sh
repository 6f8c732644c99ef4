#!/usr/bin/env bash
# Create .venv and install the package with its dev tools. Idempotent: reinstalls only when
# setup.py or settings.ini change. Needs only python3 and the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=.venv/.dd-installed
want=$(cat setup.py settings.ini | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "== installing into .venv (torch==2.13.0, the package, dev tools)"
  # torch first and pinned: an unpinned resolve would pull a newer CUDA build. TORCH_INDEX_URL picks
  # another wheel index (e.g. PyTorch's CPU-only index on hosted CI).
  .venv/bin/python -m pip install -q --disable-pip-version-check torch==2.13.0 ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
  echo "$want" > "$stamp"
fi
# Fashion-MNIST's offline source is Debian's dataset-fashion-mnist package, fetched (no install) with
# `apt-get download`, which needs the package lists: refresh them once if they are missing (root only).
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] && [ ! -e .venv/.apt-checked ]; then
  if ! apt-cache show dataset-fashion-mnist >/dev/null 2>&1; then apt-get update -qq >/dev/null 2>&1 || true; fi
  touch .venv/.apt-checked
fi
