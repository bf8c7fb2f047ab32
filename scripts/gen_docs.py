"""Regenerate docs/backends.md from the backends' own declarations (``make docs``).

The support matrix is never written by hand: each backend module declares the figure kinds it
draws (``KINDS``) and the file formats it writes (``FORMATS``); this script turns those into the
table. ``tests/docs/test_backends_doc.py`` fails when the committed file is out of date.
"""

from __future__ import annotations

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


def main() -> None:
    (ROOT / "docs" / "backends.md").write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
