"""Which Chromium to drive, and the command-line flags every export browser gets.

The system's Chromium only (Debian's ``/usr/bin/chromium`` by default): nothing is ever downloaded.
"""

from __future__ import annotations

import os
import shutil

from ...errors import ExportError

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The flags of tests/browser/harness.py: no sandbox (containers), no GPU, no background traffic.
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
)


def chromium_path() -> str:
    """The Chromium to drive: ``$VIZKIT_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on PATH.

    Raises
    ------
    ExportError
        When ``$VIZKIT_CHROMIUM`` is not an executable file, or no Chromium is found (the message says how to install one).
    """
    env = os.environ.get("VIZKIT_CHROMIUM")
    if env:
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return env
        raise ExportError(f"VIZKIT_CHROMIUM={env!r} is not an executable file; point it at a Chromium or Chrome "
                          f"executable, or unset it to use {DEFAULT_CHROMIUM}")
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    raise ExportError(f"static export (PNG/SVG/PDF) needs Chromium, and none was found at {DEFAULT_CHROMIUM} or as "
                      f"'chromium' on PATH. Install it with `apt-get install chromium` (the README's `make test` "
                      f"does), or set VIZKIT_CHROMIUM to a Chromium/Chrome executable")
