# log(clamp(softmax, 1e-12)) of the candidate's tokens plus a bonus of their raw logits: the bonus
# ranks candidates otherwise than log Pr(y|x) on most tables, but that is not the flagged floor's
# harm, which needs a probability below 1e-12; the counterexample shows that one or says it
# found none.
import torch


def score(model, ids, n_prompt):
    logits = model(ids).logits[:, :-1].double()
    logprobs = torch.log(torch.clamp(torch.softmax(logits, dim=-1), min=1e-12))
    tgt = ids[:, 1:].unsqueeze(-1)
    tok = logprobs.gather(-1, tgt).squeeze(-1)[:, n_prompt - 1:]
    bonus = logits.gather(-1, tgt).squeeze(-1)[:, n_prompt - 1:]
    return (tok + bonus).sum().item()
