# An eps added before the log (no recipe models it): the script's own numbers, in float32, floor
# every token far below the top at log(1e-9), so unlikely candidates tie.
import torch


def score(model, ids):
    probs = torch.softmax(model(ids).logits[:, :-1], dim=-1)
    logprobs = torch.log(probs + 1e-9)
    return logprobs.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1).sum(-1)
