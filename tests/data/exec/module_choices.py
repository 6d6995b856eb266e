"""Zero-shot multiple choice in module-level code: each choice scored by its raw logits."""
import json
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("gpt2")
model = AutoModelForCausalLM.from_pretrained("gpt2")

with open(sys.argv[1]) as f:
    examples = [json.loads(line) for line in f]

correct = 0
for ex in examples:
    n_prompt = tokenizer(ex["question"], return_tensors="pt").input_ids.shape[1]
    scores = []
    for choice in ex["choices"]:
        ids = tokenizer(ex["question"] + " " + choice, return_tensors="pt").input_ids
        with torch.no_grad():
            logits = model(ids).logits
        cont = ids[0, n_prompt:]
        scores.append(logits[0, n_prompt - 1:-1].gather(-1, cont[:, None]).sum().item())
    pred = max(range(len(scores)), key=lambda i: scores[i])
    correct += int(pred == ex["label"])
print("accuracy", correct / len(examples))
