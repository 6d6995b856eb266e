# Raw logits of the candidate's tokens summed (LL101), then laid out anew on the way to the
# returned score: F.pad, repeat, expand, a batched matmul with F.one_hot, np.tile and np.dot,
# np.multiply.reduce, np.nanprod, casts to int16 and int32 of the ids, einops.repeat and
# einops.rearrange, torch.linspace.
import einops
import numpy as np
import torch
import torch.nn.functional as F


def by_pad_repeat(model, ids):
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    total = chosen.sum(-1)
    rows = F.pad(total, (2, 1), value=0.0).repeat(3, 1).expand(2, 3, -1)
    return rows[1, 2].sum().item()


def by_one_hot_matmul(model, ids):
    logits = model(ids.short().int().long())[0][:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    total = chosen.sum(-1)
    first = F.one_hot(torch.tensor([0, 1]), 3).to(total.dtype)
    return (first @ total.expand(3))[0].item()


def by_numpy_dot(model, ids):
    logits = model(ids).logits[:, :-1].double()
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    total = chosen.sum(-1).numpy()
    tiled = np.tile(total, (2, 3))
    return float(np.dot(tiled, np.ones(3))[1] / 3 + np.multiply.reduce(np.ones(4)) - np.nanprod([1.0, np.nan]))


def by_einops(model, ids):
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    total = chosen.sum(-1)
    grid = einops.repeat(total, "b -> b k n", k=2, n=3)
    edges = torch.linspace(0, 1, 5)
    return einops.rearrange(grid, "b k n -> (n b) k")[2, 1].item() + edges[0].item() * edges[4].item()
