"""Train the gallery's 2-layer attention-only induction model with TransformerLens 4.

The model is built from scratch with ``TransformerBridge.boot_native`` and trained on a CPU in a
few minutes. Every training sequence is a BOS token followed by a random segment of ``L`` tokens
repeated until the context is full, with ``L`` drawn per sequence (:data:`MIN_PERIOD` ..
:data:`MAX_PERIOD`). Because the repeat offset varies, no fixed positional jump predicts the
repeated part: the model has to find the earlier occurrence of the current token and copy the
token that followed it, which needs a previous-token head in layer 0 composing with an induction
head in layer 1. The loss creeps down slowly for a few hundred steps, then drops within about a
hundred steps when the two heads form together: the "induction bump" of Olsson et al. (2022).

Run from the repository root (about three minutes on two otherwise idle CPU cores)::

    python -m vizkit_gallery.data.train_induction

It writes, atomically, ``gallery/data/induction.pt`` (config + state dict, loaded by
:func:`vizkit_gallery.data.models.load_induction_model`) and ``gallery/data/induction_training_log.csv``
(per step: ``step``, ``loss``, ``loss_first_copy``, ``loss_repeats``). All seeds are fixed.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import tempfile
import time
from pathlib import Path

from .models import BOS, CHECKPOINT, D_VOCAB, MODEL_CONFIG, N_CTX, TRAINING_LOG

#: Shortest and longest repeat period of the training sequences.
MIN_PERIOD, MAX_PERIOD = 4, (N_CTX - 1) // 2
#: Optimisation: AdamW with a short linear warm-up, constant learning rate afterwards.
STEPS, BATCH, LR, WEIGHT_DECAY, WARMUP = 4000, 64, 1e-3, 0.01, 100
#: Seed of the weight initialisation (``cfg.seed``) and of the data stream.
SEED = 0
#: CPU threads; fixed so the float reductions, hence the checkpoint, are reproducible.
THREADS = 2


def training_batch(generator, batch: int = BATCH):
    """One batch of periodic random-token sequences and the period of each.

    Parameters
    ----------
    generator : torch.Generator
        Source of randomness (the training data stream).
    batch : int
        Number of sequences.

    Returns
    -------
    tokens : torch.LongTensor
        ``[batch, N_CTX]``: BOS, then a segment of ``period`` random non-BOS tokens (drawn with
        replacement) repeated until the context is full.
    period : torch.LongTensor
        ``[batch]`` repeat periods in ``MIN_PERIOD .. MAX_PERIOD``.
    """
    import torch

    period = torch.randint(MIN_PERIOD, MAX_PERIOD + 1, (batch,), generator=generator)
    segment = torch.randint(BOS + 1, D_VOCAB, (batch, MAX_PERIOD), generator=generator)
    index = torch.arange(N_CTX - 1)[None, :] % period[:, None]
    body = segment.gather(1, index)
    return torch.cat([torch.full((batch, 1), BOS), body], dim=1), period


def per_token_loss(logits, tokens):
    """Cross-entropy of predicting ``tokens[:, 1:]`` from ``logits[:, :-1]``: ``[batch, N_CTX - 1]``."""
    import torch.nn.functional as F

    return F.cross_entropy(logits[:, :-1].transpose(1, 2), tokens[:, 1:], reduction="none")


def train(steps: int = STEPS, *, verbose: bool = True):
    """Boot the model with ``TransformerBridge.boot_native`` and train it.

    Sets torch's thread count (:data:`THREADS`), global seed and deterministic mode for the
    process, so that the result is bit-for-bit reproducible.

    Parameters
    ----------
    steps : int
        Optimiser steps.
    verbose : bool
        Print progress every few hundred steps.

    Returns
    -------
    model : TransformerBridge
        The trained model (eval mode).
    log : list of dict
        Per step: ``step``, ``loss`` (mean over every prediction), ``loss_first_copy`` (the
        predictions made at BOS and at the first occurrence of the segment: unpredictable) and
        ``loss_repeats`` (the predictions made at every later position: predictable by
        induction, since the current token occurred before and the token after it comes next).
    """
    import torch
    from transformer_lens.model_bridge import TransformerBridge

    torch.set_num_threads(THREADS)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    model = TransformerBridge.boot_native(dict(MODEL_CONFIG, seed=SEED))
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / WARMUP))
    generator = torch.Generator().manual_seed(SEED)
    query_pos = torch.arange(N_CTX - 1)[None, :]  # position of each prediction (it predicts the next token)
    log, start = [], time.perf_counter()
    for step in range(steps):
        tokens, period = training_batch(generator)
        losses = per_token_loss(model(tokens), tokens)
        loss = losses.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        with torch.no_grad():
            first = query_pos <= period[:, None]  # BOS and the first copy: nothing to copy from yet
            row = {"step": step, "loss": loss.item(), "loss_first_copy": losses[first].mean().item(),
                   "loss_repeats": losses[~first].mean().item()}
        log.append(row)
        if verbose and (step % 250 == 0 or step == steps - 1):
            print(f"step {step:5d}  loss {row['loss']:.3f}  first copy {row['loss_first_copy']:.3f}  "
                  f"repeats {row['loss_repeats']:.3f}  ({time.perf_counter() - start:.0f} s)", flush=True)
    model.eval()
    return model, log


def _atomic_write(path: Path, write) -> None:
    """Call ``write(tmp_path)`` on a temporary file next to ``path``, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp creates it private; these files are committed and shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(model, log, checkpoint: Path = CHECKPOINT, training_log: Path = TRAINING_LOG) -> None:
    """Write the checkpoint (config + fp32 state dict) and the per-step CSV log, each atomically."""
    import torch

    state = {k: v.detach().to(torch.float32).clone() for k, v in model.state_dict().items()}
    payload = {"config": dict(MODEL_CONFIG), "state_dict": state,
               "training": {"steps": len(log), "batch": BATCH, "lr": LR, "weight_decay": WEIGHT_DECAY,
                            "warmup": WARMUP, "seed": SEED, "min_period": MIN_PERIOD, "max_period": MAX_PERIOD}}
    buffer = io.BytesIO()  # saved through a buffer: torch.save names the archive after a file, and the temp name is random
    torch.save(payload, buffer)
    _atomic_write(checkpoint, lambda p: p.write_bytes(buffer.getvalue()))

    def write_csv(p: Path) -> None:
        with p.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(log[0]))
            writer.writeheader()
            for row in log:
                writer.writerow({k: (v if k == "step" else f"{v:.5f}") for k, v in row.items()})

    _atomic_write(training_log, write_csv)


def main(argv=None) -> int:
    """Command line: train, save, print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=STEPS, help=f"optimiser steps (default {STEPS})")
    parser.add_argument("--checkpoint", type=Path, default=CHECKPOINT, help="where to write the checkpoint")
    parser.add_argument("--log", type=Path, default=TRAINING_LOG, help="where to write the CSV training log")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model, log = train(args.steps)
    save(model, log, args.checkpoint, args.log)
    tail = log[-100:]
    print(f"trained {len(log)} steps in {time.perf_counter() - start:.0f} s; last 100 steps: "
          f"loss {sum(r['loss'] for r in tail) / len(tail):.3f}, "
          f"first copy {sum(r['loss_first_copy'] for r in tail) / len(tail):.3f} (log {D_VOCAB - 1} = {math.log(D_VOCAB - 1):.3f}), "
          f"repeats {sum(r['loss_repeats'] for r in tail) / len(tail):.3f}")
    print(f"wrote {args.checkpoint} ({args.checkpoint.stat().st_size / 1024:.0f} KiB) and {args.log}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
