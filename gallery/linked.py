"""The linked view: click a heatmap cell and what the example's ``on_click(x, y, **params)`` returns opens beside it.

Plotly reports clicks through the pane's ``click_data``; bokeh through a ``Tap`` event on each
heatmap plot. Either way the cell becomes the figure's own (x, y) labels (:mod:`.render`), and the
linked figure is built (cached process-wide, like figures) and drawn in the same backend when it can.
"""

from __future__ import annotations

import functools
import html

import panel as pn

from . import render as R
from .library import supports
from .panes import html_pane, placeholder


class LinkedView:
    """The box beside a figure and the state behind it, for one page (:class:`~.view.GalleryView`)."""

    def __init__(self, page):
        self.page = page
        self.box = pn.Column(css_classes=["vk-linked"], margin=0, visible=False)
        self.click: tuple[str, str] | None = None
        self.fig = None

    def reset(self) -> None:
        """Forget the click and empty the box (another example is shown)."""
        self.click, self.fig = None, None
        self.box.objects = []
        self.box.visible = False

    def compute(self, ex, click, params: dict, backend: str):
        """``(figure, rendered)`` of ``on_click`` for ``click``: runs in a worker thread."""
        cat = self.page.catalog
        fig = cat.linked_figure(ex.name, click[0], click[1], params)
        return fig, R.prepare_shared(cat, fig, backend if supports(backend, fig.kind) else "plotly")

    # -- clicks ---------------------------------------------------------------------------------
    def on_plotly_click(self, event) -> None:
        page = self.page
        if page.fig is None or page.example is None or not page.example.has_on_click:
            return
        cell = R.plotly_click(page.fig, event.new)
        if cell is not None:
            self.clicked(*cell)

    def watch_bokeh_taps(self, fig, root) -> None:
        from bokeh.events import Tap

        for plot, panel, mark in R.bokeh_heatmap_plots(fig, root):
            def on_tap(event, panel=panel, mark=mark):
                cell = R.bokeh_cell(mark, event.x, event.y)
                if cell is not None:
                    self.clicked(*R.cell_labels(panel, mark, *cell))

            plot.on_event(Tap, on_tap)

    def clicked(self, x: str, y: str) -> None:
        """Show ``on_click(x, y, **params)`` of the current example beside its heatmap."""
        page = self.page
        ex = page.example
        if ex is None or not ex.has_on_click:
            return
        self.click = (str(x), str(y))
        params, backend, click = page.params(), page.backend or "plotly", self.click
        self.box.visible = True
        page.schedule("linked", lambda: self.compute(ex, click, params, backend), functools.partial(self.show, ex),
                      loading=[self.box])

    # -- showing ----------------------------------------------------------------------------------
    def show(self, ex, linked) -> None:
        """Put ``linked`` in the box: a hint before any click, the error of a failed ``on_click``, or the figure."""
        page = self.page
        if page.example is not ex:
            return
        if not ex.has_on_click:
            self.box.visible = False
            return
        self.box.visible = True
        if linked is None:
            hint = ("Click a heatmap cell to open its linked view here." if page.backend in ("plotly", "bokeh")
                    else "Switch to Plotly or Bokeh and click a heatmap cell to open its linked view here.")
            self.box.objects = [placeholder(hint, css="vk-linked-hint")]
            return
        if isinstance(linked, Exception):
            self.box.objects = [placeholder(f"The linked view could not be drawn: {linked}", css="vk-linked-hint")]
            return
        fig, rendered = linked
        self.fig = fig
        xname, yname = _axis_names(page.fig)
        caption = html_pane(f"<div class='vk-linked-caption'>Linked view of the clicked cell: {html.escape(yname)} "
                            f"<b>{html.escape(self.click[1])}</b>, {html.escape(xname)} <b>{html.escape(self.click[0])}</b></div>",
                            margin=(0, 0, 4, 0))
        self.box.width = rendered.width + 8
        self.box.objects = [caption, R.pane(rendered, css_class="vk-linked-figure")]


def _axis_names(fig) -> tuple[str, str]:
    """What a heatmap cell's x and y are called (its hover titles), for the linked view's caption."""
    from vizkit.spec import Heatmap

    mark = next(iter(fig.marks(Heatmap)), None) if fig is not None else None
    return (getattr(mark, "x_title", None) or "x"), (getattr(mark, "y_title", None) or "y")
