"""The page of one browser session: the template, and the state behind its widgets.

In a server session, builds and renders run in the worker pool (:mod:`.work`) and their results
are applied in the session's event loop, unless a newer request superseded them; outside a server
(tests, notebooks) every step runs at once. When the session ends, :meth:`GalleryView.close` drops
everything the page held, so a closed tab leaves nothing behind but the process-wide caches.
"""

from __future__ import annotations

import asyncio
import functools
import html
import traceback

import panel as pn
import param

from . import controls
from . import downloads as D
from . import render as R
from .catalog import Catalog
from .discovery import Example, ParamSpec
from .library import backends_for
from .linked import LinkedView
from .panes import PAGE_CSS, PANE_CSS, error_markup, html_pane, placeholder
from .sidebar import ExampleList
from .work import EXECUTOR, in_server_session

TITLE = "vizkit gallery"
THUMB_POLL_MS = 1500


class _Route(param.Parameterized):
    """What the URL says (``?example=...&backend=...``), so a view can be linked to and reloaded."""

    example = param.String(default="")
    backend = param.String(default="")


class GalleryView:
    """One page: a sidebar of examples, and the selected example's header, controls, figure, downloads and source."""

    def __init__(self, cat: Catalog, *, server: bool | None = None):
        self.catalog = cat
        self.server = in_server_session() if server is None else server
        self.example: Example | None = None
        self.fig = None
        self.backend: str | None = None
        self.preferred_backend = "plotly"
        self.param_specs: list[ParamSpec] = []
        self.param_widgets: dict[str, pn.widgets.Widget] = {}
        self.error: str | None = None
        self.closed = False
        self._generation = {"figure": 0, "linked": 0, "example": 0}
        self._quiet = False
        self._route = _Route()
        self._thumb_states: dict[str, str] = {}
        self._thumb_callback = None

        self.sidebar = ExampleList(items=self._sidebar_items(), sizing_mode="stretch_width")
        self.sidebar.param.watch(self._on_sidebar, "selected")
        self.title = pn.pane.HTML("", css_classes=["vk-heading"], sizing_mode="stretch_width", margin=(0, 5),
                                  stylesheets=[PANE_CSS])
        self.description = pn.pane.Markdown("", css_classes=["vk-description"], sizing_mode="stretch_width",
                                            margin=(0, 5), stylesheets=[PANE_CSS])
        self.backend_switch = controls.backend_switch()
        self.backend_switch.param.watch(self._on_backend, "value")
        self.params_box = pn.Row(sizing_mode="stretch_width", css_classes=["vk-params"], margin=0)
        self.controls = pn.Column(
            pn.Row(html_pane("<span class='vk-label'>Backend</span>", margin=(12, 0, 0, 5)), self.backend_switch, margin=0),
            self.params_box, css_classes=["vk-controls"], sizing_mode="stretch_width", margin=(6, 5))
        # Figures keep their own size; the linked view sits beside the figure, or wraps below it when
        # the page is too narrow; a figure wider than the page scrolls sideways.
        self.linked = LinkedView(self)
        self.figure_row = pn.FlexBox(placeholder("Choose an example in the sidebar."), self.linked.box,
                                     flex_wrap="wrap", gap="16px 20px", align_items="flex-start", min_height=240,
                                     sizing_mode="stretch_width", margin=(8, 5), css_classes=["vk-figure-row"],
                                     styles={"overflow-x": "auto"})
        self.status = html_pane("", visible=False, sizing_mode="stretch_width", margin=(6, 5), css_classes=["vk-status"])
        self.downloads = pn.Row(css_classes=["vk-downloads"], margin=(4, 5), sizing_mode="stretch_width")
        self.source = pn.widgets.CodeEditor(value="", language="python", readonly=True, theme="github",
                                            sizing_mode="stretch_width", height=300, print_margin=False,
                                            css_classes=["vk-source"], styles={"border": "1px solid #eaecf0", "border-radius": "8px"})
        self.source_card = pn.Column(html_pane("<h2 class='vk-h2'>Source</h2>", margin=(0, 0, 4, 0)), self.source,
                                     sizing_mode="stretch_width", margin=(18, 5, 24, 5), css_classes=["vk-source-card"])
        self.main = pn.Column(self.title, self.description, self.controls, self.status, self.figure_row,
                              self.downloads, self.source_card, sizing_mode="stretch_width", css_classes=["vk-main"])
        self.template = pn.template.BootstrapTemplate(
            title=TITLE, sidebar=[self.sidebar], main=[self.main], header_background="#1e1b4b", header_color="#ffffff",
            sidebar_width=300, main_max_width="1500px", favicon=None,
            # No header busy spinner: Panel updates every session's spinner on every event of any session
            # (a process-wide list), so ten tabs made every click ten times the work. Boxes show their own.
            busy_indicator=None,
        )
        self.template.config.raw_css.append(PAGE_CSS)
        self.template.vizkit_gallery = self  # tests and notebooks reach the state through the page

        first = self._initial_example()
        if self.server:
            pn.state.location.sync(self._route, {"example": "example", "backend": "backend"})
            pn.state.onload(functools.partial(self._on_load, first))
        elif first is not None:
            self._show_header(self.catalog.examples[first])

    # -- the linked view, as the tests and notebooks know it ----------------------------------------
    @property
    def linked_box(self):
        return self.linked.box

    @property
    def linked_fig(self):
        return self.linked.fig

    def clicked(self, x: str, y: str) -> None:
        """Show ``on_click(x, y, **params)`` of the current example beside its heatmap."""
        self.linked.clicked(x, y)

    def _on_plotly_click(self, event) -> None:
        self.linked.on_plotly_click(event)

    # -- start and end ---------------------------------------------------------------------------
    def _initial_example(self) -> str | None:
        args = pn.state.session_args if self.server else {}
        wanted = controls.session_arg(args, "example")
        backend = controls.session_arg(args, "backend")
        if backend in controls.BACKEND_LABELS:
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

    def close(self) -> None:
        """The session ended: stop polling, drop results still in flight, and let go of the figures held.

        Panel objects are not touched: their document is already gone; Panel cleans up its models.
        """
        self.closed = True
        if self._thumb_callback is not None:
            try:
                self._thumb_callback.stop()
            except Exception:  # the session's event loop may already have dropped it
                pass
            self._thumb_callback = None
        for what in self._generation:
            self._generation[what] += 1
        self.fig = self.example = None
        self.linked.click = self.linked.fig = None

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
        self.example, self.fig = ex, None
        self.linked.reset()
        self._show_header(ex)
        self._show_error(None)
        with self._quietly():
            self.sidebar.selected = name
            self._route.example = name
        self.params_box.objects = []
        self.downloads.objects = []
        self.schedule("example", lambda: ex.params(), functools.partial(self._apply_params, ex), loading=[self.params_box])
        if self.server:  # the figure step that follows clears it
            self.figure_row.loading = True

    def _show_header(self, ex: Example) -> None:
        self.title.object = (f"<div class='vk-category'>{html.escape(ex.category)}</div>"
                             f"<h1 class='vk-title'>{html.escape(ex.title)}</h1>")
        self.description.object = ex.description
        self.source.value = ex.source
        self.source.height = min(560, 24 + 14 * (ex.source.count("\n") + 1))

    def _apply_params(self, ex: Example, specs: list[ParamSpec]) -> None:
        if self.example is not ex:
            return
        self.param_specs = specs
        self.param_widgets = {s.name: controls.param_widget(s) for s in specs}
        for w in self.param_widgets.values():
            controls.watch(w, self._on_param)
        self.params_box.objects = list(self.param_widgets.values())
        self.refresh()

    def params(self) -> dict:
        """The current parameter values (what ``build`` receives)."""
        return controls.param_values(self.param_specs, self.param_widgets)

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
        params, preferred, click = self.params(), self.preferred_backend, self.linked.click
        problem = controls.text_problem(self.param_specs, params)
        if problem is not None:  # a prompt too long to build: say so, keep the figure that is shown
            self._generation["figure"] += 1
            self.figure_row.loading = False
            self._show_error(problem)
            return
        cat = self.catalog

        def compute():
            fig = cat.figure(ex.name, params)
            only = getattr(ex.module(), "BACKENDS", None)  # an example may leave out a backend that cannot draw it in time
            options = [b for b in backends_for(fig.kind) if only is None or b in only]
            backend = preferred if preferred in options else options[0]
            rendered = (R.prepare_live(ex, params, fig, backend) if self.server else None) or R.prepare_shared(cat, fig, backend)
            try:  # a failing on_click must not take the figure down with it
                linked = self.linked.compute(ex, click, params, backend) if click else None
            except Exception as exc:
                linked = exc
            return fig, options, backend, rendered, linked

        self.schedule("figure", compute, functools.partial(self._apply_figure, ex), loading=[self.figure_row])

    def _apply_figure(self, ex: Example, result) -> None:
        if self.example is not ex:
            return
        fig, options, backend, rendered, linked = result
        self.fig, self.backend = fig, backend
        with self._quietly():
            self.backend_switch.options = {controls.BACKEND_LABELS.get(b, b): b for b in options}
            self.backend_switch.value = backend
            self._route.backend = backend
        pane = R.pane(rendered, css_class="vk-figure", tags=(f"vk-example-{ex.name}",))
        if backend == "plotly":
            pane[0].param.watch(self._on_plotly_click, "click_data")
        elif backend == "bokeh" and ex.has_on_click and not rendered.live:
            self.linked.watch_bokeh_taps(fig, rendered.native)
        self.figure_row.objects = [pane, self.linked.box]
        self._show_error(None)
        self.downloads.objects = D.buttons(self.catalog, ex.name, fig, backend, server=self.server, on_error=self._show_error,
                                           label=html_pane("<span class='vk-label'>Download</span>", margin=(12, 4, 0, 0)))
        self.linked.show(ex, linked)

    # -- plumbing ------------------------------------------------------------------------------------
    def schedule(self, what: str, compute, apply, *, loading=()) -> None:
        """Run ``compute`` (in the worker pool in a server session), then ``apply(result)``, unless superseded."""
        if self.closed:
            return
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

        def current() -> bool:
            return generation == self._generation[what] and not self.closed

        async def run():
            try:
                result = await asyncio.get_running_loop().run_in_executor(EXECUTOR, work)
            except Exception as exc:
                if current():
                    traceback.print_exc()
                    self._show_error(exc)
                    if what != "linked":
                        self.figure_row.objects = [placeholder("The figure could not be drawn."), self.linked.box]
                        self.figure_row.loading = False
            else:
                if current():
                    try:
                        apply(result)
                    except Exception as exc:
                        traceback.print_exc()
                        self._show_error(exc)
            finally:
                if current():
                    for box in loading:
                        box.loading = False

        pn.state.execute(run)

    def _show_error(self, error) -> None:
        self.error = None if error is None else str(error)  # exception text may hold tokens: shown as text
        self.status.object = "" if error is None else error_markup(self.error)
        self.status.visible = error is not None

    def _quietly(self):
        view = self

        class _Quiet:
            def __enter__(self):
                self.before, view._quiet = view._quiet, True

            def __exit__(self, *exc):
                view._quiet = self.before

        return _Quiet()
