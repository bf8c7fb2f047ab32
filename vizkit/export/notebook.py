"""Notebook display: each backend's mime bundle (JupyterLab, classic Notebook, VS Code, Colab)."""

from __future__ import annotations


def mimebundle(fig, backend: str | None = None) -> dict:
    from ..backends import resolve
    from ..spec import theme as themes

    module = resolve(fig, backend)
    return module.mimebundle(fig, themes.get(fig.theme))


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
