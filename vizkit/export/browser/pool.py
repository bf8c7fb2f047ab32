"""The browser pool: one asyncio loop in a daemon thread, one browser process per engine, reused.

Starting a browser costs 1-3 s and an export a fraction of a second, so each engine (kaleido's
Chromium for plotly, Playwright's Chromium for any page) is started on first use and kept for the
session; every job gets its own tab or page. Callers may be in any thread or inside a running event
loop (notebooks) alike.

Every job has a deadline: past it the engine's browser is killed (its whole process group) and
:class:`~vizkit.errors.ExportError` is raised; a browser that crashed or was killed is noticed and
replaced by the next job, and the job it broke fails with an ``ExportError`` that says so. The
browsers are closed at interpreter exit, or by :func:`close`.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures as cf
import contextlib
import os
import signal
import threading

from ...errors import ExportError
from .finder import chromium_path

_GRACE = 2.0  # extra seconds a caller waits if the pool's thread itself is stuck


class Engine:
    """How to start, check, kill and close one kind of browser; subclassed by the kaleido and page modules."""

    name = "browser"

    async def start(self, path: str, pool: BrowserPool):
        """A running browser on the Chromium at ``path``."""
        raise NotImplementedError

    def alive(self, instance) -> bool:
        """Whether ``instance`` can still take jobs."""
        raise NotImplementedError

    def kill(self, instance, pool: BrowserPool) -> None:
        """Kill ``instance``'s processes now (called from any thread); ``None``: the one being started, if any."""
        raise NotImplementedError

    async def close(self, instance) -> None:
        """Shut ``instance`` down politely."""
        raise NotImplementedError


class BrowserPool:
    """Running browsers, one per :class:`Engine`, driven from one event loop thread."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._starting: dict[str, asyncio.Lock] = {}
        self._running: dict[str, tuple[object, str]] = {}  # engine name -> (instance, chromium path)
        self.marker = f"--vizkit-export={os.getpid()}-{id(self):x}"  # finds our Chromium processes in /proc

    # -- running jobs -----------------------------------------------------------------------------

    def run(self, engine: Engine, job, timeout: float, what: str):
        """``await job(browser)`` on the pool's loop, with ``browser`` the engine's running instance.

        Past ``timeout`` seconds (starting the browser included) the browser is killed and ExportError
        raised. If the job fails because the browser died under it, the error says so.
        """
        path = chromium_path()
        with self._lock:
            if self.loop is None:
                self.loop = asyncio.new_event_loop()
                threading.Thread(target=self.loop.run_forever, name="vizkit-export-browsers", daemon=True).start()
        coro = self._bounded(self._job(engine, job, path, what), timeout, what, path, engine)
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout + _GRACE)
        except cf.TimeoutError:  # the loop itself is blocked: never expected, never a hang either
            self.kill(engine)
            raise hung(what, timeout, path) from None

    async def _job(self, engine: Engine, job, path: str, what: str):
        instance = await self.acquire(engine, path)
        try:
            return await job(instance)
        except Exception as exc:
            if engine.alive(instance):
                raise
            self.kill(engine, instance)
            raise ExportError(f"Chromium ({path}) exited during {what} (it crashed or was killed); the next export "
                              f"starts a new one. Check that it runs: `{path} --headless --dump-dom about:blank`") from exc

    async def _bounded(self, coro, timeout: float, what: str, path: str, engine: Engine):
        # Not asyncio.wait_for: on timeout it waits for the cancelled task, which a hung browser never finishes.
        task = asyncio.ensure_future(coro)
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            self.kill(engine)
            task.cancel()
            raise hung(what, timeout, path)
        return task.result()

    # -- the browsers -----------------------------------------------------------------------------

    async def acquire(self, engine: Engine, path: str):
        """The engine's running browser on ``path``: reused, or started (replacing a dead or other one)."""
        lock = self._starting.setdefault(engine.name, asyncio.Lock())
        async with lock:  # one start at a time per engine
            instance, running_path = self._running.get(engine.name, (None, None))
            if instance is not None and (running_path != path or not engine.alive(instance)):
                self.kill(engine, instance)
                instance = None
            if instance is None:
                instance = await engine.start(path, self)
                self._running[engine.name] = (instance, path)
            return instance

    def kill(self, engine: Engine, instance=None) -> None:
        """Kill ``engine``'s browser (``instance``, default the running one); the next job starts another."""
        current = self._running.get(engine.name, (None, None))[0]
        instance = current if instance is None else instance
        if instance is not None and instance is current:
            del self._running[engine.name]
        engine.kill(instance, self)  # None: the one being started, if any

    def running(self, engine: Engine):
        """The engine's running browser, or None."""
        return self._running.get(engine.name, (None, None))[0]

    def close(self) -> None:
        """Stop every browser (they start again on the next export)."""
        running, self._running = self._running, {}
        engines = {name: instance for name, (instance, _) in running.items()}
        if self.loop is not None and not self.loop.is_closed():
            async def stop():
                for engine in ENGINES:
                    if engines.get(engine.name) is not None:
                        await quiet(engine.close(engines[engine.name]))

            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        for engine in ENGINES:  # whatever did not close politely
            if engines.get(engine.name) is not None:
                engine.kill(engines[engine.name], self)


ENGINES: list[Engine] = []  # registered by the kaleido and page modules, closed by close()


def kill_group(pid: int) -> None:
    """SIGKILL ``pid`` and, when it leads a group of its own (browsers do), everything in that group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        group = os.getpgid(pid)
        if group != os.getpgrp():
            os.killpg(group, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def kill_marked(marker: str) -> None:
    """Kill the process group of every process whose command line has the argument ``marker``."""
    wanted = marker.encode()
    for pid in filter(str.isdigit, os.listdir("/proc") if os.path.isdir("/proc") else ()):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as fh:
            if wanted in fh.read().split(b"\0"):
                kill_group(int(pid))


def hung(what: str, timeout: float, path: str) -> ExportError:
    return ExportError(f"{what} did not finish within {timeout:g} s (browser: {path}). Pass a larger timeout=... for "
                       f"a very large figure, or check that the browser starts: `{path} --headless --dump-dom about:blank`")


async def quiet(coro) -> None:
    """Await ``coro`` (if any), ignoring whatever it raises: for shutting down things that may be dead already."""
    if coro is None:
        return
    with contextlib.suppress(BaseException):
        await coro


POOL = BrowserPool()
close = POOL.close
atexit.register(close)
