"""Serving the gallery: safe by default, steady under many tabs.

- It listens on ``127.0.0.1`` unless told otherwise.
- It answers only requests whose ``Host`` header names the address it serves (``127.0.0.1:PORT``,
  ``localhost:PORT``, the bound address, and any ``host:port`` you allow): a web page elsewhere
  that points its own domain at 127.0.0.1 (DNS rebinding) gets ``403 Forbidden``, not the gallery.
- Its websocket accepts only pages from those same origins (Bokeh's origin check).
- A closed tab is forgotten within about 30 s (a session unused for :data:`SESSION_LIFETIME_MS`,
  checked every :data:`SESSION_CHECK_MS`): the page drops its figures and panes, the memory goes
  back, and the server prints one line saying so.
- A tab closed while the server was still sending to it is normal: that one error
  (``WebSocketClosedError``) is not logged as a traceback.

``python -m vizkit gallery`` (or ``python -m vizkit_gallery``) runs :func:`main`.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
from pathlib import Path

import panel as pn

from .app import build_app, catalog, configure_panel
from .view import TITLE

#: How often unused sessions are looked for, and how long one may go unused, in milliseconds (bokeh's defaults).
#: A session is made when its page is requested and counts as unused until the page's websocket connects: one
#: discarded before that is remade by the websocket outside the page request, and Panel then points its
#: stylesheets at its CDN. Shorter settings (2 s and 2 s, then 2 s and 15 s) did that on a loaded machine.
SESSION_CHECK_MS = 17000
SESSION_LIFETIME_MS = 15000


def allowed_hosts(address: str, port: int, extra=()) -> set[str]:
    """The ``Host`` header values (and websocket origins) the server answers: ``host:port`` strings."""
    host = f"[{address}]" if ":" in address and not address.startswith("[") else address
    hosts = {f"localhost:{port}", f"127.0.0.1:{port}", f"{host}:{port}"}
    if address in ("::1", "[::1]"):
        hosts.add(f"[::1]:{port}")
    if address not in ("127.0.0.1", "localhost", "::1", "[::1]"):
        hosts |= {f"{socket.gethostname()}:{port}", f"{socket.getfqdn()}:{port}"}
    hosts |= {h.lower() for h in extra or ()}
    return {h.lower() for h in hosts}


def guard_hosts(server, hosts: set[str]) -> None:
    """Answer ``403`` to every request (page, asset or websocket) whose ``Host`` is not in ``hosts``.

    A Tornado routing rule placed before all of Bokeh's: it runs before any handler, so a foreign
    request creates no session and reaches no page.
    """
    from tornado.routing import Matcher, Rule
    from tornado.web import HTTPError, RequestHandler

    app = getattr(server, "_tornado", None)  # bokeh.server.server.Server keeps its tornado Application here
    if app is None or not hasattr(app, "default_router"):
        raise RuntimeError("cannot install the gallery's Host check on this Bokeh server; refusing to serve without it")

    class ForeignHost(Matcher):
        def match(self, request):
            return None if (request.host or "").lower() in hosts else {}

    class Forbidden(RequestHandler):
        def prepare(self):
            raise HTTPError(403, reason="Forbidden host")

        def log_exception(self, typ, value, tb):  # a refused request is not a server error
            pass

    app.default_router.rules.insert(0, Rule(ForeignHost(), Forbidden))


class _BenignClosedSocket(logging.Filter):
    """Drops the record of a send to a websocket the browser already closed (a closed tab).

    Tornado's write task then fails with ``WebSocketClosedError`` and asyncio logs its traceback
    ("Task exception was never retrieved"); Bokeh adds a one-line warning. Nothing is wrong: the
    session is destroyed moments later. Every other error is still logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from tornado.iostream import StreamClosedError
        from tornado.websocket import WebSocketClosedError

        exc = record.exc_info[1] if record.exc_info else None
        while exc is not None:
            if isinstance(exc, (WebSocketClosedError, StreamClosedError)):
                return False
            exc = exc.__cause__ or exc.__context__
        message = record.getMessage()
        return "WebSocketClosedError" not in message and "Failed sending message as connection was closed" not in message


def quiet_closed_sockets() -> None:
    """Install :class:`_BenignClosedSocket` on the loggers that report it (once)."""
    for name in ("tornado.application", "tornado.general", "bokeh.server.protocol_handler", "bokeh.server.views.ws",
                 "bokeh.server.session", "bokeh.server.connection", "bokeh", "asyncio"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _BenignClosedSocket) for f in logger.filters):
            logger.addFilter(_BenignClosedSocket())


def _release_memory() -> None:
    """Collect the closed page's cycles and hand freed heap back to the system (glibc keeps it otherwise)."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the memory is reused by the next session instead


def _session_factory(examples_dir):
    open_sessions = [0]

    def gallery_page():  # a plain function: Panel calls it once per browser session
        template = build_app(examples_dir)
        view = template.vizkit_gallery
        open_sessions[0] += 1

        def closed(_session_context):
            view.close()
            _release_memory()
            open_sessions[0] -= 1
            print(f"vizkit gallery: a session closed and gave its memory back ({open_sessions[0]} open)", flush=True)

        pn.state.on_session_destroyed(closed)
        return template

    return gallery_page


def serve(port: int = 5006, address: str = "127.0.0.1", show: bool = False, examples_dir=None,
          websocket_origin: list[str] | None = None, **kwargs):
    """Serve the gallery until interrupted, printing its URL.

    Parameters
    ----------
    port : int
        The port; ``0`` picks a free one (the printed URL says which).
    address : str
        The address to listen on: ``127.0.0.1`` (this machine only) unless you ask otherwise.
    show : bool
        Open the gallery in a web browser.
    examples_dir : path, optional
        A folder of examples instead of the gallery's own.
    websocket_origin : list of str, optional
        Extra ``host:port`` names the server answers (default: this address and localhost), e.g.
        behind a reverse proxy.
    """
    os.environ.setdefault("BOKEH_RESOURCES", "server")
    configure_panel()
    quiet_closed_sockets()
    cat = catalog(examples_dir)  # read the examples once, before the first page is asked for
    if port == 0:
        port = _free_port(address)
    hosts = allowed_hosts(address, port, websocket_origin)
    kwargs.setdefault("check_unused_sessions_milliseconds", SESSION_CHECK_MS)  # bokeh's names: others are ignored
    kwargs.setdefault("unused_session_lifetime_milliseconds", SESSION_LIFETIME_MS)
    server = pn.serve(
        {"/": _session_factory(cat.examples_dir)}, port=port, address=address, show=False, start=False,
        title=TITLE, websocket_origin=sorted(hosts), verbose=False, **kwargs,
    )
    guard_hosts(server, hosts)
    host = f"[{address}]" if ":" in address else address
    url = f"http://{host}:{server.port}/"
    print(f"vizkit gallery: {len(cat.examples)} example(s) from {cat.examples_dir}", flush=True)
    print(f"vizkit gallery: serving at {url} (Ctrl+C to stop)", flush=True)
    server.start()
    if show:
        server.io_loop.add_callback(server.show, "/")
    try:
        server.io_loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return server


def _free_port(address: str) -> int:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    """``python -m vizkit_gallery [--port N] [--address A] [--show] [--examples-dir DIR]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m vizkit_gallery", description="Serve the vizkit gallery.")
    parser.add_argument("--port", type=int, default=5006, help="port (default 5006; 0 picks a free one)")
    parser.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--show", action="store_true", help="open the gallery in a web browser")
    parser.add_argument("--examples-dir", type=Path, default=None, help="a folder of examples (default: the gallery's own)")
    args = parser.parse_args(argv)
    serve(port=args.port, address=args.address, show=args.show, examples_dir=args.examples_dir)
    return 0
