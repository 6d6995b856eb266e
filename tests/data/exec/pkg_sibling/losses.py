import torch.nn.functional as F


def lm_aux_loss(lm_logits, labels):
    V = lm_logits.size(-1)
    return F.nll_loss(lm_logits[:, :-1].reshape(-1, V).float(), labels[:, 1:].reshape(-1))
