"""Score a continuation token by token, fixed: accumulate each token's log-probability."""
import torch


@torch.no_grad()
def continuation_score(model, tokenizer, context, continuation):
    ids = tokenizer.encode(context, return_tensors="pt")
    cont_ids = tokenizer.encode(continuation)
    score = 0.0
    for tok in cont_ids:
        next_logprobs = torch.log_softmax(model(ids).logits[0, -1], dim=-1)
        score += next_logprobs[tok].item()
        ids = torch.cat([ids, torch.tensor([[tok]])], dim=1)
    return score


def pick(model, tokenizer, context, options):
    scores = [continuation_score(model, tokenizer, context, o) for o in options]
    return options[int(torch.tensor(scores).argmax())]
