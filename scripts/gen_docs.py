"""Regenerate the generated pages of docs/ (``make docs``).

- ``docs/backends.md``: the support matrix. Each backend module declares the figure kinds it
  draws (``KINDS``) and the file formats it writes (``FORMATS``); this turns them into the table.
- ``docs/api.md``: the API reference, from the public functions' signatures and docstrings.
- ``docs/gallery.md`` and ``docs/gallery/*.png``: the example gallery as a page, from each
  example's docstring, category and order, with a picture of its default figure (matplotlib).

Nothing here is written by hand; ``tests/docs/test_generated_docs.py`` fails when a committed page
is out of date. ``--no-images`` rewrites the pages without redrawing the pictures (which builds
every example, booting the models).
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = """# Backends

Every figure is a backend-neutral spec; a backend draws it. Switching backend never changes the
data, labels, title or colour range a figure shows. This table is generated from each backend's
own declaration (`KINDS`, `FORMATS` in `vizkit/backends/<name>.py`) by `make docs`.

"""

FOOTER = """
- **plotly** (default): interactive; HTML with plotly.js inline; PNG/SVG/PDF through kaleido driving the system Chromium.
- **bokeh**: interactive; HTML with BokehJS inline; PNG/SVG/PDF through headless Chromium.
- **holoviews**: HoloViews elements (what Panel and datashader take), drawn with the bokeh extension; HTML inline, no Panel CDN assets.
- **matplotlib**: static and publication quality; PNG, SVG and PDF natively, deterministic bytes.
- **circuitsvis**: CircuitsVis' attention and token views with its JavaScript bundle inlined (no CDN, no network probe)
  and every token escaped; static images are a rendering of the same spec.

Asking a backend for a figure it does not draw raises `UnsupportedFigureError` naming the backends that can.
"""


def render() -> str:
    from vizkit.backends import support_matrix_markdown

    return HEADER + support_matrix_markdown() + FOOTER


# ---------------------------------------------------------------------------------------------
# API reference

#: The public API by section, in the order a user meets it.
API = {
    "MI figures": ["attention", "patching", "loss_curves", "tokens", "head_scores", "logit_lens", "dla"],
    "Any tensor": ["imshow", "line", "scatter", "bar", "hist"],
    "Data": ["activation", "to_dataarray"],
    "The figure": ["Figure.to", "Figure.save", "Figure.to_html", "Figure.show", "Figure.to_dict", "Figure.from_dict", "save"],
    "Settings": ["set_backend", "use_backend", "get_backend", "set_theme", "use_theme", "get_theme", "set_option", "get_option"],
}
_SECTION = re.compile(r"^(\S[^\n]*)\n-{3,}$", re.MULTILINE)


def _lookup(name: str):
    import vizkit

    owner, _, attr = name.partition(".")
    obj = getattr(vizkit, owner)
    return getattr(obj, attr) if attr else obj


def _shown(name: str) -> str:
    """How the user writes the call: ``vk.attention``, ``fig.save`` (a Figure method), ``vk.Figure.from_dict``."""
    owner, _, attr = name.partition(".")
    return f"fig.{attr}" if owner == "Figure" and attr not in ("from_dict",) else f"vk.{name}"


class _Written(str):
    """A string annotation (``from __future__ import annotations``) shown as written, without quotes."""

    def __repr__(self) -> str:
        return str(self)


def _signature(name: str, obj) -> str:
    """The call as code: annotations as written, one parameter a line when it is long."""
    params, star = [], False
    for p in inspect.signature(obj).parameters.values():
        if p.name == "self":
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            params.append("*")  # Signature.__str__ adds it; the parameters alone do not
        star = star or p.kind in (p.KEYWORD_ONLY, p.VAR_POSITIONAL)
        params.append(str(p.replace(annotation=_Written(p.annotation)) if isinstance(p.annotation, str) else p))
    one_line = f"{_shown(name)}({', '.join(params)})"
    if len(one_line) <= 100:
        return one_line
    return f"{_shown(name)}(\n" + "".join(f"    {p},\n" for p in params) + ")"


def _entry(name: str) -> str:
    obj = _lookup(name)
    sig = _signature(name, obj)
    doc = inspect.getdoc(obj) or ""
    first = _SECTION.search(doc)
    prose, sections = (doc[: first.start()], doc[first.start():]) if first else (doc, "")
    out = [f"### `{_shown(name)}`\n", f"```python\n{sig}\n```\n", prose.strip() + "\n"]
    if sections.strip():
        out.append("```text\n" + sections.strip() + "\n```\n")
    return "\n".join(out)


def render_api() -> str:
    import vizkit.errors as errors

    parts = ["# API reference\n",
             "Generated from the docstrings by `make docs`; `help(vk.attention)` in a notebook shows the same text. "
             "Every figure function returns a `vizkit.Figure` (a frozen, JSON-serialisable spec) that displays in "
             "a notebook, `.save(...)`s to HTML/PNG/SVG/PDF/JSON and turns into any backend's native object with "
             "`.to(...)`.\n"]
    for section, names in API.items():
        parts.append(f"## {section}\n")
        parts += [_entry(n) for n in names]
    parts.append("## Errors\n")
    parts.append("Every error vizkit raises on bad input is a `vk.VizkitError`; the subclasses say what kind of "
                 "mistake it was.\n")
    for cls in sorted((c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.VizkitError)),
                      key=lambda c: (c is not errors.VizkitError, c.__name__)):
        base = cls.__bases__[0].__name__
        parts.append(f"- `{cls.__name__}` ({base}): {(inspect.getdoc(cls) or '').splitlines()[0]}")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------------
# The gallery as a page

GALLERY_IMAGES = ROOT / "docs" / "gallery"


def _examples():
    from vizkit.cli import find_gallery  # this checkout's gallery/, imported as vizkit_gallery

    discovery = find_gallery("discovery")
    examples = [discovery.Example.read(name, path) for name, path in discovery.example_files(ROOT / "gallery" / "examples").items()]
    return sorted(examples, key=lambda e: (e.order, e.name))


def render_gallery() -> str:
    parts = ["# Gallery\n",
             "Every example of the Panel gallery (`make gallery`), on real models shipped with the repository: "
             "the 2-layer induction model trained in `gallery/data/` and the packaged all-MiniLM-L6-v2. "
             "The pictures are each example's default figure drawn with the matplotlib backend; in the app "
             "every example is interactive, takes parameters and switches backend. Generated by `make docs`.\n"]
    category = None
    for ex in _examples():
        if ex.category != category:
            category = ex.category
            parts.append(f"## {category}\n")
        parts.append(f"### {ex.title}\n")
        alt = ex.title.replace("[", "\\[").replace("]", "\\]")  # "[CLS]" in a title must not end the alt text
        parts.append(f"![{alt}](gallery/{ex.name}.png)\n")
        if ex.description:
            parts.append(ex.description + "\n")
        parts.append(f"Source: [`gallery/examples/{ex.name}.py`](../gallery/examples/{ex.name}.py) · "
                     f"`vizkit export {ex.name} --formats pdf`\n")
    return "\n".join(parts)


def draw_gallery_images() -> None:
    """Each example's default figure as ``docs/gallery/NAME.png`` (matplotlib, the figure's CSS size)."""
    GALLERY_IMAGES.mkdir(parents=True, exist_ok=True)
    examples = _examples()
    for ex in examples:
        fig = ex.module().build(**ex.default_params())
        fig.save(GALLERY_IMAGES / f"{ex.name}.png", backend="matplotlib", scale=1)
        print(f"  docs/gallery/{ex.name}.png", flush=True)
    wanted = {f"{ex.name}.png" for ex in examples}
    for stale in GALLERY_IMAGES.glob("*.png"):
        if stale.name not in wanted:
            stale.unlink()


PAGES = {"backends.md": render, "api.md": render_api, "gallery.md": render_gallery}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-images", action="store_true", help="do not redraw docs/gallery/*.png")
    args = parser.parse_args()
    for name, make in PAGES.items():
        (ROOT / "docs" / name).write_text(make(), encoding="utf-8")
        print(f"  docs/{name}")
    if not args.no_images:
        draw_gallery_images()


if __name__ == "__main__":
    main()
