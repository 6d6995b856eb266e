# torch's chunk and split cut a tensor into pieces along an axis (the last one shorter, or of
# each size listed); torch.nn.init fills a head's bias with a constant in place, and a random
# initialiser keeps the layer's stand-in weights (said in a stand-in line); clip_grad_norm_
# clips no gradient. The script asserts each; the score sums the candidate's raw logits (LL101).
import torch
import torch.nn as nn


def score(model, ids):
    x = torch.arange(10).reshape(2, 5)
    a, b, c = x.chunk(3, dim=1)
    assert a.tolist() == [[0, 1], [5, 6]] and c.tolist() == [[4], [9]]
    assert [p.shape[1] for p in x.split(2, dim=1)] == [2, 2, 1]
    first, rest = x.split([1, 4], 1)
    assert first.tolist() == [[0], [5]] and rest.tolist() == [[1, 2, 3, 4], [6, 7, 8, 9]]
    top, bottom = torch.chunk(x, 2)
    assert bottom.tolist() == [[5, 6, 7, 8, 9]]
    head = nn.Linear(3, 2)
    nn.init.constant_(head.bias, 0.5)
    nn.init.normal_(head.weight, std=0.02)
    assert head.bias.tolist() == [0.5, 0.5]
    assert torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0).item() == 0.0
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
