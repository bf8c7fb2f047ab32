"""Benchmarks run only when asked for (``make bench``: ``pytest tests/benchmarks -m benchmark -s``), never in ``make test``."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config, items):
    if "benchmark" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="benchmark: run with `make bench` (pytest -m benchmark)")
    for item in items:
        if item.get_closest_marker("benchmark") is not None:
            item.add_marker(skip)
