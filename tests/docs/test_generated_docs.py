"""The generated pages of docs/ are what the code says today (regenerate with ``make docs``)."""

from __future__ import annotations

import importlib.util
import re

import pytest

from tests.docs.notebooks import ROOT


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", ["backends.md", "api.md", "gallery.md"])
def test_committed_page_is_up_to_date(gen, page):
    committed = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert committed == gen.PAGES[page](), f"docs/{page} is out of date: run `make docs` and commit it"


def test_support_matrix_is_generated_from_the_declarations():
    committed = (ROOT / "docs" / "backends.md").read_text(encoding="utf-8")
    assert "| `attention` | ✓ | ✓ | ✓ | ✓ | ✓ |" in committed and "| `imshow` | ✓ | ✓ | ✓ | ✓ | — |" in committed


def test_api_reference_documents_every_public_figure_and_error():
    import vizkit
    import vizkit.errors as errors

    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `vk\.(\w+)`", page, re.MULTILINE))
    figures = {"attention", "patching", "loss_curves", "tokens", "head_scores", "logit_lens", "dla",
               "imshow", "line", "scatter", "bar", "hist"}
    assert figures <= documented and figures <= set(vizkit.__all__)
    assert "fig.save(path, backend: str | None = None, **options)" in page  # methods as the user calls them
    errors_listed = set(re.findall(r"^- `(\w+)` \(", page, re.MULTILINE))
    assert errors_listed == {n for n, c in vars(errors).items() if isinstance(c, type) and issubclass(c, errors.VizkitError)}


def test_gallery_page_shows_every_example_with_its_picture(gen):
    from vizkit.cli import example_files

    page = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    names = set(example_files(ROOT / "gallery" / "examples"))
    pictures = re.findall(r"!\[(?:\\.|[^\]\\])*\]\(gallery/(\w+)\.png\)", page)  # alt text with escaped brackets
    assert sorted(pictures) == sorted(names)
    on_disk = {p.stem for p in (ROOT / "docs" / "gallery").glob("*.png")}
    assert on_disk == names, "docs/gallery/*.png do not match the examples: run `make docs`"
    for name in names:
        data = (ROOT / "docs" / "gallery" / f"{name}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") >= 300
        assert f"](../gallery/examples/{name}.py)" in page


def test_help_shows_every_public_function_and_its_parameters(gen):
    """``help(vk.imshow)`` in a notebook is the first documentation a user reads: it must not be empty."""
    import inspect

    for names in gen.API.values():
        for name in names:
            doc = inspect.getdoc(gen._lookup(name))
            assert doc and len(doc) > 20, f"vk.{name} has no docstring"
    for name in ("imshow", "line", "scatter", "bar", "hist"):
        doc = inspect.getdoc(gen._lookup(name))
        assert "Parameters\n----------" in doc and "backend, theme : str, optional" in doc, name
        assert ("facet : str, optional" in doc) == (name in ("imshow", "line")), name  # only those two facet
