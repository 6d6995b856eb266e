# torch.nn.functional.normalize computed as torch computes it, added to a raw-logit sum as a
# bonus of 4: normalize([[3, 4], [0, 0]], dim=-1) is [[0.6, 0.8], [0, 0]] (a zero row stays zero:
# its norm is clamped at eps), and normalize([1, -1, 2], p=1, dim=0) is [0.25, -0.25, 0.5]; the
# first summed is 1.4, the second's absolute values times 2 are 2, and 0.6 is added: 4.
import torch
import torch.nn.functional as F


def raw_sum_bonus(model, input_ids):
    logits = model(input_ids).logits[:, :-1, :]
    picked = logits.gather(-1, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    rows = F.normalize(torch.tensor([[3.0, 4.0], [0.0, 0.0]]), dim=-1)
    l1 = F.normalize(torch.tensor([1.0, -1.0, 2.0]), p=1, dim=0)
    bonus = rows.sum() + 2 * l1.abs().sum() + rows[0, 0]
    return picked.sum(-1) + bonus.item()
