"""The backend registry, as data: names, aliases, module paths, figure kinds and file formats.

A leaf module: it imports nothing of vizkit's but :mod:`vizkit.errors`, and reading it imports no
backend. What each built-in backend draws and writes is declared here, so listing capabilities,
the docs' support matrix and the "backends that can draw it" error cost no import.

Third-party backends register in two ways, as Altair's renderers do:

- ``register(name, module_path, kinds="*", formats=...)`` at run time;
- an entry point in the group ``vizkit.backends`` (``name = "package.module"``), found the first
  time the names are listed. Its kinds and formats are read from the module's ``KINDS`` and
  ``FORMATS`` when first needed (importing it then).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field

from .errors import BackendError

__all__ = ["ENTRY_POINT_GROUP", "FIGURE_KINDS", "FILE_FORMATS", "BackendInfo", "register", "unregister", "names",
           "info", "check_backend_name", "declared_kinds", "declared_formats", "supports", "backends_for",
           "support_matrix", "support_matrix_markdown", "MODULE_PATHS", "ATTENTION_HEADS_BACKENDS"]

#: The entry point group third-party backends register in.
ENTRY_POINT_GROUP = "vizkit.backends"

#: Every figure kind vizkit draws, in the order the docs show them. The neuron views
#: (:mod:`vizkit.figures.neurons`) are built from token text, heatmap and scatter marks, so every
#: plotting backend draws them; CircuitsVis draws only its attention and token views and refuses them.
FIGURE_KINDS: tuple[str, ...] = (
    "attention", "patching", "loss_curves", "tokens", "head_scores", "logit_lens", "dla",
    "imshow", "line", "scatter", "bar", "hist", "density",
    "neuron_activations", "topk_tokens", "topk_samples", "token_log_probs",
)

#: File formats a backend can write (``json`` needs no backend).
FILE_FORMATS: tuple[str, ...] = ("html", "png", "svg", "pdf")

ALL = "*"


@dataclass(frozen=True)
class BackendInfo:
    """One registered backend: its module path and, when declared, what it draws and writes.

    ``kinds`` is ``"*"`` (every kind) or a frozenset of figure kinds; ``kinds``/``formats`` are
    ``None`` when only the module can tell (read on first use).
    """

    name: str
    module: str
    kinds: frozenset | str | None = ALL
    formats: frozenset | None = field(default_factory=lambda: frozenset(FILE_FORMATS))
    aliases: tuple[str, ...] = ()


_BUILTIN = (
    BackendInfo("plotly", "vizkit.backends.plotly", ALL, frozenset({"html", "png", "svg", "pdf"})),
    BackendInfo("bokeh", "vizkit.backends.bokeh", ALL, frozenset({"html", "png", "svg", "pdf"})),
    BackendInfo("holoviews", "vizkit.backends.holoviews", ALL, frozenset({"html", "png", "svg", "pdf"}), ("hv",)),
    BackendInfo("matplotlib", "vizkit.backends.matplotlib", ALL, frozenset({"png", "svg", "pdf"}), ("mpl",)),
    BackendInfo("circuitsvis", "vizkit.backends.circuitsvis", frozenset({"attention", "tokens"}),
                frozenset({"html", "png", "svg", "pdf"}), ("cv",)),
)

#: The backends that draw the whole-model attention view (``vk.attention(mode="heads")``, issue 12).
ATTENTION_HEADS_BACKENDS = frozenset({"plotly", "bokeh", "holoviews", "matplotlib", "circuitsvis"})

_BACKENDS: dict[str, BackendInfo] = {b.name: b for b in _BUILTIN}
_ALIASES: dict[str, str] = {a: b.name for b in _BUILTIN for a in b.aliases}
_entry_points_read = {"done": False}


def _read_entry_points() -> None:
    """Add the backends other packages declare in the ``vizkit.backends`` entry point group (once)."""
    if _entry_points_read["done"]:
        return
    _entry_points_read["done"] = True
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _BACKENDS:
            _BACKENDS[ep.name] = BackendInfo(ep.name, ep.value.split(":")[0], kinds=None, formats=None)


def register(name: str, module_path: str, *, kinds=None, formats=None, aliases=()) -> None:
    """Register a backend module by import path (nothing is imported now).

    Parameters
    ----------
    name : str
    module_path : str
        The module that implements the backend contract (see :mod:`vizkit.backends`).
    kinds : "*" or iterable of str, optional
        The figure kinds it draws; ``None``: read the module's ``KINDS`` when first needed.
    formats : iterable of str, optional
        The file formats it writes; ``None``: read the module's ``FORMATS`` when first needed.
    aliases : iterable of str
        Other names that select it.
    """
    if not isinstance(name, str) or not isinstance(module_path, str):
        raise BackendError(f"register(name, module_path) takes two strings; got {name!r}, {module_path!r}")
    kinds = kinds if kinds in (None, ALL) else frozenset(kinds)
    formats = None if formats is None else frozenset(formats)
    _BACKENDS[name] = BackendInfo(name, module_path, kinds, formats, tuple(aliases))
    _ALIASES.update({a: name for a in aliases})


def unregister(name: str) -> None:
    """Forget backend ``name`` and its aliases."""
    _BACKENDS.pop(name, None)
    for alias in [a for a, n in _ALIASES.items() if n == name]:
        del _ALIASES[alias]


def names() -> list[str]:
    """All registered backend names, built-ins first, in registration order."""
    _read_entry_points()
    return list(_BACKENDS)


def check_backend_name(name: str) -> str:
    """The registered name ``name`` selects (aliases resolved); :class:`BackendError` when there is none."""
    if not isinstance(name, str):
        raise BackendError(f"a backend name must be a string; got {type(name).__name__}")
    name = _ALIASES.get(name, name)
    if name not in _BACKENDS:
        _read_entry_points()
    if name not in _BACKENDS:
        raise BackendError(f"unknown backend {name!r}; expected one of {names()}")
    return name


def info(name: str) -> BackendInfo:
    """The :class:`BackendInfo` of backend ``name`` (aliases resolved)."""
    return _BACKENDS[check_backend_name(name)]


def _module_attr(entry: BackendInfo, attr: str):
    import importlib

    try:
        module = importlib.import_module(entry.module)
    except ModuleNotFoundError as exc:
        if exc.name and entry.module.startswith(exc.name):
            raise BackendError(f"backend {entry.name!r} is registered as {entry.module!r}, which does not exist") from exc
        raise
    return getattr(module, attr)


def declared_kinds(name: str):
    """``"*"`` or the frozenset of figure kinds backend ``name`` draws."""
    entry = info(name)
    return entry.kinds if entry.kinds is not None else _module_attr(entry, "KINDS")


def declared_formats(name: str) -> frozenset:
    """The file formats backend ``name`` writes."""
    entry = info(name)
    return entry.formats if entry.formats is not None else frozenset(_module_attr(entry, "FORMATS"))


def supports(name: str, kind: str) -> bool:
    """Whether backend ``name`` draws figures of ``kind``."""
    kinds = declared_kinds(name)
    return kinds == ALL or kind in kinds


def backends_for(kind: str, fmt: str | None = None) -> list[str]:
    """The backends that draw ``kind`` (and write ``fmt`` when given); a backend that cannot tell is left out."""
    out = []
    for n in names():
        try:
            if supports(n, kind) and (fmt is None or fmt in declared_formats(n)):
                out.append(n)
        except (BackendError, ImportError):
            continue
    return out


def support_matrix(kinds=FIGURE_KINDS) -> dict[str, dict[str, bool]]:
    """``{kind: {backend: bool}}`` from the declarations."""
    return {k: {n: supports(n, k) for n in names()} for k in kinds}


def support_matrix_markdown(kinds=FIGURE_KINDS) -> str:
    """The figure-kind × backend table of ``docs/backends.md``, from the declarations."""
    backends = names()
    matrix = support_matrix(kinds)
    head = "| figure kind | " + " | ".join(backends) + " |"
    rule = "|---|" + "---|" * len(backends)
    rows = [f"| `{k}` | " + " | ".join("✓" if matrix[k][n] else "—" for n in backends) + " |" for k in kinds]
    formats = "| file formats | " + " | ".join(", ".join(sorted(declared_formats(n))) for n in backends) + " |"
    return "\n".join([head, rule, *rows, formats]) + "\n"


class _ModulePaths(MutableMapping):
    """The registry as a ``{name: module path}`` mapping: setting an item registers a backend whose
    kinds and formats are read from its module; deleting one unregisters it."""

    def __getitem__(self, name: str) -> str:
        return _BACKENDS[name].module

    def __setitem__(self, name: str, module_path: str) -> None:
        register(name, module_path)

    def __delitem__(self, name: str) -> None:
        if name not in _BACKENDS:
            raise KeyError(name)
        unregister(name)

    def __iter__(self):
        return iter(names())

    def __len__(self) -> int:
        return len(names())


#: ``{name: module path}`` of every registered backend (a live view of the registry).
MODULE_PATHS = _ModulePaths()
