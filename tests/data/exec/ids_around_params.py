# Ids built around a parameter that is a token id (a bos or a separator), and a scorer that
# formats the candidate (its template) before it reads the prompt.
import torch


def score_ids(model, prompt_ids, cont_ids, bos_id):
    ids = torch.tensor([[bos_id] + prompt_ids + cont_ids])
    logits = model(ids).logits[0]
    start = 1 + len(prompt_ids)
    total = 0.0
    for k, t in enumerate(cont_ids):
        total += logits[start + k - 1, t]
    return total.item()


def score_sep(model, tokenizer, prompt, cont, sep_id):
    p = tokenizer.encode(prompt)
    c = tokenizer.encode(cont)
    ids = torch.tensor([p + [sep_id] + c])
    logits = model(ids).logits[0]
    n = len(p) + 1
    return sum(logits[n + i - 1, c[i]].item() for i in range(len(c)))


class Ranker:
    def __init__(self, model, tokenizer, template=lambda s: "Answer: " + s):
        self.model = model
        self.tok = tokenizer
        self.template = template

    def score(self, prompt, cand):
        text = self.template(cand)
        ids = torch.tensor([self.tok.encode(prompt) + self.tok.encode(text)])
        logits = self.model(ids).logits[0]
        n = len(self.tok.encode(prompt))
        return sum(logits[n + i - 1, ids[0, n + i]].item() for i in range(ids.shape[1] - n))
