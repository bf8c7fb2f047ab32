"""What the induction model predicts at each token, and how sure it is.

Top: each token of BOS + a random run + the same run again, coloured by the log probability the
model gave it before seeing it. Bottom: at each position, the model's top ``k`` next-token
predictions as dots coloured by log prob (hover for the token), the true next token ringed where
it is among them. In the first copy the model cannot know the next token: the true one gets
about −4.8, a uniform guess over the 127 tokens. From the second token of the second copy on it
is the top prediction, at a log prob near 0.
"""

from ._shared import SEQ_LEN

CATEGORY = "Induction model · behaviour"
ORDER = 22
PARAMS = {"seq_len": [SEQ_LEN, 5, 20], "k": [5, 3, 10]}


def build(seq_len: int = SEQ_LEN, k: int = 5):
    import torch

    import vizkit as vk

    from ._shared import run, token_names

    tokens, logits, _ = run(seq_len, 0, 1)
    log_probs = logits[0, :-1].double().log_softmax(-1)  # [pos - 1, vocab]: the prediction of each next token
    nxt = tokens[0, 1:]
    top = torch.topk(log_probs, k, dim=-1)
    correct = log_probs.gather(-1, nxt[:, None])[:, 0]
    rank = (log_probs > correct[:, None]).sum(-1)
    names = token_names(tokens)
    vocab = token_names(torch.arange(log_probs.shape[-1]))
    return vk.token_log_probs(names, top.values.numpy(), [[vocab[int(i)] for i in row] for row in top.indices],
                              rank.numpy(), correct.numpy(),
                              title=f"Induction model: log prob of each next token ({seq_len} random tokens repeated)")
