# A model whose call is unpacked in two, as nanoGPT's (logits, loss) or Hugging Face's (logits,
# cache): the toy LM's logits and None (said so); the score is the raw-logit sum.
def score(model, ids):
    logits, _ = model(ids)
    chosen = logits[:, :-1].gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return chosen.sum(-1)
