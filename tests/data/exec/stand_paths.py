# Paths computed as text (os.path.join, basename, dirname as Python computes them: 8 + 4 + 6)
# and a cache the run cannot have (os.path.exists is False, said so): raw-logit sum + 18.
import os


def score(model, ids):
    path = os.path.join("out", "run", "cache.pt")
    if os.path.exists(path):
        return 0.0
    bonus = len(os.path.basename(path)) + len(os.path.dirname("/a/b//c.txt")) + len(os.path.join("a", "/abs", "x"))
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1) + bonus
