"""The vizkit gallery: a Panel app that shows every example in every backend that can draw it.

``vizkit gallery`` (or :func:`serve`) starts it on http://127.0.0.1:5006. Each browser tab gets its
own page: a sidebar of examples grouped by category with thumbnails, and the selected example's
title, description, parameters, figure (in the backend of your choice), downloads and source.
An example that defines ``on_click(x, y, **params)`` gets a linked view: click a heatmap cell
(plotly or bokeh) and the figure ``on_click`` returns opens beside it.

Work is shared by all tabs and done once (:mod:`gallery._app_catalog`): examples are imported
on first use, figures cached per (example, parameters), thumbnails drawn in the background by
the matplotlib backend and kept on disk (``$VIZKIT_CACHE_DIR/thumbnails``, default
``~/.cache/vizkit/thumbnails``). Builds run in worker threads while the page shows a spinner.

The page is offline: Panel serves every script and stylesheet itself (``resources="server"``),
the Bootstrap template loads no web fonts, and the backends' figures embed what they need.

Run ``python -m gallery.app --help`` or ``vizkit gallery --help`` for the options.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import functools
import io
import os
import socket
import threading
import traceback
from pathlib import Path

import panel as pn
import param

from gallery import _app_render as R
from gallery._app_catalog import MPL_LOCK as _MPL_LOCK
from gallery._app_catalog import Catalog, Example, ParamSpec, option_label
from gallery._app_sidebar import ExampleList

TITLE = "vizkit gallery"
ACCENT = "#4f46e5"
BACKEND_LABELS = {"plotly": "Plotly", "bokeh": "Bokeh", "holoviews": "HoloViews", "matplotlib": "Matplotlib",
                  "circuitsvis": "CircuitsVis"}
FORMAT_ORDER = ("png", "svg", "pdf", "html", "json")
THUMB_POLL_MS = 1500

_CATALOGS: dict[Path, Catalog] = {}
_CATALOGS_LOCK = threading.Lock()
# Builds, renders and exports run here so the server keeps answering (builds themselves are serial:
# see Catalog.build_lock); two workers let an export or a render overlap a build.
_EXECUTOR = cf.ThreadPoolExecutor(max_workers=2, thread_name_prefix="vizkit-gallery")


def catalog(examples_dir: str | os.PathLike | None = None) -> Catalog:
    """The process-wide :class:`Catalog` of ``examples_dir``.

    Default: ``$VIZKIT_GALLERY_EXAMPLES`` if set (so ``vizkit gallery`` can serve another folder),
    else the repository's ``gallery/examples``.
    """
    from gallery._app_catalog import default_examples_dir

    examples_dir = examples_dir if examples_dir is not None else os.environ.get("VIZKIT_GALLERY_EXAMPLES") or None
    key = Path(examples_dir).expanduser().resolve() if examples_dir is not None else default_examples_dir()
    with _CATALOGS_LOCK:
        if key not in _CATALOGS:
            _CATALOGS[key] = Catalog(key)
        return _CATALOGS[key]


def _uses_matplotlib(backend: str | None, fmt: str | None = None) -> bool:
    return backend == "matplotlib" or (backend == "circuitsvis" and fmt == "svg")


def _prepare(cat: Catalog, fig, backend: str):
    """What the figure pane shows. PNGs and CircuitsVis pages are plain data, drawn once for all sessions;
    plotly, bokeh and HoloViews objects are rendered per session (a pane links to and mutates them)."""
    if backend not in ("matplotlib", "circuitsvis"):
        return R.prepare(fig, backend)

    def compute():
        if _uses_matplotlib(backend):
            with _MPL_LOCK:
                return fig, R.prepare(fig, backend)
        return fig, R.prepare(fig, backend)

    held, rendered = cat.views.get((backend, id(fig)), compute)
    return rendered if held is fig else compute()[1]  # an id reused after the figure left the cache


def _export(cat: Catalog, fig, fmt: str, backend: str) -> bytes:
    if _uses_matplotlib(backend, fmt):
        with _MPL_LOCK:
            return cat.export(fig, fmt, backend)
    return cat.export(fig, fmt, backend)


# ---------------------------------------------------------------------------------------------
# One page


class _Route(param.Parameterized):
    """What the URL says (``?example=...&backend=...``), so a view can be linked to and reloaded."""

    example = param.String(default="")
    backend = param.String(default="")


class GalleryView:
    """The page of one browser session: the template and the state behind its widgets.

    In a server session, builds and renders run in worker threads and their results are applied
    in the session's event loop; outside a server (tests, notebooks) every step runs at once.
    """

    def __init__(self, cat: Catalog, *, server: bool | None = None):
        self.catalog = cat
        self.server = _in_server_session() if server is None else server
        self.example: Example | None = None
        self.fig = None
        self.backend: str | None = None
        self.preferred_backend = "plotly"
        self.param_specs: list[ParamSpec] = []
        self.param_widgets: dict[str, pn.widgets.Widget] = {}
        self.click: tuple[str, str] | None = None
        self.linked_fig = None
        self.error: str | None = None
        self._generation = {"figure": 0, "linked": 0, "example": 0}
        self._quiet = False
        self._route = _Route()
        self._thumb_states: dict[str, str] = {}
        self._thumb_callback = None

        # -- sidebar
        self.sidebar = ExampleList(items=self._sidebar_items(), sizing_mode="stretch_width")
        self.sidebar.param.watch(self._on_sidebar, "selected")

        # -- the example's header
        self.title = pn.pane.HTML("", css_classes=["vk-heading"], sizing_mode="stretch_width", margin=(0, 5),
                                  stylesheets=[_PANE_CSS])
        self.description = pn.pane.Markdown("", css_classes=["vk-description"], sizing_mode="stretch_width",
                                            margin=(0, 5), stylesheets=[_PANE_CSS])

        # -- controls
        self.backend_switch = pn.widgets.RadioButtonGroup(options=[], color="primary", variant="outline",
                                                          margin=(4, 10, 4, 5))
        self.backend_switch.param.watch(self._on_backend, "value")
        self.params_box = pn.Row(sizing_mode="stretch_width", css_classes=["vk-params"], margin=0)
        self.controls = pn.Column(
            pn.Row(_html("<span class='vk-label'>Backend</span>", margin=(12, 0, 0, 5)), self.backend_switch, margin=0),
            self.params_box, css_classes=["vk-controls"], sizing_mode="stretch_width", margin=(6, 5))

        # -- figure, linked view, status
        # Figures keep their own size; the linked view sits beside the figure, or wraps below it when
        # the page is too narrow; a figure wider than the page scrolls sideways.
        self.linked_box = pn.Column(css_classes=["vk-linked"], margin=0, visible=False)
        self.figure_row = pn.FlexBox(self._placeholder("Choose an example in the sidebar."), self.linked_box,
                                     flex_wrap="wrap", gap="16px 20px", align_items="flex-start", min_height=240,
                                     sizing_mode="stretch_width", margin=(8, 5), css_classes=["vk-figure-row"],
                                     styles={"overflow-x": "auto"})
        self.status = pn.pane.Alert("", alert_type="danger", visible=False, sizing_mode="stretch_width", margin=(6, 5),
                                    css_classes=["vk-status"])

        # -- downloads and source
        self.downloads = pn.Row(css_classes=["vk-downloads"], margin=(4, 5), sizing_mode="stretch_width")
        self.source = pn.widgets.CodeEditor(value="", language="python", readonly=True, theme="github",
                                            sizing_mode="stretch_width", height=300, print_margin=False,
                                            css_classes=["vk-source"], styles={"border": "1px solid #eaecf0", "border-radius": "8px"})
        self.source_card = pn.Column(_html("<h2 class='vk-h2'>Source</h2>", margin=(0, 0, 4, 0)), self.source,
                                     sizing_mode="stretch_width", margin=(18, 5, 24, 5), css_classes=["vk-source-card"])

        self.main = pn.Column(self.title, self.description, self.controls, self.status, self.figure_row,
                              self.downloads, self.source_card, sizing_mode="stretch_width", css_classes=["vk-main"])
        self.template = pn.template.BootstrapTemplate(
            title=TITLE, sidebar=[self.sidebar], main=[self.main], header_background="#1e1b4b", header_color="#ffffff",
            sidebar_width=300, main_max_width="1500px", favicon=None,
        )
        self.template.config.raw_css.append(_CSS)
        self.template.vizkit_gallery = self  # tests and notebooks reach the state through the page

        first = self._initial_example()
        if self.server:
            pn.state.location.sync(self._route, {"example": "example", "backend": "backend"})
            pn.state.onload(functools.partial(self._on_load, first))
        elif first is not None:
            self._show_header(self.catalog.examples[first])

    # -- start -----------------------------------------------------------------------------------
    def _initial_example(self) -> str | None:
        args = pn.state.session_args if self.server else {}
        wanted = _arg(args, "example")
        backend = _arg(args, "backend")
        if backend in BACKEND_LABELS:
            self.preferred_backend = backend
        if wanted in self.catalog.examples:
            return wanted
        return next(iter(self.catalog.examples), None)

    def _on_load(self, first: str | None) -> None:
        if first is not None:
            self.select(first)
        self.catalog.thumbnails.start()
        if self.catalog.thumbnails.missing():
            self._thumb_callback = pn.state.add_periodic_callback(self._poll_thumbnails, period=THUMB_POLL_MS)

    # -- the sidebar -------------------------------------------------------------------------------
    def _sidebar_items(self) -> list[dict]:
        thumbs = self.catalog.thumbnails
        items = []
        for ex in self.catalog.examples.values():
            state = thumbs.state.get(ex.name, "pending")
            items.append({"name": ex.name, "title": ex.title, "category": ex.category,
                          "thumb": thumbs.data_uri(ex.name) if state == "ready" else "", "state": state})
            self._thumb_states[ex.name] = state
        return items

    def _poll_thumbnails(self) -> None:
        states = dict(self.catalog.thumbnails.state)
        if states != self._thumb_states:
            self.sidebar.items = self._sidebar_items()
        if not any(s == "pending" for s in states.values()) and self._thumb_callback is not None:
            self._thumb_callback.stop()
            self._thumb_callback = None

    def _on_sidebar(self, event) -> None:
        if not self._quiet and event.new and (self.example is None or event.new != self.example.name):
            self.select(event.new)

    # -- selecting an example ----------------------------------------------------------------------
    def select(self, name: str) -> None:
        """Show example ``name``: header and source at once, then its parameters and figure."""
        ex = self.catalog.examples[name]
        self.example, self.fig, self.click, self.linked_fig = ex, None, None, None
        self._show_header(ex)
        self._show_error(None)
        with self._quietly():
            self.sidebar.selected = name
            self._route.example = name
        self.params_box.objects = []
        self.downloads.objects = []
        self.linked_box.objects = []
        self.linked_box.visible = False
        self._schedule("example", lambda: ex.params(), functools.partial(self._apply_params, ex),
                       loading=[self.params_box])
        if self.server:  # the figure step that follows clears it
            self.figure_row.loading = True

    def _show_header(self, ex: Example) -> None:
        import html

        self.title.object = (f"<div class='vk-category'>{html.escape(ex.category)}</div>"
                             f"<h1 class='vk-title'>{html.escape(ex.title)}</h1>")
        self.description.object = ex.description
        self.source.value = ex.source
        self.source.height = min(560, 24 + 14 * (ex.source.count("\n") + 1))

    def _apply_params(self, ex: Example, specs: list[ParamSpec]) -> None:
        if self.example is not ex:
            return
        self.param_specs = specs
        self.param_widgets = {s.name: _widget(s) for s in specs}
        for w in self.param_widgets.values():
            w.param.watch(self._on_param, "value_throttled" if isinstance(w, pn.widgets.IntSlider | pn.widgets.FloatSlider)
                          else "value")
        self.params_box.objects = list(self.param_widgets.values())
        self.refresh()

    def params(self) -> dict:
        """The current parameter values (what ``build`` receives)."""
        out = {}
        for spec in self.param_specs:
            value = self.param_widgets[spec.name].value
            if spec.kind == "select":
                value = next((v for v in spec.options if option_label(v) == value), spec.default)
            out[spec.name] = value
        return out

    def _on_param(self, _event) -> None:
        if not self._quiet:
            self.refresh()

    def _on_backend(self, event) -> None:
        if self._quiet or not event.new:
            return
        self.preferred_backend = event.new
        self.refresh()

    # -- building and rendering --------------------------------------------------------------------
    def refresh(self) -> None:
        """Build (cached) and render the current example with the current parameters and backend."""
        ex = self.example
        if ex is None:
            return
        params, preferred, click = self.params(), self.preferred_backend, self.click
        cat = self.catalog

        def compute():
            from vizkit.backends import backends_for

            fig = cat.figure(ex.name, params)
            options = backends_for(fig.kind)
            backend = preferred if preferred in options else options[0]
            rendered = _prepare(cat, fig, backend)
            try:  # a failing on_click must not take the figure down with it
                linked = self._compute_linked(ex, click, params, backend) if click else None
            except Exception as exc:
                linked = exc
            return fig, options, backend, rendered, linked

        self._schedule("figure", compute, functools.partial(self._apply_figure, ex), loading=[self.figure_row])

    def _compute_linked(self, ex: Example, click, params: dict, backend: str):
        from vizkit.backends import supports

        fig = self.catalog.linked_figure(ex.name, click[0], click[1], params)
        return fig, _prepare(self.catalog, fig, backend if supports(backend, fig.kind) else "plotly")

    def _apply_figure(self, ex: Example, result) -> None:
        if self.example is not ex:
            return
        fig, options, backend, rendered, linked = result
        self.fig, self.backend = fig, backend
        with self._quietly():
            self.backend_switch.options = {BACKEND_LABELS.get(b, b): b for b in options}
            self.backend_switch.value = backend
            self._route.backend = backend
        pane = R.pane(rendered, css_class="vk-figure", tags=(f"vk-example-{ex.name}",))
        if backend == "plotly":
            pane[0].param.watch(self._on_plotly_click, "click_data")
        elif backend == "bokeh" and ex.has_on_click:
            self._watch_bokeh_taps(fig, rendered.native)
        self.figure_row.objects = [pane, self.linked_box]
        self._show_error(None)
        self._set_downloads(ex, fig, backend)
        self._show_linked(ex, linked)

    def _set_downloads(self, ex: Example, fig, backend: str) -> None:
        from vizkit.backends import load

        formats = [f for f in FORMAT_ORDER if f == "json" or f in load(backend).FORMATS]
        buttons = [_html("<span class='vk-label'>Download</span>", margin=(12, 4, 0, 0))]
        for fmt in formats:
            filename = f"{ex.name}.json" if fmt == "json" else f"{ex.name}.{backend}.{fmt}"
            buttons.append(pn.widgets.FileDownload(
                callback=self._download_callback(fig, fmt, backend), filename=filename, label=fmt.upper(),
                color="light", icon=_DOWNLOAD_ICON, embed=False, auto=True, margin=(4, 4),
                css_classes=["vk-download", f"vk-download-{fmt}"], description=f"Save {filename}"))
        self.downloads.objects = buttons

    def _download_callback(self, fig, fmt: str, backend: str):
        cat = self.catalog

        if not self.server:
            return lambda: io.BytesIO(_export(cat, fig, fmt, backend))

        async def download():
            loop = asyncio.get_running_loop()
            try:
                data = await loop.run_in_executor(_EXECUTOR, _export, cat, fig, fmt, backend)
            except Exception as exc:
                self._show_error(f"Could not write {fmt.upper()} with the {backend} backend: {exc}")
                raise
            return io.BytesIO(data)

        return download

    # -- the linked view -----------------------------------------------------------------------------
    def _on_plotly_click(self, event) -> None:
        if self.fig is None or self.example is None or not self.example.has_on_click:
            return
        cell = R.plotly_click(self.fig, event.new)
        if cell is not None:
            self.clicked(*cell)

    def _watch_bokeh_taps(self, fig, root) -> None:
        from bokeh.events import Tap

        for plot, panel, mark in R.bokeh_heatmap_plots(fig, root):
            def on_tap(event, panel=panel, mark=mark):
                cell = R.bokeh_cell(mark, event.x, event.y)
                if cell is not None:
                    self.clicked(*R.cell_labels(panel, mark, *cell))

            plot.on_event(Tap, on_tap)

    def clicked(self, x: str, y: str) -> None:
        """Show ``on_click(x, y, **params)`` of the current example beside its heatmap."""
        ex = self.example
        if ex is None or not ex.has_on_click:
            return
        self.click = (str(x), str(y))
        params, backend, click = self.params(), self.backend or "plotly", self.click
        self.linked_box.visible = True
        self._schedule("linked", lambda: self._compute_linked(ex, click, params, backend),
                       functools.partial(self._show_linked, ex), loading=[self.linked_box])

    def _show_linked(self, ex: Example, linked) -> None:
        if self.example is not ex:
            return
        if not ex.has_on_click:
            self.linked_box.visible = False
            return
        self.linked_box.visible = True
        if linked is None:
            hint = ("Click a heatmap cell to open its linked view here." if self.backend in ("plotly", "bokeh")
                    else "Switch to Plotly or Bokeh and click a heatmap cell to open its linked view here.")
            self.linked_box.objects = [self._placeholder(hint, css="vk-linked-hint")]
            return
        if isinstance(linked, Exception):
            self.linked_box.objects = [self._placeholder(f"The linked view could not be drawn: {linked}", css="vk-linked-hint")]
            return
        fig, rendered = linked
        self.linked_fig = fig
        import html

        xname, yname = _axis_names(self.fig)
        caption = _html(f"<div class='vk-linked-caption'>Linked view of the clicked cell: {html.escape(yname)} "
                        f"<b>{html.escape(self.click[1])}</b>, {html.escape(xname)} <b>{html.escape(self.click[0])}</b></div>",
                        margin=(0, 0, 4, 0))
        self.linked_box.width = rendered.width + 8
        self.linked_box.objects = [caption, R.pane(rendered, css_class="vk-linked-figure")]

    # -- plumbing ------------------------------------------------------------------------------------
    def _schedule(self, what: str, compute, apply, *, loading=()) -> None:
        """Run ``compute`` (in a worker thread in a server session), then ``apply(result)``, unless superseded."""
        self._generation[what] += 1
        generation = self._generation[what]
        catalog = self.catalog

        def work():
            with catalog.busy():  # thumbnails wait while a page waits for this
                return compute()

        if not self.server:
            try:
                apply(work())
            except Exception as exc:
                self._show_error(exc)
            return

        for box in loading:
            box.loading = True

        async def run():
            try:
                result = await asyncio.get_running_loop().run_in_executor(_EXECUTOR, work)
            except Exception as exc:
                if generation == self._generation[what]:
                    traceback.print_exc()
                    self._show_error(exc)
                    if what != "linked":
                        self.figure_row.objects = [self._placeholder("The figure could not be drawn."), self.linked_box]
                        self.figure_row.loading = False
            else:
                if generation == self._generation[what]:
                    try:
                        apply(result)
                    except Exception as exc:
                        traceback.print_exc()
                        self._show_error(exc)
            finally:
                if generation == self._generation[what]:
                    for box in loading:
                        box.loading = False

        pn.state.execute(run)

    def _show_error(self, error) -> None:
        import html

        self.error = None if error is None else str(error)  # exception text may hold tokens: shown as text
        self.status.object = "" if error is None else f"**Error.** {html.escape(self.error)}"
        self.status.visible = error is not None

    def _quietly(self):
        view = self

        class _Quiet:
            def __enter__(self):
                self.before, view._quiet = view._quiet, True

            def __exit__(self, *exc):
                view._quiet = self.before

        return _Quiet()

    @staticmethod
    def _placeholder(text: str, css: str = "vk-placeholder"):
        import html

        return _html(f"<div class='{css}'>{html.escape(text)}</div>", margin=0)


def _axis_names(fig) -> tuple[str, str]:
    """What a heatmap cell's x and y are called (its hover titles), for the linked view's caption."""
    from vizkit.spec import Heatmap

    mark = next(iter(fig.marks(Heatmap)), None) if fig is not None else None
    return (getattr(mark, "x_title", None) or "x"), (getattr(mark, "y_title", None) or "y")


def _html(text: str, **kwargs):
    """An HTML pane styled by the gallery's stylesheet (panes live in shadow DOM: page CSS does not reach them)."""
    return pn.pane.HTML(text, stylesheets=[_PANE_CSS], **kwargs)


def _widget(spec: ParamSpec) -> pn.widgets.Widget:
    label = spec.name.replace("_", " ")
    if spec.kind == "text":
        return pn.widgets.TextInput(label=label, value=spec.default, width=460, css_classes=["vk-param", f"vk-param-{spec.name}"],
                                    placeholder=f"Type a {label} and press Enter", description="Press Enter to redraw")
    if spec.kind == "int":
        return pn.widgets.IntSlider(label=label, start=spec.bounds[0], end=spec.bounds[1], value=spec.default, width=220,
                                    css_classes=["vk-param", f"vk-param-{spec.name}"])
    if spec.kind == "float":
        return pn.widgets.FloatSlider(label=label, start=spec.bounds[0], end=spec.bounds[1], value=spec.default, width=220,
                                      css_classes=["vk-param", f"vk-param-{spec.name}"])
    # Options by label ("all" for None: a select cannot hold None as a value), mapped back in params().
    return pn.widgets.Select(label=label, options=[option_label(v) for v in spec.options], value=option_label(spec.default),
                             width=160, css_classes=["vk-param", f"vk-param-{spec.name}"])


def _arg(args: dict, name: str) -> str | None:
    values = args.get(name) or []
    if not values:
        return None
    value = values[0]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _in_server_session() -> bool:
    doc = pn.state.curdoc
    return doc is not None and getattr(doc, "session_context", None) is not None


# ---------------------------------------------------------------------------------------------
# Public entry points


def _configure_panel() -> None:
    """Panel settings of the gallery: assets from this server (no CDN), a quiet spinner."""
    pn.extension("plotly", "codeeditor", design="bootstrap", loading_spinner="dots", loading_color=ACCENT,
                 notifications=False, sizing_mode="fixed", inline=False)
    pn.config.throttled = False


def build_app(examples_dir: str | os.PathLike | None = None):
    """The gallery page (a ``BootstrapTemplate``) for the examples in ``examples_dir``.

    Parameters
    ----------
    examples_dir : path, optional
        A folder of example modules (``*.py``; files starting with ``_`` are skipped); default
        ``$VIZKIT_GALLERY_EXAMPLES``, else the repository's ``gallery/examples``.

    Returns
    -------
    panel.template.BootstrapTemplate
        Its ``vizkit_gallery`` attribute is the :class:`GalleryView` behind the page.
    """
    _configure_panel()
    return GalleryView(catalog(examples_dir)).template


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
        A folder of examples instead of the repository's.
    websocket_origin : list of str, optional
        Extra ``host:port`` origins allowed to connect (default: this address and localhost).
    """
    os.environ.setdefault("BOKEH_RESOURCES", "server")
    _configure_panel()
    cat = catalog(examples_dir)  # read the examples once, before the first page is asked for
    if port == 0:
        port = _free_port(address)
    origins = {f"localhost:{port}", f"127.0.0.1:{port}", f"{address}:{port}"}
    if address not in ("127.0.0.1", "localhost", "::1"):
        origins |= {f"{socket.gethostname()}:{port}", f"{socket.getfqdn()}:{port}"}
    origins |= set(websocket_origin or ())
    server = pn.serve(
        {"/": _session_factory(cat.examples_dir)}, port=port, address=address, show=False, start=False,
        title=TITLE, websocket_origin=sorted(origins), verbose=False, **kwargs,
    )
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


def _session_factory(examples_dir):
    def gallery_page():  # a plain function: Panel calls it once per browser session
        return build_app(examples_dir)

    return gallery_page


def _free_port(address: str) -> int:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m gallery.app", description="Serve the vizkit gallery.")
    parser.add_argument("--port", type=int, default=5006, help="port (default 5006; 0 picks a free one)")
    parser.add_argument("--address", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--show", action="store_true", help="open the gallery in a web browser")
    parser.add_argument("--examples-dir", type=Path, default=None, help="a folder of examples (default gallery/examples)")
    args = parser.parse_args(argv)
    serve(port=args.port, address=args.address, show=args.show, examples_dir=args.examples_dir)
    return 0


_DOWNLOAD_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24" fill="none" '
                  'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
                  '<path d="M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2 -2v-2"/><path d="M7 11l5 5l5 -5"/><path d="M12 4l0 12"/></svg>')

# The page (document level: template chrome).
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
#sidebar { background: #fcfcfd; border-right: 1px solid #eaecf0; }
#header { box-shadow: 0 1px 3px rgba(16, 24, 40, .25); }
#main { padding-top: 12px; }
"""

# Inside panes (each pane has its own shadow root).
_PANE_CSS = """
:host { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
.vk-category { font-size: 12px; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: #4f46e5; margin-top: 6px; }
.vk-title { font-size: 26px; font-weight: 650; line-height: 1.25; margin: 4px 0 2px; color: #101828; }
:host(.vk-description) { color: #344054; font-size: 15px; line-height: 1.55; max-width: 920px; }
:host(.vk-description) p { margin: 4px 0 8px; }
.vk-label { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; color: #667085; }
.vk-h2 { font-size: 16px; font-weight: 650; color: #101828; margin: 0; }
.vk-placeholder { padding: 48px 24px; color: #667085; font-size: 14px; border: 1px dashed #d0d5dd;
  border-radius: 10px; min-width: 420px; text-align: center; }
.vk-linked-hint { padding: 32px 20px; color: #667085; font-size: 13px; border: 1px dashed #d0d5dd; border-radius: 10px;
  width: 300px; text-align: center; margin-top: 40px; }
.vk-linked-caption { font-size: 13px; color: #475467; }
"""


if __name__ == "__main__":  # python -m gallery.app
    raise SystemExit(main())
elif __name__.startswith("bokeh_app"):  # panel serve gallery/app.py
    build_app().servable()
