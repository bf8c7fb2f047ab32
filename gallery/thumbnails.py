"""Thumbnails: a small PNG of each example's default figure, drawn in the background and kept on disk."""

from __future__ import annotations

import hashlib
import os
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .catalog import Catalog

THUMB_WIDTH = 240  # CSS px of a thumbnail PNG (shown at half that in the sidebar: crisp on HiDPI)
THUMB_VERSION = "2"  # bump when the thumbnails' look changes: every cached thumbnail is redrawn
# The matplotlib backend draws inside ``rc_context``, which changes process-wide rcParams: the gallery
# draws with matplotlib (thumbnails, matplotlib views, SVG of CircuitsVis figures) one figure at a time.
MPL_LOCK = threading.RLock()


class Thumbnails:
    """Small PNGs of each example's default figure, drawn by the matplotlib backend in the background.

    A thumbnail is a file ``{name}-{key}.png`` under the thumbnail folder, where ``key`` hashes
    the example's source and :data:`THUMB_VERSION`: an edited example gets a new thumbnail, an
    unchanged one is never redrawn. One daemon thread draws the missing ones, one at a time, and
    only while no session is waiting for a figure.
    """

    def __init__(self, catalog: Catalog, folder: Path):
        self.catalog = catalog
        self.folder = Path(folder)
        self.state: dict[str, str] = {}  # name → "ready" | "pending" | "failed"
        self.errors: dict[str, str] = {}
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        for name in catalog.examples:
            self.state[name] = "ready" if self.path(name).is_file() else "pending"

    def path(self, name: str) -> Path:
        ex = self.catalog.examples[name]
        key = hashlib.sha256(f"{ex.digest}:{THUMB_VERSION}".encode()).hexdigest()[:16]
        return self.folder / f"{name}-{key}.png"

    def get(self, name: str) -> bytes | None:
        try:
            return self.path(name).read_bytes()
        except OSError:
            return None

    def data_uri(self, name: str) -> str:
        import base64

        data = self.get(name)
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii") if data else ""

    def missing(self) -> list[str]:
        return [n for n, s in self.state.items() if s == "pending"]

    def start(self) -> None:
        """Start drawing the missing thumbnails in a background thread (once per process)."""
        with self._lock:
            if self._thread is not None or not self.missing():
                return
            self._thread = threading.Thread(target=self._run, name="vizkit-gallery-thumbnails", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        for name in self.missing():
            self.catalog.wait_idle()
            try:
                self.make(name)
            except Exception as exc:  # a broken example keeps its placeholder; the others go on
                self.state[name] = "failed"
                self.errors[name] = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()

    def make(self, name: str) -> Path:
        """Draw the thumbnail of ``name`` now (building its default figure) and write it atomically."""
        fig = self.catalog.figure(name)
        png = thumbnail_png(fig)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{self.path(name).name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            tmp.write_bytes(png)
            os.replace(tmp, self.path(name))  # atomic: a reader sees the old file or the whole new one
        finally:
            tmp.unlink(missing_ok=True)
        self.state[name] = "ready"
        return self.path(name)


def thumbnail_png(fig) -> bytes:
    """``fig`` drawn by the matplotlib backend, at most :data:`THUMB_WIDTH` pixels wide."""
    import io

    from PIL import Image  # matplotlib depends on Pillow

    from vizkit.export import to_bytes

    with MPL_LOCK:
        png = to_bytes(fig, "png", "matplotlib", scale=1.0)
    image = Image.open(io.BytesIO(png))
    if image.width <= THUMB_WIDTH:
        return png
    height = max(1, round(image.height * THUMB_WIDTH / image.width))
    out = io.BytesIO()
    image.convert("RGBA").resize((THUMB_WIDTH, height), Image.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()
