"""An offline text corpus (docstrings of Python's standard library) and MiniLM's activations over it.

The corpus is real English technical prose that every machine with Python has: the module,
class and function docstrings of :data:`STDLIB_MODULES`, read from their source files with
:mod:`ast` (nothing is imported or downloaded). It follows the Python version that runs it.

:func:`corpus_token_ids` tokenises it with all-MiniLM-L6-v2's WordPiece tokenizer and packs it
into ``[CLS] … [SEP]`` windows with no padding; :func:`minilm_activations` runs MiniLM over
them with :func:`vizkit.scale.collect` into a Zarr store under the gallery cache folder
(``$VIZKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/vizkit``, else ``~/.cache/vizkit``), once: later
calls (and a run killed half way) reuse it.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import sys
import sysconfig
from pathlib import Path

import numpy as np

#: Standard-library modules whose docstrings form the corpus (pure-Python source in every CPython).
STDLIB_MODULES: tuple[str, ...] = (
    "argparse", "ast", "base64", "bisect", "calendar", "cmd", "codecs", "collections/__init__", "configparser",
    "contextlib", "copy", "csv", "dataclasses", "difflib", "email/message", "enum", "filecmp", "fnmatch",
    "fractions", "ftplib", "functools", "getopt", "gettext", "glob", "gzip", "heapq", "hmac", "http/client",
    "http/cookiejar", "inspect", "ipaddress", "json/__init__", "json/decoder", "locale", "logging/__init__",
    "mailbox", "mimetypes", "numbers", "operator", "optparse", "os", "pathlib/__init__", "pathlib", "pickle",
    "pkgutil", "platform", "plistlib", "pprint", "queue", "random", "sched", "secrets", "selectors", "shlex",
    "shutil", "smtplib", "socket", "statistics", "string", "subprocess", "tarfile", "tempfile", "textwrap",
    "threading", "timeit", "tokenize", "traceback", "typing", "unittest/case", "urllib/parse", "urllib/request",
    "uuid", "warnings", "weakref", "zipfile/__init__", "zipfile",
)
#: Tokens per window, ``[CLS]`` and ``[SEP]`` included.
SEQ_LEN = 64
#: Windows the gallery collects (64 × 64 = 4,096 tokens).
N_SEQS = 64
#: Windows per batch of the collection run (one Zarr chunk each).
BATCH = 8
#: MiniLM's MLP width and layer count.
D_MLP, N_LAYERS = 1536, 6


def _source(module: str) -> Path | None:
    path = Path(sysconfig.get_paths()["stdlib"]) / f"{module}.py"
    return path if path.is_file() else None


@functools.lru_cache(maxsize=1)
def corpus_texts() -> tuple[str, ...]:
    """Every docstring of :data:`STDLIB_MODULES` (module, classes, functions), in source order."""
    texts: list[str] = []
    seen: set[Path] = set()
    for module in STDLIB_MODULES:
        path = _source(module)
        if path is None or path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc and len(doc.split()) >= 5:
                    texts.append(" ".join(doc.split()))
    return tuple(texts)


@functools.lru_cache(maxsize=4)
def corpus_token_ids(n_seqs: int = N_SEQS, seq_len: int = SEQ_LEN) -> np.ndarray:
    """``[n_seqs, seq_len]`` WordPiece ids: the corpus run together, cut into ``[CLS] … [SEP]`` windows.

    Raises
    ------
    ValueError
        If the corpus is too short for ``n_seqs`` windows.
    """
    from vizkit_gallery.data.models import load_minilm

    _, tokenizer = load_minilm()
    body = seq_len - 2
    ids: list[int] = []
    for text in corpus_texts():
        ids.extend(tokenizer(text, add_special_tokens=False)["input_ids"])
        if len(ids) >= n_seqs * body:
            break
    if len(ids) < n_seqs * body:
        raise ValueError(f"the corpus has {len(ids)} tokens; {n_seqs} windows of {seq_len} need {n_seqs * body}")
    windows = np.asarray(ids[: n_seqs * body], dtype=np.int64).reshape(n_seqs, body)
    cls = np.full((n_seqs, 1), tokenizer.cls_token_id)
    sep = np.full((n_seqs, 1), tokenizer.sep_token_id)
    return np.concatenate([cls, windows, sep], axis=1)


def token_strings(ids: np.ndarray) -> list[str]:
    """WordPiece strings of a flat sequence of ids."""
    from vizkit_gallery.data.models import load_minilm

    _, tokenizer = load_minilm()
    return list(tokenizer.convert_ids_to_tokens([int(i) for i in np.asarray(ids).ravel()]))


def cache_dir() -> Path:
    """Where the gallery keeps collected stores: ``$VIZKIT_CACHE_DIR``, ``$XDG_CACHE_HOME/vizkit`` or ``~/.cache/vizkit``."""
    env = os.environ.get("VIZKIT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vizkit"


def mlp_hooks() -> list[str]:
    """MiniLM's MLP hooks collected for the gallery: pre- and post-GELU of every layer."""
    return [f"blocks.{layer}.mlp.hook_{kind}" for layer in range(N_LAYERS) for kind in ("pre", "post")]


@functools.lru_cache(maxsize=1)
def minilm_activations():
    """MiniLM's MLP activations (pre and post GELU, every layer) on every token of the corpus.

    Collected once with :func:`vizkit.scale.collect` into
    ``<cache_dir>/minilm_stdlib_<key>.zarr`` (the key hashes the token ids and the Python
    version, so a changed corpus gets a new store), and resumed if a previous run was killed.

    Returns
    -------
    xarray.Dataset
        Dask-backed: one ``(token, d_mlp)`` variable per hook of :func:`mlp_hooks`, with ``seq``
        and ``pos`` coordinates per token.

    Notes
    -----
    The run adds hooks to the shared MiniLM object: callers that may run beside other users of
    the model (the gallery's worker threads) hold ``gallery.examples._shared.MODEL_LOCK``.
    """
    import torch

    from vizkit.scale import collect
    from vizkit_gallery.data.models import load_minilm

    ids = corpus_token_ids()
    key = hashlib.sha256(ids.tobytes() + sys.version.encode()).hexdigest()[:12]
    store = cache_dir() / f"minilm_stdlib_{key}.zarr"
    store.parent.mkdir(parents=True, exist_ok=True)
    model, _ = load_minilm()
    batches = [torch.from_numpy(ids[i: i + BATCH]) for i in range(0, len(ids), BATCH)]
    return collect(model, mlp_hooks(), batches, store=store, reduce="tokens", progress=False)
