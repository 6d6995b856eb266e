# A data set mapped and filtered by functions before the loop (raw.map(lambda ex: {...}), as
# preference and chat data sets are reshaped): the mapped records' fields are bound by their use
# as the loaded ones are, and the flagged raw-logit sum, once per candidate, is its score.
from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer


def evaluate_mapped(model_name):
    tok = AutoTokenizer.from_pretrained(model_name)
    model = AutoModelForCausalLM.from_pretrained(model_name)
    raw = load_dataset("piqa", split="validation")
    raw = raw.map(lambda ex: {"goal": ex["goal"].strip(), "sol1": ex["sol1"], "sol2": ex["sol2"]})
    raw = raw.filter(lambda ex: len(ex["goal"]) > 0)
    correct = 0
    for ex in raw:
        scores = []
        for sol in (ex["sol1"], ex["sol2"]):
            ids = tok(ex["goal"] + " " + sol, return_tensors="pt").input_ids
            logits = model(ids).logits
            scores.append(logits[0, :-1].gather(-1, ids[0, 1:, None]).sum().item())
        correct += int(scores.index(max(scores)) == ex["label"])
    return correct / len(raw)
