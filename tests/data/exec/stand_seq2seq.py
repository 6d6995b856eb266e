# An encoder-decoder ranks answers by the summed NLL of its padded labels: the pad after a
# shorter answer is a target too (LL106), so the shorter answer pays for its padding.
import torch
import torch.nn.functional as F
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer


class Seq2SeqRanker:
    def __init__(self, name):
        self.tok = AutoTokenizer.from_pretrained(name)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(name).eval()

    @torch.no_grad()
    def score(self, source, answers):
        enc = self.tok([source] * len(answers), return_tensors="pt", padding=True)
        labels = self.tok(answers, return_tensors="pt", padding=True).input_ids
        out = self.model(**enc, labels=labels)
        nll = F.cross_entropy(out.logits.transpose(1, 2), labels, reduction="none")
        return (-nll.sum(dim=-1)).tolist()

    @torch.no_grad()
    def score_masked(self, source, answers):
        enc = self.tok([source] * len(answers), return_tensors="pt", padding=True)
        lab = self.tok(answers, return_tensors="pt", padding=True)
        labels = lab.input_ids.masked_fill(lab.attention_mask == 0, -100)
        out = self.model(**enc, labels=labels)
        nll = F.cross_entropy(out.logits.transpose(1, 2), labels, reduction="none", ignore_index=-100)
        return (-nll.sum(dim=-1)).tolist()
