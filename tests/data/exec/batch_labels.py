# A training step on a parameter read as a dict: a collated batch, whose labels (the ids, the
# start, prompt and pads -100) are read through items(); NLLLoss of raw logits (LL109).
import torch.nn as nn

criterion = nn.NLLLoss(ignore_index=-100, reduction="sum")


def step(model, batch):
    batch = {k: v.to("cpu") for k, v in batch.items()}
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
    return criterion(logits.reshape(-1, logits.size(-1)), batch["labels"][:, 1:].reshape(-1))
