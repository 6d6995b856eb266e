import argparse
import json

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def pack(tok, context, endings):
    ctx = tok.encode(context)
    rows, spans = [], []
    for e in endings:
        cont = tok.encode(" " + e)
        rows.append(ctx + cont)
        spans.append((len(ctx), len(ctx) + len(cont)))
    width = max(len(s) for s in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    for i, s in enumerate(rows):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, spans


def span_logprobs(model, ids, spans):
    logits = model(ids).logits.double()
    logp = torch.log(torch.softmax(logits, dim=-1))
    out = []
    for i, (a, b) in enumerate(spans):
        out.append(sum(logp[i, p - 1, ids[i, p]].item() for p in range(a, b)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    tok = AutoTokenizer.from_pretrained("gpt2")
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    hits = 0
    with open(args.data) as f:
        for line in f:
            ex = json.loads(line)
            ids, spans = pack(tok, ex["context"], ex["endings"])
            scores = span_logprobs(model, ids, spans)
            hits += int(np.argmax(scores) == ex["label"])
    print(hits)


if __name__ == "__main__":
    main()
