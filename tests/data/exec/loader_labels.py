# A loader of collated batches (dicts of input_ids, attention_mask, labels), each moved to a
# device by a dict comprehension; NLLLoss of raw logits summed over the corpus (LL109).
import torch.nn as nn

criterion = nn.NLLLoss(ignore_index=-100, reduction="sum")


def corpus_nll(model, loader):
    total = 0.0
    for batch in loader:
        batch = {k: v.to("cpu") for k, v in batch.items()}
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
        total += criterion(logits.reshape(-1, logits.size(-1)), batch["labels"][:, 1:].reshape(-1)).item()
    return total
