"""The induction bump in the training loss.

The per-step training loss of the gallery's 2-layer attention-only model, trained on random
token segments that repeat, split by what is being predicted. Tokens of a segment's first
occurrence cannot be predicted: their loss stays near log 127 ≈ 4.8 nats all along. Repeated
tokens can be copied from earlier in the context, but for the first ~350 steps the model only
creeps down from 5.2 to about 3.6 nats; then, within about a hundred steps, the loss on repeats
falls below 0.7 and goes on to near zero. That sudden drop is the "induction bump" of Olsson et
al. (2022): the previous-token head and the induction heads form together. Note the first-copy
loss ticking up briefly while they form. The faint line is the raw per-step loss, the bold
line its exponential moving average.
"""

CATEGORY = "Induction model · training"
ORDER = 10
PARAMS = {"smooth": [0.9, 0.0, 0.99], "split": [True, False], "log_y": [False, True]}


def build(smooth: float = 0.9, split: bool = True, log_y: bool = False):
    import vizkit as vk
    from vizkit_gallery.data.models import load_training_log

    log = load_training_log(per_copy=split)
    return vk.loss_curves(log, smooth=smooth, log_y=log_y, labels={"x": "training step", "y": "loss (nats)"},
                          title="Training loss of the induction model: the induction bump")
