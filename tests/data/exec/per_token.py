# Per-token log-probabilities by log(softmax) in two steps; the caller (not here) sums them.
import torch


def token_logprobs(model, ids):
    probs = torch.softmax(model(ids).logits[:, :-1], dim=-1)
    return torch.log(probs).gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
