"""Where the slow work of a page runs: builds, renders and exports, off the server's event loop.

One pool for the whole process (every session shares it), so ten sessions opening at once queue
their work instead of starting ten threads that fight over the GIL and the models' locks. Work
in the pool must not touch Panel objects: results go back to the session's own event loop.
"""

from __future__ import annotations

import concurrent.futures as cf

import panel as pn

#: Builds are serial anyway (``Catalog.build_lock``: the models' hooks are not thread-safe); two
#: workers let a render or an export overlap a build.
EXECUTOR = cf.ThreadPoolExecutor(max_workers=2, thread_name_prefix="vizkit-gallery")


def in_server_session() -> bool:
    """Whether this code runs for a browser session of a Panel server (not in a test or notebook)."""
    doc = pn.state.curdoc
    return doc is not None and getattr(doc, "session_context", None) is not None
