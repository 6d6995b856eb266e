# A head loaded from a file the run cannot read, applied to the logits; the raw logits of the
# chosen tokens summed (LL101).
import torch
import torch.nn as nn


def calibrated_score(model, input_ids, head_path, width):
    head = nn.Linear(width, width, bias=False)
    head.load_state_dict(torch.load(head_path))
    logits = head(model(input_ids).logits)
    picked = logits[0, :-1].gather(-1, input_ids[0, 1:].unsqueeze(-1))
    return picked.sum()
