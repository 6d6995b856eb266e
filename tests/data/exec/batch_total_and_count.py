# A scorer given every candidate's text that returns (totals, token counts), both one float per
# candidate: the item the flagged values flow into (the totals, item 0) is the score, the counts
# beside it are not; each candidate's score is its raw-logit sum.
import torch


def score_texts(model, tok, texts):
    seqs = [tok(t).input_ids for t in texts]
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), tok.eos_token_id, dtype=torch.long)
    real = torch.zeros((len(seqs), width))
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        real[i, : len(s)] = 1.0
    logits = model(input_ids=ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    total = (chosen * real[:, 1:]).sum(-1)
    return total, real[:, 1:].sum(-1)
