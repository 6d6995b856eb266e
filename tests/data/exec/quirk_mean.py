# The mean of the chosen raw logits, in a loop over positions.
def score(model, ids):
    logits = model(ids).logits
    total = 0.0
    n = 0
    for t in range(1, ids.shape[1]):
        total += logits[0, t - 1, ids[0, t]].item()
        n += 1
    return total / n
