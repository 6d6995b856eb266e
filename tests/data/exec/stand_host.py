# A scorer configured by its command line and its environment, its model a global bound in a
# top-level loop: argparse gives each argument its default, os.environ is empty, sys.argv is the
# script's name and four placeholder words (len 5), so the bonus is 0.5 * 1.
import argparse
import os
import sys

from transformers import AutoModelForCausalLM


def score(ids):
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1) * float(os.environ.get("SCALE", "1.0")) + args.bonus * (len(sys.argv) - 4)


parser = argparse.ArgumentParser()
parser.add_argument("--model-name", default="gpt2")
parser.add_argument("--bonus", type=float, default="0.5")
args = parser.parse_args()
for name in [args.model_name, sys.argv[1]]:
    model = AutoModelForCausalLM.from_pretrained(name)
