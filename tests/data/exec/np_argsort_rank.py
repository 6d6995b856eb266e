# Candidates ranked by np.argsort(...)[::-1] (a NumPy reversal; torch.argsort(descending=True) the
# same): the script's order is the raw-logit sums', highest first.
import numpy as np
import torch


def rank_completions(model, tokenizer, prompt, completions):
    totals = []
    for c in completions:
        ids = tokenizer.encode(prompt + c, return_tensors="pt")
        with torch.no_grad():
            logits = model(ids).logits[0].numpy()
        totals.append(sum(logits[t - 1, ids[0, t].item()] for t in range(1, ids.shape[1])))
    order = np.argsort(np.array(totals))[::-1]
    again = torch.argsort(torch.tensor(totals), descending=True)
    assert order.tolist() == again.tolist()
    return [completions[i] for i in order]
