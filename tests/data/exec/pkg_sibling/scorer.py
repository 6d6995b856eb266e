# Raw logits summed, plus a length bonus computed by a sibling module: running this needs the
# package's other module.
from . import helpers
from .helpers import length_bonus


def score(model, ids):
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1) + length_bonus(chosen.shape[-1]) * helpers.SCALE
