"""The gallery tests' server helper (``tests/conftest.py`` makes this checkout's ``gallery/`` importable as ``vizkit_gallery``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

GALLERY = Path(__file__).resolve().parents[2] / "gallery"


class GalleryServer:
    """``python -m vizkit gallery --port 0`` in a subprocess: its URL, process and every line it printed."""

    def __init__(self, examples_dir: Path, cache_dir: Path, timeout: float = 120):
        import re
        import subprocess
        import threading
        import time

        env = dict(os.environ, VIZKIT_GALLERY_EXAMPLES=str(examples_dir), VIZKIT_CACHE_DIR=str(cache_dir), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "vizkit", "gallery", "--port", "0"], cwd=GALLERY.parent, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.url = None
        deadline = time.monotonic() + timeout
        while self.url is None and time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            found = re.search(r"serving at (http://\S+)", line)
            self.url = found.group(1) if found else None
        if self.url is None:
            self.stop()
            raise RuntimeError("the gallery server did not start:\n" + "".join(self.lines))
        threading.Thread(target=lambda: [self.lines.append(x) for x in self.proc.stdout], daemon=True).start()
        self.host = self.url.split("/")[2]

    def rss_mb(self) -> float:
        """The server's resident memory in MB (Linux ``/proc``)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def log(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        import subprocess

        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
