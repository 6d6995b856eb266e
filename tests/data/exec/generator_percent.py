# Python a scorer is written in: a generator helper consumed by list() and next() (its `yield
# from` too), %-formatting of the prompt and the answer, copy.deepcopy of the logits, floats
# written as Python writes them (str, json.dumps; the run would fail at an assert otherwise); the
# score is the sum of the answer's raw logits (LL101).
import copy
import json

import torch


def chunks(ids, n):
    for start in range(0, ids.shape[1], n):
        yield ids[:, start : start + n]
    yield from []


def score(model, tokenizer, prompt, answer):
    floats = [0.1, 1e-05, 0.0001, 1e16, 1e15, 123.456, -0.0, 2.5e-07, 1 / 3, 100.0, -12345678.9]
    assert " ".join(str(v) for v in floats) == (
        "0.1 1e-05 0.0001 1e+16 1000000000000000.0 123.456 -0.0 2.5e-07 0.3333333333333333 100.0 -12345678.9")
    assert json.dumps({"a": [1, 2.5, None, True], 3: "x\n"}) == '{"a": [1, 2.5, null, true], "3": "x\\n"}'
    assert json.dumps({"k": [1, {}]}, indent=2) == '{\n  "k": [\n    1,\n    {}\n  ]\n}'
    assert "%5.2f|%-4s|%d|%%" % (3.14159, "ab", 7.9) == " 3.14|ab  |7|%"
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
