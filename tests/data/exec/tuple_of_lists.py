import torch


@torch.no_grad()
def score_all(model, tok, texts):
    preds, totals = [], []
    for text in texts:
        ids = tok(text, return_tensors="pt").input_ids
        logits = model(ids).logits
        total = 0.0
        for t in range(ids.shape[1] - 1):
            total += logits[0, t, ids[0, t + 1]]
        totals.append(float(total))
        preds.append(int(total > 0))
    return preds, totals
