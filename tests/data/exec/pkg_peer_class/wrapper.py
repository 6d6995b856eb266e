import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


class Wrapper:
    def __init__(self, name):
        self.tok = AutoTokenizer.from_pretrained(name)
        self.model = AutoModelForCausalLM.from_pretrained(name)
        self.bonus = 1.0

    def pack(self, texts, conts):
        rows = [self.tok(t).input_ids for t in texts]
        spans = []
        for row, c in zip(rows, conts):
            n = len(self.tok(" " + c, add_special_tokens=False).input_ids)
            spans.append((len(row) - n, len(row)))
        width = max(len(r) for r in rows)
        ids = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
        return ids, spans

    @torch.no_grad()
    def logits(self, ids):
        return self.model(input_ids=ids).logits
