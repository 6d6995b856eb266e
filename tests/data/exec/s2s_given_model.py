# A scorer given an encoder-decoder its caller loads (the file's only model class is
# AutoModelForSeq2SeqLM): the question goes to the encoder, each answer is the labels, and the
# raw decoder logits of the answer's tokens are summed.
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer


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
    model = AutoModelForSeq2SeqLM.from_pretrained("t5-small")
    scores = answer_scores(model, tok, "2 + 2 =", ["4", "5"])
    print(max(range(2), key=lambda i: scores[i]))
