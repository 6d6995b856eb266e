# A sampling loop whose length has a default its callers may override: run with the candidate's
# length, it generates the candidate.
import torch
import torch.nn.functional as F


def rollout(model, prompt, pad_id, max_new=32):
    bsz, plen = prompt.shape
    buf = torch.full((bsz, plen + max_new), pad_id, dtype=torch.long)
    buf[:, :plen] = prompt
    logps = []
    for t in range(plen, plen + max_new):
        logits = model(buf[:, :t]).logits[:, -1, :]
        nxt = torch.multinomial(F.softmax(logits, dim=-1), 1).squeeze(-1)
        logps.append(-F.cross_entropy(logits, buf[:, t], ignore_index=pad_id, reduction="none"))
        buf[:, t] = nxt
    return buf, torch.stack(logps, dim=1)
