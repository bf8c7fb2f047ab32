"""Fixtures for the MI figure tests: the committed induction model and its caches, a TL 2/3-style
duck-typed cache, a plain dict cache, and spec snapshots.

Snapshots live in ``tests/figures/snapshots/<name>.json`` and are committed. A missing or
different snapshot fails the test; regenerate them deliberately with::

    VIZKIT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/figures -q
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from vizkit.spec import Figure
from vizkit.spec import arrays as spec_arrays

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("VIZKIT_UPDATE_SNAPSHOTS") == "1"


# ---------------------------------------------------------------------------------------------
# Spec checks


def roundtrip(fig: Figure) -> Figure:
    """Assert the spec survives a JSON round trip unchanged (dict and text) and return it."""
    assert Figure.from_dict(fig.to_dict()) == fig
    assert Figure.from_json(fig.to_json()) == fig
    return fig


def check_snapshot(fig: Figure, name: str) -> None:
    """Compare ``fig`` with the committed snapshot ``name`` (arrays to float tolerance)."""
    path = SNAPSHOTS / f"{name}.json"
    if UPDATE:
        fig.save(path)
        return
    if not path.exists():
        pytest.fail(f"snapshot {path.name} is missing: generate it with VIZKIT_UPDATE_SNAPSHOTS=1 and commit it")
    problems = list(_diff(json.loads(path.read_text()), fig.to_dict(), "fig"))
    assert not problems, f"figure differs from snapshot {path.name} (VIZKIT_UPDATE_SNAPSHOTS=1 to accept):\n" + "\n".join(problems[:20])


def _diff(want, got, where):
    if spec_arrays.is_encoded(want) and spec_arrays.is_encoded(got):
        a, b = spec_arrays.decode(want), spec_arrays.decode(got)
        if a.shape != b.shape or a.dtype != b.dtype:
            yield f"{where}: array {a.dtype}{list(a.shape)} != {b.dtype}{list(b.shape)}"
        elif a.dtype.kind == "f" and not np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True):
            yield f"{where}: array values differ (max abs diff {np.nanmax(np.abs(a - b)):.3g})"
        elif a.dtype.kind != "f" and not np.array_equal(a, b):
            yield f"{where}: array values differ"
    elif isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got)):
            if k not in got or k not in want:
                yield f"{where}.{k}: {'missing' if k not in got else 'unexpected'}"
            else:
                yield from _diff(want[k], got[k], f"{where}.{k}")
    elif isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            yield f"{where}: length {len(want)} != {len(got)}"
        for i, (a, b) in enumerate(zip(want, got, strict=True)):
            yield from _diff(a, b, f"{where}[{i}]")
    elif isinstance(want, float) and isinstance(got, float):
        if not np.isclose(want, got, rtol=1e-5, atol=1e-6):
            yield f"{where}: {want!r} != {got!r}"
    elif want != got:
        yield f"{where}: {want!r} != {got!r}"


# ---------------------------------------------------------------------------------------------
# Caches


class LegacyCache:
    """A TransformerLens 2/3-style ``ActivationCache`` stand-in: same key names and indexing.

    ``cache["blocks.0.attn.hook_pattern"]``, ``cache["pattern", 0]`` (short name and layer, as
    ``utils.get_act_name`` resolves it), ``keys()``, ``items()``, ``cache_dict``.
    """

    _SHORT = {"pattern": "attn.hook_pattern", "attn_scores": "attn.hook_attn_scores", "z": "attn.hook_z",
              "q": "attn.hook_q", "k": "attn.hook_k", "v": "attn.hook_v", "resid_pre": "hook_resid_pre",
              "resid_post": "hook_resid_post", "attn_out": "hook_attn_out", "mlp_out": "hook_mlp_out",
              "scale": "ln1.hook_scale"}

    def __init__(self, cache_dict: dict, has_batch_dim: bool = True):
        self.cache_dict = dict(cache_dict)
        self.has_batch_dim = has_batch_dim

    def keys(self):
        return self.cache_dict.keys()

    def items(self):
        return self.cache_dict.items()

    def values(self):
        return self.cache_dict.values()

    def __contains__(self, key):
        return key in self.cache_dict

    def __iter__(self):
        return iter(self.cache_dict)

    def __len__(self):
        return len(self.cache_dict)

    def __getitem__(self, key):
        if isinstance(key, tuple):
            name, layer = key[0], key[1] if len(key) > 1 else None
            if layer is None:
                key = {"embed": "hook_embed", "pos_embed": "hook_pos_embed", "scale": "ln_final.hook_scale"}.get(name, name)
            else:
                key = f"blocks.{layer}.{self._SHORT.get(name, name)}"
        return self.cache_dict[key]


@pytest.fixture(scope="session")
def synthetic_patterns():
    """Causal patterns [batch=2, layer=2, head=3, q=11, k=11]: L0H1 previous-token, L1H2 induction (offset 5).

    The sequence is BOS then 5 random tokens repeated twice, so ``tokens[q] == tokens[q - 5]``.
    """
    n, offset = 11, 5
    rng = np.random.default_rng(0)
    base = np.tril(rng.random((2, 2, 3, n, n)) * 0.2 + 0.01)
    for q in range(n):
        base[:, 0, 1, q] = 0.0
        base[:, 0, 1, q, max(q - 1, 0)] = 1.0
        base[:, 1, 2, q] = 0.0
        base[:, 1, 2, q, q - offset + 1 if q >= offset else 0] = 1.0
    base /= base.sum(-1, keepdims=True)
    return base.astype(np.float32)


SYNTH_TOKENS = ["<bos>", " a", " b", "\n", " <x>", " a", " a", " b", "\n", " <x>", " a"]


@pytest.fixture(scope="session")
def synthetic_dict_cache(synthetic_patterns):
    """A plain dict of hook name → torch tensor, batch first (the patterns above)."""
    import torch

    return {f"blocks.{L}.attn.hook_pattern": torch.tensor(synthetic_patterns[:, L]) for L in range(2)}


@pytest.fixture(scope="session")
def synthetic_legacy_cache(synthetic_dict_cache):
    return LegacyCache(synthetic_dict_cache)


# ---------------------------------------------------------------------------------------------
# What a user reads off a rendered plotly figure


def tick_texts(axis) -> list[str] | None:
    """The tick labels a plotly axis shows (explicit tick text, or the categories in order)."""
    if axis.ticktext is not None:
        return list(axis.ticktext)
    if axis.categoryarray is not None:
        return [str(s).replace("\u200b", "") for s in axis.categoryarray]
    return None


def hover_cell(trace, i: int, j: int) -> tuple[str, str]:
    """The (row, column) labels the hover of heatmap cell ``z[i][j]`` shows."""
    if trace.customdata is not None:
        return tuple(str(s) for s in trace.customdata[i][j])
    return str(trace.y[i]).replace("\u200b", ""), str(trace.x[j]).replace("\u200b", "")


# ---------------------------------------------------------------------------------------------
# The committed induction model (gallery/data), its TransformerLens 4 cache, and the same
# activations as a plain dict and as a TL 2/3-style cache.

#: Repeat offset of the test batch: BOS, then SEQ_LEN random tokens, then the same tokens again.
SEQ_LEN = 10


@pytest.fixture(scope="session")
def induction():
    """The committed model run on a repeated-random-token batch: model, tokens, logits, caches."""
    import torch

    from vizkit_gallery.data.models import induction_batch, load_induction_model

    model = load_induction_model()
    tokens = induction_batch(SEQ_LEN, 0, 2)
    with torch.no_grad():
        logits, cache = model.run_with_cache(tokens)
    str_tokens = [f"t{int(t)}" for t in tokens[0]]
    plain = {str(k): v for k, v in cache.items()}
    return SimpleNamespace(model=model, tokens=tokens, logits=logits, cache=cache, offset=SEQ_LEN,
                           str_tokens=str_tokens, dict_cache=plain, legacy_cache=LegacyCache(plain))
