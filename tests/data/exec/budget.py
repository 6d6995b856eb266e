# The raw-logit branch is never taken, and every call spends most of one run's steps before it
# scores: the finding's step budget, not the clock, decides how many tables are tried.
import torch


def score(model, ids, use_raw=False):
    k = 0
    while k < 12000:
        k += 1
    logits = model(ids).logits[:, :-1]
    targets = ids[:, 1:].unsqueeze(-1)
    if use_raw:
        return logits.gather(-1, targets).squeeze(-1).sum(-1)
    return logits.log_softmax(-1).gather(-1, targets).squeeze(-1).sum(-1)
