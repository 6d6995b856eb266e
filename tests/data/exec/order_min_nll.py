# A per-token NLL of the raw logits, which its caller minimises (sorted without reverse): lower
# is better, the script's pick is the candidate with the lowest value.
import torch


@torch.no_grad()
def token_nll(model, tokenizer, prompt, completion):
    ids = tokenizer(prompt + completion, return_tensors="pt").input_ids
    n_prompt = len(tokenizer(prompt).input_ids)
    logits = model(ids).logits[0]
    total = 0.0
    for t in range(n_prompt, ids.shape[1]):
        total -= logits[t - 1, ids[0, t]].item()
    return total / (ids.shape[1] - n_prompt)


def choose(model, tokenizer, prompt, completions):
    nlls = [token_nll(model, tokenizer, prompt, c) for c in completions]
    ranked = sorted(range(len(completions)), key=lambda i: nlls[i])
    return completions[ranked[0]]
