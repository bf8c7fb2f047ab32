#!/usr/bin/env bash
# Create (or reuse) .venv and install vizkit with everything the gallery and tests need.
# On a machine without torch, the CPU build is installed first so nothing pulls a multi-GB CUDA build.
# The install is skipped when .venv already holds what this pyproject.toml asks for (a stamp of its hash).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
STAMP=".venv/.vizkit-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ -f "$STAMP" ] && .venv/bin/python -c "import vizkit, pytest, xdist" >/dev/null 2>&1; then
  exit 0
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if ! .venv/bin/python -c "import torch" >/dev/null 2>&1; then
  .venv/bin/python -m pip install --quiet "torch==2.13.0" || .venv/bin/python -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
fi
.venv/bin/python -m pip install --quiet -e ".[all,test,docs]"
rm -f .venv/.vizkit-installed-*
touch "$STAMP"
