"""plotly figures to PNG, SVG or PDF through kaleido, on the system Chromium of the pool.

Kaleido drives its own Chromium over a pipe (through choreographer); the pool keeps one running for
the session. plotly.js comes from plotly.py's own copy and MathJax is off, so nothing is fetched.
"""

from __future__ import annotations

from ...errors import ExportError
from .determinism import fixed_pdf_dates, stable_svg_ids
from .formats import check_format
from .network import record
from .pool import ENGINES, POOL, Engine, kill_group, quiet


class KaleidoEngine(Engine):
    """A ``kaleido.Kaleido`` with one tab, its network blocked and logged."""

    name = "kaleido"

    def __init__(self) -> None:
        self.starting = None  # the Kaleido being opened, so a deadline can kill it before it is running

    async def start(self, path: str, pool):
        k = self.starting = _new_kaleido(path)
        try:
            await k.open()
            await _block_network(k)
        except Exception as exc:
            self.kill(k, pool)
            raise ExportError(f"Chromium ({path}) did not start for plotly export: {exc}") from exc
        finally:
            self.starting = None
        return k

    def alive(self, k) -> bool:
        proc = getattr(k, "subprocess", None)
        return proc is not None and proc.poll() is None

    def kill(self, k, pool) -> None:
        k = k if k is not None else self.starting
        if k is None:
            return
        proc = getattr(k, "subprocess", None)
        if proc is not None and proc.poll() is None:
            kill_group(proc.pid)
            try:
                proc.wait(5)
            except Exception:  # noqa: S110 - a process that survives SIGKILL for 5 s is the kernel's business
                pass
        if pool.loop is not None and not pool.loop.is_closed():  # let choreographer release its pipes and folder
            pool.loop.call_soon_threadsafe(lambda: pool.loop.create_task(quiet(k.close())))

    async def close(self, k) -> None:
        await k.close()


KALEIDO = KaleidoEngine()
ENGINES.append(KALEIDO)


def _new_kaleido(path: str):
    """A Kaleido on ``path`` that loads plotly.js from plotly.py's own copy and MathJax not at all (no CDN)."""
    import kaleido

    page = kaleido.PageGenerator(plotly=None, mathjax=False)
    page.header = page.header.replace("Kaleido-fier", "vizkit figure")  # the PDF's /Title
    try:
        return kaleido.Kaleido(path=path, n=1, timeout=None, page_generator=page)
    except Exception as exc:  # choreographer's ChromeNotFoundError and friends
        raise ExportError(f"kaleido could not use Chromium at {path}: {exc}") from exc


async def _block_network(k) -> None:
    """Block and log every http(s) request of kaleido's tabs (the setting survives the reload after each figure)."""
    async def on_request(event):
        record(event.get("params", {}).get("request", {}).get("url", ""))

    patterns = [{"urlPattern": p, "block": True} for p in ("http://*", "https://*", "ws://*", "wss://*")]
    for tab in list(k.tabs.values()):
        await tab.send_command("Network.enable")
        reply = await tab.send_command("Network.setBlockedURLs", params={"urlPatterns": patterns})
        if "error" in reply:  # Chromium before urlPatterns (2025)
            await tab.send_command("Network.setBlockedURLs", params={"urls": [p["urlPattern"] for p in patterns]})
        tab.subscribe("Network.requestWillBeSent", on_request)


#: What kaleido's tab says when a figure reaches it before its page (reloaded after each figure) has loaded its
#: script again: a race inside kaleido, seen once in a few thousand exports; the export is tried again.
TAB_NOT_READY = "kaleido_scopes is not defined"


def plotly_image(native, fmt: str, *, scale: float = 1.0, width: int | None = None, height: int | None = None,
                 timeout: float = 60.0) -> bytes:
    """PNG, SVG or PDF bytes of a ``plotly.graph_objects.Figure``, drawn by kaleido in the system Chromium.

    Parameters
    ----------
    native : plotly.graph_objects.Figure or dict
        The figure (its layout ``width``/``height`` are used unless ``width``/``height`` are given).
    fmt : {"png", "svg", "pdf"}
    scale : float
        Pixel density of PNG output (2 → twice the CSS size in each direction); SVG and PDF are vector.
    width, height : int, optional
        CSS pixels, overriding the layout's.
    timeout : float
        Seconds for everything (starting the browser, drawing); past it ``ExportError`` and the browser is killed.

    Returns
    -------
    bytes
        The file content; SVG ids and PDF dates are made deterministic.
    """
    fmt = check_format(fmt)
    opts = {"format": fmt, "scale": float(scale) if fmt == "png" else 1.0}
    opts.update({k: int(v) for k, v in (("width", width), ("height", height)) if v is not None})
    spec = native.to_dict() if hasattr(native, "to_dict") else dict(native)
    # plotly.js names each trace by a random uid (it shows in SVG classes) unless the trace has one.
    spec["data"] = [{**t, "uid": t.get("uid") or f"vk{i}"} for i, t in enumerate(spec.get("data", ()))]

    async def job(k):
        import asyncio

        for attempt in range(4):
            try:
                return await k.calc_fig(spec, opts=opts)
            except Exception as exc:  # a javascript error in plotly.js, a closed tab ...
                if not KALEIDO.alive(k):
                    raise  # the pool says the browser died
                if TAB_NOT_READY in str(exc) and attempt < 3:
                    await asyncio.sleep(0.25 * (attempt + 1))  # kaleido reloads its tab after each figure
                    continue
                raise ExportError(f"plotly export to {fmt.upper()} failed in the browser: {exc}") from exc

    data = POOL.run(KALEIDO, job, float(timeout), "plotly export")
    if fmt == "svg":
        return stable_svg_ids(data.decode("utf-8")).encode("utf-8")
    return fixed_pdf_dates(data) if fmt == "pdf" else data
