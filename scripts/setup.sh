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
TORCH=()
if ! .venv/bin/python -c "import torch" >/dev/null 2>&1; then
  TORCH=("torch==2.13.0")
fi

# uv installs the same packages as pip, from the same indexes, in seconds instead of minutes: it is given
# pip's configuration (find-links, indexes, constraints, certificate) and picks the newest version
# across every index as pip does. Any failure falls back to pip.
with_uv() {
  .venv/bin/python -m pip install --quiet uv >/dev/null 2>&1 || return 1
  local args=(--python .venv/bin/python --index-strategy unsafe-best-match --quiet)
  local key value
  while IFS='=' read -r key value; do
    value=${value#\'}; value=${value%\'}
    case "${key##*.}" in
      find-links) for v in $value; do args+=(--find-links "$v"); done ;;
      index-url) args+=(--default-index "$value") ;;
      extra-index-url) for v in $value; do args+=(--extra-index-url "$v"); done ;;
      constraint) for v in $value; do args+=(--constraint "$v"); done ;;
      cert) export SSL_CERT_FILE="$value" ;;
    esac
  done < <(.venv/bin/python -m pip config list 2>/dev/null)
  .venv/bin/uv pip install "${args[@]}" "${TORCH[@]}" -e ".[all,test,docs]"
}

with_pip() {
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ ${#TORCH[@]} -gt 0 ]; then
    .venv/bin/python -m pip install --quiet "torch==2.13.0" || .venv/bin/python -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
  fi
  .venv/bin/python -m pip install --quiet -e ".[all,test,docs]"
}

if ! with_uv; then
  echo "setup: uv could not install the packages; installing with pip" >&2
  with_pip
fi
rm -f .venv/.vizkit-installed-*
touch "$STAMP"
