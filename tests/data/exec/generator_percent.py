# Python a scorer is written in: a generator helper consumed by list() and next() (its `yield
# from` too), %-formatting of the prompt and the answer, copy.deepcopy of the logits; the score
# is the sum of the answer's raw logits (LL101).
import copy

import torch


def chunks(ids, n):
    for start in range(0, ids.shape[1], n):
        yield ids[:, start : start + n]
    yield from []


def score(model, tokenizer, prompt, answer):
    text = "%s %s" % (prompt, answer)
    ids = tokenizer(text, return_tensors="pt").input_ids
    n_prompt = len(tokenizer("%-3s" % prompt).input_ids)
    logits = copy.deepcopy(model(ids).logits)
    pieces = list(chunks(ids[:, 1:], 1))
    first = next(chunks(ids, 2))
    total = 0.0
    for k, piece in enumerate(pieces):
        if k + 1 >= n_prompt:
            total += logits[0, k, piece[0, 0]].item()
    return total + 0 * first.shape[1]
