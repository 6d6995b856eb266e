import argparse

import torch
from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="gpt2")
    args = ap.parse_args()
    tok = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model)
    for ex in load_dataset("qa", split="test"):
        _, _, answer = ex["text"].rpartition("Answer:")
        ids = tok(answer.strip(), return_tensors="pt").input_ids
        logits = model(ids).logits
        score = logits[0, :-1].gather(-1, ids[0, 1:, None]).sum()
        print(answer, score.item())


if __name__ == "__main__":
    main()
