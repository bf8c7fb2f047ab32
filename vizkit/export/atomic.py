"""Atomic file writing: a temporary file beside the destination, then ``os.replace``.

A crash, an exception in the renderer, a full disk or a ``kill -9`` never leaves a half-written
destination: it holds either the previous file or the new one, complete.

What a save keeps and cleans up:

- **Permissions**: overwriting keeps the existing file's mode (a ``600`` file stays ``600``); a new
  file gets the mode the umask gives (``open()``'s default), not a forced one.
- **Symlinks**: saving over a symlink writes through it: the temporary file is made beside the
  link's final target and replaced onto it, so the link stays a link and the target changes atomically.
- **Temporaries**: they are named ``.<name>.vk-<host>-<pid>-<random>.tmp``. A process killed inside
  the write cannot remove its own; the next save of the same destination removes those whose writer
  is gone (same host, pid no longer running) or that have not been touched for :data:`STALE_AFTER`
  seconds (another host's, or a reused pid).
- **Errors**: a folder that is missing or cannot be written raises
  :class:`~vizkit.errors.ExportError` naming the destination and the reason (never the hidden
  temporary's name). It is also an ``OSError``, as the raw error was before.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import socket
import stat
import time
from pathlib import Path

from ..errors import ExportError

#: Seconds after which a temporary untouched by its writer is stale whoever wrote it.
STALE_AFTER = 600.0
_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_TEMP_SUFFIX = ".tmp"


class SaveError(ExportError, OSError):
    """A file could not be written (missing or read-only folder, full disk...): an ExportError and an OSError."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.errno = code


def _temp_pattern(name: str) -> re.Pattern:
    return re.compile(re.escape(f".{name}.vk-") + r"([0-9a-f]{6})-(\d+)-[0-9a-f]+" + re.escape(_TEMP_SUFFIX) + "$")


def _pid_running(pid: int) -> bool:
    """Whether ``pid`` is a process that still runs (a zombie has ended: it only awaits its parent)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc (macOS): ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def remove_stale_temporaries(target: Path, *, now: float | None = None) -> list[str]:
    """Remove the temporaries of ``target`` left by killed writers; return the names removed.

    A temporary is stale when this host's process that wrote it no longer runs, or when nobody has
    written to it for :data:`STALE_AFTER` seconds. Temporaries of other files are never touched.
    """
    pattern = _temp_pattern(target.name)
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.match(entry.name)
        if not found:
            continue
        host, pid = found.group(1), int(found.group(2))
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except FileNotFoundError:
            continue
        writer_gone = host == _HOST and pid != os.getpid() and not _pid_running(pid)
        if writer_gone or age > STALE_AFTER:
            with contextlib.suppress(FileNotFoundError, PermissionError):
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed


def _resolve_target(path: Path) -> Path:
    """The file a save of ``path`` replaces: ``path`` itself, or the final target of a symlink chain."""
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))


def _failure(path: Path, exc: OSError, folder: Path) -> SaveError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"the folder {str(folder)!r} is not writable: save somewhere else or change its permissions"
    elif exc.errno == errno.ENOSPC:
        fix = "free some space or save somewhere else"
    elif exc.errno == errno.EISDIR or path.is_dir():
        fix = "the destination is a folder: give a file name"
    else:
        fix = "save somewhere else"
    return SaveError(f"cannot write {str(path)!r}: {reason} ({fix})", exc.errno)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring) and return ``path``.

    Raises
    ------
    ExportError
        (a :class:`SaveError`, also an ``OSError``) when the folder is missing or the file cannot be
        written; the message names ``path`` and the reason.
    """
    path = Path(path)
    target = _resolve_target(path)
    folder = target.parent
    if not folder.is_dir():
        shown = f"the folder {str(folder)!r}" + (f" (where the symlink {str(path)!r} points)" if target != path else "")
        raise SaveError(f"cannot write {str(path)!r}: {shown} does not exist; create it first (os.makedirs) "
                        f"or save somewhere else", errno.ENOENT)
    remove_stale_temporaries(target)
    try:
        old_mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        old_mode = None
    except OSError as exc:
        raise _failure(path, exc, folder) from None
    tmp = folder / f".{target.name}.vk-{_HOST}-{os.getpid()}-{secrets.token_hex(4)}{_TEMP_SUFFIX}"
    try:
        # 0o666 through the umask, as open() makes a new file; an existing file's mode is restored below.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise _failure(path, exc, folder) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if old_mode is not None:
                os.fchmod(fh.fileno(), old_mode)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, SaveError):
            raise _failure(path, exc, folder) from exc
        raise
    _sync_folder(folder)
    return path


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: some file systems cannot open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`write_bytes`)."""
    return write_bytes(path, text.encode("utf-8"))
