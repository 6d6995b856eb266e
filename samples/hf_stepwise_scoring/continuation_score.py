"""Score a continuation token by token, feeding the model one more token each step.

BUG: the score accumulates the logit of each continuation token at the last position.
"""
import torch


@torch.no_grad()
def continuation_score(model, tokenizer, context, continuation):
    ids = tokenizer.encode(context, return_tensors="pt")
    cont_ids = tokenizer.encode(continuation)
    score = 0.0
    for tok in cont_ids:
        next_logits = model(ids).logits[0, -1]
        score += next_logits[tok].item()
        ids = torch.cat([ids, torch.tensor([[tok]])], dim=1)
    return score


def pick(model, tokenizer, context, options):
    scores = [continuation_score(model, tokenizer, context, o) for o in options]
    return options[int(torch.tensor(scores).argmax())]
