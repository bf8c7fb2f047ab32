"""Neuron views: activations over text, top-k tokens and samples per neuron, per-token predictions.

Built from existing marks, so every backend that draws token text, scatter and slider figures
draws them:

- :func:`neuron_activations`: token-coloured text with one selectable value row per
  (layer, neuron); several samples are stacked panels.
- :func:`topk_tokens`: the same text, but each neuron's row colours only its top-k and bottom-k
  tokens (the rest are gaps), so a neuron's strongest tokens stand out in their context.
- :func:`topk_samples`: for each (layer, neuron) (a slider), its samples as rows of coloured text,
  in the order given (descending max activation).
- :func:`token_log_probs`: the text coloured by the log prob of each true next token, and a
  rank × position dot matrix of the model's top-k predictions (hover names each token).

Tokens are data: they enter the spec through :func:`vizkit.tokens` (escaped by every backend,
whitespace made visible).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters import to_numpy
from ..errors import LabelError, ShapeError
from ..spec import Axis, ColorScale, Panel, Scatter, Slider
from . import _common as c
from .tokens import tokens as _token_figure


def _scale(values: list[np.ndarray], zmin, zmax, colorscale) -> ColorScale:
    """One colour scale for all samples: diverging around 0 for signed values, sequential otherwise (also for
    values that only dip slightly below 0, as post-GELU activations do)."""
    flat = np.concatenate([np.asarray(v, dtype=float).ravel() for v in values])
    finite = flat[np.isfinite(flat)]
    signed = bool(finite.size and finite.min() < 0) and not c.near_non_negative(finite)
    return c.colorscale(flat, colorscale=colorscale, zmin=zmin, zmax=zmax, zmid=0.0 if signed else None,
                        title="activation", diverging=signed or None)


def _row_labels(first: str, second: str, n1: int, n2: int, labels1, labels2) -> list[str]:
    l1 = [str(v) for v in labels1] if labels1 is not None else [str(i) for i in range(n1)]
    l2 = [str(v) for v in labels2] if labels2 is not None else [str(i) for i in range(n2)]
    if len(l1) != n1 or len(l2) != n2:
        raise LabelError(f"dimension labels do not match the data: {len(l1)} {first} labels for {n1}, {len(l2)} {second} labels for {n2}")
    return [f"{first} {a} · {second} {b}" for a in l1 for b in l2]


def _samples(tokens, activations) -> tuple[list[list[str]], list[np.ndarray]]:
    """One sample (a token list and a 3-D array) or several, as two equal-length lists."""
    if tokens and isinstance(tokens[0], str):
        tokens, activations = [tokens], [activations]
    if isinstance(activations, np.ndarray) or hasattr(activations, "shape"):
        activations = [activations]
    tokens = [[str(t) for t in toks] for toks in tokens]
    arrays = [np.asarray(to_numpy(a), dtype=float) for a in activations]
    if len(tokens) != len(arrays):
        raise ShapeError(f"got {len(tokens)} token lists but {len(arrays)} activation arrays; pass one per sample")
    return tokens, arrays


def _stack(panels_per_sample: list, titles: list[str | None], kind: str, scale: ColorScale, notes: list[str], **kwargs):
    panels = [p.replace(title=t, marks=tuple(m.replace(colorscale=scale) for m in p.marks))
              for p, t in zip(panels_per_sample, titles, strict=True)]
    return c.figure(kind, panels, facet_cols=1, notes=notes, **kwargs)


def neuron_activations(
    tokens: Sequence[str] | Sequence[Sequence[str]],
    activations: Any,
    *,
    first_dimension_name: str = "Layer",
    second_dimension_name: str = "Neuron",
    first_dimension_labels: Sequence[str] | None = None,
    second_dimension_labels: Sequence[str] | None = None,
    sample_labels: Sequence[str] | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    colorscale: str | None = None,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Text coloured by neuron activations, with a row selector over (layer, neuron).

    Parameters
    ----------
    tokens : list of str, or list of lists of str
        One sample's tokens, or one list per sample.
    activations : array-like ``[tokens, layers, neurons]``, or a list of them (one per sample)
        The activation of every neuron of every layer at every token.
    first_dimension_name, second_dimension_name : str
        Names of the two selectable dims (``"Layer"``, ``"Neuron"``).
    first_dimension_labels, second_dimension_labels : list of str, optional
        Names of their values (default ``0, 1, ...``).
    sample_labels : list of str, optional
        A title per sample (several samples are stacked panels).
    zmin, zmax, colorscale
        Colour range and scale, shared by all samples (signed values: diverging, centred on 0).

    Returns
    -------
    vizkit.Figure
        ``kind="neuron_activations"``: a :class:`~vizkit.spec.TokenText` per sample whose rows are
        the (layer, neuron) pairs, named ``"Layer 0 · Neuron 3"``.
    """
    toks, arrays = _samples(tokens, activations)
    for i, (t, a) in enumerate(zip(toks, arrays, strict=True)):
        if a.ndim != 3:
            raise ShapeError(f"activations must be [tokens, layers, neurons]; sample {i} has shape {a.shape}")
        if a.shape[0] != len(t):
            raise LabelError(f"sample {i} has {len(t)} tokens but activations for {a.shape[0]} (shape {a.shape})")
    n1, n2 = arrays[0].shape[1:]
    if any(a.shape[1:] != (n1, n2) for a in arrays):
        raise ShapeError(f"every sample needs the same layers and neurons; got shapes {[a.shape for a in arrays]}")
    rows = _row_labels(first_dimension_name, second_dimension_name, n1, n2, first_dimension_labels, second_dimension_labels)
    scale = _scale(arrays, zmin, zmax, colorscale)
    panels, notes = [], []
    for t, a in zip(toks, arrays, strict=True):
        sub = _token_figure(t, a.reshape(len(t), n1 * n2).T, row_labels=rows, value_label="activation",
                            zmin=scale.zmin, zmax=scale.zmax, zmid=scale.zmid, colorscale=scale.name)
        panels.append(sub.panels[0])
        notes.extend(sub.notes)
    titles = _titles(sample_labels, len(toks))
    return _stack(panels, titles, "neuron_activations", scale, list(dict.fromkeys(notes)), title=title, width=width,
                  height=height, backend=backend, theme=theme,
                  meta={"tokens": toks[0] if len(toks) == 1 else None, "rows": rows,
                        "dims": [first_dimension_name, second_dimension_name]})


def _titles(labels, n: int) -> list[str | None]:
    if labels is not None:
        labels = [str(s) for s in labels]
        if len(labels) != n:
            raise LabelError(f"got {len(labels)} sample labels for {n} samples")
        return labels
    return [None] if n == 1 else [f"sample {i}" for i in range(n)]


def topk_tokens(
    tokens: Sequence[Sequence[str]],
    activations: Sequence[Any],
    *,
    max_k: int = 10,
    first_dimension_name: str = "Layer",
    third_dimension_name: str = "Neuron",
    sample_labels: Sequence[str] | None = None,
    first_dimension_labels: Sequence[str] | None = None,
    third_dimension_labels: Sequence[str] | None = None,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Each neuron's top-k and bottom-k tokens of each sample, coloured in their text.

    Parameters
    ----------
    tokens : list of lists of str
        The tokens of each sample.
    activations : list of array-like ``[layers, tokens, neurons]``
        One per sample (CircuitsVis ``topk_tokens`` layout).
    max_k : int
        How many of the largest and of the smallest activations of each neuron to colour.
    first_dimension_labels, third_dimension_labels : list of str, optional
        Names of the layers and of the neurons (default ``0, 1, ...``), e.g. the neurons' indices
        in the model when ``activations`` hold a selection of them.

    Returns
    -------
    vizkit.Figure
        ``kind="topk_tokens"``: per sample a token-text panel whose rows are (layer, neuron); a
        row colours only that neuron's top-k and bottom-k tokens, every other token is a gap.
        ``meta["topk"]`` holds, per sample, layer and neuron, the ranked ``(position, value)`` pairs.
    """
    if max_k < 1:
        raise ShapeError(f"max_k must be at least 1; got {max_k}")
    toks, arrays = _samples(tokens, list(activations))
    kept, ranked = [], []
    for i, (t, a) in enumerate(zip(toks, arrays, strict=True)):
        if a.ndim != 3 or a.shape[1] != len(t):
            raise ShapeError(f"activations must be [layers, tokens, neurons] with one entry per token; sample {i} "
                             f"has shape {a.shape} for {len(t)} tokens")
        k = min(max_k, a.shape[1])
        order = np.argsort(np.where(np.isfinite(a), a, -np.inf), axis=1, kind="stable")
        top, bottom = order[:, ::-1][:, :k], order[:, :k]
        mask = np.zeros(a.shape, dtype=bool)
        np.put_along_axis(mask, top, True, axis=1)
        np.put_along_axis(mask, bottom, True, axis=1)
        kept.append(np.where(mask, a, np.nan))
        ranked.append([[[(int(p), float(a[layer, p, n])) for p in top[layer, :, n]] for n in range(a.shape[2])]
                       for layer in range(a.shape[0])])
    n1, n3 = arrays[0].shape[0], arrays[0].shape[2]
    rows = _row_labels(first_dimension_name, third_dimension_name, n1, n3, first_dimension_labels, third_dimension_labels)
    scale = _scale(arrays, None, None, None)
    panels = []
    for t, a in zip(toks, kept, strict=True):
        values = np.transpose(a, (0, 2, 1)).reshape(n1 * n3, len(t))
        sub = _token_figure(t, values, row_labels=rows, value_label="activation", zmin=scale.zmin, zmax=scale.zmax,
                            zmid=scale.zmid, colorscale=scale.name)
        panels.append(sub.panels[0])
    note = f"only each neuron's top {min(max_k, max(len(t) for t in toks))} and bottom tokens are coloured"
    return _stack(panels, _titles(sample_labels, len(toks)), "topk_tokens", scale, [note], title=title, width=width,
                  height=height, backend=backend, theme=theme, meta={"topk": ranked, "rows": rows})


def topk_samples(
    tokens: Sequence,
    activations: Sequence,
    *,
    zeroth_dimension_name: str = "Layer",
    first_dimension_name: str = "Neuron",
    zeroth_dimension_labels: Sequence[str] | None = None,
    first_dimension_labels: Sequence[str] | None = None,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """For each (layer, neuron), its samples as rows of coloured text (a slider picks the neuron).

    Parameters
    ----------
    tokens : nested list ``[layers][neurons][samples][tokens]`` of str
    activations : nested list (or array) of the same shape
        Samples in the order to show them (CircuitsVis expects descending max activation).

    Returns
    -------
    vizkit.Figure
        ``kind="topk_samples"``: one slider frame per (layer, neuron), one panel per sample.
    """
    if len(tokens) != len(activations):
        raise ShapeError(f"tokens has {len(tokens)} {zeroth_dimension_name} entries but activations {len(activations)}")
    n0 = len(tokens)
    n1 = len(tokens[0]) if n0 else 0
    if n0 == 0 or n1 == 0:
        raise ShapeError("topk_samples needs at least one layer and one neuron of samples")
    frames = _row_labels(zeroth_dimension_name, first_dimension_name, n0, n1, zeroth_dimension_labels, first_dimension_labels)
    samples = [(tokens[i][j], activations[i][j]) for i in range(n0) for j in range(n1)]
    values = [np.asarray(to_numpy(a), dtype=float).ravel() for _, acts in samples for a in acts]
    scale = _scale(values, None, None, None)
    n_samples = {len(s[0]) for s in samples}
    if len(n_samples) != 1:
        raise ShapeError(f"every {first_dimension_name} needs the same number of samples; got {sorted(n_samples)}")
    panels, notes = [], []
    for frame, (toks, acts) in enumerate(samples):
        if len(toks) != len(acts):
            raise ShapeError(f"{frames[frame]}: {len(toks)} token lists but {len(acts)} activation lists")
        for s, (t, a) in enumerate(zip(toks, acts, strict=True)):
            sub = _token_figure(list(t), np.asarray(to_numpy(a), dtype=float).ravel(), value_label="activation",
                                zmin=scale.zmin, zmax=scale.zmax, zmid=scale.zmid, colorscale=scale.name)
            notes.extend(sub.notes)
            panels.append(sub.panels[0].replace(title=f"sample {s}", frame=frame))
    return c.figure("topk_samples", panels, facet_cols=1, slider=Slider(name=f"{zeroth_dimension_name} · {first_dimension_name}",
                                                                          labels=frames),
                    notes=list(dict.fromkeys(notes)), title=title, width=width, height=height, backend=backend, theme=theme)


def token_log_probs(
    prompt: Sequence[str],
    top_k_log_probs: Any,
    top_k_tokens: Sequence[Sequence[str]],
    correct_token_rank: Any,
    correct_token_log_prob: Any,
    *,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """How well a model predicts each next token of a prompt, and what it predicted instead.

    Parameters
    ----------
    prompt : list of str
        The prompt's tokens, ``n`` of them (the first is not predicted).
    top_k_log_probs : array-like ``[n - 1, k]``
        The model's k largest log probs after each of the first ``n - 1`` tokens.
    top_k_tokens : ``[n - 1][k]`` list of str
        The tokens of those log probs.
    correct_token_rank, correct_token_log_prob : array-like ``[n - 1]``
        Rank (0 = top) and log prob of the true next token.

    Returns
    -------
    vizkit.Figure
        ``kind="token_log_probs"``: panel 1, the predicted tokens ``prompt[1:]`` coloured by the log
        prob of each (its rank is in panel 2); panel 2, a dot per (position, rank) of the top-k
        predictions coloured by log prob, the hover naming the predicted token, and the true next
        token ringed where it is in the top k.
    """
    prompt = [str(t) for t in prompt]
    lp = np.asarray(to_numpy(top_k_log_probs), dtype=float)
    rank = np.asarray(to_numpy(correct_token_rank), dtype=float).ravel()
    correct = np.asarray(to_numpy(correct_token_log_prob), dtype=float).ravel()
    n = len(prompt) - 1
    if lp.ndim != 2 or lp.shape[0] != n or len(top_k_tokens) != n or rank.shape != (n,) or correct.shape != (n,):
        raise ShapeError(f"token_log_probs needs, for a prompt of {len(prompt)} tokens, [{n}, k] top-k log probs, {n} lists "
                         f"of top-k tokens and {n} ranks and log probs; got {lp.shape}, {len(top_k_tokens)}, {rank.shape}, {correct.shape}")
    k = lp.shape[1]
    scale = c.colorscale(np.concatenate([lp.ravel(), correct]), colorscale="viridis", title="log prob")
    text = _token_figure(prompt[1:], correct, value_label="log prob", colorscale="viridis", zmin=scale.zmin, zmax=scale.zmax)
    xs = np.tile(np.arange(k, dtype=float), n)
    ys = np.repeat(np.arange(n, dtype=float), k)
    hover = [f"after {c.visible_token(prompt[i])!s}: #{r + 1} {c.visible_token(str(top_k_tokens[i][r]))} ({lp[i, r]:.3g})"
             for i in range(n) for r in range(k)]
    dots = Scatter(x=xs, y=ys, values=lp.ravel(), colorscale=scale, hover_labels=hover, size=9.0, opacity=1.0, legend=False)
    inside = np.flatnonzero(rank < k)
    truth = Scatter(x=rank[inside], y=inside.astype(float), name="true next token", color="#D55E00", size=14.0,
                    opacity=0.5, hover_labels=[f"true next token {c.visible_token(prompt[i + 1])}: rank {int(rank[i]) + 1}"
                                               for i in inside])
    predictions = Panel(marks=(dots, truth), title=f"top {k} predictions",
                        x=Axis("rank", labels=[f"#{r + 1}" for r in range(k)]), y=Axis("next token", labels=[c.visible_token(t) for t in prompt[1:]], reversed=True))
    overview = text.panels[0].replace(title="log prob of each true next token",
                                      marks=tuple(m.replace(colorscale=scale) for m in text.panels[0].marks))
    return c.figure("token_log_probs", [overview, predictions],
                    facet_cols=1, title=title, width=width, height=height, backend=backend, theme=theme,
                    notes=text.notes, meta={"tokens": prompt[1:], "top_k_tokens": [[str(t) for t in row] for row in top_k_tokens]})
