# Indices drawn by torch.randint after torch.manual_seed(0) are torch's own draws (the script
# asserts them, as torch gives them: 4 9 3 0 3, then 109 107 from 100 up); the score sums the
# candidate's raw logits (LL101).
import torch


def score(model, ids):
    torch.manual_seed(0)
    draws = torch.randint(0, 10, (5,))
    assert draws.tolist() == [4, 9, 3, 0, 3]
    assert torch.randint(100, 110, size=(2,)).tolist() == [109, 107]
    logits = model(ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
