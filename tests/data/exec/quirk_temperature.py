# Raw logits divided by a temperature, then summed.
import torch

TEMPERATURE = 0.7


def score(model, ids):
    logits = model(ids).logits[:, :-1] / TEMPERATURE
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
