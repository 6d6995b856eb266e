# The candidates' texts encoded by a scorer given the tokenizer and padded by hand into one
# buffer filled with the pad id, as a tokenizer that has one allows (the toy tokenizer's pad token
# is then the end of text, said so): the first use of the tokenizer, called on the prompt,
# binds it, and it stays bound when the run is tried again with the pad id. Each row's raw
# logits of its own tokens are summed.
import torch


def score_texts(model, tok, ctx, conts):
    ctx_ids = tok(ctx).input_ids
    seqs = [ctx_ids + tok(c, add_special_tokens=False).input_ids for c in conts]
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), tok.pad_token_id, dtype=torch.long)
    real = torch.zeros((len(seqs), width))
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        real[i, : len(s)] = 1.0
    logits = model(input_ids=ids).logits[:, :-1]
    chosen = logits.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return (chosen * real[:, 1:]).sum(-1)
