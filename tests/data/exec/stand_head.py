# A value head on a backbone's hidden states: LayerNorm, Dropout and Linear, read at the last
# position. The toy model's hidden state is its table row; the head's weights are stand-ins.
import torch
import torch.nn as nn
from transformers import AutoModel


class ValueModel(nn.Module):
    def __init__(self, name):
        super().__init__()
        self.backbone = AutoModel.from_pretrained(name)
        width = self.backbone.config.hidden_size
        self.norm = nn.LayerNorm(width)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(width, 1))

    def forward(self, input_ids):
        h = self.backbone(input_ids=input_ids).last_hidden_state
        return self.head(self.norm(h)).squeeze(-1)[0, -1]


def sampled_logprob(model, input_ids):
    probs = torch.softmax(model(input_ids).logits[0, -1], dim=-1)
    token = torch.multinomial(probs, 1)
    return torch.log(probs[token]).sum()


def noisy(model, input_ids):
    rng = torch.Generator()
    logits = model(input_ids).logits
    return logits.sum() + torch.rand(1, generator=rng)
