# The raw-logit branch is real code, but the default the callers use never takes it.
import torch


def score(model, ids, use_raw=False):
    logits = model(ids).logits[:, :-1]
    targets = ids[:, 1:].unsqueeze(-1)
    if use_raw:
        return logits.gather(-1, targets).squeeze(-1).sum(-1)
    return logits.log_softmax(-1).gather(-1, targets).squeeze(-1).sum(-1)
