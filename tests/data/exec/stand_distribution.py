# Helpers that map logits to a next-token distribution: the verifier reads what they return at
# the candidate's tokens.
import numpy as np
import torch


def probs(logits):
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def tempered_log_probs(logits):
    return torch.log_softmax(logits / 2.0, dim=-1)
