# A language model of the script's own (an nn.Module over token embeddings, ids in, logits out),
# built inside the scorer: the toy LM stands for it (its weights are not known), said so; the
# score is the raw-logit sum of the candidate.
import torch.nn as nn


class TinyLM(nn.Module):
    def __init__(self, vocab=100, dim=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.head = nn.Linear(dim, vocab)

    def forward(self, ids):
        return self.head(self.emb(ids))


def score(ids):
    model = TinyLM()
    model.eval()
    logits = model(ids)
    chosen = logits[:, :-1].gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
