"""The request log: export browsers block every network request and record it here.

Exports are offline. Both browsers abort ``http(s)`` and ``ws(s)`` requests and report them to
:func:`record`, so a test (or a user) can prove with :func:`recording_requests` that there were none.
"""

from __future__ import annotations

import contextlib

_REQUESTS: list[str] = []
NETWORK_SCHEMES = ("http", "https", "ws", "wss")


def record(url: str) -> None:
    """Log ``url`` if it would have left the machine (``file:``, ``data:`` and ``about:`` are not logged)."""
    if url.split(":", 1)[0] in NETWORK_SCHEMES:
        _REQUESTS.append(url)


@contextlib.contextmanager
def recording_requests():
    """Collect the network requests (blocked) that export browsers attempt inside the block.

    >>> with recording_requests() as seen:     # doctest: +SKIP
    ...     fig.save("fig.png")
    >>> seen                                   # doctest: +SKIP
    []
    """
    start = len(_REQUESTS)
    seen: list[str] = []
    try:
        yield seen
    finally:
        seen.extend(_REQUESTS[start:])
