# A scorer that batches its examples with a shuffling DataLoader (the stand-in keeps the order)
# and torch's default collation (a list of dicts: the ids stacked, the weights a tensor): each
# candidate's score is its raw-logit sum.
from torch.utils.data import DataLoader


def score(model, ids):
    loader = DataLoader([{"input_ids": ids[0], "weight": 1.0}], batch_size=4, shuffle=True)
    total = 0.0
    for batch in loader:
        x = batch["input_ids"]
        logits = model(x).logits[:, :-1]
        chosen = logits.gather(-1, x[:, 1:].unsqueeze(-1)).squeeze(-1)
        total = total + (chosen.sum(-1) * batch["weight"]).sum()
    return total
