# A class whose __init__ cannot run here (an optimizer, a file): self's fields are bound by use.
import torch


class Scorer:
    def __init__(self, model, tokenizer, path):
        self.model = model
        self.tokenizer = tokenizer
        self.opt = torch.optim.AdamW(model.parameters(), lr=1e-5)
        self.stats = open(path).read()

    def raw_sum(self, text):
        enc = self.tokenizer(text, return_tensors="pt")
        logits = self.model(**enc).logits[:, :-1]
        ids = enc["input_ids"][:, 1:]
        return logits.gather(-1, ids[..., None]).squeeze(-1).sum().item()

    def log_prob(self, text):
        enc = self.tokenizer(text, return_tensors="pt")
        logp = self.model(**enc).logits[:, :-1].log_softmax(-1)
        ids = enc["input_ids"][:, 1:]
        return logp.gather(-1, ids[..., None]).squeeze(-1).sum().item()
