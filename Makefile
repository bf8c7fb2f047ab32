# The two commands of the README. Each sets up .venv itself (scripts/setup.sh).
.PHONY: setup gallery test lint bench docs

PY := .venv/bin/python

setup:
	bash scripts/setup.sh

# Main job: serve the example gallery on http://127.0.0.1:5006 (Ctrl-C stops it).
gallery: setup
	$(PY) -m vizkit gallery --show

# Whole test suite, browser tests in Debian's headless Chromium included, over $(WORKERS) processes
# (pytest-xdist; tests sharing a module-scoped fixture stay on one worker: see tests/conftest.py).
WORKERS ?= 2
test: setup
	bash scripts/install-chromium.sh
	$(PY) -m pytest -q -n $(WORKERS) --dist loadgroup --no-loadscope-reorder

lint: setup
	$(PY) -m ruff check vizkit gallery tests scripts

bench: setup
	bash scripts/install-chromium.sh
	$(PY) -m pytest -q tests/benchmarks -m benchmark -s

# Regenerate the generated docs (support matrix, API reference, gallery page and its pictures), then build
# the documentation site into site/ (offline: MkDocs Material, live figures).
docs: setup
	$(PY) scripts/gen_docs.py
	$(PY) scripts/build_site.py --out site
