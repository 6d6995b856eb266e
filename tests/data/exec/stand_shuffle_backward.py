# A training-style scorer: its batch order shuffled (the stand-in keeps it), its loss
# backpropagated (no score reads the gradients), a bonus filled from a one-element tensor: each
# candidate's score is its raw-logit sum + 0.5.
import torch


def score(model, ids):
    order = torch.randperm(ids.shape[0])
    ids = ids[order]
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    loss = -chosen.sum()
    loss.backward()
    bonus = torch.full((1,), torch.tensor(0.5))
    return chosen.sum(-1) + bonus
