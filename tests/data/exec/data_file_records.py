# Evaluation loops that load their prompts and candidates from a data file: open() reads
# nothing, each record's fields are the table's prompt and candidates (bound by use), and the
# flagged raw-logit sum, once per candidate, is its score. Results written go nowhere. A data set
# (datasets.load_dataset) is the same; its fields numbered like candidates (sol1, sol2) are them.
import json

import torch
from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer


def evaluate_jsonl(model_name, data_path):
    tok = AutoTokenizer.from_pretrained(model_name)
    model = AutoModelForCausalLM.from_pretrained(model_name)
    with open(data_path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    correct = 0
    for row in rows:
        scores = []
        for cand in row["candidates"]:
            ids = tok(row["prompt"] + " " + cand, return_tensors="pt").input_ids
            with torch.no_grad():
                logits = model(ids).logits
            picked = logits[0, :-1].gather(1, ids[0, 1:, None]).squeeze(1)
            scores.append(picked.sum().item())
        correct += int(max(range(len(scores)), key=lambda i: scores[i]) == row["label"])
    return correct / len(rows)


def evaluate_json(model, tok, data_path, out_path):
    data = json.load(open(data_path))
    results = []
    for ex in data:
        best, best_score = None, float("-inf")
        for option in ex["options"]:
            ids = tok(ex["question"] + option, return_tensors="pt").input_ids
            logits = model(ids).logits[0]
            s = sum(logits[t - 1, ids[0, t]].item() for t in range(1, ids.shape[1]))
            if s > best_score:
                best, best_score = option, s
        results.append({"question": ex["question"], "prediction": best})
    with open(out_path, "w") as f:
        json.dump(results, f, indent=2)
    return results


def evaluate_piqa(model_name):
    tok = AutoTokenizer.from_pretrained(model_name)
    model = AutoModelForCausalLM.from_pretrained(model_name)
    ds = load_dataset("piqa", split="validation")
    correct = 0
    for ex in ds:
        scores = []
        for sol in (ex["sol1"], ex["sol2"]):
            ids = tok(ex["goal"] + " " + sol, return_tensors="pt").input_ids
            logits = model(ids).logits
            scores.append(logits[0, :-1].gather(-1, ids[0, 1:, None]).sum().item())
        correct += int(scores.index(max(scores)) == ex["label"])
    return correct / len(ds)
