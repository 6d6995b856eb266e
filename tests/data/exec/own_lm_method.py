# A language model of the script's own (an embedding, a head) whose scoring method sums the raw
# logits of the candidate's tokens (LL101): the flagged code is a method of the model's class.
import torch
import torch.nn as nn


class TinyLM(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.wte = nn.Embedding(vocab, dim)
        self.head = nn.Linear(dim, vocab)

    def forward(self, idx):
        return self.head(self.wte(idx))

    @torch.no_grad()
    def sequence_score(self, idx, n_prompt):
        logits = self(idx)
        picked = logits[:, :-1].gather(-1, idx[:, 1:].unsqueeze(-1)).squeeze(-1)
        return picked[:, n_prompt - 1:].sum().item()
