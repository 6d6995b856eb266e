# A trainer built with an optimizer and a config dataclass (annotated, with defaults); its loss
# feeds softmax probabilities to a label-smoothed cross-entropy.
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class LossConfig:
    smoothing: float = 0.1
    ignore_index: int = -100
    tags: list = field(default_factory=list)


class Trainer:
    def __init__(self, model, cfg: LossConfig):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=1e-5)

    def loss(self, input_ids):
        logits = self.model(input_ids).logits[:, :-1]
        probs = F.softmax(logits, dim=-1)
        targets = input_ids[:, 1:].reshape(-1)
        return F.cross_entropy(
            probs.reshape(-1, probs.size(-1)), targets, ignore_index=self.cfg.ignore_index, label_smoothing=self.cfg.smoothing
        )
