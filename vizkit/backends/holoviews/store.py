"""HoloViews with its bokeh plotting loaded, and the user's ``Store.current_backend`` given back after."""

from __future__ import annotations

import contextlib
import threading

_STORE_LOCK = threading.RLock()  # one thread at a time switches HoloViews' global backend


@contextlib.contextmanager
def bokeh_store():
    """HoloViews (the ``hv`` module) with ``Store.current_backend == "bokeh"`` inside the block.

    HoloViews validates options and renders against the *current* backend, so it is ``"bokeh"``
    inside the block (importing ``holoviews.plotting.bokeh`` also switches it, the first time);
    the user's choice is restored when the block ends.
    """
    import holoviews as hv
    from holoviews import Store

    with _STORE_LOCK:
        before = Store.current_backend
        import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh renderer and its options)

        Store.current_backend = "bokeh"
        try:
            yield hv
        finally:
            Store.current_backend = before
