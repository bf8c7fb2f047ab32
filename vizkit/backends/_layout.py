"""Former home of the helpers every backend shared; they now live in :mod:`vizkit.plan`.

Kept only so code written against it keeps working while callers move to the plan (the gallery's
``_app_render``, ``tests/test_cli.py``, ``tests/export/test_static.py``); delete it when nothing
imports it.
"""

from __future__ import annotations

from ..plan.captions import CHAR_EM, text_px, title_px  # noqa: F401
from ..plan.colour import NAN_COLOR, fills, inks  # noqa: F401
from ..plan.geometry import MAX_GRID_WIDTH, SELECT_HEIGHT  # noqa: F401
from ..plan.geometry import figure_size as size  # noqa: F401
from ..plan.text import escape  # noqa: F401
from ..plan.text import number_text as fmt  # noqa: F401
from ..plan.ticks import axis_values, finite_range, fit_ticks, log_ticks  # noqa: F401
from ..plan.tokens import MONO, token_layout, wrap_tokens  # noqa: F401


def caption(fig) -> str | None:
    """The figure's notes joined (see :func:`vizkit.plan.captions.caption`)."""
    from ..plan.captions import caption as _caption

    return _caption(fig)


def bar_geometry(mark, panel):
    """Bar centres, widths and base (see :func:`vizkit.plan.marks.bar_geometry`)."""
    from ..plan.marks import bar_geometry as _bar_geometry

    return _bar_geometry(mark, panel)
