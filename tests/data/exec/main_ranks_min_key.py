import argparse
import json

import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, AutoTokenizer


def batch_of(tok, context, options):
    rows = [tok.encode(context + " " + o) for o in options]
    starts = [len(tok.encode(context))] * len(rows)
    width = max(len(s) for s in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.bool)
    for i, s in enumerate(rows):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, starts[i] : len(s)] = True
    return ids, mask


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    tok = AutoTokenizer.from_pretrained("gpt2")
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    correct = 0
    with open(args.data) as f:
        for line in f:
            ex = json.loads(line)
            ids, mask = batch_of(tok, ex["question"], ex["options"])
            logits = model(ids).logits
            tok_nll = F.cross_entropy(logits.transpose(1, 2), ids, reduction="none")
            nll = (tok_nll * mask).sum(-1).tolist()
            by_option = {}
            for j, v in enumerate(nll):
                by_option[j] = v
            pred = min(by_option, key=by_option.get)
            correct += int(pred == ex["answer"])
    print(correct)


if __name__ == "__main__":
    main()
