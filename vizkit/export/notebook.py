"""Notebook display: each backend's mime bundle (JupyterLab, classic Notebook, VS Code, Colab).

A backend declares ``NOTEBOOK``: ``"bundle"`` (its own ``notebook_bundle(plan)``, plotly's mime
JSON plus offline HTML), ``"iframe"`` (its standalone page in an ``iframe srcdoc``) or ``"png"``.
"""

from __future__ import annotations

import base64

from ..errors import BackendError
from . import pages


def mimebundle(fig, backend: str | None = None, *, theme: str | None = None) -> dict:
    """What a notebook shows for ``fig`` drawn by ``backend``, plus ``text/plain``."""
    from .._config import resolve_theme
    from ..backends import make_plan, resolve
    from ..plan.geometry import PX_PER_INCH
    from . import page

    module = resolve(fig, backend)
    how = getattr(module, "NOTEBOOK", None)
    if how is None:  # a backend not yet on the plan
        return module.mimebundle(fig, resolve_theme(theme or fig.theme))
    planned = make_plan(fig, theme, static=not getattr(module, "INTERACTIVE", True))
    if how == "bundle":
        bundle = dict(module.notebook_bundle(planned))
    elif how == "iframe":
        size = getattr(module, "iframe_size", None)
        width, height = size(planned) if size else (planned.width + 2 * pages.PAD + 4, planned.height + 2 * pages.PAD + 4)
        bundle = {"text/html": pages.iframe(page(module, fig, theme), title=fig.title, width=width, height=height)}
    elif how == "png":
        png = module.image(planned, "png", dpi=PX_PER_INCH)
        bundle = {"image/png": base64.b64encode(png).decode("ascii")}
    else:
        raise BackendError(f"the {module.NAME!r} backend declares NOTEBOOK = {how!r}; expected 'bundle', 'iframe' or 'png'")
    bundle["text/plain"] = repr(fig)
    return bundle


def show(fig, backend: str | None = None) -> None:
    """Display ``fig`` in IPython if running there, else write HTML to a temp file and open it."""
    try:
        from IPython import get_ipython

        ip = get_ipython()
    except ImportError:
        ip = None
    if ip is not None and getattr(ip, "kernel", None) is not None:
        from IPython.display import display

        display(mimebundle(fig, backend), raw=True)
        return
    import tempfile
    import webbrowser

    from . import save

    path = tempfile.NamedTemporaryFile(prefix="vizkit-", suffix=".html", delete=False).name
    save(fig, path, backend=backend)
    webbrowser.open("file://" + path)
