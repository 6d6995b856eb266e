# Requests as records (lm-eval style): one (context, continuation) per candidate.
import torch


def loglikelihood(model, tokenizer, requests):
    out = []
    for req in requests:
        ctx = tokenizer.encode(req.context)
        cont = tokenizer.encode(req.continuation)
        ids = torch.tensor([ctx + cont])
        logits = model(ids).logits[0, len(ctx) - 1 : -1]
        picked = logits.gather(-1, torch.tensor(cont)[:, None]).squeeze(-1)
        out.append((float(picked.sum()), False))
    return out


def loglikelihood_ok(model, tokenizer, requests):
    out = []
    for req in requests:
        ctx = tokenizer.encode(req.context)
        cont = tokenizer.encode(req.continuation)
        ids = torch.tensor([ctx + cont])
        logp = model(ids).logits[0, len(ctx) - 1 : -1].log_softmax(-1)
        out.append(float(logp.gather(-1, torch.tensor(cont)[:, None]).sum()))
    return out
