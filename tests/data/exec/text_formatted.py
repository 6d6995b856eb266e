# Prompts built with str.format() and f-strings before the tokenizer reads them: the toy
# tokenizer sees the formatted text (the template's words are outside the table), and the
# flagged raw-logit sum, once per candidate, is the score.
import torch

TEMPLATE = "Question: {q}\nAnswer:"


def answer_score(model, tokenizer, question, answer):
    prompt = TEMPLATE.format(q=question)
    full = "{} {}".format(prompt, answer)
    ids = tokenizer(full, return_tensors="pt").input_ids
    n = len(tokenizer(prompt).input_ids)
    with torch.no_grad():
        logits = model(ids).logits[0]
    total = 0.0
    for t in range(n, ids.shape[1]):
        total += logits[t - 1, ids[0, t]].item()
    return total


def fstring_score(model, tokenizer, question, answer):
    prompt = f"Q: {question}\nA:"
    ids = tokenizer(f"{prompt} {answer}", return_tensors="pt").input_ids
    n = tokenizer(prompt, return_tensors="pt").input_ids.shape[1]
    logits = model(ids).logits
    lp = logits[0, n - 1 : -1].gather(-1, ids[0, n:].unsqueeze(-1))
    return lp.sum().item()
