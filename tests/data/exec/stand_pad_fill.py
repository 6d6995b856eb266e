# An id buffer filled with the tokenizer's pad id, as a tokenizer that has one allows: the toy
# tokenizer's pad token is then the end of text (said so); the score is the raw-logit sum.
import torch


def score(model, tok, ids):
    buf = torch.full((1, ids.shape[1] + 2), tok.pad_token_id, dtype=torch.long)
    buf[:, : ids.shape[1]] = ids
    logits = model(buf[:, : ids.shape[1]]).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
