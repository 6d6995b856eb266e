# Scorers written as lambdas bound to names at module level: each runs as a function.
import torch

seq_score = lambda logits, ids: logits[:, :-1].gather(-1, ids[:, 1:, None]).squeeze(-1).sum(-1)
seq_logprob = lambda logits, ids: logits[:, :-1].log_softmax(-1).gather(-1, ids[:, 1:, None]).sum()
