# Data attributes of tensors and arrays read as values, not bound methods: x.mT (the last two
# axes swapped), an array's size (its element count), a special token the tokenizer lacks (None).
import numpy as np
import torch


@torch.no_grad()
def score(model, tokenizer, ids):
    sep = tokenizer.sep_token_id
    keep = ids if sep is None else ids[ids != sep][None]
    by_vocab = model(keep).logits.mT
    chosen = by_vocab[0, keep[0, 1:], torch.arange(keep.shape[1] - 1)].numpy()
    return float(chosen.sum() / chosen.size * (keep.shape[1] - 1))
