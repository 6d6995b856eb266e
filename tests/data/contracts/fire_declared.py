import torch
from mypkg.lm import score
from mypkg.models import Scorer


def rank(batch, targets):
    out = score(batch)  # raw logits [batch, pos, vocab], by the declared contract
    picked = torch.gather(out, 2, targets.unsqueeze(-1)).squeeze(-1)
    return picked.sum(-1)  # expect: LL101


def rank_with_scorer(batch, targets):
    s = Scorer("gpt2")
    u = s(batch)  # its forward returns raw logits
    picked = torch.gather(u, -1, targets.unsqueeze(-1)).squeeze(-1)
    return picked.sum(-1)  # expect: LL101
