"""Make this checkout's ``gallery/`` importable as ``vizkit_gallery`` for the tests and the processes they start.

An installed vizkit maps the folder to that name; a source checkout run with ``PYTHONPATH=.``
has no such module. A temporary folder holding a ``vizkit_gallery`` link to ``gallery/`` goes
first on ``sys.path`` and ``PYTHONPATH``, so the tests always exercise this checkout's gallery.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

GALLERY = Path(__file__).resolve().parents[2] / "gallery"


def _link_gallery() -> None:
    folder = Path(tempfile.mkdtemp(prefix="vizkit-gallery-path-"))
    (folder / "vizkit_gallery").symlink_to(GALLERY, target_is_directory=True)
    sys.path.insert(0, str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(folder), *filter(None, [os.environ.get("PYTHONPATH")])])


if "vizkit_gallery" not in sys.modules:
    _link_gallery()
