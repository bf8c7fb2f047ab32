"""xarray, imported the first time an adapter needs it, without importing Dask for nothing.

xarray asks for Dask's array type on every ``DataArray`` it builds (is this a Dask array?) and,
with Dask installed, imports ``dask.array`` to answer: with the ``scale`` extra installed that is
half a second to a second of a notebook's first figure, spent to learn that a numpy array is not
a Dask array. No object can be a Dask array before ``dask.array`` is imported, so until it is,
the answer is "no type" at no cost; from the moment the user imports it, xarray gets its real
answer (and caches it, as it would have). Any other question (version, module) gets the real
answer at once. If xarray's internals change, nothing is patched and xarray behaves as usual.
"""

from __future__ import annotations

import sys

_done = False


def xarray():
    """The ``xarray`` module, with the Dask type check made lazy (once per process)."""
    global _done
    import xarray as xr

    if not _done:
        _done = True
        _lazy_dask_type()
        _lazy_dask_collection()
    return xr


def _lazy_dask_type() -> None:
    try:
        from xarray.namedarray import pycompat
    except ImportError:  # pragma: no cover - another xarray layout: leave it alone
        return
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    real = getattr(pycompat, "DuckArrayModule", None)
    if not isinstance(cache, dict) or real is None or "dask" in cache or "dask.array" in sys.modules:
        return

    class _UntilImported:
        """Stands in for xarray's record of Dask until ``dask.array`` is imported."""

        def _resolve(self):
            module = real("dask")
            if cache.get("dask") is self:
                cache["dask"] = module
            return module

        @property
        def type(self):
            return self._resolve().type if "dask.array" in sys.modules else ()

        def __getattr__(self, name):
            return getattr(self._resolve(), name)

    cache["dask"] = _UntilImported()


def _lazy_dask_collection() -> None:
    """xarray's ``is_dask_collection`` asks ``dask.base`` (0.3-0.6 s to import, with jinja2) about every array it
    wraps. Dask answers False for any object without ``__dask_graph__``, so for those (numpy arrays) the answer is
    given here without importing Dask; any object that has the attribute gets Dask's own answer."""
    try:
        from xarray.namedarray import utils
    except ImportError:  # pragma: no cover - another xarray layout: leave it alone
        return
    real = getattr(utils, "is_dask_collection", None)
    if real is None or getattr(real, "_vizkit_lazy", False):
        return

    def is_dask_collection(x) -> bool:
        if "dask.base" not in sys.modules and (isinstance(x, type) or not hasattr(x, "__dask_graph__")):
            return False
        return real(x)

    is_dask_collection._vizkit_lazy = True
    is_dask_collection.__doc__ = real.__doc__
    utils.is_dask_collection = is_dask_collection
