"""docs/backends.md is what the backends declare today (regenerate with ``make docs``)."""

from __future__ import annotations

import importlib.util

from tests.docs.notebooks import ROOT


def test_support_matrix_is_generated_from_the_declarations():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (ROOT / "docs" / "backends.md").read_text(encoding="utf-8")
    assert committed == gen.render(), "docs/backends.md is out of date: run `make docs` and commit it"
    assert "| `attention` | ✓ | ✓ | ✓ | ✓ | ✓ |" in committed and "| `imshow` | ✓ | ✓ | ✓ | ✓ | — |" in committed
