# The same scorer in a file that loads a causal LM: the toy causal LM stands for the model it is
# given, which labels= of another length than the ids stop (as they stop Hugging Face's), so no
# counterexample of the script's own is claimed.
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


@torch.no_grad()
def answer_scores(model, tok, question, answers):
    src = tok([question] * len(answers), return_tensors="pt", padding=True)
    tgt = tok(answers, return_tensors="pt", padding=True)
    labels = tgt.input_ids.masked_fill(tgt.attention_mask == 0, -100)
    logits = model(input_ids=src.input_ids, attention_mask=src.attention_mask, labels=labels).logits
    raw = logits.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return (raw * tgt.attention_mask).sum(-1).tolist()


def main():
    tok = AutoTokenizer.from_pretrained("t5-small")
    model = AutoModelForCausalLM.from_pretrained("t5-small")
    scores = answer_scores(model, tok, "2 + 2 =", ["4", "5"])
    print(max(range(2), key=lambda i: scores[i]))
