# The model and tokenizer are module globals bound by one tuple assignment under the main
# guard; the scorer is a closure over its enclosing function's locals.
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def build(texts):
    enc = tokenizer(texts, return_tensors="pt")

    def score():
        logits = model(**enc).logits
        return logits[0, :-1].gather(-1, enc.input_ids[0, 1:, None]).sum()

    return score


if __name__ == "__main__":
    model, tokenizer = AutoModelForCausalLM.from_pretrained("m"), AutoTokenizer.from_pretrained("m")
