"""Slider frames built lazily in the page (issue 12): only frame 0's plots are bokeh models, the others are data.

A slider over layers of a whole model used to build every plot of every frame (12 frames × 12
heads = 144 plots, 9–18 s to serialise). When every frame has the same panels, axes, ticks, hover
fields and colour scales as frame 0 and differs only in heatmap values and panel titles, the page
holds frame 0's plots and, for every other frame, each heatmap's values once (an ``ndarray``, in
the spec's float dtype); a ``CustomJS`` on the slider puts frame ``k``'s values into the image
sources (gaps at NaN and ±inf, hatch marks over ±inf: :mod:`.cells`' JavaScript twins), its titles
into the plots and its name into each plot (``vizkit-panel-k-i``). The page's model count stays
that of one frame, and every frame stays reachable exactly.
"""

from __future__ import annotations

from .cells import INF_NAME, RUNS_JS, TILE, infinite, values

_SWAP_JS = RUNS_JS + """
const k = Math.min(Math.max(Math.round(Number(cb_obj.value)), 0), frames.length - 1);
frames[k].forEach((v, m) => {
  const data = sources[m].data, exact = 'value' in data;  // exact: the hover reads a separate column of exact values
  if (v === null) v = frames[k][m] = (exact ? data.value : data.image)[0];  // frame 0: the values the page was built with
  const drawn = new v.constructor(v, v.shape);
  for (let i = 0; i < drawn.length; i++) if (!Number.isFinite(drawn[i])) drawn[i] = NaN;
  sources[m].data = exact ? {...data, image: [drawn], value: [v]} : {...data, image: [drawn]};
  infs[m].data = runs(v, v.shape[0], v.shape[1]);
});
plots.forEach((p, i) => {
  p.name = 'vizkit-panel-' + k + '-' + i;
  if (p.title && titles[k][i] !== null) {  // swap in the spare PlainText (a PlainText's own text does not repaint)
    const spare = spares[i], current = p.title.text;
    spare.text = titles[k][i];
    p.title.text = spare;
    spares[i] = current;
  }
});"""


def _key(panel_plan, plan):
    """What must be equal between a panel of any frame and frame 0's for the values alone to be swapped."""
    from ...spec import Heatmap

    marks = panel_plan.marks
    if not marks or panel_plan.tokens is not None or not all(type(m) is Heatmap for m in marks):
        return None
    if any(m.text is not None for m in marks):  # cell text differs by frame: every frame is built
        return None
    if any(max(m.z.shape) > TILE for m in marks):  # tiles: one image per source, not several
        return None
    scales = tuple(None if plan.shares_scale(m) else m.colorscale for m in marks)
    heat = tuple((m.z.shape, m.x_labels, m.y_labels, m.show_scale) for m in marks)
    return panel_plan.index, panel_plan.cell, panel_plan.x, panel_plan.y, panel_plan.hover, scales, heat


def swappable(plan) -> bool:
    """Whether the frames of ``plan`` differ only in heatmap values and panel titles (so one frame's plots serve all)."""
    if plan.slider is None or plan.n_frames < 2:
        return False
    first = [_key(p, plan) for p in plan.frame(0)]
    if None in first:
        return False
    try:
        return all([_key(p, plan) for p in plan.frame(k)] == first for k in range(1, plan.n_frames))
    except (TypeError, ValueError):  # a key holding arrays that do not compare: build every frame
        return False


def frame_values(plan) -> list[list]:
    """Each frame's heatmap values in drawing order (panels, then marks); None for frame 0, whose values the page holds."""
    return [[None] * sum(len(p.marks) for p in plan.frame(0))] + [
        [values(m.z) for p in plan.frame(k) for m in p.marks] for k in range(1, plan.n_frames)]


def frame_titles(plan) -> list[list]:
    """Each frame's plot titles (None where a plot shows the figure's title, which stays)."""
    return [[None if plan.title_in_plot else (p.title or "") for p in plan.frame(k)] for k in range(plan.n_frames)]


def _exact_column(plot, renderer) -> None:
    """Give a heatmap source built without ±inf (its ``image`` column exact, :func:`.cells.image_data`) the separate
    ``value`` column a frame with ±inf needs, and point its hover there."""
    from bokeh.models import HoverTool

    data = renderer.data_source.data
    if "value" in data:
        return
    data["value"] = list(data["image"])
    for tool in plot.select({"type": HoverTool}):
        if renderer in (tool.renderers if isinstance(tool.renderers, list) else []):
            tool.tooltips = [(name, field.replace("@image", "@value")) for name, field in tool.tooltips]
            tool.formatters = {("@value" if k == "@image" else k): v for k, v in tool.formatters.items()}


def frame_swap(plan, plots):
    """The ``CustomJS`` that shows frame ``cb_obj.value`` in frame 0's ``plots`` (panel order)."""
    from bokeh.models import CustomJS, GlyphRenderer, Image, PlainText

    sources, infs = [], []
    frames = frame_values(plan)
    has_inf = any(infinite(v) for frame in frames[1:] for v in frame)
    for p in plots:
        renderers = [r for r in p.renderers if isinstance(r, GlyphRenderer)]
        images = [r for r in renderers if isinstance(r.glyph, Image)]
        if has_inf:
            for r in images:
                _exact_column(p, r)
        sources += [r.data_source for r in images]
        infs += [r.data_source for r in renderers if (r.name or "").startswith(INF_NAME)]
    return CustomJS(args={"frames": frames, "sources": sources, "infs": infs, "plots": list(plots),
                          "titles": frame_titles(plan), "spares": [PlainText("") for _ in plots]}, code=_SWAP_JS)
