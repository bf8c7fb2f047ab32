"""The keyword vocabulary every figure function shares, written once (as plotly express' ``_doc.py``).

:func:`figure_function` wraps a figure function so that

- the plotly-express / neel-plotly aliases work wherever the keyword they stand for does
  (``color_continuous_midpoint=`` is ``zmid=``, ``facet_col=`` is ``facet=`` ...);
- a misspelt or foreign keyword raises a :class:`~vizkit.errors.VizkitError` naming the closest
  valid one (``tittle=`` → ``title=``), not a bare ``TypeError``;
- the shared keywords a function takes are documented in its docstring from :data:`SHARED_DOCS`,
  so ``help(vk.imshow)`` shows them.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
import textwrap
from collections.abc import Callable

import numpy as np

from ..adapters import to_numpy as _to_numpy
from ..errors import VizkitError
from ._common import MAX_PANELS

__all__ = ["ALIASES", "SHARED_DOCS", "figure_function", "resolve_keywords", "cell_text", "text_format", "TEXT_COORD"]

#: plotly express / neel-plotly name → vizkit name.
ALIASES: dict[str, str] = {
    "facet_col": "facet",
    "facet_col_wrap": "facet_cols",
    "animation_frame": "animate",
    "color_continuous_midpoint": "zmid",
    "color_continuous_scale": "colorscale",
}

#: The shared keywords' documentation: names (one numpy-doc entry may cover several) → (type, text).
SHARED_DOCS: dict[tuple[str, ...], tuple[str, str]] = {
    ("x", "y"): ("sequence, optional", "Tick labels of the columns and rows (token strings stay distinct even when "
                                       "repeated; whitespace is made visible)."),
    ("labels",): ("dict, optional", "Titles by role (``\"x\"``, ``\"y\"``, ``\"color\"``) or by dim name, as in plotly "
                                    "express: ``{\"x\": \"key\", \"color\": \"attention\"}``."),
    ("title",): ("str, optional", "Figure title."),
    ("facet",): ("str, optional", "A dim (its name, or an int index into the dims, as in plotly express) to split into one panel "
                                         f"per value; alias ``facet_col``. At most {MAX_PANELS} panels: page "
                                         f"through more with ``animate=`` or select a slice."),
    ("facet_cols",): ("int, optional", "Panels per row; alias ``facet_col_wrap``."),
    ("animate",): ("str, optional", "A dim (its name, or an int index) to page through with a slider; alias "
                                           "``animation_frame``."),
    ("zmin", "zmax"): ("float, optional", "Bottom and top of the colour scale (default: fitted to the data)."),
    ("zmid",): ("float, optional", "The value at the centre of a diverging colour scale; alias "
                                   "``color_continuous_midpoint``."),
    ("colorscale",): ("str, optional", "A colour scale name (``\"RdBu\"``, ``\"viridis\"``, ``\"Blues\"`` ..., ``_r`` "
                                       "reverses); alias ``color_continuous_scale``."),
    ("log_x", "log_y"): ("bool", "Logarithmic axes. Values ≤ 0 cannot sit on a log axis: they are left as gaps "
                                 "exactly where they are, and the caption counts them."),
    ("text",): ("array-like of str, optional", "Text to write in each cell, the shape of the data (tokens, "
                                             "labels): shown as plain text, never markup, in an ink that reads on "
                                             "the cell's colour; hidden, with a caption note, when the cells are too "
                                             "small to hold it."),
    ("text_auto",): ("bool or str", "Write each cell's value in it, as plotly express does: ``True`` (3 significant "
                                    "digits) or a number format such as ``\".2f\"`` or ``\".0%\"``."),
    ("width", "height"): ("int, optional", "Size in CSS pixels."),
    ("backend", "theme"): ("str, optional", "Per-call backend and theme; default: the setting in force when drawn."),
}
_SHARED_NAMES = {name for names in SHARED_DOCS for name in names}


def resolve_keywords(func_name: str, kwargs: dict, accepted: set[str], aliases: dict[str, str]) -> dict:
    """``kwargs`` with aliases mapped to the names ``func_name`` takes; anything else is a :class:`VizkitError`."""
    out = {}
    for key, value in kwargs.items():
        name = aliases.get(key, key)
        if name not in accepted:
            raise VizkitError(_unknown_message(func_name, key, name, accepted, aliases))
        if name in out and name != key:
            raise VizkitError(f"{func_name}() got both {key}= and {name}=; they mean the same, pass one")
        if name in out:
            raise VizkitError(f"{func_name}() got both {_alias_of(name, aliases, kwargs)}= and {name}=; they mean the same, pass one")
        out[name] = value
    return out


def _alias_of(name: str, aliases: dict[str, str], kwargs: dict) -> str:
    return next((k for k, v in aliases.items() if v == name and k in kwargs), name)


def _unknown_message(func_name: str, key: str, name: str, accepted: set[str], aliases: dict[str, str]) -> str:
    valid = sorted(accepted | {a for a, n in aliases.items() if n in accepted})
    if name in _SHARED_NAMES or key in aliases:
        return (f"{func_name}() does not take {key}=: that keyword has no meaning for this figure. "
                f"It takes {', '.join(sorted(accepted))}")
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}=?" if close else f". Valid keywords: {', '.join(sorted(accepted))}"
    return f"{func_name}() got an unexpected keyword argument {key}={hint}"


def figure_function(func: Callable | None = None, *, aliases: dict[str, str] | None = None):
    """Decorate a figure function with the shared keyword handling and documentation.

    Parameters
    ----------
    func : callable
        The figure function; its own signature lists the canonical keyword names it takes.
    aliases : dict, optional
        Extra aliases for this function only (``{"color": "line"}`` for :func:`vizkit.line`).
    """
    if func is None:
        return lambda f: figure_function(f, aliases=aliases)
    all_aliases = {**ALIASES, **(aliases or {})}
    signature = inspect.signature(func)
    params = signature.parameters
    accepted = {n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    all_aliases = {a: n for a, n in all_aliases.items() if n in accepted}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if kwargs:
            kwargs = resolve_keywords(func.__name__, kwargs, accepted, all_aliases)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise VizkitError(f"{func.__name__}(): {exc}; the signature is {func.__name__}{signature}") from None
        return func(*bound.args, **bound.kwargs)

    wrapper.__doc__ = with_shared_docs(func.__doc__, accepted)
    wrapper.aliases = dict(all_aliases)  # type: ignore[attr-defined]
    return wrapper


_SECTION = re.compile(r"\n    (Returns|Raises|Examples|Notes|See Also)\n    -+\n")


def with_shared_docs(doc: str | None, accepted: set[str]) -> str | None:
    """``doc`` with an entry for each shared keyword in ``accepted`` that it does not document yet."""
    if doc is None:  # python -OO
        return None
    documented = set()
    for line in doc.splitlines():
        m = re.match(r"^    ([A-Za-z_][\w, ]*?)(?: :.*)?$", line)
        if m:
            documented |= {n.strip() for n in m.group(1).split(",")}
    entries = []
    for names, (kind, text) in SHARED_DOCS.items():
        if all(n in accepted for n in names) and not all(n in documented for n in names):
            body = textwrap.fill(text, width=96, initial_indent=" " * 8, subsequent_indent=" " * 8)
            entries.append(f"    {', '.join(names)} : {kind}\n{body}\n")
    if not entries:
        return doc
    block = "".join(entries)
    doc = doc.rstrip() + "\n"
    if "Parameters\n    ----------" not in doc:
        block = "\n    Parameters\n    ----------\n" + block
    m = _SECTION.search(doc)
    if m:
        return doc[:m.start()].rstrip() + "\n" + block + doc[m.start():]
    return doc + block


#: The coordinate that carries per-cell text through facet/animate splits (one string per cell).
TEXT_COORD = "_vizkit_cell_text"
#: ``text_auto=True``: values written with 3 significant digits.
TEXT_AUTO_FORMAT = ".3g"


def text_format(text_auto) -> str | None:
    """The number format ``text_auto`` asks for (``None``: no text); a :class:`VizkitError` for anything else."""
    if text_auto is False or text_auto is None:
        return None
    if text_auto is True:
        return TEXT_AUTO_FORMAT
    if isinstance(text_auto, str):
        fmt = text_auto[1:] if text_auto.startswith(":") else text_auto
        try:
            format(1.5, fmt)
        except (ValueError, TypeError):
            raise VizkitError(f"text_auto must be True or a number format such as '.2f' or '.1%'; got {text_auto!r}") from None
        return fmt
    raise VizkitError(f"text_auto must be True or a number format such as '.2f'; got {text_auto!r}")


def cell_text(da, text, text_auto) -> np.ndarray | None:
    """Per-cell text of ``da`` (an object array of its shape), from ``text=`` strings or ``text_auto=`` formatting, else ``None``.

    ``text_auto`` is ``True`` (3 significant digits) or a format spec such as ``".2f"`` (as in
    plotly express); missing cells get no text. Bad input is a :class:`VizkitError` saying what was
    expected and what came.
    """
    from ..errors import ShapeError

    if text is not None and text_format(text_auto) is not None:
        raise VizkitError("pass text= (your own strings) or text_auto= (the values written in the cells), not both")
    if text is not None:
        if isinstance(text, str):
            raise ShapeError(f"text= must be an array of strings the shape of the data {tuple(da.shape)}; got the single string {text!r}")
        arr = np.asarray(_to_numpy(text) if hasattr(text, "shape") and not isinstance(text, np.ndarray) else text, dtype=object)
        if arr.shape != tuple(da.shape):
            raise ShapeError(f"text= must have the shape of the data {tuple(da.shape)} (dims {tuple(da.dims)}); got shape {arr.shape}")
        return np.vectorize(lambda v: "" if v is None else str(v), otypes=[object])(arr)
    fmt = text_format(text_auto)
    if fmt is None:
        return None
    values = np.asarray(da.values, dtype=float)
    return np.vectorize(lambda v: format(v, fmt) if np.isfinite(v) else "", otypes=[object])(values)
