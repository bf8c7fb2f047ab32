"""Spec → CircuitsVis component and props: ``AttentionHeads``, ``ColoredTokens`` or ``ColoredTokensMulti``."""

from __future__ import annotations

import html
import json
import warnings

import numpy as np

from ...errors import BackendError, VizkitWarning
from ...plan.text import MAX_LABEL_CHARS, label_text, number_text
from ...plan.tokens import per_row, row_scales
from ...spec import Heatmap, TokenText, arrays
from ...spec.colors import stops
from ...spec.masks import is_causal
from ...spec.text import visible_token

__all__ = ["KINDS", "view", "static_parts", "rows_stacked", "STACKED_NOTE", "props_json", "token_text", "axis_token", "AXIS_TOKEN_CHARS",
           "SlowRenderWarning", "SLOW_CELLS", "NEGATIVE_COLOR"]

#: Head × query × key cells past which CircuitsVis's own component takes tens of seconds in a browser
#: (issue 12: 12 heads at 256 tokens, 786k cells, took 51 s).
SLOW_CELLS = 250_000
#: The colour negative values run to when the scale's own low end is near white (−0.5 must not look like 0).
NEGATIVE_COLOR = "#b2182b"


class SlowRenderWarning(VizkitWarning):
    """A figure so large that CircuitsVis's component will take tens of seconds to draw it."""


#: The longest token drawn in full on CircuitsVis's attention canvases (its axes have room for about this
#: many characters before the pattern shrinks); longer ones end in …, and the caption counts them.
AXIS_TOKEN_CHARS = 24
#: A space inside a token on an attention axis: CircuitsVis deletes every ``\s`` from its axis labels
#: (``'<img src=x>'`` read ``<imgsrc=x>``); U+2800 (braille blank) draws as a space and is not ``\s``.
AXIS_SPACE = "\u2800"


def token_text(token) -> str:
    """A token for CircuitsVis's token views, which set it with ``innerHTML``: whitespace and invisible
    characters marked as in every backend (:func:`vizkit.spec.text.visible_token`,
    :func:`vizkit.plan.text.label_text`), cut at 50 characters with …, then HTML-escaped.
    """
    return html.escape(label_text(visible_token(str(token))), quote=False)


def axis_token(token) -> str:
    """A token for CircuitsVis's attention canvases (drawn as text, never markup): marked as
    :func:`token_text` marks it, cut at :data:`AXIS_TOKEN_CHARS` with …, inner spaces kept visible."""
    return label_text(visible_token(str(token)), AXIS_TOKEN_CHARS).replace(" ", AXIS_SPACE)


def shortened_tokens_note(tokens, limit: int) -> str | None:
    """``"2 tokens shortened to 24 characters with …"`` (distinct tokens cut), or ``None``."""
    n = len({str(t) for t in tokens if len(label_text(visible_token(str(t)), 10**9)) > limit})
    if not n:
        return None
    return f"{n} {'token' if n == 1 else 'tokens'} shortened to {limit} characters with … (CircuitsVis shows no longer text)"


def _negative_colour(colours, zmin: float) -> str:
    """The scale's low-end colour, or :data:`NEGATIVE_COLOR` when values go below 0 and that end is near white."""
    low = colours[0]
    lum = (0.299 * int(low[1:3], 16) + 0.587 * int(low[3:5], 16) + 0.114 * int(low[5:7], 16)) / 255
    return NEGATIVE_COLOR if zmin < 0 and lum > 0.6 else low

KINDS = frozenset({"attention", "tokens"})
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def view(fig) -> tuple[str, dict, list[str]]:
    """Component, props (arrays as numpy) and the notes this translation adds to the caption."""
    if fig.kind == "attention":
        return _attention_view(fig)
    if fig.kind == "tokens":
        name, props, raw = _token_props(fig)
        return name, props, [note] if (note := shortened_tokens_note(raw, MAX_LABEL_CHARS)) else []
    raise BackendError(f"the circuitsvis backend draws {sorted(KINDS)} figures; got kind {fig.kind!r}")


def _attention_view(fig) -> tuple[str, dict, list[str]]:
    panels = sorted((p for p in fig.panels if any(isinstance(m, Heatmap) for m in p.marks)), key=lambda p: p.frame)
    if not panels:
        raise BackendError("an attention figure needs heatmap panels; this one has none")
    marks = [next(m for m in p.marks if isinstance(m, Heatmap)) for p in panels]
    shapes = {m.z.shape for m in marks}
    if len(shapes) != 1:
        raise BackendError(f"CircuitsVis draws heads of one shape; got heatmaps of shapes {sorted(shapes)}")
    n_query, n_key = shapes.pop()
    if n_query > n_key:
        raise BackendError(f"CircuitsVis needs at most as many queries as keys; got {n_query} × {n_key}")
    if len(marks) * n_key * n_key > SLOW_CELLS:
        warnings.warn(f"CircuitsVis will take tens of seconds to draw {len(marks)} heads of {n_key} × {n_key} "
                      f"({len(marks) * n_key * n_key:,} cells); backend='plotly' draws it in about a second, or select fewer heads",
                      SlowRenderWarning, stacklevel=4)
    z = np.stack([m.z for m in marks]).astype(np.result_type(np.float32, *(m.z.dtype for m in marks)))
    causal = fig.meta.get("causal")
    if causal is None:  # not made by vk.attention: the test vk.attention uses
        causal = is_causal(z)
    n_inf = int(np.count_nonzero(np.isinf(z)))
    z, notes = np.where(np.isfinite(z), z, 0.0), []
    if n_inf:  # CircuitsVis has no gap colour: the cells are drawn as 0 and the caption says so
        notes.append(f"{n_inf} {'cell' if n_inf == 1 else 'cells'} at ±inf drawn as 0 (CircuitsVis has no gap colour)")
    if n_query < n_key:  # the queries are the last positions: zero rows for the first ones
        z = np.concatenate([np.zeros((len(marks), n_key - n_query, n_key), dtype=z.dtype), z], axis=1)
        notes.append(f"rows 0–{n_key - n_query - 1} are empty: the pattern has only the last {n_query} queries")
    tokens = fig.meta.get("tokens")
    if tokens is None or len(tokens) != n_key:  # no tokens, or a down-sampled pattern: the x labels
        tokens = list(marks[0].x_labels or panels[0].x.labels or map(str, range(n_key)))
    scale = marks[0].colorscale
    colours = stops(scale.name)
    if scale.zmin < 0 and _negative_colour(colours, scale.zmin) == NEGATIVE_COLOR:
        notes.append("negative values in red")
    if (note := shortened_tokens_note(tokens, AXIS_TOKEN_CHARS)) is not None:
        notes.append(note)
    return "AttentionHeads", {  # tokens and head names are drawn as text (canvas, React text): marked, not escaped
        "attention": z, "tokens": [axis_token(t) for t in tokens],
        "attentionHeadNames": [label_text(p.title or f"Head {i}") for i, p in enumerate(panels)],
        "minValue": scale.zmin, "maxValue": scale.zmax, "negativeColor": _negative_colour(colours, scale.zmin),
        "positiveColor": colours[-1],
        "maskUpperTri": bool(causal)}, notes


def _token_props(fig) -> tuple[str, dict, list]:
    marks = fig.marks(TokenText)
    if len(marks) != 1:
        raise BackendError(f"a token-text figure needs exactly one TokenText mark; got {len(marks)}")
    mark = marks[0]
    raw = fig.meta.get("tokens")
    raw = raw if raw is not None and len(raw) == len(mark.tokens) else mark.tokens
    tokens = [token_text(t) for t in raw]  # ColoredTokens sets them with innerHTML; the page decodes its hover (.page)
    scale = mark.colorscale
    values = np.asarray(mark.values, dtype=np.float64)
    values = np.where(np.isinf(values), np.nan, values)  # ±inf uncoloured, as the caption says (never an end colour)
    if values.shape[0] == 1:
        colours = stops(scale.name)
        return "ColoredTokens", {"tokens": tokens, "values": values[0], "minValue": scale.zmin, "maxValue": scale.zmax,
                                 "negativeColor": _negative_colour(colours, scale.zmin), "positiveColor": colours[-1]}, raw
    rows = mark.row_labels if mark.row_labels is not None else range(values.shape[0])
    labels = [label_text(str(r)) for r in rows]  # React text: marked, not escaped
    scales = row_scales(mark)  # the mark's scale for every row, or each row's own range
    return "ColoredTokensMulti", {"tokens": tokens, "values": values.T, "labels": labels,
                                  "positiveBounds": [s.zmax for s in scales], "negativeBounds": [s.zmin for s in scales]}, raw


def rows_stacked(fig) -> bool:
    """Whether a token text is drawn as every value row stacked, each its own ``ColoredTokens`` (with its own
    range), in the interactive view too: rows on their own ranges. CircuitsVis 1.43's ``ColoredTokensMulti``
    sets its bounds from the first row once (React state) and keeps them when another row is selected, so
    a selected row of small values would be drawn nearly blank."""
    marks = fig.marks(TokenText) if fig.kind == "tokens" else []
    return len(marks) == 1 and per_row(marks[0])


#: The interactive view's note when its rows are stacked (:func:`rows_stacked`).
STACKED_NOTE = "every value row shown at once (CircuitsVis' row selector would keep the first row's colour range)"


def static_parts(fig) -> tuple[list[dict], int, list[str]]:
    """What a picture shows, which cannot hover through a head or row selector: every head of the
    first slider frame as an ``AttentionPattern`` in the facet grid of the other backends, or every
    value row as a ``ColoredTokens`` line, each under its name.
    """
    name, props, notes = view(fig)
    if name == "ColoredTokensMulti":
        colours = stops(fig.marks(TokenText)[0].colorscale.name)
        lows, highs = props["negativeBounds"], props["positiveBounds"]  # each row's (the same for all unless its own)
        each = len(set(zip(lows, highs, strict=True))) > 1
        return [{"component": "ColoredTokens",
                 "title": f"{label} ({number_text(lows[r])} to {number_text(highs[r])})" if each else label,
                 "props": {"tokens": props["tokens"], "values": props["values"][:, r], "minValue": lows[r], "maxValue": highs[r],
                           "negativeColor": _negative_colour(colours, lows[r]), "positiveColor": colours[-1]}}
                for r, label in enumerate(props["labels"])], 1, notes
    if name != "AttentionHeads":
        return [{"component": name, "props": props}], 1, notes
    shown = len(fig.frame_panels(0))
    single = {k: v for k, v in props.items() if k not in ("attention", "attentionHeadNames")}
    parts = [{"component": "AttentionPattern", "title": props["attentionHeadNames"][i],
              "props": {"attention": props["attention"][i], **single}} for i in range(shown)]
    return parts, fig.grid[1], notes


def props_json(parts: list[dict], cols: int = 1) -> str:
    """``{"cols": cols, "parts": [{"component", "props", "title"?}, ...]}`` as JSON safe inside a ``<script>``.

    Arrays become ``{"dtype", "shape", "bdata"}`` typed arrays; ``<``, ``>``, ``&``, U+2028 and U+2029
    become ``\\u`` escapes, so no string in it can end the script or start markup.
    """
    def encode(value):
        if isinstance(value, np.ndarray):
            return arrays.encode(value.astype(np.float32 if value.dtype == np.float32 else np.float64))
        return value

    data = {"cols": int(cols), "parts": [{**part, "props": {k: encode(v) for k, v in part["props"].items()}} for part in parts]}
    text = json.dumps(data, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _JSON_ESCAPES.items():
        text = text.replace(char, escaped)
    return text
