"""Cached model runs shared by the gallery examples (not an example: the name starts with ``_``).

Everything heavy happens here once per process: loading the induction model and MiniLM, running
them, patching sweeps. The examples only pick what to draw. torch and TransformerLens are
imported inside the functions, so listing the examples stays cheap.

The induction model's standard input is ``induction_batch(SEQ_LEN, SEED)``: BOS, ten random
tokens, the same ten again. Its patching experiments corrupt one token of the first copy
(:func:`corruption`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
from typing import Any

import numpy as np

#: Held around every model run: hooks (run_with_cache, patching, ablations) are added to the one
#: shared model object, so two runs at once in the gallery's worker threads would see each
#: other's hooks.
MODEL_LOCK = threading.RLock()

#: Length of each copy of the repeated random sequence (the repeat offset).
SEQ_LEN = 10
#: Seed of the sequence shown in single-sequence figures.
SEED = 0
#: Sequences averaged over for head scores and other statistics.
STAT_BATCH = 16
#: The first-copy position whose token the patching experiments corrupt (1 .. SEQ_LEN).
CORRUPT_POS = 5
#: The layer-0 previous-token head and the strongest of the four layer-1 induction heads (the
#: argmax of their head scores over STAT_BATCH sequences; tests/gallery/test_examples.py checks it).
PREV_HEAD = (0, 3)
INDUCTION_HEAD = (1, 1)
#: What the patching experiments corrupt, as shown in the examples' parameter choices.
CORRUPTIONS = {
    "previous token": "the token before the answer in the first copy: the induction heads can no longer find the match",
    "answer token": "the answer itself in the first copy: the induction heads find the match but copy a wrong token",
}


# ---------------------------------------------------------------------------------------------
# The induction model


def model():
    """The trained 2-layer attention-only induction model (cached by ``vizkit_gallery.data``)."""
    from vizkit_gallery.data.models import load_induction_model

    return load_induction_model()


def token_names(tokens) -> list[str]:
    """``["BOS", "t57", ...]`` for one sequence (a ``[pos]`` or ``[1, pos]`` tensor)."""
    from vizkit_gallery.data.models import BOS, str_tokens

    names = str_tokens(tokens)
    return ["BOS" if n == f"t{BOS}" else n for n in names]


@functools.lru_cache(maxsize=32)
def run(seq_len: int = SEQ_LEN, seed: int = SEED, batch: int = 1):
    """``(tokens, logits, cache)`` of the model on ``induction_batch(seq_len, seed, batch)``."""
    import torch

    from vizkit_gallery.data.models import induction_batch

    tokens = induction_batch(seq_len, seed, batch)
    with MODEL_LOCK, torch.no_grad():
        logits, cache = model().run_with_cache(tokens)
    return tokens, logits, cache


@functools.lru_cache(maxsize=32)
def token_losses(seq_len: int = SEQ_LEN, seed: int = SEED, batch: int = 1) -> np.ndarray:
    """``[batch, pos]`` loss (nats) of predicting each token from the ones before; NaN at BOS."""
    tokens, logits, _ = run(seq_len, seed, batch)
    log_probs = logits.double().log_softmax(-1)[:, :-1].gather(-1, tokens[:, 1:, None])[..., 0]
    out = np.full(tuple(tokens.shape), np.nan)
    out[:, 1:] = -log_probs.double().numpy()
    return out


@functools.lru_cache(maxsize=8)
def head_scores(seq_len: int = SEQ_LEN) -> dict:
    """``{"previous token", "duplicate token", "induction"}`` → ``[layer, head]`` DataArray, mean of STAT_BATCH sequences."""
    from vizkit.figures.heads import duplicate_token_scores, induction_scores, previous_token_scores

    _, _, cache = run(seq_len, SEED, STAT_BATCH)
    items = list(range(STAT_BATCH))
    return {
        "previous token": previous_token_scores(cache, batch=items),
        "duplicate token": duplicate_token_scores(cache, seq_len, batch=items),
        "induction": induction_scores(cache, seq_len, batch=items),
    }


def best_head(score: str, layer: int) -> int:
    """The head of ``layer`` with the highest ``score`` (``"previous token"``, ``"induction"`` ...)."""
    da = head_scores()[score]
    return int(np.argmax(np.asarray(da.sel(layer=layer).values)))


def n_layers() -> int:
    return int(model().cfg.n_layers)


def n_heads() -> int:
    return int(model().cfg.n_heads)


# ---------------------------------------------------------------------------------------------
# Patching: a clean repeated sequence and a copy with one first-copy token replaced


@dataclasses.dataclass(frozen=True)
class Corruption:
    """A clean/corrupted pair of runs and the metric every patching example measures."""

    what: str                # a key of CORRUPTIONS
    tokens: Any              # [1, pos] clean tokens
    corrupt: Any             # [1, pos] the same with one token replaced
    position: int            # the replaced position (in the first copy)
    query: int               # the second-copy position whose prediction is measured
    answer: int              # the token the query should predict (clean run)
    cache: Any               # the clean run's cache
    clean_logprob: float
    corrupt_logprob: float

    @property
    def names(self) -> list[str]:
        return token_names(self.tokens)

    def logprob(self, logits):
        """Log-probability of the answer at the query (a 0-d tensor)."""
        return logits[0, self.query].log_softmax(-1)[self.answer]

    def restored(self, logits):
        """The patching metric: 0 = as corrupted, 1 = as clean (fraction of the answer's log-prob restored)."""
        return (self.logprob(logits) - self.corrupt_logprob) / (self.clean_logprob - self.corrupt_logprob)


@functools.lru_cache(maxsize=8)
def corruption(what: str = "previous token", seq_len: int = SEQ_LEN, seed: int = SEED,
               position: int = CORRUPT_POS) -> Corruption:
    """Replace one first-copy token by a token absent from the sequence.

    ``"previous token"`` replaces ``tokens[position - 1]``; ``"answer token"`` replaces
    ``tokens[position]``. Either way the measured prediction is the second-copy query holding
    ``tokens[position - 1]``, whose answer is ``tokens[position]``: induction copies it from the
    first copy, so each corruption breaks a different step of the circuit.
    """
    import torch

    if what not in CORRUPTIONS:
        raise ValueError(f"what must be one of {list(CORRUPTIONS)}; got {what!r}")
    if not 2 <= position <= seq_len:
        raise ValueError(f"position must be in 2 .. {seq_len} (a first-copy token with one before it); got {position}")
    tokens, logits, cache = run(seq_len, seed, 1)
    replaced = position - 1 if what == "previous token" else position
    used = set(tokens[0].tolist())
    from vizkit_gallery.data.models import D_VOCAB

    old = int(tokens[0, replaced])
    new = next(t for t in [*range(old + 1, D_VOCAB), *range(1, old)] if t not in used)
    corrupt = tokens.clone()
    corrupt[0, replaced] = new
    c = Corruption(what=what, tokens=tokens, corrupt=corrupt, position=replaced, query=position - 1 + seq_len,
                   answer=int(tokens[0, position]), cache=cache, clean_logprob=0.0, corrupt_logprob=0.0)
    with MODEL_LOCK, torch.no_grad():
        clean_lp = float(c.logprob(logits))
        corrupt_lp = float(c.logprob(model()(corrupt)))
    return dataclasses.replace(c, clean_logprob=clean_lp, corrupt_logprob=corrupt_lp)


@functools.lru_cache(maxsize=8)
def patch_resid_pre(what: str = "previous token"):
    """``[layer, pos]`` fraction restored by patching the clean ``resid_pre`` into the corrupted run."""
    from transformer_lens import patching

    c = corruption(what)
    with _quiet():
        return patching.get_act_patch_resid_pre(model(), c.corrupt, c.cache, c.restored).detach().numpy()


@functools.lru_cache(maxsize=8)
def patch_head_out(what: str = "previous token"):
    """``[layer, head]`` fraction restored by patching each head's clean output (all positions)."""
    from transformer_lens import patching

    c = corruption(what)
    with _quiet():
        return patching.get_act_patch_attn_head_out_all_pos(model(), c.corrupt, c.cache, c.restored).detach().numpy()


@functools.lru_cache(maxsize=8)
def patch_head_every(what: str = "previous token"):
    """``[patch_type, layer, head]`` for the patch types out, q, k, v, pattern (all positions)."""
    from transformer_lens import patching

    c = corruption(what)
    with _quiet():
        return patching.get_act_patch_attn_head_all_pos_every(model(), c.corrupt, c.cache, c.restored).detach().numpy()


@contextlib.contextmanager
def _quiet():
    """Run a TransformerLens patching sweep without its tqdm progress bar, holding MODEL_LOCK.

    ``transformer_lens.patching`` always wraps its loop in ``tqdm`` (no ``verbose`` switch, and
    ``TQDM_DISABLE`` is read only when tqdm is imported), so its module-level name is swapped
    for a pass-through while the sweep runs.
    """
    from transformer_lens import patching

    with MODEL_LOCK:
        bar = patching.tqdm
        patching.tqdm = lambda iterable, *args, **kwargs: iterable
        try:
            yield
        finally:
            patching.tqdm = bar


# ---------------------------------------------------------------------------------------------
# all-MiniLM-L6-v2


@functools.lru_cache(maxsize=64)
def minilm(sentence: str):
    """``(str_tokens, patterns)`` of MiniLM on ``sentence``; patterns is a ``[layer, head, query, key]`` array."""
    from vizkit_gallery.data.models import minilm_attention

    with MODEL_LOCK:
        toks, cache = minilm_attention(sentence)
    n = len([k for k in cache.keys() if str(k).endswith("attn.hook_pattern")])
    pats = np.stack([cache[f"blocks.{L}.attn.hook_pattern"][0].double().numpy() for L in range(n)])
    return toks, pats


#: MiniLM's context: the model reads at most this many tokens ([CLS] and [SEP] included).
MINILM_CONTEXT = 512


@functools.lru_cache(maxsize=64)
def minilm_cut_note(sentence: str) -> str:
    """``""``, or what was cut when ``sentence`` is longer than MiniLM's context (for the figure's title)."""
    from vizkit_gallery.data.models import load_minilm

    _, tokenizer = load_minilm()
    n = len(tokenizer(sentence, truncation=False, verbose=False)["input_ids"])
    if n <= MINILM_CONTEXT:
        return ""
    return (f" — the first {MINILM_CONTEXT} of its {n:,} tokens (MiniLM's context is {MINILM_CONTEXT} tokens; "
            f"the last {n - MINILM_CONTEXT:,} were cut)")


@functools.lru_cache(maxsize=1)
def minilm_head_scores() -> dict:
    """``{"previous token", "next token", "[CLS]"}`` → ``[layer, head]`` mean attention over SENTENCES.

    Previous/next token: the mean attention of each query on its left/right neighbour;
    ``[CLS]``: the mean attention of every query on position 0 (BERT's attention sink).
    """
    import xarray as xr

    from vizkit_gallery.data.models import SENTENCES

    prev, nxt, cls = [], [], []
    for sentence in SENTENCES:
        _, p = minilm(sentence)
        prev.append(np.diagonal(p, offset=-1, axis1=-2, axis2=-1).mean(-1))
        nxt.append(np.diagonal(p, offset=1, axis1=-2, axis2=-1).mean(-1))
        cls.append(p[..., :, 0].mean(-1))
    n_layers, n_heads = prev[0].shape
    coords = {"layer": np.arange(n_layers), "head": np.arange(n_heads)}
    as_da = lambda rows: xr.DataArray(np.mean(rows, axis=0), dims=("layer", "head"), coords=coords)  # noqa: E731
    return {"previous token": as_da(prev), "next token": as_da(nxt), "[CLS]": as_da(cls)}


def labelled_positions(c: Corruption) -> list[str]:
    """The clean tokens, with the corrupted position shown as ``clean→corrupt`` and the query marked ``?``."""
    names = c.names
    new = token_names(c.corrupt)[c.position]
    names[c.position] = f"{names[c.position]}→{new}"
    names[c.query] = f"{names[c.query]}?"
    return names


# ---------------------------------------------------------------------------------------------
# Statistics over many sequences and weight-based circuits


def _split_copies(losses: np.ndarray, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Losses of first-copy tokens (positions 1 .. seq_len) and of second-copy tokens after the first
    (positions seq_len + 2 .. 2 seq_len): the first token of the second copy is left out, since
    nothing before it says the sequence repeats."""
    return losses[:, 1:seq_len + 1], losses[:, seq_len + 2:]


@functools.lru_cache(maxsize=1)
def copy_losses(seq_len: int = SEQ_LEN, batch: int = 64) -> dict:
    """``{"first copy": ..., "second copy": ...}`` flat per-token losses over ``batch`` sequences."""
    first, second = _split_copies(token_losses(seq_len, SEED, batch), seq_len)
    return {"first copy": first.ravel(), "second copy": second.ravel()}


#: Repeat offsets of the sequences in :func:`induction_points` (8 sequences each).
POINT_SEQ_LENS = (5, 10, 15, 20, 25, 31)


@functools.lru_cache(maxsize=4)
def induction_points(layer: int) -> dict:
    """Per second-copy prediction: each head's attention on the induction target, and the loss.

    Query ``q`` (second copy, holding the token of position ``q - seq_len``) predicts ``q + 1``;
    the induction target is key ``q - seq_len + 1``. Returns ``attention`` ``[point, head]``,
    ``loss``, ``index`` (1 for the first prediction made in the second copy, 2 for the next ...)
    and hover labels ``label``, over 8 sequences for each offset of :data:`POINT_SEQ_LENS`.
    """
    out = {"attention": [], "loss": [], "index": [], "label": []}
    for seq_len in POINT_SEQ_LENS:
        tokens, _, cache = run(seq_len, SEED, 8)
        pattern = cache[f"blocks.{layer}.attn.hook_pattern"].double().numpy()  # [batch, head, query, key]
        losses = token_losses(seq_len, SEED, 8)
        for b in range(tokens.shape[0]):
            names = token_names(tokens[b])
            for q in range(seq_len + 1, 2 * seq_len):
                out["attention"].append(pattern[b, :, q, q - seq_len + 1])
                out["loss"].append(losses[b, q + 1])
                out["index"].append(q - seq_len)
                out["label"].append(f"offset {seq_len}, seq {b}, pos {q}: {names[q]} → {names[q + 1]}")
    return {k: np.asarray(v) if k != "label" else v for k, v in out.items()}


@functools.lru_cache(maxsize=4)
def head_ablation(kind: str = "zero", seq_len: int = SEQ_LEN, batch: int = STAT_BATCH) -> tuple[list[str], np.ndarray]:
    """Head labels and ``[2, n_heads_total]`` rise of the mean loss (second copy, first copy) when
    each head's output (``hook_z``) is replaced by its mean over batch and positions, or by zero."""
    import torch

    if kind not in ("mean", "zero"):
        raise ValueError(f"kind must be 'mean' or 'zero'; got {kind!r}")
    tokens, logits, cache = run(seq_len, SEED, batch)
    m = model()

    def mean_loss(out_logits):
        lp = out_logits.log_softmax(-1)[:, :-1].gather(-1, tokens[:, 1:, None])[..., 0]
        losses = np.full(tuple(tokens.shape), np.nan)
        losses[:, 1:] = -lp.double().numpy()
        first, second = _split_copies(losses, seq_len)
        return np.array([second.mean(), first.mean()])

    clean = mean_loss(logits)
    labels, rises = [], []
    for layer in range(n_layers()):
        z = cache[f"blocks.{layer}.attn.hook_z"]
        for head in range(n_heads()):
            fill = z[:, :, head].mean((0, 1)) if kind == "mean" else torch.zeros_like(z[0, 0, head])

            def hook(act, hook=None, head=head, fill=fill):
                act = act.clone()
                act[:, :, head] = fill
                return act

            with MODEL_LOCK, torch.no_grad():
                ablated = m.run_with_hooks(tokens, fwd_hooks=[(f"blocks.{layer}.attn.hook_z", hook)])
            labels.append(f"L{layer}H{head}")
            rises.append(mean_loss(ablated) - clean)
    return labels, np.array(rises).T


@functools.lru_cache(maxsize=8)
def ov_circuit(layer: int, head: int) -> tuple[np.ndarray, list[str]]:
    """The full OV circuit ``W_E W_V W_O W_U`` of one head over the non-BOS tokens, and their names."""
    m = model()
    as_np = lambda t: t.detach().double().numpy()  # noqa: E731
    w_e = as_np(m.W_E)[1:]
    circuit = w_e @ as_np(m.W_V[layer, head]) @ as_np(m.W_O[layer, head]) @ as_np(m.W_U)[:, 1:]
    return circuit, [f"t{i}" for i in range(1, w_e.shape[0] + 1)]
