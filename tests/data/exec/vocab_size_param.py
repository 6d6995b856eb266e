# The vocabulary size is a parameter the logits are reshaped by (logits.view(-1, vocab_size)):
# the toy LM's own, so the raw logits of the candidate's tokens reach nll_loss, which negates and
# sums them.
import torch
import torch.nn.functional as F


@torch.no_grad()
def sequence_nll(model, input_ids, vocab_size):
    logits = model(input_ids=input_ids).logits
    flat = logits[:, :-1].reshape(-1, vocab_size)
    return F.nll_loss(flat, input_ids[:, 1:].reshape(-1), reduction="sum").item()
