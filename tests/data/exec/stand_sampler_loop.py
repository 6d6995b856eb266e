# Sampling loops that record each drawn token's log-prob: given how many tokens to generate,
# the run generates the candidate (the sampler draws its tokens in order).
import torch
import torch.nn.functional as F


def sample_read_first(model, prompt, max_new, pad_id):
    bsz, plen = prompt.shape
    tokens = torch.full((bsz, plen + max_new), pad_id, dtype=torch.long)
    tokens[:, :plen] = prompt
    logprobs = torch.zeros(bsz, plen + max_new)
    for cur in range(plen, plen + max_new):
        logits = model(tokens[:, :cur]).logits[:, -1]
        logprobs[:, cur] = -F.cross_entropy(logits, tokens[:, cur], reduction="none", ignore_index=pad_id)
        tokens[:, cur] = torch.multinomial(logits.softmax(-1), 1).squeeze(-1)
    return tokens, logprobs


def sample_write_first(model, prompt, max_new, pad_id):
    bsz, plen = prompt.shape
    tokens = torch.full((bsz, plen + max_new), pad_id, dtype=torch.long)
    tokens[:, :plen] = prompt
    logprobs = torch.zeros(bsz, plen + max_new)
    for cur in range(plen, plen + max_new):
        logits = model(tokens[:, :cur]).logits[:, -1]
        tokens[:, cur] = torch.multinomial(logits.softmax(-1), 1).squeeze(-1)
        logprobs[:, cur] = -F.cross_entropy(logits, tokens[:, cur], reduction="none", ignore_index=pad_id)
    return tokens, logprobs


def greedy_read_first(model, prompt, max_new, pad_id):
    bsz, plen = prompt.shape
    tokens = torch.full((bsz, plen + max_new), pad_id, dtype=torch.long)
    tokens[:, :plen] = prompt
    total = torch.zeros(bsz)
    for cur in range(plen, plen + max_new):
        logits = model(tokens[:, :cur]).logits[:, -1]
        total -= F.cross_entropy(logits, tokens[:, cur], reduction="none", ignore_index=pad_id)
        tokens[:, cur] = logits.argmax(-1)
    return tokens, total
