"""Static export through the system's headless Chromium: kaleido for plotly, Playwright for any page.

Small modules, one concern each:

- :mod:`.finder`: which Chromium (``$VIZKIT_CHROMIUM``, ``/usr/bin/chromium``, ``chromium`` on PATH) and its flags;
- :mod:`.pool`: one event loop thread and one browser per engine, reused for the session, with a
  deadline per job (a hung browser is killed), crash replacement and shutdown at exit;
- :mod:`.kaleido`: plotly figures (:func:`plotly_image`); :mod:`.page`: any HTML page (:func:`html_to_image`);
- :mod:`.network`: every request is blocked and logged (:func:`recording_requests`);
- :mod:`.determinism`: content-derived SVG ids and fixed PDF dates, so exports are byte-identical;
- :mod:`.formats`: the image formats and the size rule (CSS pixels; 0.75 pt per pixel in a PDF).

Nothing here imports a browser library until an export runs.
"""

from __future__ import annotations

from .determinism import fixed_pdf_dates, stable_svg_ids
from .finder import CHROMIUM_ARGS, DEFAULT_CHROMIUM, chromium_path
from .formats import IMAGE_FORMATS, PT_PER_PX
from .kaleido import plotly_image
from .network import recording_requests
from .page import html_to_image
from .pool import _GRACE, POOL, close

__all__ = [
    "CHROMIUM_ARGS", "DEFAULT_CHROMIUM", "IMAGE_FORMATS", "POOL", "PT_PER_PX", "chromium_path", "close",
    "fixed_pdf_dates", "html_to_image", "plotly_image", "recording_requests", "stable_svg_ids", "_GRACE",
]
