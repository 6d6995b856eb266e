"""A document's negative log-likelihood, computed without the causal shift: the scorer's own
value is a loss, so the lowest is its pick."""
import torch
import torch.nn.functional as F


def doc_nll(model, input_ids):
    with torch.no_grad():
        logits = model(input_ids).logits.float()
    flat_logits = logits.view(-1, logits.size(-1))
    return F.cross_entropy(flat_logits, input_ids.view(-1), reduction="sum")
