# getattr with a name the code computes stays forbidden: the run ends, the recipe stands in.
def score(model, ids, field):
    logits = getattr(model(ids), field)[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
