"""An RL rollout drawing from torch.distributions.Categorical; it returns (ids, summed log-probs)."""
import torch
from torch.distributions import Categorical


class OnlineSampler:
    def __init__(self, policy, max_new_tokens=16):
        self.policy = policy
        self.max_new_tokens = max_new_tokens

    @torch.no_grad()
    def rollout(self, prompt_ids):
        ids = prompt_ids
        logps = []
        for _ in range(self.max_new_tokens):
            logits = self.policy(ids).logits[:, -1, :]
            probs = torch.softmax(logits, dim=-1)
            dist = Categorical(probs=probs)
            tok = dist.sample()
            logps.append(torch.log(probs[0, tok]))
            ids = torch.cat([ids, tok[:, None]], dim=1)
        return ids, torch.stack(logps).sum()
