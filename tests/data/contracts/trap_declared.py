import torch
from mypkg.lm import score, token_logprobs


def rank(batch, targets):
    lp = token_logprobs(batch, targets)  # log-probs of the chosen tokens, by the contract
    return lp.sum(-1)  # a sequence log-likelihood: correct


def rank_normalised(batch, targets):
    out = torch.log_softmax(score(batch), dim=-1)
    picked = torch.gather(out, 2, targets.unsqueeze(-1)).squeeze(-1)
    return picked.sum(-1)
