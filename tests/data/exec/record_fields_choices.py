# An ARC-style example: its fields read by key (example["choices"]["text"]) are a record's, bound by
# their use, and the answer is the label beside the best candidate (a list as long as the
# candidates: their texts). The binding is searched depth first: the fields read last are
# varied first.
import torch


def predict(model, tokenizer, example):
    question = example["question"]
    texts = example["choices"]["text"]
    labels = example["choices"]["label"]
    scores = []
    for t in texts:
        enc = tokenizer(question + " " + t, return_tensors="pt")
        with torch.no_grad():
            logits = model(**enc).logits
        ids = enc["input_ids"][0]
        s = 0.0
        for i in range(1, len(ids)):
            s += logits[0, i - 1, ids[i]].item()
        scores.append(s)
    return labels[scores.index(max(scores))]
