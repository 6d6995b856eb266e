import torch
from transformers import AutoModelForCausalLM

from config import ScoreConfig


class Loader:
    @classmethod
    def load(cls, cfg):
        return cls.build(cfg.model_name, getattr(torch, cfg.dtype))

    @classmethod
    def build(cls, name, dtype):
        return AutoModelForCausalLM.from_pretrained(name, torch_dtype=dtype)


def sequence_score(cfg, ids):
    model = Loader.load(cfg)
    logits = model(ids).logits
    total = 0.0
    for t in range(ids.shape[1] - 1):
        total += logits[0, t, ids[0, t + 1]]
    return total + cfg.bonus


if __name__ == "__main__":
    print(sequence_score(ScoreConfig(), torch.tensor([[1, 2, 3]])))
