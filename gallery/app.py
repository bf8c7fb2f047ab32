"""The vizkit gallery as a Panel app: :func:`build_app` makes one page, :func:`catalog` the shared state.

Each browser tab gets its own page (:class:`~.view.GalleryView`): a sidebar of examples grouped
by category with thumbnails, and the selected example's title, description, parameters, figure
(in the backend of your choice), downloads and source. An example that defines
``on_click(x, y, **params)`` gets a linked view (:mod:`.linked`).

Work is shared by all tabs and done once (:mod:`.catalog`): examples are imported on first use,
figures cached per (example, parameters), thumbnails drawn in the background by the matplotlib
backend and kept on disk (``$VIZKIT_CACHE_DIR/thumbnails``, default ``~/.cache/vizkit/thumbnails``).

The page is offline: Panel serves every script and stylesheet itself, the Bootstrap template
loads no web fonts, and the backends' figures embed what they need. :mod:`.server` serves it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import panel as pn

from .catalog import Catalog
from .discovery import default_examples_dir
from .view import GalleryView

ACCENT = "#4f46e5"

_CATALOGS: dict[Path, Catalog] = {}
_CATALOGS_LOCK = threading.Lock()


def catalog(examples_dir: str | os.PathLike | None = None) -> Catalog:
    """The process-wide :class:`Catalog` of ``examples_dir``.

    Default: ``$VIZKIT_GALLERY_EXAMPLES`` if set (so ``vizkit gallery`` can serve another folder),
    else the gallery's own ``examples`` folder.
    """
    examples_dir = examples_dir if examples_dir is not None else os.environ.get("VIZKIT_GALLERY_EXAMPLES") or None
    key = Path(examples_dir).expanduser().resolve() if examples_dir is not None else default_examples_dir()
    with _CATALOGS_LOCK:
        if key not in _CATALOGS:
            _CATALOGS[key] = Catalog(key)
        return _CATALOGS[key]


def configure_panel() -> None:
    """Panel settings of the gallery: assets from this server (no CDN), a quiet spinner."""
    pn.extension("plotly", "codeeditor", design="bootstrap", loading_spinner="dots", loading_color=ACCENT,
                 notifications=False, sizing_mode="fixed", inline=False)
    pn.config.throttled = False


def build_app(examples_dir: str | os.PathLike | None = None):
    """The gallery page (a ``BootstrapTemplate``) for the examples in ``examples_dir``.

    Parameters
    ----------
    examples_dir : path, optional
        A folder of example modules (``*.py``; files starting with ``_`` are skipped); default
        ``$VIZKIT_GALLERY_EXAMPLES``, else the gallery's own ``examples`` folder.

    Returns
    -------
    panel.template.BootstrapTemplate
        Its ``vizkit_gallery`` attribute is the :class:`GalleryView` behind the page.
    """
    configure_panel()
    return GalleryView(catalog(examples_dir)).template

