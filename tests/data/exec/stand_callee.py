# The ranking is in main(), which parses arguments and reads files: main() runs (each argument
# its default, the records bound by use), and the values it ranks with np.argmin are the scores.
import argparse
import json

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


@torch.no_grad()
def option_losses(model, tokenizer, question, options):
    losses = []
    for opt in options:
        enc = tokenizer(f"{question} {opt}", return_tensors="pt")
        losses.append(model(**enc, labels=enc["input_ids"]).loss.item())
    return np.array(losses)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    tokenizer = AutoTokenizer.from_pretrained("gpt2")
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    hits = []
    for line in open(args.data):
        ex = json.loads(line)
        losses = option_losses(model, tokenizer, ex["question"], ex["options"])
        hits.append(int(np.argmin(losses)) == ex["answer"])
    print(np.mean(hits))
