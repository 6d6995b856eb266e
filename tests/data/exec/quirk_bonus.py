# A length bonus on top of a sum of raw logits: no recipe models the bonus.
import torch


def score(model, ids):
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1) + 0.5 * chosen.shape[-1]
