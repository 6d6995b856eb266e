"""The same scorer given the prompt's and the candidate's ids apart, summing the raw logits of
the candidate's tokens (LL101)."""
import torch


@torch.no_grad()
def candidate_logit_sum(model, prompt_ids, cand_ids):
    ids = torch.cat([prompt_ids, cand_ids], dim=1)
    logits = model(ids).logits[:, :-1, :]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen[:, prompt_ids.shape[1] - 1:].sum(dim=-1)


def pick(model, prompt_ids, options):
    scores = [candidate_logit_sum(model, prompt_ids, o).item() for o in options]
    return max(range(len(options)), key=lambda i: scores[i])
