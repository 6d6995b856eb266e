# A scorer nested in a main() that parses arguments (it cannot run here): the locals of main()
# the scorer reads (the tokenizer and the model) are bound by their use, as parameters are.
import argparse
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="gpt2")
    args = ap.parse_args()
    tok = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model)

    def score(prompt, cont):
        ids = tok(prompt + cont, return_tensors="pt").input_ids
        n = len(tok(prompt).input_ids)
        logits = model(ids).logits[0]
        return sum(logits[i - 1, ids[0, i]].item() for i in range(n, ids.shape[1]))

    options = [" yes", " no"]
    best = max(options, key=lambda o: score("Q:", o))
    print(best)


if __name__ == "__main__":
    main()
