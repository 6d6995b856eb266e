# A language model wrapped in a class of its own module: nll() is outputs.loss of the whole text.
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


class LanguageModel:
    def __init__(self, name):
        self.tokenizer = AutoTokenizer.from_pretrained(name)
        self.model = AutoModelForCausalLM.from_pretrained(name, torch_dtype=torch.float32).eval()

    @torch.no_grad()
    def nll(self, text):
        enc = self.tokenizer(text, return_tensors="pt")
        out = self.model(**enc, labels=enc["input_ids"])
        return float(out.loss)


def load_lm(name):
    return LanguageModel(name)
