"""Run the Python snippets of a docs page, top to bottom, in one namespace (``make docs``).

A page's fenced ``python`` blocks are what a reader copies; running them all at site-build time
is what keeps them true. A block that raises stops the build with the page, the block's first
line and the error. Figures are built, not drawn: a snippet that ends in a figure call only
builds its spec, which is enough to prove the call works on the shipped models.
"""

from __future__ import annotations

import importlib
import re
import sys
import traceback
from pathlib import Path

_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


class SnippetError(RuntimeError):
    """A documented snippet raised: the page shows code that does not run."""


def python_blocks(markdown: str) -> list[str]:
    """The fenced ``python`` code blocks of a Markdown page, in order."""
    return [m.group(1) for m in _PYTHON_BLOCK.finditer(markdown)]


def alias_gallery_package() -> None:
    """Make ``vizkit_gallery`` importable while the gallery is still installed as ``gallery``.

    The docs are written for the installed name ``vizkit_gallery``; until the gallery branch that
    installs it under that name is merged, alias the repository's ``gallery`` package (and the
    submodules the docs use) so the snippets run either way. Does nothing once the real one exists.
    """
    try:
        importlib.import_module("vizkit_gallery")
        return
    except ImportError:
        pass
    for name in ("gallery", "gallery.data", "gallery.data.models"):
        module = importlib.import_module(name)
        sys.modules["vizkit_gallery" + name[len("gallery"):]] = module


def run_page(path: Path) -> int:
    """Run every ``python`` block of ``path`` in one fresh namespace; return the number run.

    Raises
    ------
    SnippetError
        When a block raises, naming the page, the block's number and first line, and the error.
    """
    alias_gallery_package()
    blocks = python_blocks(path.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__docs__"}
    for number, code in enumerate(blocks, start=1):
        try:
            exec(compile(code, f"{path.name}[block {number}]", "exec"), namespace)
        except Exception as exc:
            first = code.strip().splitlines()[0] if code.strip() else "(empty)"
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            raise SnippetError(f"{path.name}: python block {number} (starting {first!r}) raised {detail}; "
                               "fix the snippet or the library so the page shows code that runs") from exc
    return len(blocks)
