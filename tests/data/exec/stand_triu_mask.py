# A scorer that builds a causal mask with torch.triu / tril and adds what it keeps: triu of a
# 3x3 matrix of ones above the diagonal keeps 3, tril on and below it 6, NumPy's triu with k=-1
# of a 2x2 keeps all 4: each candidate's score is its raw-logit sum + 13.
import numpy as np
import torch


def score(model, ids):
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    upper = torch.triu(torch.ones(3, 3), diagonal=1).sum()
    lower = torch.ones(3, 3).tril().sum()
    bonus = upper + lower + float(np.triu(np.ones((2, 2)), k=-1).sum())
    return chosen.sum(-1) + bonus
