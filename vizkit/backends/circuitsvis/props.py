"""Spec → CircuitsVis component and props: ``AttentionHeads``, ``ColoredTokens`` or ``ColoredTokensMulti``."""

from __future__ import annotations

import html
import json

import numpy as np

from ...errors import BackendError
from ...spec import Heatmap, TokenText, arrays
from ...spec.colors import stops
from ...spec.masks import is_causal

__all__ = ["KINDS", "view", "static_parts", "props_json"]

KINDS = frozenset({"attention", "tokens"})
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def view(fig) -> tuple[str, dict, list[str]]:
    """Component, props (arrays as numpy) and the notes this translation adds to the caption."""
    if fig.kind == "attention":
        return _attention_view(fig)
    if fig.kind == "tokens":
        return (*_token_props(fig), [])
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
    z = np.stack([m.z for m in marks]).astype(np.result_type(np.float32, *(m.z.dtype for m in marks)))
    causal = fig.meta.get("causal")
    if causal is None:  # not made by vk.attention: the test vk.attention uses
        causal = is_causal(z)
    z, notes = np.where(np.isfinite(z), z, 0.0), []
    if n_query < n_key:  # the queries are the last positions: zero rows for the first ones
        z = np.concatenate([np.zeros((len(marks), n_key - n_query, n_key), dtype=z.dtype), z], axis=1)
        notes.append(f"rows 0–{n_key - n_query - 1} are empty: the pattern has only the last {n_query} queries")
    tokens = fig.meta.get("tokens")
    if tokens is None or len(tokens) != n_key:  # no tokens, or a down-sampled pattern: the x labels
        tokens = list(marks[0].x_labels or panels[0].x.labels or map(str, range(n_key)))
    scale = marks[0].colorscale
    colours = stops(scale.name)
    return "AttentionHeads", {
        "attention": z, "tokens": [str(t) for t in tokens],
        "attentionHeadNames": [p.title or f"Head {i}" for i, p in enumerate(panels)],
        "minValue": scale.zmin, "maxValue": scale.zmax, "negativeColor": colours[0], "positiveColor": colours[-1],
        "maskUpperTri": bool(causal)}, notes


def _token_props(fig) -> tuple[str, dict]:
    marks = fig.marks(TokenText)
    if len(marks) != 1:
        raise BackendError(f"a token-text figure needs exactly one TokenText mark; got {len(marks)}")
    mark = marks[0]
    raw = fig.meta.get("tokens")
    raw = raw if raw is not None and len(raw) == len(mark.tokens) else mark.tokens
    tokens = [html.escape(str(t), quote=False) for t in raw]  # ColoredTokens sets them with innerHTML
    scale = mark.colorscale
    values = np.asarray(mark.values, dtype=np.float64)
    if values.shape[0] == 1:
        colours = stops(scale.name)
        return "ColoredTokens", {"tokens": tokens, "values": values[0], "minValue": scale.zmin, "maxValue": scale.zmax,
                                 "negativeColor": colours[0], "positiveColor": colours[-1]}
    labels = list(mark.row_labels) if mark.row_labels is not None else [str(i) for i in range(values.shape[0])]
    n = values.shape[0]
    return "ColoredTokensMulti", {"tokens": tokens, "values": values.T, "labels": labels,
                                  "positiveBounds": [scale.zmax] * n, "negativeBounds": [scale.zmin] * n}


def static_parts(fig) -> tuple[list[dict], int, list[str]]:
    """What a picture shows, which cannot hover through a head or row selector: every head of the
    first slider frame as an ``AttentionPattern`` in the facet grid of the other backends, or every
    value row as a ``ColoredTokens`` line, each under its name.
    """
    name, props, notes = view(fig)
    if name == "ColoredTokensMulti":
        colours = stops(fig.marks(TokenText)[0].colorscale.name)
        line = {"tokens": props["tokens"], "minValue": props["negativeBounds"][0], "maxValue": props["positiveBounds"][0],
                "negativeColor": colours[0], "positiveColor": colours[-1]}
        return [{"component": "ColoredTokens", "title": label, "props": {**line, "values": props["values"][:, r]}}
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
