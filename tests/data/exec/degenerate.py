# Bindings that prove nothing: the toy LM is never read, or no candidate token is.
def ignores_model(model, ids):
    return float(ids[0, 0])


def prompt_only(model, ids, n):
    logits = model(ids).logits
    total = 0.0
    for k in range(n - 1):
        total += logits[0, k, ids[0, k + 1]]
    return total
