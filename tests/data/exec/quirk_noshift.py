# log_softmax over the vocabulary, but each token read at its own position: no causal shift.
import torch


def score(model, ids):
    lp = torch.log_softmax(model(ids).logits, dim=-1)
    tok = lp[:, 1:].gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return tok.sum(-1)
