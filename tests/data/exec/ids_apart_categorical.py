"""A scorer given the prompt's ids and the candidate's ids apart, which joins them itself and
reads the candidate's log-probs from torch.distributions.Categorical over [batch, position,
vocab] logits (it normalises over the last axis): log Pr(candidate | prompt), correct."""
import torch
from torch.distributions import Categorical


@torch.no_grad()
def candidate_logprob(model, prompt_ids, cand_ids):
    ids = torch.cat([prompt_ids, cand_ids], dim=1)
    logits = model(ids).logits[:, :-1, :]
    token_logps = Categorical(logits=logits).log_prob(ids[:, 1:])
    return token_logps[:, prompt_ids.shape[1] - 1:].sum(dim=-1)


def pick(model, prompt_ids, options):
    scores = [candidate_logprob(model, prompt_ids, o).item() for o in options]
    return max(range(len(options)), key=lambda i: scores[i])
